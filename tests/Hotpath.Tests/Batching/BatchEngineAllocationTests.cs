using Hotpath.Batching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Batching;

/// <summary>
/// Runs alone: a flush runs on the engine's dispatcher, its flush timer and a worker, not on the test thread, so these
/// tests count the bytes allocated by every thread of the process, and a test running beside them would count too.
/// </summary>
[CollectionDefinition(nameof(BatchEngineAllocationTests), DisableParallelization = true)]
public sealed class BatchEngineAllocationCollection
{
}

[Collection(nameof(BatchEngineAllocationTests))]
public sealed class BatchEngineAllocationTests
{
    [OptimizedBuildFact]
    public void A_flush_by_MaxDelay_on_the_system_clock_allocates_nothing_on_any_thread()
    {
        // One item a batch, so every batch waits MaxDelay: the dispatcher sets the flush timer, the timer fires, a
        // worker runs the handler (the path the TimeProvider change rewrote).
        using var handled = new SemaphoreSlim(0);
        var engine = new BatchEngine<long>(
            new BatchEngineOptions { MaxBatchSize = 4_096, MaxDelay = TimeSpan.FromMilliseconds(1), Capacity = 1 << 16 },
            (_, _) =>
            {
                handled.Release();
                return default;
            });

        AssertFlushesAllocateNothing(engine, handled, itemsPerFlush: 1, flushes: 10);
    }

    [OptimizedBuildFact]
    public void A_flush_by_size_allocates_nothing_on_any_thread()
    {
        using var handled = new SemaphoreSlim(0);
        var engine = new BatchEngine<long>(
            new BatchEngineOptions { MaxBatchSize = 64, MaxDelay = TimeSpan.FromHours(1), Capacity = 1 << 16, MaxConcurrentBatches = 2 },
            (_, _) =>
            {
                handled.Release();
                return default;
            });

        AssertFlushesAllocateNothing(engine, handled, itemsPerFlush: 64, flushes: 100);
    }

    /// <summary>
    /// After a warm-up, <paramref name="flushes"/> batches of <paramref name="itemsPerFlush"/> items, each posted once the
    /// one before was handled, allocate nothing on any thread in steady state (bytes counted process-wide).
    /// </summary>
    private static void AssertFlushesAllocateNothing(BatchEngine<long> engine, SemaphoreSlim handled, int itemsPerFlush, int flushes)
    {
        var handedOff = 0L;
        void Flush(int count)
        {
            for (var flush = 0; flush < count; flush++)
            {
                for (var i = 0; i < itemsPerFlush; i++)
                {
                    Assert.True(engine.Post(i));
                }

                Assert.True(handled.Wait(TimeSpan.FromSeconds(20)), "a batch was not handled");
                handedOff += itemsPerFlush;
            }
        }

        // Warm-up: JIT and tiering (a pause lets the background compile finish), the buffers, the thread pool's threads.
        Flush(200);
        Thread.Sleep(200);
        Flush(200);

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            Flush(flushes);
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }, maxRounds: 20); // bytes are counted process-wide: on a loaded machine the runtime itself (a thread-pool thread
                           // injected, a timer queue grown) can allocate in several rounds in a row; one clean round proves the path

        engine.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        Assert.Equal(handedOff, engine.DeliveredCount);
    }
}
