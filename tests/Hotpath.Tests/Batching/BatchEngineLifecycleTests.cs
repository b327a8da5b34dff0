using System.Collections.Concurrent;
using Hotpath.Batching;

namespace Hotpath.Tests.Batching;

/// <summary>
/// The engine under lifecycle misuse and adversarial concurrency: completion racing posts, handlers and dead-letter
/// handlers that misbehave, extreme options.
/// </summary>
public sealed class BatchEngineLifecycleTests
{
    // Generous: these only bound a hang; nothing asserts that something happens quickly.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static BatchEngineOptions Options(int maxBatchSize = 16, double maxDelayMs = 3_600_000, int capacity = 1024, int maxConcurrent = 1, int maxRetries = 3) => new()
    {
        MaxBatchSize = maxBatchSize,
        MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs),
        Capacity = capacity,
        MaxConcurrentBatches = maxConcurrent,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(4),
    };

    [Fact]
    public async Task A_huge_MaxConcurrentBatches_costs_nothing_up_front()
    {
        // The constructor made one runner per concurrency slot: 10 million objects here, and with int.MaxValue it
        // never finished (out of memory).
        var before = GC.GetAllocatedBytesForCurrentThread();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 4, maxConcurrent: 10_000_000), static (_, _) => default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, 64 * 1024);

        for (var i = 0; i < 100; i++)
        {
            Assert.True(engine.Post(i));
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(100, engine.DeliveredCount);
    }

    [Fact]
    public async Task MaxConcurrentBatches_of_int_MaxValue_runs_every_batch_at_once()
    {
        // Eight batches whose handlers each wait for all eight to be running: only an engine that runs them all at
        // once completes.
        using var allRunning = new CountdownEvent(8);
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, maxConcurrent: int.MaxValue), async (_, _) =>
        {
            allRunning.Signal();
            await Task.Run(() => Assert.True(allRunning.Wait(Patience), "the batches did not all run at once"));
        });

        for (var i = 0; i < 8; i++)
        {
            Assert.True(engine.Post(i));
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(8, engine.DeliveredCount);
    }
}
