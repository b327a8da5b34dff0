using System.Collections.Concurrent;
using Hotpath.Batching;
using Hotpath.Tests.Shared;
using static Hotpath.Tests.Batching.BatchEngineTests; // Options(...) and Patience

namespace Hotpath.Tests.Batching;

/// <summary>
/// The engine under lifecycle misuse and adversarial concurrency: completion racing posts, handlers and dead-letter
/// handlers that misbehave, extreme options.
/// </summary>
public sealed class BatchEngineLifecycleTests
{
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

    [Fact]
    public async Task A_dead_letter_handler_that_throws_loses_nothing_silently_and_the_engine_keeps_running()
    {
        // Batch 0 fails every attempt and its dead-letter handler throws; batch 1 is handled after that.
        var delivered = new ConcurrentBag<int>();
        var engine = new BatchEngine<int>(
            Options(maxBatchSize: 2, maxRetries: 1),
            (batch, _) =>
            {
                if (batch.Span[0] == 0)
                {
                    throw new InvalidOperationException("handler");
                }

                foreach (var item in batch.Span)
                {
                    delivered.Add(item);
                }

                return default;
            },
            static (_, _) => throw new FormatException("dead letter"));

        Assert.True(engine.Post(0));
        Assert.True(engine.Post(1));
        while (engine.DeadLetteredCount == 0)
        {
            await Task.Delay(1);
        }

        Assert.True(engine.Post(2));
        Assert.True(engine.Post(3));

        var error = await Assert.ThrowsAsync<AggregateException>(() => engine.CompleteAsync().WaitAsync(Patience));
        var failure = Assert.IsType<AggregateException>(Assert.Single(error.InnerExceptions));
        Assert.Collection(failure.InnerExceptions, static e => Assert.Equal("handler", e.Message), static e => Assert.Equal("dead letter", e.Message));
        Assert.Equal(2, engine.DeadLetteredCount);
        Assert.Equal(2, engine.DeliveredCount);
        Assert.Equal([2, 3], delivered.Order());
        Assert.Equal(0, engine.PendingCount);
    }

    [Fact]
    public async Task Posts_racing_CompleteAsync_and_DisposeAsync_from_several_threads_are_each_delivered_once_or_refused()
    {
        // Every Post that returned true and every PostAsync that completed is delivered exactly once (here, handled or
        // dead-lettered at random); the rest were refused (Post false, PostAsync InvalidOperationException).
        for (var round = 0; round < 10; round++)
        {
            var seen = new int[20_000];
            var accepted = new int[seen.Length];
            var engine = new BatchEngine<int>(
                Options(maxBatchSize: 7, maxDelayMs: 1, capacity: 64, maxConcurrent: 2, maxRetries: 0),
                (batch, _) =>
                {
                    if (batch.Span[0] % 5 == 0)
                    {
                        throw new InvalidOperationException("fail");
                    }

                    foreach (var item in batch.Span)
                    {
                        Interlocked.Increment(ref seen[item]);
                    }

                    return default;
                },
                (batch, _) =>
                {
                    foreach (var item in batch.Span)
                    {
                        Interlocked.Increment(ref seen[item]);
                    }

                    return default;
                });
            using var go = new Barrier(6);
            var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                go.SignalAndWait();
                for (var i = p; i < seen.Length; i += 4)
                {
                    if (i % 2 == 0)
                    {
                        if (engine.Post(i))
                        {
                            accepted[i] = 1;
                        }
                    }
                    else
                    {
                        try
                        {
                            await engine.PostAsync(i);
                            accepted[i] = 1;
                        }
                        catch (InvalidOperationException)
                        {
                        }
                    }
                }
            })).ToArray();
            var completer = Task.Run(async () =>
            {
                go.SignalAndWait();
                await Task.Delay(round % 3);
                await engine.CompleteAsync();
            });
            var disposer = Task.Run(async () =>
            {
                go.SignalAndWait();
                await Task.Delay(round % 4);
                await engine.DisposeAsync();
            });

            await Task.WhenAll(producers.Append(completer).Append(disposer)).WaitAsync(Patience);
            Assert.Equal(accepted, seen);
            Assert.Equal(accepted.Sum(), engine.DeliveredCount + engine.DeadLetteredCount);
            Assert.Equal(0, engine.PendingCount);
            Assert.False(engine.Post(-1));
            await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PostAsync(-1).AsTask());
        }
    }

    [Fact]
    public async Task CompleteAsync_called_concurrently_and_again_returns_one_drain()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<int>(Options(maxBatchSize: 4), async (_, _) => await release.Task);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(engine.Post(i));
        }

        var completions = (await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => (object)engine.CompleteAsync())))).Cast<Task>().ToArray();
        Assert.All(completions, c => Assert.Same(completions[0], c));
        Assert.False(completions[0].IsCompleted); // a handler is still holding a batch

        release.SetResult();
        await completions[0].WaitAsync(Patience);
        await engine.CompleteAsync().WaitAsync(Patience);
        await engine.DisposeAsync();
        await engine.DisposeAsync();
        Assert.Equal(10, engine.DeliveredCount);
    }

    [Fact]
    public async Task CompleteAsync_started_from_inside_the_handler_without_awaiting_it_drains()
    {
        // Awaiting it there would wait for the very handler that awaits (documented); starting it is fine.
        BatchEngine<int>? engine = null;
        Task? completion = null;
        var handled = 0;
        engine = new BatchEngine<int>(Options(maxBatchSize: 2), (batch, _) =>
        {
            Interlocked.Add(ref handled, batch.Length);
            completion ??= engine!.CompleteAsync();
            return default;
        });
        for (var i = 0; i < 5; i++)
        {
            Assert.True(engine.Post(i));
        }

        while (Volatile.Read(ref completion) is null)
        {
            await Task.Delay(1);
        }

        await completion!.WaitAsync(Patience);
        Assert.Equal(5, handled); // the batches after the call, the partial one included, were flushed too
        Assert.False(engine.Post(5));
    }

    [Fact]
    public async Task A_handler_that_ignores_the_cancelled_token_is_still_waited_for_and_its_success_counts()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<int>(Options(maxBatchSize: 2), async (_, _) =>
        {
            started.TrySetResult();
            await release.Task; // ignores its token
        });
        Assert.True(engine.Post(1));
        Assert.True(engine.Post(2));
        await started.Task.WaitAsync(Patience);

        using var cts = new CancellationTokenSource();
        var completion = engine.CompleteAsync(cts.Token);
        cts.Cancel();
        await Task.Delay(50);
        Assert.False(completion.IsCompleted); // nothing is accounted for until the handler returns

        release.SetResult();
        await completion.WaitAsync(Patience);
        Assert.Equal(2, engine.DeliveredCount);
        Assert.Equal(0, engine.DeadLetteredCount);
    }

    [Fact]
    public async Task A_handler_throwing_OperationCanceledException_of_its_own_is_retried_like_any_failure()
    {
        var attempts = 0;
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1, maxRetries: 2), (_, _) =>
            Interlocked.Increment(ref attempts) < 3 ? throw new OperationCanceledException("a timeout of its own") : default);
        Assert.True(engine.Post(1));
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(3, attempts);
        Assert.Equal(2, engine.RetryCount);
        Assert.Equal(1, engine.DeliveredCount);
    }

    private readonly record struct ListenedItem(int Id);

    [Fact]
    public async Task A_meter_listener_that_throws_on_every_batch_counter_loses_no_item_and_fails_nothing()
    {
        // The listener throws inside every hotpath.batch.* Add of this item type: the flush and items counters before
        // the first attempt, the retries counter before a retry, the dead-letters counter before the dead-letter
        // handler. Each escaped the batch runner, which then released the batch neither delivered nor dead-lettered.
        var counted = new ConcurrentDictionary<string, int>();
        using var listener = Listeners.Tagged("hotpath.batch.", "type", nameof(ListenedItem), (instrument, _) =>
        {
            counted.AddOrUpdate(instrument, 1, static (_, n) => n + 1);
            throw new InvalidOperationException("a buggy listener");
        });

        // Batch {0, 1} always fails (dead-lettered after one retry), {2, 3} fails once then succeeds, {4, 5} succeeds.
        var failedOnce = 0;
        var delivered = new ConcurrentBag<int>();
        var deadLettered = new ConcurrentBag<int>();
        var engine = new BatchEngine<ListenedItem>(
            Options(maxBatchSize: 2, maxRetries: 1),
            (batch, _) =>
            {
                var first = batch.Span[0].Id;
                if (first == 0 || (first == 2 && Interlocked.Exchange(ref failedOnce, 1) == 0))
                {
                    throw new InvalidOperationException("handler");
                }

                foreach (var item in batch.Span)
                {
                    delivered.Add(item.Id);
                }

                return default;
            },
            (batch, _) =>
            {
                foreach (var item in batch.Span)
                {
                    deadLettered.Add(item.Id);
                }

                return default;
            });
        for (var i = 0; i < 6; i++)
        {
            Assert.True(engine.Post(new ListenedItem(i)));
        }

        await engine.CompleteAsync().WaitAsync(Patience); // the listener's exceptions are not the batches' failures

        Assert.Equal([2, 3, 4, 5], delivered.Order());
        Assert.Equal([0, 1], deadLettered.Order());
        Assert.Equal(4, engine.DeliveredCount);
        Assert.Equal(2, engine.DeadLetteredCount);
        Assert.Equal(3, engine.BatchCount);
        Assert.Equal(2, engine.RetryCount);
        Assert.Equal(0, engine.PendingCount);
        Assert.Equal(3, counted.GetValueOrDefault("hotpath.batch.flushes"));
        Assert.Equal(3, counted.GetValueOrDefault("hotpath.batch.items"));
        Assert.Equal(2, counted.GetValueOrDefault("hotpath.batch.retries"));
        Assert.Equal(1, counted.GetValueOrDefault("hotpath.batch.deadletters"));
    }

    [Fact]
    public async Task The_handlers_token_source_is_disposed_once_drained_and_completion_tokens_cancelled_later_are_harmless()
    {
        // The engine's CancellationTokenSource was never disposed. It is once everything has drained: the token a
        // handler kept reports it (its WaitHandle is gone), and completion tokens cancelled afterwards, whose
        // registrations may outlive the drain, throw nothing into their Cancel.
        var kept = default(CancellationToken);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new BatchEngine<int>(Options(maxBatchSize: 1), async (_, token) =>
        {
            kept = token;
            started.TrySetResult();
            await release.Task;
        });
        Assert.True(engine.Post(1));
        await started.Task.WaitAsync(Patience);
        using var early = new CancellationTokenSource();
        var completion = engine.CompleteAsync(early.Token);
        Assert.NotNull(kept.WaitHandle); // in use: not disposed while a handler runs
        release.SetResult();
        await completion.WaitAsync(Patience);

        Assert.Throws<ObjectDisposedException>(() => kept.WaitHandle);
        Assert.False(kept.IsCancellationRequested);
        early.Cancel(); // no ObjectDisposedException (an AggregateException here) from the engine's registration
        using var late = new CancellationTokenSource();
        await engine.CompleteAsync(late.Token).WaitAsync(Patience);
        late.Cancel();
        await engine.DisposeAsync();
        Assert.Equal(1, engine.DeliveredCount);
    }

    [Theory]
    [InlineData(-1)]                       // Timeout.InfiniteTimeSpan
    [InlineData(long.MaxValue)]            // TimeSpan.MaxValue
    [InlineData(-1 - TimeSpan.TicksPerMillisecond)]
    public void A_MaxDelay_of_infinite_or_huge_is_refused_naming_the_setting(long ticks)
    {
        var options = Options();
        options.MaxDelay = ticks == -1 ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(ticks);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchEngine<int>(options, static (_, _) => default));
        Assert.Equal(nameof(BatchEngineOptions.MaxDelay), error.ParamName);
    }

    [Theory]
    [InlineData(2, 0)] // read 1 is the post's (the batch's start), read 2 the dispatcher's (has it waited MaxDelay?)
    [InlineData(0, 1)] // the flush timer, when the dispatcher sets it
    public async Task A_clock_or_flush_timer_that_throws_once_holds_no_batch_back_for_good(int throwOnRead, int throwOnTimerChange)
    {
        var clock = new FlakyClock { ThrowOnRead = throwOnRead, ThrowOnTimerChange = throwOnTimerChange };
        var handled = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(ClockOptions(clock), (batch, _) => Handle(handled, batch));

        Assert.True(engine.Post(1));
        Assert.True(SpinWait.SpinUntil(() => handled.Count == 1, Patience));
        Assert.True(engine.Post(2));
        Assert.True(SpinWait.SpinUntil(() => handled.Count == 2, Patience));
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([1, 2], handled);
        Assert.Equal(1, clock.Throws);
    }

    [Fact]
    public async Task A_post_whose_clock_read_throws_reports_it_and_takes_nothing()
    {
        var clock = new FlakyClock { ThrowOnRead = 1 };
        var handled = new ConcurrentQueue<int>();
        var engine = new BatchEngine<int>(ClockOptions(clock), (batch, _) => Handle(handled, batch));

        Assert.Throws<InvalidOperationException>(() => engine.Post(1));
        Assert.Equal(0, engine.PendingCount);
        Assert.True(engine.Post(2));
        Assert.True(SpinWait.SpinUntil(() => handled.Count == 1, Patience));
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([2], handled);
        Assert.Equal(1, engine.DeliveredCount);

        // PostAsync reports it in its task, as it does every other failure.
        var asyncClock = new FlakyClock { ThrowOnRead = 1 };
        var asyncEngine = new BatchEngine<int>(ClockOptions(asyncClock), (batch, _) => Handle(handled, batch));
        var posted = asyncEngine.PostAsync(3);
        Assert.True(posted.IsFaulted);
        await Assert.ThrowsAsync<InvalidOperationException>(posted.AsTask);
        Assert.Equal(0, asyncEngine.PendingCount);
        await asyncEngine.PostAsync(4);
        await asyncEngine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal([2, 4], handled);
    }

    [Fact]
    public async Task A_backoff_whose_clock_read_throws_still_retries_the_batch()
    {
        // Batches of one are ready at once: read 1 is the post's, read 2 the backoff's after the first attempt failed.
        var clock = new FlakyClock { ThrowOnRead = 2 };
        var attempts = 0;
        var engine = new BatchEngine<int>(ClockOptions(clock, maxBatchSize: 1), (_, _) =>
            Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("once") : default);

        Assert.True(engine.Post(1));
        await engine.CompleteAsync().WaitAsync(Patience);
        Assert.Equal(2, attempts);
        Assert.Equal((1L, 0L, 1L), (engine.DeliveredCount, engine.DeadLetteredCount, engine.RetryCount));
        Assert.Equal(1, clock.Throws);
    }

    private static BatchEngineOptions ClockOptions(TimeProvider clock, int maxBatchSize = 100)
    {
        var options = Options(maxBatchSize: maxBatchSize, maxDelayMs: 20);
        options.TimeProvider = clock;
        return options;
    }

    private static ValueTask Handle(ConcurrentQueue<int> handled, ReadOnlyMemory<int> batch)
    {
        foreach (var item in batch.Span)
        {
            handled.Enqueue(item);
        }

        return default;
    }

    /// <summary>
    /// A clock whose time moves only when one of its timers fires (by that timer's due time), so what the engine decides
    /// never depends on how fast this machine ran it: a batch has never waited <c>MaxDelay</c> when the dispatcher first
    /// looks, and it must set the flush timer. One read of its timestamp, or one setting of one of its timers, throws.
    /// </summary>
    private sealed class FlakyClock : TimeProvider
    {
        private readonly object _gate = new();
        private long _now;
        private int _reads;
        private int _changes;
        private int _throws;

        /// <summary>The call to <see cref="GetTimestamp"/> (counting from 1) that throws; 0 for none.</summary>
        public int ThrowOnRead { get; init; }

        /// <summary>The call to a timer's <see cref="ITimer.Change"/> (counting from 1, the creation's own excluded) that throws; 0 for none.</summary>
        public int ThrowOnTimerChange { get; init; }

        public int Throws => Volatile.Read(ref _throws);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            if (Interlocked.Increment(ref _reads) == ThrowOnRead)
            {
                Interlocked.Increment(ref _throws);
                throw new InvalidOperationException("a flaky clock");
            }

            lock (_gate)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Timer(this, callback, state);
            timer.Arm(dueTime);
            return timer;
        }

        /// <summary>A system timer (real waits, so the engine's waits still pass) that moves the clock to its due time as it fires.</summary>
        private sealed class Timer : ITimer
        {
            private readonly FlakyClock _clock;
            private readonly TimerCallback _callback;
            private readonly object? _state;
            private readonly ITimer _inner;
            private long _dueAt = long.MaxValue;

            public Timer(FlakyClock clock, TimerCallback callback, object? state)
            {
                (_clock, _callback, _state) = (clock, callback, state);
                _inner = TimeProvider.System.CreateTimer(static self => ((Timer)self!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            public void Arm(TimeSpan dueTime)
            {
                lock (_clock._gate)
                {
                    _dueAt = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : _clock._now + dueTime.Ticks;
                }

                _inner.Change(dueTime, Timeout.InfiniteTimeSpan);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (Interlocked.Increment(ref _clock._changes) == _clock.ThrowOnTimerChange)
                {
                    Interlocked.Increment(ref _clock._throws);
                    throw new InvalidOperationException("a flaky timer");
                }

                Arm(dueTime);
                return true;
            }

            private void Fire()
            {
                lock (_clock._gate)
                {
                    if (_dueAt != long.MaxValue)
                    {
                        _clock._now = Math.Max(_clock._now, _dueAt);
                    }
                }

                _callback(_state);
            }

            public void Dispose() => _inner.Dispose();

            public ValueTask DisposeAsync() => _inner.DisposeAsync();
        }
    }
}
