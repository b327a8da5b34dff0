using Hotpath.Tests.Shared;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.ObjectPool;

namespace Hotpath.Tests.Pooling;

public sealed class PoolTests
{
    private sealed class Item
    {
        public int Value;
        public int InUse;
        public readonly List<int> Values = new();
    }

    private static Pool<Item> NewPool(int maxRetained = 16, int preallocate = 0, bool detect = false) =>
        new(static () => new Item(), static item => { item.Value = 0; item.Values.Clear(); },
            new PoolOptions { MaxRetained = maxRetained, Preallocate = preallocate, DetectDoubleReturn = detect });

    [Fact]
    public void Rent_on_an_empty_pool_creates_with_the_factory()
    {
        var created = 0;
        var pool = new Pool<Item>(() => { created++; return new Item(); }, maxRetained: 4);

        var a = pool.Rent();
        var b = pool.Rent();

        Assert.NotSame(a, b);
        Assert.Equal(2, created);
        Assert.Equal(new PoolStatistics(2, 0, 2, 0, 0), pool.Statistics);
    }

    [Fact]
    public void Returned_instance_is_reset_and_rented_again()
    {
        var pool = NewPool();
        var item = pool.Rent();
        item.Value = 42;
        item.Values.Add(1);
        var list = item.Values;

        pool.Return(item);
        var again = pool.Rent();

        Assert.Same(item, again);
        Assert.Equal(0, again.Value);
        Assert.Empty(again.Values);
        Assert.Same(list, again.Values);
        Assert.Equal(new PoolStatistics(2, 1, 1, 1, 0), pool.Statistics);
    }

    [Fact]
    public void Return_null_throws_ArgumentNullException()
    {
        var pool = NewPool();
        var error = Assert.Throws<ArgumentNullException>(() => pool.Return(null!));
        Assert.Equal("item", error.ParamName);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(4, 5)]
    [InlineData(4, -1)]
    public void Out_of_range_bounds_throw(int maxRetained, int preallocate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool<Item>(static () => new Item(), null, maxRetained, preallocate));
    }

    [Fact]
    public void Null_factory_throws()
    {
        Assert.Throws<ArgumentNullException>(() => new Pool<Item>(null!));
    }

    [Fact]
    public void Factory_returning_null_throws_naming_the_type()
    {
        var pool = new Pool<Item>(static () => null!, maxRetained: 2);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Rent());
        Assert.Contains("Item", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rent_whose_factory_throws_is_counted_as_neither_a_rent_nor_a_miss()
    {
        var fail = true;
        var pool = new Pool<Item>(() => fail ? throw new FormatException("no connection") : new Item(), maxRetained: 4);
        Assert.Throws<FormatException>(() => pool.Rent());
        Assert.Equal(new PoolStatistics(Rents: 0, Hits: 0, Misses: 0, Returns: 0, Drops: 0), pool.Statistics);

        var nulls = new Pool<Item>(static () => null!, maxRetained: 2);
        Assert.Throws<InvalidOperationException>(() => nulls.Rent());
        Assert.Equal(0, nulls.Statistics.Misses);

        // Once the factory works, the counts are those of the rents that happened.
        fail = false;
        pool.Return(pool.Rent());
        pool.Rent();
        Assert.Equal(new PoolStatistics(Rents: 2, Hits: 1, Misses: 1, Returns: 1, Drops: 0), pool.Statistics);
    }

    [Fact]
    public void Pool_never_keeps_more_than_MaxRetained_and_counts_drops()
    {
        var pool = NewPool(maxRetained: 4);
        var items = new List<Item>();
        for (var i = 0; i < 10; i++)
        {
            items.Add(pool.Rent());
        }

        foreach (var item in items)
        {
            pool.Return(item);
        }

        var retained = pool.SnapshotRetained();
        Assert.Equal(4, retained.Count);
        Assert.Equal(4, retained.Distinct().Count());
        Assert.All(retained, item => Assert.Contains(item, items));
        Assert.Equal(new PoolStatistics(10, 0, 10, 10, 6), pool.Statistics);
        Assert.True(pool.PermitsInUse <= pool.MaxRetained);
    }

    [Fact]
    public void MaxRetained_of_one_keeps_exactly_one()
    {
        var pool = NewPool(maxRetained: 1);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b);

        Assert.Single(pool.SnapshotRetained());
        Assert.Same(a, pool.Rent());
        Assert.Equal(1, pool.Statistics.Drops);
    }

    [Fact]
    public void Preallocated_instances_serve_the_first_rents()
    {
        var created = 0;
        var pool = new Pool<Item>(() => { created++; return new Item(); }, null, maxRetained: 8, preallocate: 3);
        Assert.Equal(3, created);

        var rented = new[] { pool.Rent(), pool.Rent(), pool.Rent() };

        Assert.Equal(3, created);
        Assert.Equal(3, rented.Distinct().Count());
        Assert.Equal(new PoolStatistics(3, 3, 0, 0, 0), pool.Statistics);
        pool.Rent();
        Assert.Equal(4, created);
    }

    [Fact]
    public void Preallocating_the_whole_budget_still_lets_threads_use_their_fast_slot()
    {
        var pool = NewPool(maxRetained: 4, preallocate: 4);
        var item = pool.Rent();
        pool.Return(item);
        pool.Return(pool.Rent());

        Assert.Equal(4, pool.SnapshotRetained().Count);
        Assert.Equal(0, pool.Statistics.Drops);
        Assert.Equal(0, pool.Statistics.Misses);
    }

    [Fact]
    public void Preallocating_the_whole_budget_never_lets_threads_fast_slots_hold_more_than_MaxRetained()
    {
        // Every permit is taken by the preallocated instances; threads' fast slots take permits of their own (up to half
        // the budget) as they return. Four threads churn: at no point do the store and the slots hold more than
        // MaxRetained, and in the end every instance made is retained or dropped, none twice.
        const int MaxRetained = 8;
        var created = 0;
        var pool = new Pool<Item>(() => { Interlocked.Increment(ref created); return new Item(); }, static item => item.Value = 0, maxRetained: MaxRetained, preallocate: MaxRetained);
        Assert.Equal(MaxRetained, pool.PermitsInUse);
        Assert.Equal(MaxRetained, pool.SnapshotRetained().Count);
        var over = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var held = new List<Item>();
            for (var round = 0; round < 2_000; round++)
            {
                var take = 1 + ((round + t) % 4);
                for (var i = 0; i < take; i++)
                {
                    held.Add(pool.Rent());
                }

                foreach (var item in held)
                {
                    pool.Return(item);
                    if (pool.PermitsInUse > MaxRetained)
                    {
                        Interlocked.Increment(ref over);
                    }
                }

                held.Clear();
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, over);
        Collections.Settle(); // the ended threads' slots: permits back, their instances counted as dropped
        var retained = pool.SnapshotRetained();
        Assert.InRange(retained.Count, 0, MaxRetained);
        Assert.Equal(retained.Count, retained.Distinct().Count());
        var stats = pool.Statistics;
        Assert.Equal(stats.Rents, stats.Returns);
        Assert.Equal(created - MaxRetained, stats.Misses); // preallocated instances are not misses
        Assert.Equal(created - stats.Drops, retained.Count); // nothing rented out now
    }

    [Fact]
    public void Lease_returns_on_dispose_once()
    {
        var pool = NewPool(detect: true);
        var lease = pool.Lease(out var item);
        Assert.Same(item, lease.Item);
        item.Value = 7;

        lease.Dispose();
        lease.Dispose(); // second dispose of the same lease is a no-op, not a double return

        Assert.Throws<ObjectDisposedException>(() => lease.Item);
        Assert.Equal(0, item.Value);
        Assert.Equal(1, pool.Statistics.Returns);
        Assert.Same(item, pool.Rent());
    }

    [Fact]
    public void Using_declaration_returns_the_leased_instance()
    {
        var pool = NewPool();
        Item leased;
        {
            using var lease = pool.Lease(out leased);
            leased.Value = 3;
        }

        Assert.Equal(1, pool.Statistics.Returns);
        Assert.Same(leased, pool.Rent());
    }

    [Fact]
    public void Double_return_throws_naming_the_type_when_detection_is_on()
    {
        var pool = NewPool(detect: true);
        Assert.True(pool.DetectsDoubleReturn);
        var item = pool.Rent();
        pool.Return(item);

        var error = Assert.Throws<InvalidOperationException>(() => pool.Return(item));
        Assert.Contains("'Item'", error.Message, StringComparison.Ordinal);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Double_return_through_the_shared_store_is_detected_and_a_re_rent_clears_the_mark()
    {
        var pool = NewPool(detect: true);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a); // thread slot
        pool.Return(b); // shared store
        Assert.Throws<InvalidOperationException>(() => pool.Return(b));

        var first = pool.Rent();
        var second = pool.Rent();
        pool.Return(first);
        pool.Return(second); // rented again, so returning again is legal
        Assert.Equal(4, pool.Statistics.Returns);
    }

    [Fact]
    public void Double_return_is_not_checked_when_detection_is_off()
    {
        var pool = NewPool();
        Assert.False(pool.DetectsDoubleReturn);
        var item = pool.Rent();
        pool.Return(item);
        pool.Return(item); // undetected by design: detection costs a lookup per operation
        Assert.Equal(2, pool.Statistics.Returns);
    }

    [Fact]
    public void Reset_that_throws_propagates_and_the_instance_is_not_kept()
    {
        var pool = new Pool<Item>(static () => new Item(), static _ => throw new FormatException("boom"), maxRetained: 4);
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.Throws<FormatException>(() => pool.Return(a));
        Assert.Throws<FormatException>(() => pool.Return(b));
        Assert.Empty(pool.SnapshotRetained());
        Assert.InRange(pool.PermitsInUse, 0, 1); // at most the thread slot's own permit; the failed store gave its permit back
    }

    [Fact]
    public void Works_as_an_ObjectPool()
    {
        ObjectPool<Item> pool = NewPool();
        var item = pool.Get();
        pool.Return(item);
        Assert.Same(item, pool.Get());
    }

    [Fact]
    public void Warm_rent_reset_return_allocates_nothing()
    {
        var pool = NewPool(maxRetained: 64);
        for (var i = 0; i < 1_000; i++)
        {
            Cycle(pool, i);
        }

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100_000; i++)
            {
                Cycle(pool, i);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        static void Cycle(Pool<Item> pool, int i)
        {
            // Two at once, so both the thread slot and the shared store are exercised.
            var a = pool.Rent();
            var b = pool.Rent();
            a.Value = i;
            a.Values.Add(i);
            b.Values.Add(i);
            pool.Return(b);
            pool.Return(a);
            using var lease = pool.Lease(out var c);
            c.Value = i;
        }
    }

    [Fact]
    public void Four_threads_never_share_an_instance_and_never_exceed_MaxRetained()
    {
        const int Threads = 4;
        const int Iterations = 1_000_000;
        var pool = new Pool<Item>(static () => new Item(), static item => item.Value = 0, new PoolOptions { MaxRetained = 8 });
        var failures = 0;
        var maxPermits = 0;
        using var start = new Barrier(Threads);

        var workers = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                var held = new Item[3];
                start.SignalAndWait();
                for (var i = 0; i < Iterations; i++)
                {
                    // Rent one to three at once, so instances also move through the shared store.
                    var count = (i % 3) + 1;
                    for (var k = 0; k < count; k++)
                    {
                        var item = pool.Rent();
                        if (Interlocked.Exchange(ref item.InUse, 1) != 0 || item.Value != 0)
                        {
                            Interlocked.Increment(ref failures); // handed to two renters, or not reset
                        }

                        item.Value = i + 1;
                        held[k] = item;
                    }

                    for (var k = 0; k < count; k++)
                    {
                        Volatile.Write(ref held[k].InUse, 0);
                        pool.Return(held[k]);
                    }

                    if ((i & 1023) == 0)
                    {
                        var permits = pool.PermitsInUse;
                        if (permits > Volatile.Read(ref maxPermits))
                        {
                            Volatile.Write(ref maxPermits, permits);
                        }
                    }
                }
            });
            workers[t].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        Assert.Equal(0, failures);
        Assert.InRange(maxPermits, 0, pool.MaxRetained);
        var retained = pool.SnapshotRetained();
        Assert.InRange(retained.Count, 1, pool.MaxRetained);
        Assert.Equal(retained.Count, retained.Distinct().Count());
        var stats = pool.Statistics;
        var rentsPerThread = 0L;
        for (var i = 0; i < Iterations; i++)
        {
            rentsPerThread += (i % 3) + 1;
        }

        Assert.Equal(Threads * rentsPerThread, stats.Rents);
        Assert.Equal(stats.Rents, stats.Returns);
        Assert.Equal(stats.Rents, stats.Hits + stats.Misses);
    }

    [Fact]
    public void A_snapshot_taken_while_a_thread_drops_returns_never_shows_more_drops_than_returns()
    {
        // MaxRetained 1: no thread slots, and once the store holds one instance every return is dropped, on the slow
        // path that counts the return and then the drop. A snapshot that read Returns before that return and Drops
        // after its drop showed Drops > Returns.
        const int Snapshots = 1_000_000;
        var pool = new Pool<Item>(static () => new Item(), maxRetained: 1);
        pool.Return(new Item()); // fills the pool
        var dropped = new Item();
        var stop = 0;
        using var started = new ManualResetEventSlim();
        var dropper = new Thread(() =>
        {
            started.Set();
            while (Volatile.Read(ref stop) == 0)
            {
                pool.Return(dropped);
            }
        });
        dropper.Start();
        started.Wait();

        var bad = new List<PoolStatistics>();
        try
        {
            for (var i = 0; i < Snapshots && bad.Count < 10; i++)
            {
                var stats = pool.Statistics;
                if (stats.Drops > stats.Returns || stats.Rents != stats.Hits + stats.Misses)
                {
                    bad.Add(stats);
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            dropper.Join();
        }

        Assert.True(bad.Count == 0, "inconsistent snapshots: " + string.Join(", ", bad));
        var final = pool.Statistics;
        Assert.Equal(final.Returns - 1, final.Drops); // every return but the first was dropped
        Assert.Equal(new PoolStatistics(0, 0, 0, final.Returns, final.Drops), final);
    }

    [Fact]
    public void A_dead_threads_slot_gives_back_its_permit_keeps_its_counts_and_counts_its_instance_as_dropped()
    {
        var pool = NewPool(maxRetained: 4);
        RunOnThread(pool);

        Assert.Equal(1, pool.Statistics.Returns);
        for (var i = 0; i < 10 && pool.PermitsInUse != 0; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(0, pool.PermitsInUse);
        // One rent (a miss), one return into the thread's slot; the slot's instance died with the thread: a drop.
        Assert.Equal(new PoolStatistics(1, 0, 1, 1, 1), pool.Statistics);
        Assert.Empty(pool.SnapshotRetained());

        static void RunOnThread(Pool<Item> pool)
        {
            var thread = new Thread(() => pool.Return(pool.Rent()));
            thread.Start();
            thread.Join();
        }
    }

    [Fact]
    public void A_collected_pool_lets_go_of_the_instance_its_thread_slot_held()
    {
        var weak = UseAndDrop();
        for (var i = 0; i < 10 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive, "a dropped pool's instance is still held by this thread's slot");

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static WeakReference UseAndDrop()
        {
            var pool = NewPool();
            var item = pool.Rent();
            pool.Return(item); // kept in this thread's fast slot
            Assert.Same(item, pool.Rent());
            pool.Return(item);
            return new WeakReference(item);
        }
    }

    [Fact]
    public void A_pool_whose_constructor_threw_is_finalized_safely()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Throws<ArgumentNullException>(static () => new Pool<Item>(null!));
            Assert.Throws<ArgumentOutOfRangeException>(static () => new Pool<Item>(static () => new Item(), maxRetained: 0));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers(); // a finalizer that threw would end the test process here
        Assert.NotNull(NewPool().Rent());
    }

    [Fact]
    public void A_collected_pools_counts_stay_in_its_series()
    {
        var name = "retire-probe-" + Guid.NewGuid().ToString("N");
        UseAndDrop(name); // 3 rents, 1 miss
        Collections.Settle();

        Assert.Equal(3, MeterReadings.Observe("hotpath.pool.", "pool", name)["hotpath.pool.rents"]);
        var pool = new Pool<Item>(static () => new Item(), null, new PoolOptions { Name = name });
        pool.Return(pool.Rent()); // may take the collected pool's id and replace this thread's emptied slot
        Collections.Settle(); // the collected pool's last slot, and with it its counters, can go now

        var seen = MeterReadings.Observe("hotpath.pool.", "pool", name);
        Assert.Equal(4, seen["hotpath.pool.rents"]);
        Assert.Equal(2, seen["hotpath.pool.misses"]);
        GC.KeepAlive(pool);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void UseAndDrop(string name)
        {
            var pool = new Pool<Item>(static () => new Item(), null, new PoolOptions { Name = name });
            for (var i = 0; i < 3; i++)
            {
                pool.Return(pool.Rent());
            }
        }
    }

    [Fact]
    public void Counters_are_published_on_the_Hotpath_meter_tagged_with_the_type()
    {
        var pool = new Pool<MetricsProbe>(static () => new MetricsProbe(), null, maxRetained: 1);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b); // dropped: MaxRetained 1
        pool.Rent();

        var seen = MeterReadings.Observe("hotpath.pool.", "type", nameof(MetricsProbe));

        Assert.Equal(3, seen["hotpath.pool.rents"]);
        Assert.Equal(2, seen["hotpath.pool.misses"]);
        Assert.Equal(1, seen["hotpath.pool.drops"]);
    }

    [Fact]
    public void Named_pools_carry_a_pool_tag()
    {
        var pool = new Pool<NamedProbe>(static () => new NamedProbe(), null, maxRetained: 2, name: "probes");
        pool.Rent();
        string? poolTag = null;
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "hotpath.pool.rents")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var type = false;
            string? name = null;
            foreach (var tag in tags)
            {
                type |= tag.Key == "type" && (string?)tag.Value == nameof(NamedProbe);
                name = tag.Key == "pool" ? (string?)tag.Value : name;
            }

            if (type)
            {
                poolTag = name;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal("probes", poolTag);
    }

    [Fact]
    public void A_meter_listener_that_throws_while_collecting_loses_no_pooled_instance_and_no_count()
    {
        // The pool's instruments are observable: the listener's exception reaches whoever collects
        // (RecordObservableInstruments throws them as one AggregateException), never a Rent or Return, and the pool's state is read under its own lock,
        // released before the listener is called.
        var pool = new Pool<ThrowingListenerProbe>(static () => new ThrowingListenerProbe(), null, maxRetained: 4);
        var throws = new int[1];
        var listener = Listeners.Throwing("hotpath.pool.", "type", nameof(ThrowingListenerProbe), throws);
        using (listener)
        {
            var rented = new[] { pool.Rent(), pool.Rent(), pool.Rent() };
            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            foreach (var item in rented)
            {
                pool.Return(item);
            }

            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            var again = new[] { pool.Rent(), pool.Rent(), pool.Rent() };
            Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
            Assert.Equal(rented.ToHashSet(ReferenceEqualityComparer.Instance), again.ToHashSet(ReferenceEqualityComparer.Instance));
            foreach (var item in again)
            {
                pool.Return(item);
            }
        }

        Assert.Equal(3 * 3, throws[0]); // each collection calls every instrument's callback, then throws them together
        var statistics = pool.Statistics;
        Assert.Equal((6, 3, 3, 6, 0), (statistics.Rents, statistics.Hits, statistics.Misses, statistics.Returns, statistics.Drops));
        var seen = MeterReadings.Observe("hotpath.pool.", "type", nameof(ThrowingListenerProbe));
        Assert.Equal(6, seen["hotpath.pool.rents"]);
        Assert.Equal(3, seen["hotpath.pool.misses"]);
        Assert.Equal(0, seen["hotpath.pool.drops"]);
        GC.KeepAlive(pool);
    }

    private sealed class ThrowingListenerProbe;

    private sealed class MetricsProbe;

    private sealed class NamedProbe;
}
