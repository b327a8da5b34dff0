// Written for Hotpath's analyzer tests after the idiom of dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Buffers/SharedArrayPool.cs (MIT): a [ThreadStatic] slot per size,
// then per-core partitions made lazily with Interlocked.CompareExchange, each a small stack guarded by
// Monitor.Enter(this)/Exit(this) without try/finally, trimmed under lock (this). Not a copy: see README.md.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RealCode.Buffers;

public sealed class PerCorePartitions<T>
{
    private const int NumBuckets = 27;

    [ThreadStatic]
    private static T[]?[]? t_slots;

    private readonly ConditionalWeakTable<T[]?[], object?> _allSlots = new();
    private readonly Partitions?[] _buckets = new Partitions[NumBuckets];

    public T[] Rent(int bucketIndex, int length)
    {
        var slots = t_slots;
        if (slots is not null && (uint)bucketIndex < (uint)slots.Length && slots[bucketIndex] is { } cached)
        {
            slots[bucketIndex] = null;
            return cached;
        }

        return _buckets[bucketIndex]?.TryPop() ?? GC.AllocateUninitializedArray<T>(length);
    }

    public void Return(int bucketIndex, T[] array)
    {
        var slots = t_slots ?? InitializeSlots();
        var previous = slots[bucketIndex];
        slots[bucketIndex] = array;
        if (previous is not null)
        {
            (_buckets[bucketIndex] ?? CreatePartitions(bucketIndex)).TryPush(previous);
        }
    }

    public void TrimThreadSlots()
    {
        foreach (KeyValuePair<T[]?[], object?> slots in _allSlots)
        {
            Array.Clear(slots.Key);
        }
    }

    private Partitions CreatePartitions(int bucketIndex)
    {
        var created = new Partitions();
        return Interlocked.CompareExchange(ref _buckets[bucketIndex], created, null) ?? created;
    }

    private T[]?[] InitializeSlots()
    {
        var slots = new T[NumBuckets][];
        t_slots = slots;
        _allSlots.Add(slots, null);
        return slots;
    }

    private sealed class Partitions
    {
        private readonly Partition[] _partitions;

        public Partitions()
        {
            var partitions = new Partition[Environment.ProcessorCount];
            for (var i = 0; i < partitions.Length; i++)
            {
                partitions[i] = new Partition();
            }

            _partitions = partitions;
        }

        public bool TryPush(T[] array)
        {
            var index = Thread.GetCurrentProcessorId() % _partitions.Length;
            for (var i = 0; i < _partitions.Length; i++)
            {
                if (_partitions[index].TryPush(array)) return true;
                if (++index == _partitions.Length) index = 0;
            }

            return false;
        }

        public T[]? TryPop()
        {
            var index = Thread.GetCurrentProcessorId() % _partitions.Length;
            for (var i = 0; i < _partitions.Length; i++)
            {
                if (_partitions[index].TryPop() is { } array) return array;
                if (++index == _partitions.Length) index = 0;
            }

            return null;
        }
    }

    private sealed class Partition
    {
        private readonly T[]?[] _arrays = new T[32][];
        private int _count;
        private int _millisecondsTimestamp;

        public bool TryPush(T[] array)
        {
            var stored = false;
            Monitor.Enter(this);
            var count = _count;
            if ((uint)count < (uint)_arrays.Length)
            {
                if (count == 0)
                {
                    _millisecondsTimestamp = 0;
                }

                _arrays[count] = array;
                _count = count + 1;
                stored = true;
            }

            Monitor.Exit(this);
            return stored;
        }

        public T[]? TryPop()
        {
            T[]? array = null;
            Monitor.Enter(this);
            var count = _count - 1;
            if ((uint)count < (uint)_arrays.Length)
            {
                array = _arrays[count];
                _arrays[count] = null;
                _count = count;
            }

            Monitor.Exit(this);
            return array;
        }

        public void Trim(int currentMilliseconds, int trimAfterMilliseconds)
        {
            if (_count == 0)
            {
                return;
            }

            lock (this)
            {
                if (_millisecondsTimestamp == 0)
                {
                    _millisecondsTimestamp = currentMilliseconds;
                    return;
                }

                if (currentMilliseconds - _millisecondsTimestamp > trimAfterMilliseconds && _count > 0)
                {
                    _arrays[--_count] = null;
                    _millisecondsTimestamp = _count > 0 ? _millisecondsTimestamp + trimAfterMilliseconds / 4 : 0;
                }
            }
        }
    }
}
