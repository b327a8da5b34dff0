// Written for Hotpath's analyzer tests after dotnet/runtime
// src/libraries/System.Threading.Channels/src/System/Threading/Channels/BoundedChannel.cs (MIT): every member under
// lock (parent.SyncObj) where SyncObj => _items; a writer that takes the lock with Monitor.Enter(obj, ref releaseLock)
// inside a try, gives it back early with Monitor.Exit and releaseLock = false on its dropping branches so the
// item-dropped callback runs outside the lock, and releases in finally only if (releaseLock); singleton waiters reused
// through TryOwnAndReset; blocked readers completed outside the lock; a cancellation callback made once (field ??=,
// C# 14) that queues a static work item taking the lock. Excerpt: see README.md.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace RealCode.Channels;

public enum DropMode
{
    Wait,
    DropNewest,
    DropOldest,
    DropWrite,
}

public sealed class BoundedWaitersChannel<T>
{
    private readonly DropMode _mode;
    private readonly Action<T>? _itemDropped;
    private readonly TaskCompletionSource _completion;
    private readonly int _bufferedCapacity;
    private readonly ItemDeque _items = new();
    private readonly bool _runContinuationsAsynchronously;
    private BlockedOperation? _blockedReadersHead;
    private BlockedOperation? _blockedWritersHead;
    private BlockedOperation? _waitingReadersHead;
    private Exception? _doneWriting;

    public BoundedWaitersChannel(int bufferedCapacity, DropMode mode, bool runContinuationsAsynchronously, Action<T>? itemDropped)
    {
        _bufferedCapacity = bufferedCapacity;
        _mode = mode;
        _runContinuationsAsynchronously = runContinuationsAsynchronously;
        _itemDropped = itemDropped;
        _completion = new TaskCompletionSource(runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
        Reader = new BoundedReader(this);
        Writer = new BoundedWriter(this);
    }

    public BoundedReader Reader { get; }

    public BoundedWriter Writer { get; }

    private object SyncObj => _items;

    private Action<object?, CancellationToken> CancellationCallbackDelegate =>
        field ??= (state, cancellationToken) =>
        {
            var op = (BlockedOperation)state!;
            if (op.TrySetCanceled(cancellationToken))
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state =>
                {
                    lock (state.Key.SyncObj)
                    {
                        if (state.Value.IsWriter)
                        {
                            Remove(ref state.Key._blockedWritersHead, state.Value);
                        }
                        else
                        {
                            Remove(ref state.Key._blockedReadersHead, state.Value);
                        }
                    }
                }, new KeyValuePair<BoundedWaitersChannel<T>, BlockedOperation>(this, op), preferLocal: false);
            }
        };

    public sealed class BoundedReader
    {
        private readonly BoundedWaitersChannel<T> _parent;
        private readonly BlockedOperation _readerSingleton;

        internal BoundedReader(BoundedWaitersChannel<T> parent)
        {
            _parent = parent;
            _readerSingleton = new BlockedOperation(parent._runContinuationsAsynchronously, pooled: true);
        }

        public int Count
        {
            get
            {
                var parent = _parent;
                lock (parent.SyncObj)
                {
                    parent.AssertInvariants();
                    return parent._items.Count;
                }
            }
        }

        public bool TryRead(out T item)
        {
            var parent = _parent;
            lock (parent.SyncObj)
            {
                parent.AssertInvariants();

                if (!parent._items.IsEmpty)
                {
                    item = DequeueItemAndPostProcess();
                    return true;
                }
            }

            item = default!;
            return false;
        }

        public ValueTask<T> ReadAsync(CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new ValueTask<T>(Task.FromCanceled<T>(cancellationToken));
            }

            var parent = _parent;
            lock (parent.SyncObj)
            {
                parent.AssertInvariants();

                if (!parent._items.IsEmpty)
                {
                    return new ValueTask<T>(DequeueItemAndPostProcess());
                }

                if (parent._doneWriting is not null)
                {
                    return new ValueTask<T>(Task.FromException<T>(parent._doneWriting));
                }

                var reader =
                    !cancellationToken.CanBeCanceled && _readerSingleton.TryOwnAndReset() ? _readerSingleton :
                    new BlockedOperation(parent._runContinuationsAsynchronously || cancellationToken.CanBeCanceled, cancellationToken, parent.CancellationCallbackDelegate);
                Enqueue(ref parent._blockedReadersHead, reader);
                return reader.ValueTaskOfT;
            }
        }

        private T DequeueItemAndPostProcess()
        {
            var parent = _parent;
            Debug.Assert(Monitor.IsEntered(parent.SyncObj));

            var item = parent._items.DequeueHead();

            if (parent._doneWriting is not null)
            {
                if (parent._items.IsEmpty)
                {
                    parent._completion.TrySetResult();
                }
            }
            else
            {
                while (TryDequeue(ref parent._blockedWritersHead, out var w))
                {
                    if (w.TrySetResult(default!))
                    {
                        parent._items.EnqueueTail(w.Item!);
                        return item;
                    }
                }
            }

            return item;
        }
    }

    public sealed class BoundedWriter
    {
        private readonly BoundedWaitersChannel<T> _parent;
        private readonly BlockedOperation _writerSingleton;

        internal BoundedWriter(BoundedWaitersChannel<T> parent)
        {
            _parent = parent;
            _writerSingleton = new BlockedOperation(runContinuationsAsynchronously: true, pooled: true);
        }

        public bool TryComplete(Exception? error)
        {
            var parent = _parent;
            bool completeTask;
            lock (parent.SyncObj)
            {
                parent.AssertInvariants();

                if (parent._doneWriting is not null)
                {
                    return false;
                }

                parent._doneWriting = error ?? new InvalidOperationException("The channel has been closed.");
                completeTask = parent._items.IsEmpty;
            }

            if (completeTask)
            {
                parent._completion.TrySetResult();
            }

            FailOperations(ref parent._blockedReadersHead, parent._doneWriting);
            FailOperations(ref parent._blockedWritersHead, parent._doneWriting);
            return true;
        }

        public bool TryWrite(T item)
        {
            BlockedOperation? blockedReader = null;
            BlockedOperation? waitingReadersHead = null;
            var parent = _parent;

            var releaseLock = false;
            try
            {
                Monitor.Enter(parent.SyncObj, ref releaseLock);

                parent.AssertInvariants();

                if (parent._doneWriting is not null)
                {
                    return false;
                }

                var count = parent._items.Count;

                if (count == 0)
                {
                    while (TryDequeue(ref parent._blockedReadersHead, out var r))
                    {
                        if (r.UnregisterCancellation())
                        {
                            blockedReader = r;
                            break;
                        }
                    }

                    if (blockedReader is null)
                    {
                        parent._items.EnqueueTail(item);
                        waitingReadersHead = parent._waitingReadersHead;
                        if (waitingReadersHead is null)
                        {
                            return true;
                        }

                        parent._waitingReadersHead = null;
                    }
                }
                else if (count < parent._bufferedCapacity)
                {
                    parent._items.EnqueueTail(item);
                    return true;
                }
                else if (parent._mode == DropMode.Wait)
                {
                    return false;
                }
                else if (parent._mode == DropMode.DropWrite)
                {
                    Monitor.Exit(parent.SyncObj);
                    releaseLock = false;
                    parent._itemDropped?.Invoke(item);
                    return true;
                }
                else
                {
                    var droppedItem = parent._mode == DropMode.DropNewest ?
                        parent._items.DequeueTail() :
                        parent._items.DequeueHead();

                    parent._items.EnqueueTail(item);

                    Monitor.Exit(parent.SyncObj);
                    releaseLock = false;
                    parent._itemDropped?.Invoke(droppedItem);

                    return true;
                }
            }
            finally
            {
                if (releaseLock)
                {
                    Monitor.Exit(parent.SyncObj);
                }
            }

            if (blockedReader is not null)
            {
                blockedReader.TrySetResult(item);
            }
            else
            {
                SetOperations(ref waitingReadersHead);
            }

            return true;
        }

        public ValueTask WriteAsync(T item, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new ValueTask(Task.FromCanceled(cancellationToken));
            }

            BlockedOperation? blockedReader = null;
            var parent = _parent;

            var releaseLock = false;
            try
            {
                Monitor.Enter(parent.SyncObj, ref releaseLock);

                parent.AssertInvariants();

                if (parent._doneWriting is not null)
                {
                    return new ValueTask(Task.FromException(new InvalidOperationException("The channel has been closed.", parent._doneWriting)));
                }

                var count = parent._items.Count;

                if (count == 0)
                {
                    while (TryDequeue(ref parent._blockedReadersHead, out var r))
                    {
                        if (r.UnregisterCancellation())
                        {
                            blockedReader = r;
                            break;
                        }
                    }

                    if (blockedReader is null)
                    {
                        parent._items.EnqueueTail(item);
                        return default;
                    }
                }
                else if (count < parent._bufferedCapacity)
                {
                    parent._items.EnqueueTail(item);
                    return default;
                }
                else if (parent._mode == DropMode.Wait)
                {
                    var writer =
                        !cancellationToken.CanBeCanceled && _writerSingleton.TryOwnAndReset() ? _writerSingleton :
                        new BlockedOperation(runContinuationsAsynchronously: true, cancellationToken, parent.CancellationCallbackDelegate);
                    writer.Item = item;
                    Enqueue(ref parent._blockedWritersHead, writer);
                    return writer.ValueTask;
                }
                else if (parent._mode == DropMode.DropWrite)
                {
                    Monitor.Exit(parent.SyncObj);
                    releaseLock = false;
                    parent._itemDropped?.Invoke(item);
                    return default;
                }
                else
                {
                    var droppedItem = parent._mode == DropMode.DropNewest ?
                        parent._items.DequeueTail() :
                        parent._items.DequeueHead();

                    parent._items.EnqueueTail(item);

                    Monitor.Exit(parent.SyncObj);
                    releaseLock = false;
                    parent._itemDropped?.Invoke(droppedItem);

                    return default;
                }
            }
            finally
            {
                if (releaseLock)
                {
                    Monitor.Exit(parent.SyncObj);
                }
            }

            blockedReader?.TrySetResult(item);
            return default;
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(SyncObj is not null, "The sync obj must not be null.");
        Debug.Assert(Monitor.IsEntered(SyncObj), "Invariants can only be validated while holding the lock.");

        if (!_items.IsEmpty)
        {
            Debug.Assert(_blockedReadersHead is null, "There are items available, so there shouldn't be any blocked readers.");
        }

        if (_items.Count < _bufferedCapacity)
        {
            Debug.Assert(_blockedWritersHead is null, "There's space available, so there shouldn't be any blocked writers.");
        }

        if (_completion.Task.IsCompleted)
        {
            Debug.Assert(_doneWriting is not null, "We can only complete if we're done writing.");
        }
    }

    private static void Enqueue(ref BlockedOperation? head, BlockedOperation op)
    {
        if (head is null)
        {
            head = op;
            return;
        }

        var tail = head;
        while (tail.Next is not null)
        {
            tail = tail.Next;
        }

        tail.Next = op;
    }

    private static bool TryDequeue(ref BlockedOperation? head, out BlockedOperation op)
    {
        op = head!;
        if (op is null)
        {
            return false;
        }

        head = op.Next;
        op.Next = null;
        return true;
    }

    private static void Remove(ref BlockedOperation? head, BlockedOperation op)
    {
        if (ReferenceEquals(head, op))
        {
            head = op.Next;
            return;
        }

        for (var prev = head; prev is not null; prev = prev.Next)
        {
            if (ReferenceEquals(prev.Next, op))
            {
                prev.Next = op.Next;
                return;
            }
        }
    }

    private static void SetOperations(ref BlockedOperation? head)
    {
        var op = head;
        head = null;
        while (op is not null)
        {
            var next = op.Next;
            op.TrySetResult(default!);
            op = next;
        }
    }

    private static void FailOperations(ref BlockedOperation? head, Exception error)
    {
        var op = head;
        head = null;
        while (op is not null)
        {
            var next = op.Next;
            op.TrySetException(error);
            op = next;
        }
    }

    private sealed class BlockedOperation : IValueTaskSource<T>, IValueTaskSource
    {
        private readonly bool _pooled;
        private readonly CancellationToken _cancellationToken;
        private CancellationTokenRegistration _registration;
        private ManualResetValueTaskSourceCore<T> _core;
        private int _completionReserved;
        private int _owned;

        public BlockedOperation(bool runContinuationsAsynchronously, bool pooled)
        {
            _pooled = pooled;
            _owned = pooled ? 0 : 1;
            _core.RunContinuationsAsynchronously = runContinuationsAsynchronously;
        }

        public BlockedOperation(bool runContinuationsAsynchronously, CancellationToken cancellationToken, Action<object?, CancellationToken> cancellationCallback)
            : this(runContinuationsAsynchronously, pooled: false)
        {
            _cancellationToken = cancellationToken;
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(cancellationCallback, this);
            }
        }

        public BlockedOperation? Next { get; set; }

        public T? Item { get; set; }

        public bool IsWriter => Item is not null;

        public ValueTask<T> ValueTaskOfT => new(this, _core.Version);

        public ValueTask ValueTask => new(this, _core.Version);

        public bool TryOwnAndReset()
        {
            if (Interlocked.Exchange(ref _owned, 1) == 0)
            {
                _core.Reset();
                _completionReserved = 0;
                return true;
            }

            return false;
        }

        public bool UnregisterCancellation()
        {
            if (_cancellationToken.CanBeCanceled)
            {
                _registration.Dispose(); // synchronously wait for cancellation to complete
                return Volatile.Read(ref _completionReserved) == 0;
            }

            return Interlocked.CompareExchange(ref _completionReserved, 1, 0) == 0;
        }

        public bool TrySetResult(T result)
        {
            if (Interlocked.Exchange(ref _completionReserved, 1) != 0 && _cancellationToken.CanBeCanceled)
            {
                return false;
            }

            _core.SetResult(result);
            return true;
        }

        public bool TrySetException(Exception error)
        {
            if (Interlocked.Exchange(ref _completionReserved, 1) != 0)
            {
                return false;
            }

            _core.SetException(error);
            return true;
        }

        public bool TrySetCanceled(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _completionReserved, 1) != 0)
            {
                return false;
            }

            _core.SetException(new OperationCanceledException(cancellationToken));
            return true;
        }

        public T GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                if (_pooled)
                {
                    Volatile.Write(ref _owned, 0);
                }
            }
        }

        void IValueTaskSource.GetResult(short token) => GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    private sealed class ItemDeque
    {
        private T[] _array = new T[4];
        private int _head;
        private int _size;

        public int Count => _size;

        public bool IsEmpty => _size == 0;

        public void EnqueueTail(T item)
        {
            if (_size == _array.Length)
            {
                var grown = new T[_array.Length * 2];
                for (var i = 0; i < _size; i++)
                {
                    grown[i] = _array[(_head + i) % _array.Length];
                }

                _array = grown;
                _head = 0;
            }

            _array[(_head + _size) % _array.Length] = item;
            _size++;
        }

        public T DequeueHead()
        {
            var item = _array[_head];
            _array[_head] = default!;
            _head = (_head + 1) % _array.Length;
            _size--;
            return item;
        }

        public T DequeueTail()
        {
            _size--;
            var index = (_head + _size) % _array.Length;
            var item = _array[index];
            _array[index] = default!;
            return item;
        }
    }
}
