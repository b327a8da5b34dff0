using System.Buffers;

namespace Hotpath.Batching;

/// <summary>
/// Feeds a <see cref="BatchEngine{T}"/>'s batches through a reducer (typically the <c>Reducer</c> the
/// <c>[BatchReducer]</c> generator emits) and delivers each batch's partials (one per group and window) to a
/// callback. Reducers are reused, one per concurrent batch; the partials memory is pooled and valid only during
/// the callback. The partials of different batches for the same group are separate values: merge them with the
/// generated <c>Combine</c> or a reducer's <c>Merge</c>.
/// </summary>
/// <remarks>
/// A batch is reduced from scratch on every attempt, so a retried batch never counts twice. If the callback
/// throws, the batch is retried and then dead-lettered as raw input rows like any other batch.
/// </remarks>
/// <typeparam name="TIn">The input row type.</typeparam>
/// <typeparam name="TOut">The partial (aggregate) type.</typeparam>
public sealed class ReducingBatchHandler<TIn, TOut>
{
    private readonly Func<IBatchReducer<TIn, TOut>> _reducerFactory;
    private readonly Func<ReadOnlyMemory<TOut>, CancellationToken, ValueTask> _partials;
    private readonly Stack<IBatchReducer<TIn, TOut>> _reducers = new();

    /// <summary>Creates a handler.</summary>
    /// <param name="reducerFactory">Creates a reducer, e.g. <c>static () =&gt; new NodeMinute.Reducer()</c>; called
    /// once per concurrently running batch, then reused.</param>
    /// <param name="partials">Receives the partials of one batch, in no particular order; never called with none.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ReducingBatchHandler(Func<IBatchReducer<TIn, TOut>> reducerFactory, Func<ReadOnlyMemory<TOut>, CancellationToken, ValueTask> partials)
    {
        ArgumentNullException.ThrowIfNull(reducerFactory);
        ArgumentNullException.ThrowIfNull(partials);
        _reducerFactory = reducerFactory;
        _partials = partials;
    }

    /// <summary>Creates an engine whose batches go through a new <see cref="ReducingBatchHandler{TIn, TOut}"/>.</summary>
    /// <param name="options">Engine settings.</param>
    /// <param name="reducerFactory">Creates a reducer (see the constructor).</param>
    /// <param name="partials">Receives each batch's partials.</param>
    /// <param name="deadLetter">Receives input batches whose reduction or callback failed every attempt.</param>
    /// <returns>The running engine.</returns>
    public static BatchEngine<TIn> CreateEngine(
        BatchEngineOptions options,
        Func<IBatchReducer<TIn, TOut>> reducerFactory,
        Func<ReadOnlyMemory<TOut>, CancellationToken, ValueTask> partials,
        Func<ReadOnlyMemory<TIn>, Exception, ValueTask>? deadLetter = null)
    {
        var handler = new ReducingBatchHandler<TIn, TOut>(reducerFactory, partials);
        return new BatchEngine<TIn>(options, handler.HandleAsync, deadLetter);
    }

    /// <summary>Reduces one batch and delivers its partials: the <see cref="BatchEngine{T}"/> handler.</summary>
    /// <param name="batch">The input rows.</param>
    /// <param name="cancellationToken">Passed to the callback.</param>
    /// <returns>A task that completes when the callback has.</returns>
    public ValueTask HandleAsync(ReadOnlyMemory<TIn> batch, CancellationToken cancellationToken)
    {
        var reducer = RentReducer();
        TOut[]? buffer = null;
        ValueTask pending;
        try
        {
            reducer.Add(batch.Span);
            var count = reducer.Count;
            if (count == 0)
            {
                Return(reducer, null);
                return default;
            }

            buffer = ArrayPool<TOut>.Shared.Rent(count);
            reducer.CopyTo(buffer);
            pending = _partials(new ReadOnlyMemory<TOut>(buffer, 0, count), cancellationToken);
        }
        catch
        {
            Return(reducer, buffer);
            throw;
        }

        if (pending.IsCompleted)
        {
            Return(reducer, buffer);
            return pending; // completed: the caller observes its result or exception
        }

        return AwaitAndReturnAsync(pending, reducer, buffer);
    }

    private async ValueTask AwaitAndReturnAsync(ValueTask pending, IBatchReducer<TIn, TOut> reducer, TOut[] buffer)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Return(reducer, buffer);
        }
    }

    private IBatchReducer<TIn, TOut> RentReducer()
    {
        lock (_reducers)
        {
            if (_reducers.Count > 0)
            {
                return _reducers.Pop();
            }
        }

        return _reducerFactory() ?? throw new InvalidOperationException("The reducer factory returned null.");
    }

    private void Return(IBatchReducer<TIn, TOut> reducer, TOut[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<TOut>.Shared.Return(buffer, System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<TOut>());
        }

        reducer.Clear();
        lock (_reducers)
        {
            _reducers.Push(reducer);
        }
    }
}
