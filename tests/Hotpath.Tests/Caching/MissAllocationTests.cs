using System.Threading.Tasks.Sources;
using Hotpath.Caching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Caching;

/// <summary>Runs alone: one of its tests counts every thread's allocations (the load's end runs on the thread pool).</summary>
[CollectionDefinition(nameof(MissAllocationTests), DisableParallelization = true)]
public sealed class MissAllocationCollection
{
}

/// <summary>
/// The exact bytes one warm miss allocates, as budgets: a change that allocates more fails here, and one that
/// allocates less lowers the budget to its new figure. Keys are ints and the value is one shared string, so the
/// figures are the cache's own bookkeeping plus the entry it stores (a <c>CacheNode&lt;int, string&gt;</c>). Each
/// is measured on a thread of its own started without the test's execution context (a bare flow, as a worker's):
/// a flow carrying AsyncLocals of its own makes the load chain's context larger (see
/// <see cref="AllocationTests.A_warm_miss_costs_about_the_same_in_a_flow_that_carries_other_async_locals"/>).
/// </summary>
[Collection(nameof(MissAllocationTests))]
public sealed class MissAllocationTests
{
    private const int Misses = 1_000;
    private const string Value = "loaded";

    private static ShardedCache<int, string> Create() => new(new ShardedCacheOptions { Capacity = 1 << 16, TrimOnMemoryPressure = false });

    [OptimizedBuildFact]
    public void A_warm_GetOrAdd_miss_allocates_only_its_entry()
    {
        var cache = Create();
        Func<int, string> factory = static _ => Value;
        var next = 0;

        AssertEachMissAllocates(72, () => Assert.Same(Value, cache.GetOrAdd(next++, factory)));
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAdd_miss_with_a_factory_argument_allocates_only_its_entry()
    {
        // A static lambda reaching its state through the argument: no closure, no delegate per call. The argument is a
        // struct, so nothing boxes it either.
        var cache = Create();
        var next = 0;

        AssertEachMissAllocates(72, () => Assert.Same(Value, cache.GetOrAdd(next++, static (_, state) => state.Value, new LoadState(Value))));
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAddAsync_miss_with_a_loader_argument_costs_what_one_without_costs()
    {
        var cache = Create();
        var next = 0;

        AssertEachMissAllocates(168, () =>
        {
            var pending = cache.GetOrAddAsync(next++, static (_, state, _) => new ValueTask<string>(state.Value), new LoadState(Value));
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Same(Value, pending.Result);
        });
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAddAsync_miss_whose_loader_completes_synchronously_allocates_its_budget()
    {
        var cache = Create();
        Func<int, CancellationToken, ValueTask<string>> loader = static (_, _) => new ValueTask<string>(Value);
        var next = 0;

        AssertEachMissAllocates(168, () =>
        {
            var pending = cache.GetOrAddAsync(next++, loader);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Same(Value, pending.Result);
        });
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAddAsync_miss_whose_loader_completes_synchronously_costs_the_same_with_a_cancellable_token()
    {
        var cache = Create();
        using var cancellation = new CancellationTokenSource();
        Func<int, CancellationToken, ValueTask<string>> loader = static (_, _) => new ValueTask<string>(Value);
        var next = 0;

        AssertEachMissAllocates(168, () =>
        {
            var pending = cache.GetOrAddAsync(next++, loader, cancellation.Token);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Same(Value, pending.Result);
        });
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAddAsync_miss_whose_loader_completes_later_allocates_its_budget()
    {
        // The loader's own pending value allocates nothing (a reused IValueTaskSource), and it is completed on the
        // measuring thread, which runs the miss's continuation inline: every byte counted is the cache's.
        var cache = Create();
        var source = new ManualLoad();
        Func<int, CancellationToken, ValueTask<string>> loader = (_, _) => source.Pending();
        var next = 0;

        // 176 bytes more than a miss completed at once: the box of the async method that waits for the loader (not
        // pooled, so that a caller may block on it). It was 192 while that method was the whole miss (its box held the
        // loader and the token too), and 200 while the store's arguments also rode in it across the await.
        AssertEachMissAllocates(344, () =>
        {
            var pending = cache.GetOrAddAsync(next++, loader);
            Assert.False(pending.IsCompleted);
            source.Complete(Value);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Same(Value, pending.Result);
        });
    }

    [OptimizedBuildFact]
    public void A_warm_GetOrAddAsync_miss_whose_loader_completes_later_with_a_cancellable_token_allocates_its_budget()
    {
        // The caller's token must be able to end its wait while the loader runs on, so this miss detaches the load.
        // Its caller's wait may end on another thread: a thread-pool hand-off cost 64 bytes in some runs and not in others.
        var cache = Create();
        var source = new ManualLoad();
        using var cancellation = new CancellationTokenSource();
        Func<int, CancellationToken, ValueTask<string>> loader = (_, _) => source.Pending();
        var next = 0;

        AssertEachMissAllocates(736, allThreads: true, slack: 64, miss: () =>
        {
            var pending = cache.GetOrAddAsync(next++, loader, cancellation.Token);
            Assert.False(pending.IsCompleted);
            source.Complete(Value);
            SpinWait.SpinUntil(() => pending.IsCompleted); // the caller's wait may end on another thread
            Assert.Same(Value, pending.Result);
        });
    }

    /// <summary>
    /// Runs rounds of <see cref="Misses"/> calls of <paramref name="miss"/> on a thread of its own in a bare flow and
    /// asserts that the cheapest of five warm rounds allocated exactly <paramref name="bytesPerMiss"/> a miss (a
    /// one-off runtime allocation, such as a tiered-JIT rejit, can touch one round, not all five). With
    /// <paramref name="allThreads"/>, every thread's allocations are counted (the tests of this class run alone) in
    /// whole bytes a miss, and a miss may allocate up to <paramref name="slack"/> bytes less than the budget, never more.
    /// </summary>
    private static void AssertEachMissAllocates(long bytesPerMiss, Action miss, bool allThreads = false, long slack = 0)
    {
        long Allocated() => allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();

        var rounds = new List<long>();
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                for (var round = 0; round < 7; round++)
                {
                    var before = Allocated();
                    for (var i = 0; i < Misses; i++)
                    {
                        miss();
                    }

                    rounds.Add(Allocated() - before);
                }
            }
            catch (Exception error)
            {
                failure = error;
            }
        });
        thread.UnsafeStart(); // no execution context captured: the thread runs in a bare flow
        thread.Join();

        Assert.Null(failure);
        var warm = rounds.Skip(2).Min(); // the first two rounds warm up: JIT, the map of loads in flight
        if (allThreads)
        {
            // Whole bytes a miss: the thread pool's own few bytes now and then (under a thousand a round) do not count.
            warm -= warm % Misses;
        }

        Assert.True(warm <= bytesPerMiss * Misses && warm >= (bytesPerMiss - slack) * Misses, $"a miss allocated {warm / (double)Misses} bytes (budget {bytesPerMiss}); bytes per round: {string.Join(", ", rounds)}");
    }

    /// <summary>A loader's pending value that allocates nothing: one reusable source, completed by the test.</summary>
    private sealed class ManualLoad : IValueTaskSource<string>
    {
        private ManualResetValueTaskSourceCore<string> _core; // continuations run inline, on the completing thread

        public ValueTask<string> Pending() => new(this, _core.Version);

        public void Complete(string value)
        {
            _core.SetResult(value);
            _core.Reset(); // the miss awaited it inline above, and has read its result
        }

        public string GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>What a loader needs, handed to it as the overloads' argument.</summary>
    private readonly record struct LoadState(string Value);
}
