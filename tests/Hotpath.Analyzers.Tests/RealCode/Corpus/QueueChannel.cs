// Written for Hotpath's analyzer tests after the idiom of dotnet/runtime
// src/libraries/System.Threading.Channels/src/System/Threading/Channels/UnboundedChannel.cs (MIT): a lock-free
// ConcurrentQueue fast path, a slow path under lock (parent.SyncObj) where SyncObj => _items, a writer that retries
// in a loop around its lock, waiters completed outside the lock, a static callback. Not a copy: see README.md.
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Channels;

public sealed class QueueChannel<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<T>? _blockedReader;
    private Exception? _doneWriting;

    public QueueChannel()
    {
        Reader = new ChannelReader(this);
    }

    public ChannelReader Reader { get; }

    private object SyncObj => _items;

    public sealed class ChannelReader
    {
        private readonly QueueChannel<T> _parent;

        internal ChannelReader(QueueChannel<T> parent) => _parent = parent;

        public ValueTask<T> ReadAsync(CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new ValueTask<T>(Task.FromCanceled<T>(cancellationToken));
            }

            var parent = _parent;
            if (parent._items.TryDequeue(out var item))
            {
                return new ValueTask<T>(item);
            }

            lock (parent.SyncObj)
            {
                if (parent._items.TryDequeue(out item))
                {
                    return new ValueTask<T>(item);
                }

                if (parent._doneWriting is not null)
                {
                    return new ValueTask<T>(Task.FromException<T>(parent._doneWriting));
                }

                var reader = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
                parent._blockedReader = reader;
                return new ValueTask<T>(reader.Task);
            }
        }

        public bool TryRead(out T? item) => _parent._items.TryDequeue(out item);
    }

    public bool TryWrite(T item)
    {
        while (true)
        {
            TaskCompletionSource<T>? blockedReader;
            lock (SyncObj)
            {
                if (_doneWriting is not null)
                {
                    return false;
                }

                blockedReader = _blockedReader;
                _blockedReader = null;
                if (blockedReader is null)
                {
                    _items.Enqueue(item);
                    return true;
                }
            }

            if (blockedReader.TrySetResult(item))
            {
                return true;
            }
        }
    }

    public bool TryComplete(Exception? error)
    {
        bool completeTask;
        lock (SyncObj)
        {
            if (_doneWriting is not null)
            {
                return false;
            }

            _doneWriting = error ?? new ChannelClosedException();
            completeTask = _items.IsEmpty;
        }

        if (completeTask)
        {
            _completion.TrySetResult();
        }

        ThreadPool.UnsafeQueueUserWorkItem(static channel =>
        {
            lock (channel.SyncObj)
            {
                channel._blockedReader?.TrySetException(channel._doneWriting!);
                channel._blockedReader = null;
            }
        }, this, preferLocal: false);
        return true;
    }

    public Task Completion => _completion.Task;

    private sealed class ChannelClosedException : InvalidOperationException
    {
    }
}
