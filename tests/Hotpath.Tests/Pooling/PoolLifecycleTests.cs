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
}
