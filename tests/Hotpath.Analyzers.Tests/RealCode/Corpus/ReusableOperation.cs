// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/System.Threading.Channels/src/System/Threading/Channels/AsyncOperation.cs (MIT): a reusable
// IValueTaskSource whose continuation field holds static readonly sentinel delegates, is claimed and completed with
// Interlocked.CompareExchange, and is invoked through static lambdas (cancellation, thread pool, execution context)
// that take the operation as their state. Not a copy: see README.md.
using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace RealCode.Channels;

internal sealed class ReusableOperation<T> : IValueTaskSource<T>
{
    private static readonly Action<object?> s_available = static _ => { };
    private static readonly Action<object?> s_completed = static _ => { };

    private readonly CancellationTokenRegistration _registration;
    private Action<object?>? _continuation;
    private object? _state;
    private ExecutionContext? _context;
    private ExceptionDispatchInfo? _error;
    private T? _result;
    private short _version;
    private int _reserved;

    public ReusableOperation(CancellationToken cancellationToken)
    {
        _continuation = s_available;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static state => ((ReusableOperation<T>)state!).TryCancel(), this);
        }
    }

    public ValueTask<T> Task => new(this, _version);

    public bool TryOwn() => ReferenceEquals(Interlocked.CompareExchange(ref _continuation, null, s_available), s_available);

    public ValueTaskSourceStatus GetStatus(short token) =>
        !ReferenceEquals(Volatile.Read(ref _continuation), s_completed) ? ValueTaskSourceStatus.Pending :
        _error is null ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Faulted;

    public T GetResult(short token)
    {
        var error = _error;
        var result = _result!;
        _version++;
        Volatile.Write(ref _continuation, s_available);
        error?.Throw();
        return result;
    }

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _state = state;
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            _context = ExecutionContext.Capture();
        }

        if (Interlocked.CompareExchange(ref _continuation, continuation, null) is not null)
        {
            ThreadPool.QueueUserWorkItem(continuation, state, preferLocal: false);
        }
    }

    public bool TrySetResult(T result)
    {
        _registration.Dispose();
        if (Interlocked.Exchange(ref _reserved, 1) != 0)
        {
            return false;
        }

        _result = result;
        Signal();
        return true;
    }

    private void TryCancel()
    {
        if (Interlocked.Exchange(ref _reserved, 1) == 0)
        {
            _error = ExceptionDispatchInfo.Capture(new OperationCanceledException());
            Signal();
        }
    }

    private void Signal()
    {
        if (Interlocked.CompareExchange(ref _continuation, s_completed, null) is null)
        {
            return;
        }

        if (_context is null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => ((ReusableOperation<T>)state!).Invoke(), this, preferLocal: false);
        }
        else
        {
            ExecutionContext.Run(_context, static state => ((ReusableOperation<T>)state!).Invoke(), this);
        }
    }

    private void Invoke()
    {
        var continuation = _continuation!;
        _continuation = s_completed;
        continuation(_state);
    }
}
