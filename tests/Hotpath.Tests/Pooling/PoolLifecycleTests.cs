using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Pooling;

/// <summary>
/// The pool under lifecycle edges: resets that re-enter the pool or throw, instances that cross threads, threads that
/// end holding a slot.
/// </summary>
public sealed class PoolLifecycleTests
{
    /// <summary>A tree node whose reset hands its children back to the same pool (a common hand-written OnReset).</summary>
    private sealed class Node
    {
        public readonly List<Node> Children = new();
        public int InUse;
    }

    private static Pool<Node> NodePool(bool detect = false)
    {
        Pool<Node>? pool = null;
        pool = new Pool<Node>(
            static () => new Node(),
            node =>
            {
                foreach (var child in node.Children)
                {
                    pool!.Return(child);
                }

                node.Children.Clear();
            },
            new PoolOptions { MaxRetained = 16, DetectDoubleReturn = detect });
        return pool;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reset_that_returns_other_instances_to_the_same_pool_loses_none_of_them(bool detect)
    {
        // The first return went into this thread's empty slot: the reset's own return filled the slot, and the parent
        // then overwrote it. The child was lost, counted as returned yet neither retained nor dropped.
        var pool = NodePool(detect);
        var parent = pool.Rent();
        var child = pool.Rent();
        parent.Children.Add(child);

        pool.Return(parent);

        var retained = pool.SnapshotRetained();
        Assert.Equal(2, retained.Count);
        Assert.Contains(parent, retained);
        Assert.Contains(child, retained);
        Assert.Equal(new PoolStatistics(Rents: 2, Hits: 0, Misses: 2, Returns: 2, Drops: 0), pool.Statistics);

        // Both come back, each once.
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.NotSame(a, b);
        Assert.Equal(2, pool.Statistics.Hits);
    }

    [Fact]
    public void A_reset_that_returns_instances_on_the_fast_path_loses_none_of_them()
    {
        var pool = NodePool();
        pool.Return(pool.Rent()); // this thread's slot now holds a permit: the next returns take the inlined path
        var parent = pool.Rent();
        var child = pool.Rent();
        var grandchild = pool.Rent();
        child.Children.Add(grandchild);
        parent.Children.Add(child);

        pool.Return(parent);

        var retained = pool.SnapshotRetained();
        Assert.Equal(3, retained.Count);
        Assert.Equal(3, retained.Distinct().Count());
        var stats = pool.Statistics;
        Assert.Equal(4, stats.Returns);
        Assert.Equal(0, stats.Drops);
        Assert.Equal(stats.Misses - stats.Drops, retained.Count); // every instance made is retained, rented out or dropped
    }

    [Fact]
    public void A_return_whose_reset_throws_counts_as_no_return_and_the_instance_stays_the_callers()
    {
        var fail = false;
        var pool = new Pool<Node>(static () => new Node(), _ =>
        {
            if (fail)
            {
                throw new FormatException("boom");
            }
        }, maxRetained: 4);
        pool.Return(pool.Rent()); // warm: a slot with a permit, so the next return takes the inlined path
        var before = pool.Statistics;
        var a = pool.Rent();
        fail = true;

        Assert.Throws<FormatException>(() => pool.Return(a)); // fast path: the slot is empty
        var b = pool.Rent();
        Assert.Throws<FormatException>(() => pool.Return(b)); // slow path: into the shared store

        // Neither return happened: not counted, nothing kept, and "Misses - Drops = retained + rented out" still holds
        // with a and b rented out. The caller may retry once the reset can succeed.
        var after = pool.Statistics;
        Assert.Equal(before.Returns, after.Returns);
        Assert.Equal(before.Drops, after.Drops);
        Assert.Empty(pool.SnapshotRetained());
        Assert.Equal(2, after.Misses - after.Drops);

        fail = false;
        pool.Return(a);
        pool.Return(b);
        Assert.Equal(2, pool.SnapshotRetained().Count);
        Assert.Equal(before.Returns + 2, pool.Statistics.Returns);
    }

    [Fact]
    public void Instances_returned_on_other_threads_and_threads_that_end_holding_slots_lose_nothing()
    {
        // Producer threads rent and hand instances to consumer threads that return them; every thread ends while its
        // slot may hold an instance. Invariants: never two holders of one instance, never more than MaxRetained
        // retained, and once the dead threads' slots are finalized every instance made is retained or dropped.
        var pool = new Pool<Node>(static () => new Node(), static _ => { }, new PoolOptions { MaxRetained = 8 });
        var failures = 0;
        var rents = 0L;
        var deadline = DateTime.UtcNow.AddSeconds(1.5);
        for (var round = 0; round < 20 && DateTime.UtcNow < deadline; round++)
        {
            using var queue = new System.Collections.Concurrent.BlockingCollection<Node>(boundedCapacity: 64);
            var producers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    var node = pool.Rent();
                    Interlocked.Increment(ref rents);
                    if (Interlocked.Exchange(ref node.InUse, 1) != 0)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    queue.Add(node);
                    if ((i & 7) == 0)
                    {
                        pool.Return(TakeBack(pool.Rent())); // some rents and returns on the producer's own slot too
                    }
                }
            })).ToArray();
            var consumers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                foreach (var node in queue.GetConsumingEnumerable())
                {
                    Volatile.Write(ref node.InUse, 0);
                    pool.Return(node);
                    if (pool.PermitsInUse > pool.MaxRetained)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })).ToArray();
            foreach (var thread in producers.Concat(consumers))
            {
                thread.Start();
            }

            foreach (var producer in producers)
            {
                producer.Join();
            }

            queue.CompleteAdding();
            foreach (var consumer in consumers)
            {
                consumer.Join();
            }
        }

        Assert.Equal(0, failures);
        Collections.Settle(); // the dead threads' slots: permits back, their instances counted as dropped
        var retained = pool.SnapshotRetained();
        Assert.InRange(retained.Count, 0, pool.MaxRetained);
        Assert.Equal(retained.Count, retained.Distinct().Count());
        var stats = pool.Statistics;
        Assert.Equal(stats.Rents, stats.Hits + stats.Misses);
        Assert.Equal(stats.Rents, stats.Returns);
        Assert.True(stats.Rents >= Interlocked.Read(ref rents));
        Assert.Equal(stats.Misses - stats.Drops, retained.Count); // nothing rented out now: all made are retained or dropped

        static Node TakeBack(Node node) => node;
    }

    /// <summary>Runs <paramref name="action"/> on a thread of its own and waits for it; rethrows what it threw.</summary>
    private static void OnOwnThread(Action action)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    [Theory]
    [InlineData(true)]  // the first return went to the first thread's own slot
    [InlineData(false)] // ... to the shared store (that slot was full)
    public void A_double_return_from_another_thread_than_the_first_is_detected(bool intoSlot)
    {
        var pool = NodePool(detect: true);
        Node item = null!;
        using var returned = new ManualResetEventSlim();
        using var checkedAll = new ManualResetEventSlim();

        // The first thread stays alive until the checks are done: a thread that ended lets go of its slot's instance
        // when a collection finalizes the slot, which would take the item out of the snapshot below at random.
        var first = new Thread(() =>
        {
            item = pool.Rent();
            if (!intoSlot)
            {
                pool.Return(pool.Rent()); // fills this thread's slot first
            }

            pool.Return(item);
            returned.Set();
            checkedAll.Wait();
        });
        first.Start();
        try
        {
            Assert.True(returned.Wait(TimeSpan.FromSeconds(20)), "the first thread did not return the item");
            var error = Assert.Throws<InvalidOperationException>(() => OnOwnThread(() => pool.Return(item)));
            Assert.Contains("twice", error.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => pool.Return(item)); // and from the test's thread
            var retained = pool.SnapshotRetained();
            Assert.Single(retained, node => ReferenceEquals(node, item)); // kept once
            Assert.Equal(intoSlot ? 1 : 2, pool.Statistics.Returns);
        }
        finally
        {
            checkedAll.Set();
            first.Join();
        }
    }

    [Fact]
    public void Of_two_threads_returning_one_instance_at_once_exactly_one_is_refused_every_time()
    {
        const int Rounds = 300;
        var pool = NodePool(detect: true);
        using var barrier = new Barrier(3); // two returning threads and the test's, which rents each round's instance
        Node current = null!;
        var returned = new int[Rounds];
        var refused = new int[Rounds];
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                barrier.SignalAndWait(); // the round's instance is rented
                try
                {
                    pool.Return(Volatile.Read(ref current));
                    Interlocked.Increment(ref returned[round]);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref refused[round]);
                }

                barrier.SignalAndWait(); // both have returned it
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        for (var round = 0; round < Rounds; round++)
        {
            Volatile.Write(ref current, pool.Rent());
            barrier.SignalAndWait();
            barrier.SignalAndWait();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(returned, static n => Assert.Equal(1, n));
        Assert.All(refused, static n => Assert.Equal(1, n));
        Assert.Equal(Rounds, pool.Statistics.Returns);
        var retained = pool.SnapshotRetained();
        Assert.Equal(retained.Count, retained.Distinct().Count()); // none kept twice
    }
}
