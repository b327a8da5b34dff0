// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/Microsoft.Extensions.Caching.Memory/src/MemoryCache.cs (MIT): per-thread hit/miss counters bumped
// without a lock (Interlocked only where a long can tear), registered in and summed from a list of weak references
// under a lock on that readonly list, folded back by a finalizer, and an expiration scan started from a local function
// through a non-static lambda that takes the cache as its state. Not a copy: see README.md.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Caching;

public sealed class CountingCache
{
    private readonly List<WeakReference<Counters>> _all = new();
    private readonly ThreadLocal<Counters> _local;
    private readonly TimeSpan _scanEvery = TimeSpan.FromMinutes(1);
    private long _retiredHits;
    private DateTime _lastScan;

    public CountingCache() => _local = new ThreadLocal<Counters>(() => new Counters(this));

    public void Hit(DateTime now)
    {
        if (IntPtr.Size == 4)
        {
            Interlocked.Increment(ref _local.Value!.Hits);
        }
        else
        {
            _local.Value!.Hits++;
        }

        ScanIfDue(now);

        void ScanIfDue(DateTime now)
        {
            if (now - _lastScan > _scanEvery)
            {
                _lastScan = now;
                Task.Factory.StartNew(state => ((CountingCache)state!).Scan(), this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
            }
        }
    }

    public long TotalHits()
    {
        lock (_all)
        {
            var hits = _retiredHits;
            foreach (var weak in _all)
            {
                if (weak.TryGetTarget(out var counters))
                {
                    hits += Volatile.Read(ref counters.Hits);
                }
            }

            return hits;
        }
    }

    private void Scan()
    {
    }

    private void Register(Counters counters)
    {
        lock (_all)
        {
            counters.Index = _all.Count;
            _all.Add(new WeakReference<Counters>(counters));
        }
    }

    private void Retire(Counters counters)
    {
        lock (_all)
        {
            _retiredHits += Volatile.Read(ref counters.Hits);
            _all.RemoveAt(counters.Index);
        }
    }

    private sealed class Counters
    {
        private readonly CountingCache _owner;
        public long Hits;
        public int Index;

        public Counters(CountingCache owner)
        {
            _owner = owner;
            owner.Register(this);
        }

        ~Counters() => _owner.Retire(this);
    }
}
