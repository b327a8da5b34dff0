// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/System.Collections.Concurrent/src/System/Collections/Concurrent/ConcurrentDictionary.cs and
// ConcurrentBag.cs (MIT): lock striping over an array of lock objects, all of them taken by helpers that count what
// they took into a ref parameter for the caller's finally, a bag frozen through Monitor.Enter(ref lockTaken) into a
// ref parameter and into a flag on each locked queue, and per-thread queues that lock themselves. Not a copy: see
// README.md.
using System.Collections.Generic;
using System.Threading;

namespace RealCode.Collections;

public sealed class StripedMap<TKey, TValue> where TKey : notnull
{
    private readonly object[] _locks;
    private readonly Dictionary<TKey, TValue>[] _stripes;

    public StripedMap(int stripes)
    {
        _locks = new object[stripes];
        _stripes = new Dictionary<TKey, TValue>[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _locks[i] = new object();
            _stripes[i] = new Dictionary<TKey, TValue>();
        }
    }

    public void Set(TKey key, TValue value)
    {
        var stripe = (key.GetHashCode() & int.MaxValue) % _locks.Length;
        var taken = false;
        try
        {
            Monitor.Enter(_locks[stripe], ref taken);
            _stripes[stripe][key] = value;
        }
        finally
        {
            if (taken)
            {
                Monitor.Exit(_locks[stripe]);
            }
        }
    }

    public void Clear()
    {
        var acquired = 0;
        try
        {
            AcquireAll(ref acquired);
            foreach (var stripe in _stripes)
            {
                stripe.Clear();
            }
        }
        finally
        {
            ReleaseAll(acquired);
        }
    }

    private void AcquireAll(ref int acquired)
    {
        Monitor.Enter(_locks[0]);
        acquired = 1;
        for (var i = 1; i < _locks.Length; i++)
        {
            Monitor.Enter(_locks[i]);
            acquired++;
        }
    }

    private void ReleaseAll(int acquired)
    {
        for (var i = 0; i < acquired; i++)
        {
            Monitor.Exit(_locks[i]);
        }
    }
}

public sealed class LocalQueues<T>
{
    private readonly ThreadLocal<Local?> _locals = new();
    private volatile Local? _all;

    private object GlobalLock => _locals;

    public void Add(T item) => (_locals.Value ?? Join()).Push(item);

    private Local Join()
    {
        lock (GlobalLock)
        {
            var local = new Local(_all);
            _locals.Value = local;
            _all = local;
            return local;
        }
    }

    public int Count
    {
        get
        {
            var taken = false;
            try
            {
                Freeze(ref taken);
                var count = 0;
                for (var queue = _all; queue is not null; queue = queue.Next)
                {
                    count += queue.Count;
                }

                return count;
            }
            finally
            {
                Unfreeze(taken);
            }
        }
    }

    private void Freeze(ref bool taken)
    {
        Monitor.Enter(GlobalLock, ref taken);
        for (var queue = _all; queue is not null; queue = queue.Next)
        {
            Monitor.Enter(queue, ref queue.Frozen);
        }
    }

    private void Unfreeze(bool taken)
    {
        if (!taken)
        {
            return;
        }

        for (var queue = _all; queue is not null; queue = queue.Next)
        {
            if (queue.Frozen)
            {
                queue.Frozen = false;
                Monitor.Exit(queue);
            }
        }

        Monitor.Exit(GlobalLock);
    }

    private sealed class Local
    {
        private readonly Queue<T> _items = new();
        internal readonly Local? Next;
        internal bool Frozen;

        internal Local(Local? next) => Next = next;

        internal int Count => _items.Count;

        internal void Push(T item)
        {
            lock (this)
            {
                _items.Enqueue(item);
            }
        }

        internal bool TrySteal(out T item)
        {
            lock (this)
            {
                return _items.TryDequeue(out item!);
            }
        }
    }
}
