using Hotpath.Tests.Shared;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Hotpath.Batching;
using Hotpath.Tests.Caching;
using Hotpath.Threading;

namespace Hotpath.Tests.Batching;

public sealed class BatchEngineTests
{
    // Generous: these only bound a hang; nothing asserts that something happens quickly. Shared with BatchEngineLifecycleTests.
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // How long a test on a fake clock waits in real time to see that nothing happens: several times the real-time
    // delays it sets, so an engine that waited on the system clock instead would act within it.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    internal static BatchEngineOptions Options(int maxBatchSize = 16, double maxDelayMs = 3_600_000, int capacity = 1024, int maxConcurrent = 1, int maxRetries = 3) => new()
    {
        MaxBatchSize = maxBatchSize,
        MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs),
        Capacity = capacity,
        MaxConcurrentBatches = maxConcurrent,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(4),
    };

    [Theory]
    [InlineData(nameof(BatchEngineOptions.MaxBatchSize))]
    [InlineData(nameof(BatchEngineOptions.MaxDelay))]
    [InlineData(nameof(BatchEngineOptions.Capacity))]
    [InlineData(nameof(BatchEngineOptions.MaxConcurrentBatches))]
    [InlineData(nameof(BatchEngineOptions.MaxRetries))]
    [InlineData(nameof(BatchEngineOptions.RetryBaseDelay))]
    [InlineData(nameof(BatchEngineOptions.RetryMaxDelay))]
    [InlineData(nameof(BatchEngineOptions.TimeProvider))]
    public void Options_out_of_range_throw_naming_the_setting(string setting)
    {
        var options = Options();
        switch (setting)
        {
            case nameof(BatchEngineOptions.MaxBatchSize): options.MaxBatchSize = 0; break;
            case nameof(BatchEngineOptions.MaxDelay): options.MaxDelay = TimeSpan.Zero; break;
            case nameof(BatchEngineOptions.Capacity): options.Capacity = 0; break;
            case nameof(BatchEngineOptions.MaxConcurrentBatches): options.MaxConcurrentBatches = 0; break;
            case nameof(BatchEngineOptions.MaxRetries): options.MaxRetries = -1; break;
            case nameof(BatchEngineOptions.RetryBaseDelay): options.RetryBaseDelay = TimeSpan.FromMilliseconds(-1); break;
            case nameof(BatchEngineOptions.RetryMaxDelay): options.RetryMaxDelay = TimeSpan.Zero; break;
            case nameof(BatchEngineOptions.TimeProvider): options.TimeProvider = new FrequencylessTimeProvider(); break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEngine<int>(options, static (_, _) => default));
        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void Null_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => new BatchEngine<int>(null!, static (_, _) => default));
        Assert.Throws<ArgumentNullException>(() => new BatchEngine<int>(Options(), null!));
    }

    [Fact]
    public async Task Flushes_when_a_batch_is_full_without_waiting_for_the_delay()
    {
        var sizes = new ConcurrentQueue<int>();
        var seen = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new BatchEngine<int>(Options(maxBatchSize: 10), (batch, _) =>
        {
            sizes.Enqueue(batch.Length);
            if (Interlocked.Add(ref seen, batch.Length) == 30)
            {
                all.SetResult();
            }

            return default;
        });

        for (var i = 0; i < 30; i++)
        {
            Assert.True(engine.Post(i));
        }

        // MaxDelay is an hour: only the size rule can flush these.
        await all.Task.WaitAsync(Patience);
        Assert.Equal(new[] { 10, 10, 10 }, sizes.ToArray());
    }

    [Fact]
    public async Task Flushes_a_partial_batch_after_the_delay()
    {
        var got = new TaskCompletionSource<int[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = new BatchEngine<int>(Options(maxBatchSize: 1000, maxDelayMs: 20), (batch, _) =>
        {
            got.TrySetResult(batch.ToArray());
            return default;
        });

        for (var i = 0; i < 5; i++)
        {
            engine.Post(i);
        }

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, await got.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task CompleteAsync_drains_everything_posted_including_partial_batches()
    {
        var received = new List<int>();
        var sizes = new List<int>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 10), (batch, _) =>
        {
            lock (received)
            {
                sizes.Add(batch.Length);
                received.AddRange(batch.ToArray());
            }

            return default;
        });

        for (var i = 0; i < 25; i++)
        {
            Assert.True(engine.Post(i));
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 25), received);
        Assert.Equal(new[] { 10, 10, 5 }, sizes);
        Assert.Equal(0, engine.PendingCount);
        Assert.Equal(25, engine.DeliveredCount);
        Assert.Equal(3, engine.BatchCount);

        // Completed: Post refuses, PostAsync throws, completing again is fine.
        Assert.False(engine.Post(99));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await engine.PostAsync(99));
        await engine.CompleteAsync();
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task Post_returns_false_at_capacity_and_PostAsync_waits_for_room()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2, maxDelayMs: 1, capacity: 4), async (batch, _) =>
        {
            await gate.Task;
            Interlocked.Add(ref delivered, batch.Length);
        });

        var accepted = 0;
        for (var i = 0; i < 10; i++)
        {
            accepted += engine.Post(i) ? 1 : 0;
        }

        Assert.Equal(4, accepted);
        Assert.Equal(4, engine.PendingCount);

        var waiting = engine.PostAsync(100);
        Assert.False(waiting.IsCompleted); // no room until a batch finishes

        gate.SetResult();
        await waiting.AsTask().WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(5, delivered);
    }

    [Fact]
    public async Task PostAsync_honours_cancellation_and_does_not_take_the_item()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2, maxDelayMs: 1, capacity: 2), async (batch, _) =>
        {
            await gate.Task;
            foreach (var item in batch.ToArray())
            {
                delivered.Enqueue(item);
            }
        });

        Assert.True(engine.Post(1));
        Assert.True(engine.Post(2));
        using var cts = new CancellationTokenSource();
        var waiting = engine.PostAsync(3, cts.Token);
        Assert.False(waiting.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.PostAsync(4, cts.Token));

        gate.SetResult();
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(new[] { 1, 2 }, delivered.OrderBy(static x => x));
    }

    [Fact]
    public async Task A_PostAsync_waiting_for_room_fails_when_the_engine_completes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, maxDelayMs: 1, capacity: 1), async (_, _) => await gate.Task);
        Assert.True(engine.Post(1));
        var waiting = engine.PostAsync(2);
        Assert.False(waiting.IsCompleted);

        var completion = engine.CompleteAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await waiting);
        gate.SetResult();
        await completion.WaitAsync(Patience);
        Assert.Equal(1, engine.DeliveredCount);
    }

    [Fact]
    public async Task Retries_with_backoff_then_succeeds()
    {
        var attempts = 0;
        var engine = new BatchEngine<int>(Options(maxRetries: 3), (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) <= 2)
            {
                throw new InvalidOperationException("transient");
            }

            return default;
        });

        engine.Post(1);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(3, attempts);
        Assert.Equal(2, engine.RetryCount);
        Assert.Equal(1, engine.DeliveredCount);
        Assert.Equal(0, engine.DeadLetteredCount);
    }

    [Fact]
    public void Backoff_doubles_from_the_base_on_each_retry()
    {
        // Cap far away: d = base * 2^attempt; the jitter draw 0 gives d/2, a draw at the top gives d.
        for (var attempt = 0; attempt <= 10; attempt++)
        {
            var d = 10.0 * Math.Pow(2, attempt);
            Assert.Equal(d / 2, BatchEngine<int>.Backoff(attempt, 10, 1e9, 0).TotalMilliseconds, 6);
            Assert.Equal(d, BatchEngine<int>.Backoff(attempt, 10, 1e9, 1).TotalMilliseconds, 6);
        }
    }

    [Fact]
    public void Backoff_stops_growing_at_the_cap()
    {
        // base 10, cap 100: 10, 20, 40, 80, then 100 for every later retry, however many.
        Assert.Equal(80, BatchEngine<int>.Backoff(3, 10, 100, 1).TotalMilliseconds, 6);
        foreach (var attempt in new[] { 4, 5, 10, 30, 31, 1_000, int.MaxValue })
        {
            Assert.Equal(50, BatchEngine<int>.Backoff(attempt, 10, 100, 0).TotalMilliseconds, 6);
            Assert.Equal(100, BatchEngine<int>.Backoff(attempt, 10, 100, 1).TotalMilliseconds, 6);
        }

        // The defaults (10 ms doubling to 1 s) reach the cap at the eighth retry.
        Assert.Equal(640, BatchEngine<int>.Backoff(6, 10, 1_000, 1).TotalMilliseconds, 6);
        Assert.Equal(1_000, BatchEngine<int>.Backoff(7, 10, 1_000, 1).TotalMilliseconds, 6);
    }

    [Fact]
    public void Backoff_jitter_stays_in_the_upper_half_of_the_delay_and_follows_the_draw()
    {
        var random = new Random(1234); // seeded: the same draws every run
        for (var i = 0; i < 10_000; i++)
        {
            var attempt = random.Next(0, 12);
            var unit = random.NextDouble();
            var d = Math.Min(1_000, 3.0 * Math.Pow(2, attempt));
            var ms = BatchEngine<int>.Backoff(attempt, 3, 1_000, unit).TotalMilliseconds;
            Assert.InRange(ms, d / 2, d);
            Assert.Equal((d / 2) + (unit * d / 2), ms, tolerance: 1e-4); // linear in the draw (TimeSpan keeps 100 ns ticks)
        }

        Assert.Equal(0, BatchEngine<int>.Backoff(5, 0, 0, 0.7).TotalMilliseconds); // a zero base means no backoff
    }

    [Fact]
    public async Task Retries_wait_for_the_backoff_between_attempts()
    {
        // Base 100 ms: retry 0 waits 50-100 ms, retry 1 waits 100-200 ms. Only lower bounds are checked (a busy
        // machine only makes the gaps longer), with 10 ms off them for timer granularity.
        var attempts = new List<long>();
        var engine = new BatchEngine<int>(
            new BatchEngineOptions { MaxBatchSize = 1, MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromSeconds(1) },
            (_, _) =>
            {
                lock (attempts)
                {
                    attempts.Add(Stopwatch.GetTimestamp());
                }

                throw new InvalidOperationException("always");
            },
            static (_, _) => default);

        engine.Post(1);
        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(3, attempts.Count);
        Assert.True(Stopwatch.GetElapsedTime(attempts[0], attempts[1]) >= TimeSpan.FromMilliseconds(40), $"first retry after {Stopwatch.GetElapsedTime(attempts[0], attempts[1]).TotalMilliseconds} ms");
        Assert.True(Stopwatch.GetElapsedTime(attempts[1], attempts[2]) >= TimeSpan.FromMilliseconds(90), $"second retry after {Stopwatch.GetElapsedTime(attempts[1], attempts[2]).TotalMilliseconds} ms");
        Assert.Equal(2, engine.RetryCount);
    }

    [Theory]
    [InlineData(0.8)] // every backoff (0.4-0.8 ms) was truncated to Task.Delay(0): an immediate retry
    [InlineData(1.9)] // 0.95-1.9 ms: truncated to 0 or 1 ms
    public async Task Fractional_millisecond_backoffs_are_not_rounded_down(double baseMs)
    {
        // Lower bounds only: the first retry waits at least base / 2, later ones at least base (the cap is 4 x base).
        var attempts = new List<long>();
        var engine = new BatchEngine<int>(
            new BatchEngineOptions
            {
                MaxBatchSize = 1,
                MaxRetries = 3,
                RetryBaseDelay = TimeSpan.FromMilliseconds(baseMs),
                RetryMaxDelay = TimeSpan.FromMilliseconds(baseMs * 4),
            },
            (_, _) =>
            {
                lock (attempts)
                {
                    attempts.Add(Stopwatch.GetTimestamp());
                }

                throw new InvalidOperationException("always");
            },
            static (_, _) => default);

        for (var batch = 0; batch < 5; batch++)
        {
            attempts.Clear();
            engine.Post(batch);
            await WaitDrained(engine);

            Assert.Equal(4, attempts.Count);
            for (var retry = 0; retry < 3; retry++)
            {
                var gap = Stopwatch.GetElapsedTime(attempts[retry], attempts[retry + 1]);
                var least = TimeSpan.FromMilliseconds(retry == 0 ? baseMs / 2 : baseMs);
                Assert.True(gap >= least, $"retry {retry} after {gap.TotalMilliseconds:F3} ms, backoff at least {least.TotalMilliseconds:F3} ms");
            }
        }

        await engine.CompleteAsync().WaitAsync(Patience);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(1.9)]
    public async Task A_fractional_or_sub_millisecond_MaxDelay_is_waited_in_full(double maxDelayMs)
    {
        var waited = new List<TimeSpan>();
        long posted = 0;
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1_000, maxDelayMs: maxDelayMs), (batch, _) =>
        {
            lock (waited)
            {
                waited.Add(Stopwatch.GetElapsedTime(Interlocked.Read(ref posted)));
            }

            return default;
        });

        for (var i = 0; i < 10; i++)
        {
            Interlocked.Exchange(ref posted, Stopwatch.GetTimestamp());
            engine.Post(i);
            await WaitDrained(engine);
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(10, waited.Count);
        Assert.All(waited, w => Assert.True(w >= TimeSpan.FromMilliseconds(maxDelayMs), $"flushed after {w.TotalMilliseconds:F3} ms"));
    }

    [Theory]
    [InlineData(0.2, 1)]  // below the timer's millisecond: one tick, not 0 (a busy loop)
    [InlineData(1.0, 1)]
    [InlineData(1.9, 2)]  // rounded up, never down
    [InlineData(2_147_483_647.0, int.MaxValue)]
    public void The_flush_timer_is_set_in_whole_milliseconds_rounded_up(double waitMs, int expected) =>
        Assert.Equal(expected, BatchEngine<int>.TimerDueMilliseconds((long)(waitMs / 1000 * Stopwatch.Frequency), Stopwatch.Frequency));

    [Theory]
    [InlineData(10_000_000, 19_000, 2)]              // 1.9 ms in TimeSpan ticks (a fake clock's usual unit)
    [InlineData(10_000_000, 10_000, 1)]              // exactly 1 ms: not 2
    [InlineData(10_000_000, 1, 1)]                   // 100 ns: one tick of the timer, not 0
    [InlineData(1_000_000_000, 1_000_000_001, 1_001)] // a nanosecond past a second is rounded up
    [InlineData(1_000, 50, 50)]                      // a millisecond clock: its own unit
    [InlineData(3, 1, 334)]                          // a third of a second: 333.3 ms, rounded up
    [InlineData(1, 1, 1_000)]                        // a clock of whole seconds
    [InlineData(1, 3_000_000, int.MaxValue)]         // beyond the timer's range: clamped, no overflow
    public void The_flush_timer_rounds_up_in_the_TimeProvider_s_own_timestamp_units(long ticksPerSecond, long waitTicks, int expected) =>
        Assert.Equal(expected, BatchEngine<int>.TimerDueMilliseconds(waitTicks, ticksPerSecond));

    [Theory]
    [InlineData(1.9, 1_000_000_000, 1_900_000)]
    [InlineData(1.9, 10_000_000, 19_000)]
    [InlineData(0.0001, 1_000, 1)]       // 100 ns on a millisecond clock: one unit, never 0 (no wait at all)
    [InlineData(1.5, 1_000, 2)]          // rounded up: the wait is never cut short
    [InlineData(2_147_483_647.0, 1_000_000_000, 2_147_483_647_000_000)]
    public void MaxDelay_is_measured_in_the_TimeProvider_s_timestamp_units_rounded_up(double ms, long ticksPerSecond, long expected) =>
        Assert.Equal(expected, ClockUnits.FromDuration(TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)), ticksPerSecond));

    [Fact]
    public void TimeProvider_defaults_to_the_system_clock_and_null_restores_it()
    {
        var options = new BatchEngineOptions();
        Assert.Same(TimeProvider.System, options.TimeProvider);
        options.TimeProvider = new ManualTimeProvider();
        options.TimeProvider = null;
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    [Fact]
    public async Task A_partial_batch_waits_MaxDelay_on_the_TimeProvider_s_clock()
    {
        var clock = new ManualTimeProvider();
        var got = new TaskCompletionSource<int[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = Options(maxBatchSize: 1_000, maxDelayMs: 50);
        options.TimeProvider = clock;
        await using var engine = new BatchEngine<int>(options, (batch, _) =>
        {
            got.TrySetResult(batch.ToArray());
            return default;
        });

        engine.Post(7);
        await WaitUntil(() => clock.ArmedTimers == 1, "the flush timer was not set");

        // A tick short of MaxDelay on the fake clock, and several MaxDelays of real time: still buffered.
        clock.Advance(TimeSpan.FromMilliseconds(50) - TimeSpan.FromTicks(1));
        await Task.Delay(Quiet);
        Assert.False(got.Task.IsCompleted, "flushed before MaxDelay had elapsed on the TimeProvider's clock");
        Assert.Equal(1, engine.PendingCount);

        // The clock reaches MaxDelay: the batch goes to the handler (the timeout only bounds a hang).
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new[] { 7 }, await got.Task.WaitAsync(Patience));
        Assert.Equal(1, engine.BatchCount);
    }

    [Theory]
    [InlineData(3)] // one item every MaxDelay/3: a flush lands on an arrival's instant
    [InlineData(4)] // ... every MaxDelay/4 (22.5 ms: not whole milliseconds, the timer's unit)
    public async Task A_trickle_of_items_is_flushed_within_MaxDelay_of_each_item_s_arrival(int perMaxDelay)
    {
        // Items arrive one every MaxDelay/n, never filling a batch: the flush deadline is set by a batch's first item
        // and never pushed back by the ones that follow, so every item is handed over at most MaxDelay after it came,
        // and each batch exactly MaxDelay after its first item (the clock moves only here, so this is exact).
        var maxDelay = TimeSpan.FromMilliseconds(90);
        var step = maxDelay / perMaxDelay;
        var clock = new ManualTimeProvider();
        var handed = new ConcurrentQueue<(int[] Items, DateTimeOffset At)>();
        var batches = new SemaphoreSlim(0);
        var options = Options(maxBatchSize: 1_000, maxDelayMs: maxDelay.TotalMilliseconds);
        options.TimeProvider = clock;
        await using var engine = new BatchEngine<int>(options, (batch, _) =>
        {
            handed.Enqueue((batch.ToArray(), clock.GetUtcNow()));
            batches.Release();
            return default;
        });

        var postedAt = new Dictionary<int, DateTimeOffset>();
        var batchStart = (DateTimeOffset?)null;
        for (var item = 0; item < 4 * perMaxDelay; item++)
        {
            postedAt[item] = clock.GetUtcNow();
            Assert.True(engine.Post(item));
            if (batchStart is null)
            {
                batchStart = clock.GetUtcNow();
                await WaitUntil(() => clock.ArmedTimers == 1, "the flush timer was not set");
            }

            clock.Advance(step);
            if (clock.GetUtcNow() - batchStart >= maxDelay)
            {
                Assert.True(await batches.WaitAsync(Patience), "no flush once the batch's first item had waited MaxDelay");
                batchStart = null;
            }
            else
            {
                Assert.Equal(0, batches.CurrentCount);
            }
        }

        if (batchStart is { } last)
        {
            clock.Advance(last + maxDelay - clock.GetUtcNow()); // the last batch's deadline
            Assert.True(await batches.WaitAsync(Patience), "no flush of the last batch");
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 4 * perMaxDelay), handed.SelectMany(static b => b.Items));
        foreach (var (items, at) in handed)
        {
            Assert.Equal(maxDelay, at - postedAt[items[0]]);
            Assert.All(items, item => Assert.InRange(at - postedAt[item], TimeSpan.Zero, maxDelay));
        }
    }

    [Fact]
    public async Task Retries_wait_their_backoff_on_the_TimeProvider_s_clock_then_dead_letter()
    {
        // Retry n waits a random draw in [d/2, d], d = 100 ms * 2^n (under the 1 s cap): checked at both ends.
        var clock = new ManualTimeProvider();
        var attempts = 0;
        var attempted = new SemaphoreSlim(0);
        var deadLettered = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<int>(
            new BatchEngineOptions
            {
                MaxBatchSize = 1, // handed over at once: the only timers are the backoffs'
                MaxRetries = 2,
                RetryBaseDelay = TimeSpan.FromMilliseconds(100),
                RetryMaxDelay = TimeSpan.FromSeconds(1),
                TimeProvider = clock,
            },
            (_, _) =>
            {
                var attempt = Interlocked.Increment(ref attempts);
                attempted.Release();
                throw new InvalidOperationException("attempt " + attempt);
            },
            (_, error) =>
            {
                deadLettered.TrySetResult(error);
                return default;
            });

        Assert.True(engine.Post(1));
        Assert.True(await attempted.WaitAsync(Patience), "no first attempt");
        var expected = 1;
        foreach (var d in new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) })
        {
            await WaitUntil(() => clock.ArmedTimers == 1, $"the backoff before attempt {expected + 1} was not set");
            clock.Advance((d / 2) - TimeSpan.FromTicks(1));
            await Task.Delay(Quiet);
            Assert.Equal(expected, Volatile.Read(ref attempts));
            Assert.False(deadLettered.Task.IsCompleted);

            clock.Advance((d / 2) + TimeSpan.FromTicks(1)); // d in all: past any draw
            Assert.True(await attempted.WaitAsync(Patience), $"no attempt {expected + 1} once the clock passed the backoff");
            expected++;
        }

        // MaxRetries = 2: the third failure dead-letters at once, with the last exception, without the clock moving.
        var error = await deadLettered.Task.WaitAsync(Patience);
        Assert.Equal("attempt 3", error.Message);
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(3, attempts);
        Assert.Equal(2, engine.RetryCount);
        Assert.Equal(1, engine.DeadLetteredCount);
    }

    [Fact]
    public async Task CompleteAsync_flushes_at_once_without_the_TimeProvider_s_clock_moving()
    {
        var clock = new ManualTimeProvider();
        var received = new ConcurrentQueue<int>();
        var options = Options(maxBatchSize: 1_000, maxDelayMs: 3_600_000);
        options.TimeProvider = clock;
        var engine = new BatchEngine<int>(options, (batch, _) =>
        {
            foreach (var item in batch.Span)
            {
                received.Enqueue(item);
            }

            return default;
        });

        for (var i = 0; i < 3; i++)
        {
            Assert.True(engine.Post(i));
        }

        await WaitUntil(() => clock.ArmedTimers == 1, "the flush timer was not set"); // the batch waits on the clock
        var now = clock.GetTimestamp();
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(new[] { 0, 1, 2 }, received);
        Assert.Equal(now, clock.GetTimestamp());
        await engine.DisposeAsync();
        Assert.Equal(0, clock.ArmedTimers); // the flush timer is released
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.0001, 1)]
    [InlineData(0.8, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.9, 2)]
    public void Delays_are_rounded_up_to_whole_milliseconds(double ms, int expected) =>
        Assert.Equal(expected, BatchEngine<int>.WholeMilliseconds(TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond))));

    [Fact]
    public async Task Dead_letters_with_the_last_exception_after_the_retries_and_keeps_running()
    {
        var attempts = 0;
        var deadLetters = new ConcurrentQueue<(int[] Items, Exception Error)>();
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 3, maxRetries: 2),
            (batch, _) =>
            {
                var n = Interlocked.Increment(ref attempts);
                return batch.Span[0] == 0 ? throw new InvalidOperationException("attempt " + n) : default;
            },
            (batch, error) =>
            {
                deadLetters.Enqueue((batch.ToArray(), error));
                return default;
            });

        for (var i = 0; i < 6; i++)
        {
            engine.Post(i);
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        var (items, error) = Assert.Single(deadLetters);
        Assert.Equal(new[] { 0, 1, 2 }, items);
        Assert.Equal("attempt 3", error.Message); // the last of 1 + MaxRetries attempts
        Assert.Equal(3, engine.DeliveredCount);  // the second batch still went through
        Assert.Equal(3, engine.DeadLetteredCount);
        Assert.Equal(2, engine.RetryCount);
    }

    [Fact]
    public async Task Without_a_dead_letter_handler_failures_surface_from_CompleteAsync()
    {
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2, maxRetries: 1), static (_, _) => throw new FormatException("bad batch"));
        for (var i = 0; i < 5; i++)
        {
            engine.Post(i);
        }

        var error = await Assert.ThrowsAsync<AggregateException>(() => engine.CompleteAsync().WaitAsync(Patience));
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, static e => Assert.IsType<FormatException>(e));
        Assert.Equal(5, engine.DeadLetteredCount);

        // Already reported to the CompleteAsync caller: DisposeAsync does not throw them again.
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_surfaces_failures_nobody_has_seen()
    {
        var engine = new BatchEngine<int>(Options(maxRetries: 0), static (_, _) => throw new FormatException("bad"), static (_, _) => throw new IOException("dead letter down"));
        engine.Post(1);
        var error = await Assert.ThrowsAsync<AggregateException>(async () => await engine.DisposeAsync());
        var inner = Assert.IsType<AggregateException>(Assert.Single(error.InnerExceptions));
        Assert.IsType<FormatException>(inner.InnerExceptions[0]);
        Assert.IsType<IOException>(inner.InnerExceptions[1]);
    }

    [Fact]
    public async Task A_second_DisposeAsync_after_one_that_threw_completes_quietly()
    {
        var engine = new BatchEngine<int>(Options(maxRetries: 0), static (_, _) => throw new FormatException("bad"));
        engine.Post(1);
        var error = await Assert.ThrowsAsync<AggregateException>(async () => await engine.DisposeAsync());
        Assert.IsType<FormatException>(Assert.Single(error.InnerExceptions));

        // Dispose guidance: disposing again is a no-op, not a second report of the same failures.
        await engine.DisposeAsync();
        await engine.DisposeAsync();
        Assert.Equal(1, engine.DeadLetteredCount);
        Assert.False(engine.Post(2));
    }

    [Fact]
    public async Task Cancelling_completion_cancels_handlers_and_dead_letters_the_rest()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadLettered = 0;
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 2, maxRetries: 5),
            async (batch, ct) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            (batch, error) =>
            {
                Assert.IsAssignableFrom<OperationCanceledException>(error);
                Interlocked.Add(ref deadLettered, batch.Length);
                return default;
            });

        for (var i = 0; i < 7; i++)
        {
            engine.Post(i);
        }

        await started.Task.WaitAsync(Patience);
        using var cts = new CancellationTokenSource();
        var completion = engine.CompleteAsync(cts.Token);
        Assert.False(completion.IsCompleted);
        cts.Cancel();
        await completion.WaitAsync(Patience);
        Assert.Equal(7, deadLettered);
        Assert.Equal(0, engine.DeliveredCount);
    }

    private readonly record struct CancelledItem(int Id);

    [Fact]
    public async Task Batches_dead_lettered_by_a_cancelled_completion_before_any_attempt_are_not_counted_as_handed_to_the_handler()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = ListenToBatchCounters(nameof(CancelledItem), totals);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handed = 0;
        var engine = new BatchEngine<CancelledItem>(
            Options(maxBatchSize: 2, maxRetries: 5),
            async (batch, ct) =>
            {
                Interlocked.Add(ref handed, batch.Length);
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            static (_, _) => default);

        // Four batches (2, 2, 2, 1); only the first reaches the handler before the completion is cancelled.
        for (var i = 0; i < 7; i++)
        {
            Assert.True(engine.Post(new CancelledItem(i)));
        }

        await started.Task.WaitAsync(Patience);
        using var cts = new CancellationTokenSource();
        var completion = engine.CompleteAsync(cts.Token);
        cts.Cancel();
        await completion.WaitAsync(Patience);

        Assert.Equal(2, handed);
        Assert.Equal(1, engine.BatchCount);
        Assert.Equal(1, totals.GetValueOrDefault("hotpath.batch.flushes"));
        Assert.Equal(2, totals.GetValueOrDefault("hotpath.batch.items"));
        Assert.Equal(7, engine.DeadLetteredCount); // still none lost: every item is dead-lettered
        Assert.Equal(7, totals.GetValueOrDefault("hotpath.batch.deadletters"));
        Assert.Equal(0, engine.RetryCount);
    }

    /// <summary>Adds up the <c>hotpath.batch.*</c> measurements of the series tagged <c>type</c> = <paramref name="typeName"/>.</summary>
    private static MeterListener ListenToBatchCounters(string typeName, ConcurrentDictionary<string, long> totals) =>
        Listeners.Tagged("hotpath.batch.", "type", typeName, (instrument, value) => totals.AddOrUpdate(instrument, value, (_, old) => old + value));

    [Fact]
    public async Task Never_runs_more_handlers_than_MaxConcurrentBatches()
    {
        var running = 0;
        var maxSeen = 0;
        var engine = new BatchEngine<int>(Options(maxBatchSize: 4, maxConcurrent: 3, capacity: 64), async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxSeen, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref running);
        });

        for (var i = 0; i < 400; i++)
        {
            await engine.PostAsync(i);
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.InRange(maxSeen, 1, 3);
        Assert.Equal(400, engine.DeliveredCount);
    }

    [Fact]
    public async Task Batches_reuse_pooled_arrays_and_are_never_empty()
    {
        var arrays = new HashSet<int[]>(ReferenceEqualityComparer.Instance);
        var sizes = new List<int>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 8, maxDelayMs: 1, capacity: 32), (batch, _) =>
        {
            Assert.True(MemoryMarshal.TryGetArray(batch, out var segment));
            lock (arrays)
            {
                arrays.Add(segment.Array!);
                sizes.Add(batch.Length);
            }

            return default;
        });

        for (var i = 0; i < 5_000; i++)
        {
            await engine.PostAsync(i);
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.All(sizes, static s => Assert.InRange(s, 1, 8));
        Assert.Equal(5_000, sizes.Sum());

        // Capacity 32 / batch 8: at most 4 buffers pending plus the one being filled.
        Assert.InRange(arrays.Count, 1, 5);
    }

    [Theory]
    [InlineData(int.MaxValue)] // Post threw OutOfMemoryException: it rented a buffer of this length
    [InlineData(1 << 28)]      // it allocated 1 GB for 3 items
    public async Task Huge_MaxBatchSize_and_Capacity_cost_memory_for_the_items_buffered_only(int size)
    {
        var delivered = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: size, maxDelayMs: 1, capacity: size), (batch, _) =>
        {
            foreach (var item in batch.Span)
            {
                delivered.Enqueue(item);
            }

            return default;
        });

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(engine.Post(i));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal([0, 1, 2], delivered.Order());
        Assert.True(allocated < 1 << 20, $"posting 3 items allocated {allocated:N0} bytes");
    }

    [Fact]
    public async Task A_batch_grows_its_buffer_as_items_arrive_and_keeps_them_in_order()
    {
        const int Items = 5_000; // several doublings of the first buffer
        var batches = new List<int[]>();
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1 << 20, capacity: 1 << 20), (batch, _) =>
        {
            lock (batches)
            {
                batches.Add(batch.ToArray());
            }

            return default;
        });

        for (var i = 0; i < Items; i++)
        {
            Assert.True(engine.Post(i));
        }

        await engine.CompleteAsync().WaitAsync(Patience);
        var only = Assert.Single(batches); // the delay is an hour: completion flushes one partial batch
        Assert.Equal(Enumerable.Range(0, Items), only);
    }

    [Fact]
    public async Task After_a_burst_quiet_small_batches_give_the_grown_buffers_back()
    {
        const int BurstBatches = 4;
        const int MaxBatch = 8_192; // buffers grow 1,024 -> 2,048 -> 4,096 -> 8,192
        var delivered = 0L;
        var empty = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<long>(Options(maxBatchSize: MaxBatch, maxDelayMs: 1, capacity: 1 << 20, maxConcurrent: 1), async (batch, _) =>
        {
            if (batch.Length == 0)
            {
                Interlocked.Increment(ref empty);
            }

            await gate.Task; // the first batch holds the only handler slot while the burst queues up behind it
            Interlocked.Add(ref delivered, batch.Length);
        });

        // The burst: one item takes the handler slot; then full batches queue (flushed by size, as no slot is free).
        Assert.True(engine.Post(-1));
        var deadline = DateTime.UtcNow + Patience;
        while (engine.BatchCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first batch was not dispatched");
            await Task.Delay(1);
        }

        for (var i = 0; i < BurstBatches * MaxBatch; i++)
        {
            Assert.True(engine.Post(i));
        }

        gate.SetResult();
        await WaitDrained(engine);
        var (_, afterBurst) = engine.HeldBuffers();
        Assert.Equal(MaxBatch, afterBurst); // kept while the burst is recent

        // Quiet: small batches, one at a time, for more than the engine's memory of recent batch sizes.
        for (var i = 0; i < 80; i++)
        {
            Assert.True(engine.Post(i));
            Assert.True(engine.Post(i));
            await WaitDrained(engine);
        }

        var (count, largest) = engine.HeldBuffers();
        Assert.InRange(largest, 1, 1_024); // back to the first buffer's size
        Assert.InRange(count, 1, BurstBatches + 2);

        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(1 + (BurstBatches * MaxBatch) + (80 * 2), Interlocked.Read(ref delivered)); // nothing lost
        Assert.Equal(0, empty);
    }

    [Fact]
    public async Task Batches_of_a_steady_size_keep_their_grown_buffers()
    {
        // 3,000 items a batch need a 4,096 buffer: not more than 4x the batches, so it is kept, not re-grown each time.
        var engine = new BatchEngine<long>(Options(maxBatchSize: 3_000, maxDelayMs: 1, capacity: 1 << 16, maxConcurrent: 1), static (_, _) => default);
        for (var round = 0; round < 60; round++)
        {
            for (var i = 0; i < 3_000; i++)
            {
                Assert.True(engine.Post(i));
            }

            await WaitDrained(engine);
        }

        var (_, largest) = engine.HeldBuffers();
        Assert.Equal(4_096, largest);
        await engine.CompleteAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task PostAsync_at_capacity_never_reports_an_item_taken_that_was_not()
    {
        // Capacity 1 and a handler that frees room at once: PostAsync keeps finding the engine full, and room often
        // appears between its check and its return. Every PostAsync that completed must have added its item.
        const int Producers = 4;
        const int PerProducer = 25_000;
        var seen = new int[Producers * PerProducer];
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 1, maxDelayMs: 1, capacity: 1, maxConcurrent: 2, maxRetries: 0),
            (batch, _) =>
            {
                foreach (var id in batch.Span)
                {
                    Interlocked.Increment(ref seen[id]);
                }

                return default;
            });

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                await engine.PostAsync((p * PerProducer) + i);
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);

        var missing = Enumerable.Range(0, seen.Length).Where(id => seen[id] != 1).Take(5).ToArray();
        Assert.True(missing.Length == 0, $"items not handled exactly once: {string.Join(", ", missing.Select(id => $"{id} ({seen[id]}×)"))}");
        Assert.Equal(seen.Length, engine.DeliveredCount);
    }

    [Fact]
    public async Task Every_item_is_delivered_or_dead_lettered_exactly_once_under_random_failures()
    {
        const int Producers = 4;
        const int PerProducer = 5_000;
        var successes = new int[Producers * PerProducer];
        var deadLetters = new int[Producers * PerProducer];
        var badBatches = 0;
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 32, maxDelayMs: 2, capacity: 256, maxConcurrent: 3, maxRetries: 2),
            async (batch, _) =>
            {
                if (batch.Length is 0 or > 32)
                {
                    Interlocked.Increment(ref badBatches);
                }

                if (Random.Shared.Next(3) == 0)
                {
                    await Task.Yield();
                    throw new InvalidOperationException("random failure");
                }

                foreach (var id in batch.Span)
                {
                    Interlocked.Increment(ref successes[id]);
                }
            },
            (batch, _) =>
            {
                foreach (var id in batch.Span)
                {
                    Interlocked.Increment(ref deadLetters[id]);
                }

                return default;
            });

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                var id = (p * PerProducer) + i;
                if (i % 2 == 0)
                {
                    await engine.PostAsync(id);
                }
                else
                {
                    while (!engine.Post(id))
                    {
                        await Task.Yield(); // full: back off and try again
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll(producers).WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(0, badBatches);
        for (var id = 0; id < successes.Length; id++)
        {
            Assert.True(successes[id] + deadLetters[id] == 1, $"item {id}: {successes[id]} successes, {deadLetters[id]} dead letters");
        }

        Assert.Equal(successes.Sum(), engine.DeliveredCount);
        Assert.Equal(deadLetters.Sum(), engine.DeadLetteredCount);
        Assert.Equal(successes.Length, engine.DeliveredCount + engine.DeadLetteredCount);
        Assert.True(engine.RetryCount > 0);
        Assert.Equal(0, engine.PendingCount);
    }

    /// <summary>An item type no other test posts: the counters' <c>type</c> tag then singles out this test's engine.</summary>
    private readonly record struct MeteredItem(int Id);

    [Fact]
    public async Task Publishes_counters_on_the_Hotpath_meter()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = ListenToBatchCounters(nameof(MeteredItem), totals);

        // Two full batches of 5 (MaxDelay is an hour); the one holding id 0 fails both of its attempts.
        var attempts = 0;
        var engine = new BatchEngine<MeteredItem>(
            Options(maxBatchSize: 5, maxRetries: 1),
            (batch, _) =>
            {
                Interlocked.Increment(ref attempts);
                return batch.Span[0].Id == 0 ? throw new InvalidOperationException("bad batch") : default;
            },
            static (_, _) => default);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(engine.Post(new MeteredItem(i)));
        }

        await engine.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(3, attempts);
        Assert.Equal(10, totals.GetValueOrDefault("hotpath.batch.items"));      // once per batch, not per attempt
        Assert.Equal(2, totals.GetValueOrDefault("hotpath.batch.flushes"));
        Assert.Equal(1, totals.GetValueOrDefault("hotpath.batch.retries"));
        Assert.Equal(5, totals.GetValueOrDefault("hotpath.batch.deadletters"));
        Assert.Equal(4, totals.Count); // nothing else published under this tag

        // The meter agrees with the engine's own counts.
        Assert.Equal(engine.BatchCount, totals["hotpath.batch.flushes"]);
        Assert.Equal(engine.RetryCount, totals["hotpath.batch.retries"]);
        Assert.Equal(engine.DeadLetteredCount, totals["hotpath.batch.deadletters"]);
        Assert.Equal(engine.DeliveredCount + engine.DeadLetteredCount, totals["hotpath.batch.items"]);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(4_096)] // batches outgrow their first buffer: the grown buffers must be reused, not grown again
    public async Task Post_allocates_nothing_in_steady_state(int maxBatchSize)
    {
        const int Round = 4_096;
        var engine = new BatchEngine<long>(Options(maxBatchSize: maxBatchSize, maxDelayMs: 1, capacity: 1 << 16, maxConcurrent: 2), static (_, _) => default);

        // Warm up with the same pattern: the engine's buffer free-list fills to what a round needs.
        for (var warm = 0; warm < 3; warm++)
        {
            PostRound(engine, Round);
            await WaitDrained(engine);
        }

        // Steady state: one clean round proves it (see AllocationAssert); per-item allocation dirties every round.
        var rounds = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            PostRound(engine, Round);
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            await WaitDrained(engine);
        }

        Assert.True(rounds.Contains(0), "bytes allocated per round of posts: " + string.Join(", ", rounds));
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(8 * Round, engine.DeliveredCount);

        static void PostRound(BatchEngine<long> engine, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (!engine.Post(i))
                {
                    throw new InvalidOperationException("unexpectedly full");
                }
            }
        }
    }

    private static async Task WaitDrained<T>(BatchEngine<T> engine)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (engine.PendingCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "engine did not drain");
            await Task.Delay(1);
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string message)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(1);
        }
    }

    /// <summary>A clock whose timestamps have no frequency: unusable for measuring a delay.</summary>
    private sealed class FrequencylessTimeProvider : TimeProvider
    {
        public override long TimestampFrequency => 0;
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
