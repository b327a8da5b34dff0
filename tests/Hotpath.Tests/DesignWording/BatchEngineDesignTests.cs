using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hotpath.Batching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.DesignWording;

/// <summary>
/// <c>Hotpath.Batching.BatchEngine&lt;T&gt;</c> as an outside tester would exercise it from DESIGN.md section 3 and the
/// batch issue: size and delay flushes, capacity and backpressure, concurrency limit, retries then dead-letter,
/// completion and disposal, cancellation, and the meter. Timeouts only bound a hang.
/// </summary>
public sealed class BatchEngineDesignTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // A type of its own, so the meter test sees only its own series.
    private readonly record struct WordingMeteredItem(int Value);

    private static BatchEngineOptions Options(int maxBatchSize = 1024, TimeSpan? maxDelay = null, int capacity = 65_536, int maxConcurrent = 1, int maxRetries = 3) => new()
    {
        MaxBatchSize = maxBatchSize,
        MaxDelay = maxDelay ?? TimeSpan.FromMilliseconds(50),
        Capacity = capacity,
        MaxConcurrentBatches = maxConcurrent,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
    };

    /// <summary>A handler that copies every batch (the memory is valid only during the call).</summary>
    private sealed class Recorder
    {
        public readonly ConcurrentQueue<int[]> Batches = new();

        public ValueTask Handle(ReadOnlyMemory<int> batch, CancellationToken _)
        {
            Batches.Enqueue(batch.ToArray());
            return default;
        }

        public int[] All => Batches.SelectMany(static b => b).ToArray();
    }

    [Fact]
    public async Task MaxBatchSize_one_hands_every_item_alone_in_order()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, maxDelay: TimeSpan.FromHours(1)), recorder.Handle);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(engine.Post(i));
        }

        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(10, recorder.Batches.Count);
        Assert.All(recorder.Batches, static b => Assert.Single(b));
        Assert.Equal(Enumerable.Range(0, 10), recorder.All);
    }

    [Fact]
    public async Task A_full_batch_is_flushed_without_waiting_for_MaxDelay()
    {
        var recorder = new Recorder();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new BatchEngine<int>(Options(maxBatchSize: 4, maxDelay: TimeSpan.FromHours(1)), (batch, ct) =>
        {
            _ = recorder.Handle(batch, ct);
            handled.TrySetResult();
            return default;
        });
        for (var i = 0; i < 4; i++)
        {
            engine.Post(i);
        }

        await handled.Task.WaitAsync(Patience); // an hour-long MaxDelay never elapses here
        Assert.Equal([0, 1, 2, 3], Assert.Single(recorder.Batches));
    }

    [Fact]
    public async Task A_single_item_is_flushed_once_MaxDelay_has_passed()
    {
        var maxDelay = TimeSpan.FromMilliseconds(100);
        var handled = new TaskCompletionSource<(int[] Batch, TimeSpan At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        await using var engine = new BatchEngine<int>(Options(maxBatchSize: 100, maxDelay: maxDelay), (batch, _) =>
        {
            handled.TrySetResult((batch.ToArray(), clock.Elapsed));
            return default;
        });

        Assert.True(engine.Post(7));
        var (items, at) = await handled.Task.WaitAsync(Patience);

        Assert.Equal([7], items);
        Assert.True(at >= maxDelay - TimeSpan.FromMilliseconds(1), $"flushed after {at.TotalMilliseconds} ms, before MaxDelay");
    }

    [Fact]
    public async Task Capacity_one_accepts_one_item_until_it_is_handled()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, capacity: 1), async (batch, ct) =>
        {
            await recorder.Handle(batch, ct);
            started.TrySetResult();
            await release.Task;
        });

        Assert.True(engine.Post(1));
        Assert.False(engine.Post(2)); // full: the first item is pending until its handler finishes
        await started.Task.WaitAsync(Patience);
        Assert.False(engine.Post(3)); // still full while the handler runs

        release.SetResult();
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1], recorder.All);
    }

    [Fact]
    public async Task Capacity_below_the_default_MaxBatchSize_is_accepted_and_Post_returns_false_when_full()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(new BatchEngineOptions { Capacity = 2, MaxDelay = TimeSpan.FromHours(1) }, async (batch, ct) =>
        {
            await recorder.Handle(batch, ct);
            await release.Task;
        });

        Assert.True(engine.Post(1));
        Assert.True(engine.Post(2));
        Assert.False(engine.Post(3));

        release.SetResult();
        await engine.CompleteAsync().WaitAsync(Patience); // the two held items are flushed; nothing waits an hour
        Assert.Equal([1, 2], recorder.All);
    }

    [Fact]
    public async Task PostAsync_waits_for_room_and_completes_once_a_batch_is_handled()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2, capacity: 2), async (batch, ct) =>
        {
            await recorder.Handle(batch, ct);
            await release.Task;
        });

        Assert.True(engine.Post(1));
        Assert.True(engine.Post(2));
        var waiting = engine.PostAsync(3).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted); // backpressure: no room until the handler finishes

        release.SetResult();
        await waiting.WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1, 2, 3], recorder.All.Order());
    }

    [Fact]
    public async Task Cancelling_a_waiting_PostAsync_throws_and_the_item_is_not_taken()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, capacity: 1), async (batch, ct) =>
        {
            await recorder.Handle(batch, ct);
            await release.Task;
        });

        Assert.True(engine.Post(1));
        using var cts = new CancellationTokenSource();
        var waiting = engine.PostAsync(2, cts.Token).AsTask();
        cts.Cancel();
        // Exactly the documented OperationCanceledException (not TaskCanceledException), on a cancelled task.
        var cancelled = await Assert.ThrowsAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        Assert.Equal(cts.Token, cancelled.CancellationToken);
        Assert.True(waiting.IsCanceled);

        // An already-cancelled token fails at once as well.
        var early = engine.PostAsync(3, cts.Token).AsTask();
        await Assert.ThrowsAsync<OperationCanceledException>(() => early);
        Assert.True(early.IsCanceled);

        release.SetResult();
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1], recorder.All);
    }

    [Fact]
    public async Task MaxConcurrentBatches_one_never_runs_two_handlers_at_once()
    {
        var running = 0;
        var peak = 0;
        var items = 0;
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2, maxConcurrent: 1), async (batch, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(2);
            Interlocked.Add(ref items, batch.Length);
            Interlocked.Decrement(ref running);
        });

        for (var i = 0; i < 40; i++)
        {
            await engine.PostAsync(i);
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(1, peak);
        Assert.Equal(40, items);
    }

    [Fact]
    public async Task A_handler_that_always_throws_is_retried_then_dead_lettered_with_the_items_and_the_exception()
    {
        var attempts = 0;
        var deadLettered = new ConcurrentQueue<(int[] Items, Exception Error)>();
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 3, maxDelay: TimeSpan.FromHours(1), maxRetries: 2),
            (_, _) =>
            {
                var n = Interlocked.Increment(ref attempts);
                throw new InvalidOperationException($"attempt {n}");
            },
            (batch, error) =>
            {
                deadLettered.Enqueue((batch.ToArray(), error));
                return default;
            });

        engine.Post(10);
        engine.Post(20);
        engine.Post(30);
        await engine.CompleteAsync().WaitAsync(Patience); // does not throw: the dead-letter handler took the failure

        var (items, error) = Assert.Single(deadLettered);
        Assert.Equal([10, 20, 30], items);
        Assert.Equal(3, attempts); // the first attempt and MaxRetries = 2 retries
        var thrown = Assert.IsType<InvalidOperationException>(error);
        Assert.Equal("attempt 3", thrown.Message); // the last exception
    }

    [Fact]
    public async Task An_async_handler_that_throws_is_dead_lettered_with_the_same_exception_instance()
    {
        var boom = new TimeoutException("downstream timed out");
        var received = new TaskCompletionSource<(int[], Exception)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new BatchEngine<int>(
            Options(maxBatchSize: 2, maxRetries: 0),
            async (_, _) =>
            {
                await Task.Yield();
                throw boom;
            },
            (batch, error) =>
            {
                received.TrySetResult((batch.ToArray(), error));
                return default;
            });

        engine.Post(1);
        engine.Post(2);
        var (items, error) = await received.Task.WaitAsync(Patience);
        Assert.Equal([1, 2], items);
        Assert.Same(boom, error);
    }

    [Fact]
    public async Task The_engine_keeps_running_after_a_dead_letter()
    {
        var fail = 1;
        var recorder = new Recorder();
        var dead = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 1, maxRetries: 0),
            (batch, ct) => Interlocked.Exchange(ref fail, 0) == 1 ? throw new InvalidOperationException("first only") : recorder.Handle(batch, ct),
            (batch, _) =>
            {
                foreach (var item in batch.Span)
                {
                    dead.Enqueue(item);
                }

                return default;
            });

        engine.Post(1);
        engine.Post(2);
        engine.Post(3);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1], dead);
        Assert.Equal([2, 3], recorder.All);
    }

    [Fact]
    public async Task CompleteAsync_flushes_a_partial_batch_without_waiting_for_MaxDelay()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 100, maxDelay: TimeSpan.FromHours(1)), recorder.Handle);
        engine.Post(1);
        engine.Post(2);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1, 2], Assert.Single(recorder.Batches));
    }

    [Fact]
    public async Task CompleteAsync_twice_is_safe_and_both_complete()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxDelay: TimeSpan.FromHours(1)), recorder.Handle);
        engine.Post(1);
        var first = engine.CompleteAsync();
        var second = engine.CompleteAsync();
        await first.WaitAsync(Patience);
        await second.WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);
        await engine.DisposeAsync();
        Assert.Equal([1], recorder.All);
    }

    [Fact]
    public async Task Post_after_CompleteAsync_returns_false_and_PostAsync_throws()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(), recorder.Handle);
        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.False(engine.Post(1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PostAsync(2).AsTask());
        Assert.Empty(recorder.Batches);
    }

    [Fact]
    public async Task Completing_with_nothing_posted_never_calls_the_handler_with_an_empty_batch()
    {
        var calls = 0;
        var engine = new BatchEngine<int>(Options(maxDelay: TimeSpan.FromMilliseconds(5)), (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return default;
        });
        await Task.Delay(50); // several MaxDelay periods with nothing buffered
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Batches_are_never_empty_and_never_larger_than_MaxBatchSize()
    {
        var sizes = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 7, maxDelay: TimeSpan.FromMilliseconds(1), maxConcurrent: 2), (batch, _) =>
        {
            sizes.Enqueue(batch.Length);
            return default;
        });
        for (var i = 0; i < 1_000; i++)
        {
            await engine.PostAsync(i);
            if (i % 97 == 0)
            {
                await Task.Delay(2);
            }
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.All(sizes, static s => Assert.InRange(s, 1, 7));
        Assert.Equal(1_000, sizes.Sum());
    }

    [Fact]
    public async Task DisposeAsync_without_CompleteAsync_flushes_everything_posted()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 10, maxDelay: TimeSpan.FromHours(1)), recorder.Handle);
        for (var i = 0; i < 25; i++)
        {
            engine.Post(i);
        }

        await engine.DisposeAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 25), recorder.All);
        Assert.False(engine.Post(99));
    }

    [Fact]
    public async Task Await_using_flushes_on_dispose()
    {
        var recorder = new Recorder();
        await using (var engine = new BatchEngine<int>(Options(maxDelay: TimeSpan.FromHours(1)), recorder.Handle))
        {
            engine.Post(1);
            await engine.PostAsync(2);
        }

        Assert.Equal([1, 2], recorder.All);
    }

    [Fact]
    public async Task Many_producers_lose_nothing()
    {
        var recorder = new Recorder();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 64, capacity: 256, maxConcurrent: 2), recorder.Handle);
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                await engine.PostAsync((p * 5_000) + i);
            }
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 20_000), recorder.All.Order());
    }

    [Fact]
    public async Task Counters_are_published_on_the_Hotpath_meter()
    {
        var seen = new ConcurrentDictionary<string, long>();
        var tagKeys = new ConcurrentDictionary<string, bool>();
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hotpath" && instrument.Name.StartsWith("hotpath.batch.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string s && s == nameof(WordingMeteredItem))
                {
                    tagKeys[tag.Key] = true;
                    seen.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                }
            }
        });
        listener.Start();

        var engine = new BatchEngine<WordingMeteredItem>(
            Options(maxBatchSize: 2, maxDelay: TimeSpan.FromHours(1), maxRetries: 1),
            (batch, _) => batch.Span[0].Value < 0 ? throw new InvalidOperationException("negative") : default,
            (_, _) => default);
        engine.Post(new WordingMeteredItem(1));
        engine.Post(new WordingMeteredItem(2));
        engine.Post(new WordingMeteredItem(-1));
        engine.Post(new WordingMeteredItem(-2));
        engine.Post(new WordingMeteredItem(3));
        await engine.CompleteAsync().WaitAsync(Patience);

        // Batches [1, 2], [-1, -2] (fails, retried once, dead-lettered) and [3] (flushed by completion).
        Assert.Equal(5, seen.GetValueOrDefault("hotpath.batch.items"));
        Assert.Equal(3, seen.GetValueOrDefault("hotpath.batch.flushes"));
        Assert.Equal(1, seen.GetValueOrDefault("hotpath.batch.retries"));
        Assert.Equal(2, seen.GetValueOrDefault("hotpath.batch.deadletters")); // counted in items, as documented
        Assert.Equal(["type"], tagKeys.Keys);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
