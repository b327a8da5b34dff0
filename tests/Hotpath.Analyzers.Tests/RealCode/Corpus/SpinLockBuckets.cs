// Written for Hotpath's analyzer tests after the idiom of dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Buffers/ConfigurableArrayPool.cs (MIT): buckets guarded by a
// mutable SpinLock field entered with Enter(ref lockTaken) in try/finally, arrays made lazily outside the lock.
// Not a copy: see README.md.
using System;
using System.Diagnostics;
using System.Threading;

namespace RealCode.Buffers;

public sealed class SpinLockBuckets<T>
{
    private readonly Bucket[] _buckets;

    public SpinLockBuckets(int maxArraysPerBucket)
    {
        var buckets = new Bucket[8];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new Bucket(16 << i, maxArraysPerBucket);
        }

        _buckets = buckets;
    }

    public T[] Rent(int minimumLength)
    {
        if (minimumLength == 0)
        {
            return Array.Empty<T>();
        }

        var index = SelectBucket(minimumLength);
        if (index < _buckets.Length)
        {
            return _buckets[index].Rent() ?? new T[_buckets[index].BufferLength];
        }

        return new T[minimumLength];
    }

    public void Return(T[] array)
    {
        var index = SelectBucket(array.Length);
        if (index < _buckets.Length)
        {
            _buckets[index].Return(array);
        }
    }

    private static int SelectBucket(int length) => Math.Max(0, 28 - System.Numerics.BitOperations.LeadingZeroCount((uint)(length - 1) | 15));

    private sealed class Bucket
    {
        internal readonly int BufferLength;
        private readonly T[]?[] _buffers;
        private SpinLock _lock; // not readonly: a mutable struct
        private int _index;

        internal Bucket(int bufferLength, int count)
        {
            _lock = new SpinLock(Debugger.IsAttached);
            _buffers = new T[count][];
            BufferLength = bufferLength;
        }

        internal T[]? Rent()
        {
            T[]? buffer = null;
            bool lockTaken = false, allocate = false;
            try
            {
                _lock.Enter(ref lockTaken);
                if (_index < _buffers.Length)
                {
                    buffer = _buffers[_index];
                    _buffers[_index++] = null;
                    allocate = buffer == null;
                }
            }
            finally
            {
                if (lockTaken) _lock.Exit(false);
            }

            return allocate ? new T[BufferLength] : buffer;
        }

        internal void Return(T[] array)
        {
            if (array.Length != BufferLength)
            {
                throw new ArgumentException("The buffer is not from this pool.", nameof(array));
            }

            var lockTaken = false;
            try
            {
                _lock.Enter(ref lockTaken);
                if (_index != 0)
                {
                    _buffers[--_index] = array;
                }
            }
            finally
            {
                if (lockTaken) _lock.Exit(false);
            }
        }
    }
}
