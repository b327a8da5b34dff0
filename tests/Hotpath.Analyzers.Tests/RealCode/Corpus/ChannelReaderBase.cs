// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/System.Threading.Channels/src/System/Threading/
// Channels/ChannelReader.cs and ChannelReader.netcoreapp.cs (MIT): the base reader's ReadAsync completes synchronously
// from TryRead without allocating, and only a reader that must wait goes through an async local function (the
// fast-path/slow-path split); a canceled token gets a canceled task, an exception from TryRead a faulted one (in a
// catch), and ReadAllAsync is an async iterator. ChannelUtilities is a small stand-in. Excerpt: see README.md.
using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace RealCode.Channels;

internal static class ReaderChannelUtilities
{
    internal static readonly Task s_neverCompletingTask = new TaskCompletionSource<bool>().Task;
}

public abstract class ChannelReaderBase<T>
{
    public virtual Task Completion => ReaderChannelUtilities.s_neverCompletingTask;

    public virtual bool CanCount => false;

    public virtual bool CanPeek => false;

    public virtual int Count => throw new NotSupportedException();

    public abstract bool TryRead([MaybeNullWhen(false)] out T item);

    public virtual bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        item = default;
        return false;
    }

    public abstract ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default);

    public virtual ValueTask<T> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<T>(Task.FromCanceled<T>(cancellationToken));
        }

        try
        {
            if (TryRead(out T? fastItem))
            {
                return new ValueTask<T>(fastItem);
            }
        }
        catch (Exception exc) when (!(exc is ChannelClosedException || exc is OperationCanceledException))
        {
            return new ValueTask<T>(Task.FromException<T>(exc));
        }

        return ReadAsyncCore(cancellationToken);

        async ValueTask<T> ReadAsyncCore(CancellationToken ct)
        {
            while (true)
            {
                if (!await WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    throw new ChannelClosedException();
                }

                if (TryRead(out T? item))
                {
                    return item;
                }
            }
        }
    }

    public virtual async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out T? item))
            {
                yield return item;
            }
        }
    }
}
