// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Collections/Concurrent/ConcurrentQueue.cs and ConcurrentQueueSegment.cs,
// ReaderWriterLockSlim.cs and CancellationTokenSource.cs (MIT): a lock-free segment of sequence-numbered slots, a
// cross-segment lock taken only to link or drop a segment, a private spin-lock struct of its own named like
// System.Threading.SpinLock, a reader-writer lock with nested upgradeable and write sections, and an event published
// once with Interlocked.CompareExchange. Not a copy: see README.md.
using System;
using System.Collections.Generic;
using System.Threading;

namespace RealCode.Collections;

public sealed class SegmentQueue<T>
{
    private readonly object _crossSegmentLock = new();
    private volatile Segment _head;
    private volatile Segment _tail;

    public SegmentQueue() => _head = _tail = new Segment(32);

    public void Enqueue(T item)
    {
        while (true)
        {
            var tail = _tail;
            if (tail.TryEnqueue(item))
            {
                return;
            }

            lock (_crossSegmentLock)
            {
                if (tail == _tail)
                {
                    tail.Frozen = true;
                    var next = new Segment(Math.Min(tail.Capacity * 2, 1 << 20));
                    tail.Next = next;
                    _tail = next;
                }
            }
        }
    }

    public bool TryDequeue(out T item)
    {
        while (true)
        {
            var head = _head;
            if (head.TryDequeue(out item))
            {
                return true;
            }

            if (head.Next is null)
            {
                return false;
            }

            lock (_crossSegmentLock)
            {
                if (head == _head)
                {
                    _head = head.Next;
                }
            }
        }
    }

    private sealed class Segment
    {
        private readonly Slot[] _slots;
        private readonly int _mask;
        private int _headIndex;
        private int _tailIndex;
        internal volatile bool Frozen;
        internal volatile Segment? Next;

        internal Segment(int length)
        {
            _slots = new Slot[length];
            _mask = length - 1;
            for (var i = 0; i < length; i++)
            {
                _slots[i].Sequence = i;
            }
        }

        internal int Capacity => _slots.Length;

        internal bool TryEnqueue(T item)
        {
            var spinner = default(SpinWait);
            while (!Frozen)
            {
                var tail = Volatile.Read(ref _tailIndex);
                ref var slot = ref _slots[tail & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - tail;
                if (diff == 0 && Interlocked.CompareExchange(ref _tailIndex, tail + 1, tail) == tail)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, tail + 1);
                    return true;
                }

                if (diff < 0)
                {
                    return false;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return false;
        }

        internal bool TryDequeue(out T item)
        {
            var spinner = default(SpinWait);
            while (true)
            {
                var head = Volatile.Read(ref _headIndex);
                ref var slot = ref _slots[head & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - (head + 1);
                if (diff == 0 && Interlocked.CompareExchange(ref _headIndex, head + 1, head) == head)
                {
                    item = slot.Item!;
                    slot.Item = default;
                    Volatile.Write(ref slot.Sequence, head + _slots.Length);
                    return true;
                }

                if (diff < 0 && Volatile.Read(ref _tailIndex) - head <= 0)
                {
                    item = default!;
                    return false;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        private struct Slot
        {
            public T? Item;
            public int Sequence;
        }
    }
}

public sealed class OwnSpinLockCounter
{
    private SpinLock _spinLock;
    private long _count;

    public void Increment()
    {
        _spinLock.Enter();
        _count++;
        _spinLock.Exit();
    }

    private struct SpinLock
    {
        private int _held;

        public void Enter()
        {
            var spinner = default(SpinWait);
            while (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        public void Exit() => Volatile.Write(ref _held, 0);
    }
}

public sealed class ReadMostlyMap
{
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<int, string> _map = new();
    private volatile ManualResetEvent? _changed;

    public WaitHandle Changed
    {
        get
        {
            if (_changed is null)
            {
                var made = new ManualResetEvent(false);
                if (Interlocked.CompareExchange(ref _changed, made, null) is not null)
                {
                    made.Dispose();
                }
            }

            return _changed!;
        }
    }

    public string? Get(int key)
    {
        _lock.EnterReadLock();
        try
        {
            return _map.TryGetValue(key, out var value) ? value : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void AddIfMissing(int key, string value)
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (!_map.ContainsKey(key))
            {
                _lock.EnterWriteLock();
                try
                {
                    _map[key] = value;
                }
                finally
                {
                    _lock.ExitWriteLock();
                }

                _changed?.Set();
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }
}
