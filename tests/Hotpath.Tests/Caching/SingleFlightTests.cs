using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

public sealed class SingleFlightTests
{
    private const int Callers = 64;

    private static ShardedCache<string, string> Create() => new(new ShardedCacheOptions { Capacity = 1_000, TrimOnMemoryPressure = false });

    /// <summary>Starts <see cref="Callers"/> concurrent GetOrAddAsync calls and waits until every one has missed and joined the load.</summary>
    private static async Task<Task<string>[]> StartCallers(ShardedCache<string, string> cache, Func<string, CancellationToken, ValueTask<string>> loader, CancellationToken token = default)
    {
        var calls = new Task<string>[Callers];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < Callers; i++)
        {
            calls[i] = Task.Run(async () =>
            {
                await start.Task; // no blocked pool threads: 64 callers on a 2-core pool still all start
                return await cache.GetOrAddAsync("key", loader, token);
            });
        }

        start.SetResult();

        // Every caller has joined once the load's waiters are all the others: the loader is held open until then. (A
        // caller counted as a miss may not have joined yet: one paused in between would arrive after the load ended.)
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((cache.Statistics.Misses < Callers || cache.WaitingOn("key") < Callers - 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        return calls;
    }

    [Fact]
    public void A_miss_can_be_waited_on_synchronously_before_its_loader_completes()
    {
        // Sync-over-async, as code that cannot await does: GetAwaiter().GetResult() (or .Result) on a miss whose loader is
        // still running blocks until it completes, for the starter and for a caller that joined it.
        var cache = Create();
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<string, CancellationToken, ValueTask<string>> loader = (_, _) => new ValueTask<string>(release.Task);

        var starter = cache.GetOrAddAsync("key", loader);
        var joiner = cache.GetOrAddAsync("key", loader);
        Assert.False(starter.IsCompleted);
        Assert.False(joiner.IsCompleted);
#pragma warning disable xUnit1031 // blocking waits are what this test is about
        var waits = new[] { Task.Run(() => starter.GetAwaiter().GetResult()), Task.Run(() => joiner.Result) };

        Thread.Sleep(50); // both threads blocked in their waits
        release.SetResult("loaded");

        Assert.True(Task.WaitAll(waits, TimeSpan.FromSeconds(20)), "a synchronous wait did not end");
        Assert.All(waits, static wait => Assert.Equal("loaded", wait.Result));
#pragma warning restore xUnit1031
    }

    [Fact]
    public async Task Concurrent_misses_on_one_key_run_the_loader_once()
    {
        var cache = Create();
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = await StartCallers(cache, async (key, _) =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return "loaded:" + key;
        });

        release.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, runs);
        Assert.All(results, static r => Assert.Equal("loaded:key", r));
        Assert.Equal(Callers, cache.Statistics.Misses);
        Assert.True(cache.TryGet("key", out var cached));
        Assert.Equal("loaded:key", cached);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_loader_returning_null_stores_null_like_any_value_and_TryGet_finds_it(bool synchronous)
    {
        // A null from the loader is a value (say, "no such pod"): stored and counted like any other, so the next call
        // is a hit and the loader is not run again. It is not a failure and not "do not cache".
        var cache = new ShardedCache<string, string?>(new ShardedCacheOptions { Capacity = 1_000, TrimOnMemoryPressure = false });
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<string, CancellationToken, ValueTask<string?>> loader = synchronous
            ? (_, _) =>
            {
                Interlocked.Increment(ref runs);
                return new ValueTask<string?>((string?)null);
            }
            : async (_, _) =>
            {
                Interlocked.Increment(ref runs);
                await release.Task;
                return null;
            };

        var first = cache.GetOrAddAsync("missing", loader).AsTask();
        var second = synchronous ? first : cache.GetOrAddAsync("missing", loader).AsTask(); // joins the load in flight
        release.SetResult();
        Assert.Null(await first);
        Assert.Null(await second);

        Assert.Equal(1, runs);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("missing", out var cached));
        Assert.Null(cached);
        Assert.Null(await cache.GetOrAddAsync("missing", loader)); // a hit: the loader is not run again
        Assert.Null(cache.GetOrAdd("missing", static _ => "made"));
        Assert.Equal(1, runs);
        Assert.True(cache.Remove("missing"));
        Assert.False(cache.TryGet("missing", out _));
        cache.Validate();
    }

    [Fact]
    public async Task Concurrent_misses_with_loader_arguments_run_the_loader_once_with_its_starters_argument()
    {
        var cache = Create();
        var runs = 0;
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new Task<string>[Callers];
        calls[0] = cache.GetOrAddAsync("key", async (key, caller, _) =>
        {
            Interlocked.Increment(ref runs);
            seen.Add(caller);
            started.SetResult();
            await release.Task;
            return key + " by " + caller;
        }, 0).AsTask();
        await started.Task;
        for (var i = 1; i < Callers; i++)
        {
            // Each joins the running load: its own loader and argument are never used.
            calls[i] = cache.GetOrAddAsync("key", static (_, caller, _) => throw new InvalidOperationException($"caller {caller} ran a second load"), i).AsTask();
        }

        Assert.Equal(Callers - 1, cache.WaitingOn("key"));
        release.SetResult();
        Assert.All(await Task.WhenAll(calls), static r => Assert.Equal("key by 0", r));
        Assert.Equal(1, runs);
        Assert.Equal(new[] { 0 }, seen);

        // A hit runs no loader; GetOrAdd's argument reaches its factory.
        Assert.Equal("key by 0", await cache.GetOrAddAsync("key", static (_, _, _) => throw new InvalidOperationException("a hit runs no loader"), 1));
        Assert.Equal("other:7", cache.GetOrAdd("other", static (key, n) => key + ":" + n, 7));
        Assert.Equal("other:7", cache.GetOrAdd("other", static (_, _) => throw new InvalidOperationException("a hit runs no factory"), 8));
    }

    [Fact]
    public async Task A_loader_with_an_argument_that_loads_its_own_key_fails_fast()
    {
        var cache = Create();
        var failed = cache.GetOrAddAsync("self", static async (key, self, ct) => await self.GetOrAddAsync(key, static (_, _, _) => new ValueTask<string>("never"), self, ct), cache);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.AsTask());
        Assert.Contains("recursive load", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the starter then waits on the load's end instead of the loader: it rethrows the failure itself
    public async Task A_failing_loader_stores_nothing_and_every_waiter_sees_its_exception(bool cancellableToken)
    {
        var cache = Create();
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new InvalidOperationException("backend down");
        using var cancellation = new CancellationTokenSource();
        var calls = await StartCallers(cache, async (_, _) =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            throw failure;
        }, cancellableToken ? cancellation.Token : default);

        release.SetResult();
        foreach (var call in calls)
        {
            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Same(failure, thrown);
        }

        Assert.Equal(1, runs);
        Assert.False(cache.TryGet("key", out _));
        Assert.Equal(0, cache.Count);

        // The failure is not remembered: the next caller loads again.
        Assert.Equal("ok", await cache.GetOrAddAsync("key", static (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task A_loader_that_throws_at_once_fails_the_task_as_an_async_method_would_and_stores_nothing()
    {
        // A miss whose loader completes at once runs no async method; its failure still comes back in the task, never
        // thrown by GetOrAddAsync itself, shaped as an async method's: faulted, or cancelled for an
        // OperationCanceledException, with the loader's very exception either way.
        var cache = Create();
        var failure = new InvalidOperationException("backend down");
        var failed = cache.GetOrAddAsync("thrown", (_, _) => throw failure);
        Assert.True(failed.IsFaulted);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => failed.AsTask()));

        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var cancelledByLoader = new OperationCanceledException("the loader's own", cancellation.Token);
        var cancelled = cache.GetOrAddAsync("cancelled", (_, _) => throw cancelledByLoader);
        Assert.True(cancelled.IsCanceled);
        Assert.Same(cancelledByLoader, await Assert.ThrowsAsync<OperationCanceledException>(() => cancelled.AsTask()));

        var faultedAtOnce = cache.GetOrAddAsync("returned", (_, _) => ValueTask.FromException<string>(failure));
        Assert.True(faultedAtOnce.IsFaulted);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => faultedAtOnce.AsTask()));

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.WaitingOn("thrown") + cache.WaitingOn("cancelled") + cache.WaitingOn("returned"));
        Assert.Equal("ok", await cache.GetOrAddAsync("thrown", static (_, _) => new ValueTask<string>("ok"))); // not remembered
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_loader_that_completes_at_once_leaves_the_callers_flow_as_it_was(bool suppressedFlow)
    {
        // Such a miss runs no async method, and nothing it or its loader sets on the flow (the chain of loads, the
        // loader's AsyncLocals) reaches the caller after it, as an async method's would not: with the caller's own
        // AsyncLocals, and with the caller's flow suppressed.
        var cache = Create();
        var callers = new AsyncLocal<string?> { Value = "caller" };
        var loaders = new AsyncLocal<string?>();
        var flowControl = suppressedFlow ? ExecutionContext.SuppressFlow() : default;
        ValueTask<string> loaded;
        try
        {
            loaded = cache.GetOrAddAsync("key", (key, _) =>
            {
                Assert.NotNull(CacheFlight.Loading.Value); // the load is on the chain inside its loader
                callers.Value = "set by the loader";
                loaders.Value = "set by the loader";
                return new ValueTask<string>("loaded:" + key);
            });

            Assert.True(loaded.IsCompletedSuccessfully);
            Assert.Null(CacheFlight.Loading.Value);
            Assert.Equal("caller", callers.Value);
            Assert.Null(loaders.Value);
            Assert.Equal(suppressedFlow, ExecutionContext.IsFlowSuppressed());
        }
        finally
        {
            if (suppressedFlow)
            {
                flowControl.Undo();
            }
        }

        Assert.Equal("loaded:key", await loaded);
    }

    [Fact]
    public async Task A_loader_that_completes_at_once_leaves_the_callers_synchronization_context_as_it_was()
    {
        // As an async method does around its synchronous part: a loader that installs a context of its own (UI
        // frameworks install theirs on first use) does not leave it on the caller's thread.
        var cache = Create();
        var context = SynchronizationContext.Current;
        var callers = new SynchronizationContext();
        SynchronizationContext.SetSynchronizationContext(callers);
        ValueTask<string> loaded, failed;
        try
        {
            loaded = cache.GetOrAddAsync("key", static (key, _) =>
            {
                SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
                return new ValueTask<string>("loaded:" + key);
            });
            Assert.Same(callers, SynchronizationContext.Current);

            failed = cache.GetOrAddAsync("thrown", static (_, _) =>
            {
                SynchronizationContext.SetSynchronizationContext(null);
                throw new InvalidOperationException("backend down");
            });
            Assert.Same(callers, SynchronizationContext.Current);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        Assert.Equal("loaded:key", await loaded);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.AsTask());
    }

    [Fact]
    public async Task A_cancelled_load_stores_nothing_and_every_waiter_sees_the_cancellation()
    {
        var cache = Create();
        using var cts = new CancellationTokenSource();
        var runs = 0;
        var calls = await StartCallers(
            cache,
            async (_, token) =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(Timeout.Infinite, token);
                return "never";
            },
            cts.Token);

        cts.Cancel();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(1, runs);
        Assert.False(cache.TryGet("key", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_does_not_disturb_the_load()
    {
        var cache = Create();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var owner = cache.GetOrAddAsync("key", async (_, _) =>
        {
            await release.Task;
            return "value";
        }).AsTask();

        using var impatient = new CancellationTokenSource();
        var waiter = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run"), impatient.Token).AsTask();
        impatient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);

        release.SetResult();
        Assert.Equal("value", await owner);
        Assert.True(cache.TryGet("key", out _));
    }

    [Fact]
    public async Task A_miss_with_a_token_already_cancelled_throws_without_calling_the_loader_or_storing()
    {
        var cache = Create();
        var runs = 0;

        // A loader that ignores its token: the value it returns must not reach a caller that had already given up.
        var call = cache.GetOrAddAsync("key", (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return new ValueTask<string>("loaded");
        }, new CancellationToken(canceled: true)).AsTask();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(typeof(OperationCanceledException), error.GetType());
        Assert.Equal(0, runs);
        Assert.False(cache.TryGet("key", out _));
        Assert.Equal(new CacheStatistics(Hits: 0, Misses: 2, Evictions: 0, Expirations: 0), cache.Statistics); // its lookup missed, then the TryGet

        // No flight was left registered: the next caller loads.
        Assert.Equal("fresh", await cache.GetOrAddAsync("key", static (_, _) => new ValueTask<string>("fresh")));

        // A hit waits for nothing: it answers even a cancelled caller, synchronously.
        var hit = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run"), new CancellationToken(canceled: true));
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Equal("fresh", await hit);
    }

    [Fact]
    public async Task A_hit_completes_synchronously()
    {
        var cache = Create();
        cache.Set("key", "value");
        var pending = cache.GetOrAddAsync("key", static (_, _) => throw new InvalidOperationException("must not run"));
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("value", await pending);
    }

    [Fact]
    public async Task Different_keys_load_independently()
    {
        var cache = Create();
        var runs = 0;
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => cache.GetOrAddAsync("k" + (i % 8), async (key, _) =>
        {
            Interlocked.Increment(ref runs);
            await Task.Yield();
            return key.ToUpperInvariant();
        }).AsTask()));

        Assert.InRange(runs, 8, 32);
        Assert.All(results.Select((r, i) => (r, i)), static x => Assert.Equal("K" + (x.i % 8), x.r));
        Assert.Equal(8, cache.Count);
    }

    /// <summary>Starts a load of "k" that returns <paramref name="value"/> once <paramref name="gate"/> opens; counts runs.</summary>
    private static Task<string> StartGatedLoad(ShardedCache<string, string> cache, TaskCompletionSource gate, string value, Action? onRun = null) =>
        cache.GetOrAddAsync("k", async (_, _) =>
        {
            onRun?.Invoke();
            await gate.Task;
            return value;
        }).AsTask();

    [Fact]
    public async Task A_Set_made_while_a_load_runs_wins_and_the_loader_still_answers_its_callers()
    {
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = StartGatedLoad(cache, gate, "loaded");
        var waiter = cache.GetOrAddAsync("k", static (_, _) => throw new InvalidOperationException("must not run")).AsTask();

        cache.Set("k", "set");
        gate.SetResult();

        Assert.Equal("loaded", await load);
        Assert.Equal("loaded", await waiter);
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal("set", cached);
        Assert.Equal(1, cache.Count);
        cache.Validate();
    }

    [Fact]
    public async Task A_GetOrAdd_that_stores_while_a_load_runs_wins_and_every_caller_gets_its_value()
    {
        // Both are "get, or add if absent": the value stored first is the key's value, for the load's callers too.
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = StartGatedLoad(cache, gate, "loaded");
        var waiter = cache.GetOrAddAsync("k", static (_, _) => throw new InvalidOperationException("must not run")).AsTask();

        Assert.Equal("sync", cache.GetOrAdd("k", static _ => "sync"));
        Assert.True(cache.TryGet("k", out var before));
        Assert.Equal("sync", before);
        gate.SetResult();

        Assert.Equal("sync", await load);
        Assert.Equal("sync", await waiter);
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal("sync", cached);
        Assert.Equal("sync", cache.GetOrAdd("k", static _ => "again"));
        Assert.Equal(1, cache.Count);
        cache.Validate();
    }

    [Fact]
    public async Task A_load_that_stores_while_a_GetOrAdd_factory_runs_wins_and_the_GetOrAdd_returns_its_value()
    {
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = StartGatedLoad(cache, gate, "loaded");
        using var factoryEntered = new ManualResetEventSlim();
        using var factoryRelease = new ManualResetEventSlim();
        var sync = Task.Run(() => cache.GetOrAdd("k", _ =>
        {
            factoryEntered.Set();
            factoryRelease.Wait();
            return "sync";
        }));

        Assert.True(factoryEntered.Wait(TimeSpan.FromSeconds(20)));
        gate.SetResult();
        Assert.Equal("loaded", await load);
        factoryRelease.Set();

        Assert.Equal("loaded", await sync.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal("loaded", cached);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_Set_after_a_GetOrAdd_during_a_load_still_wins_over_both()
    {
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = StartGatedLoad(cache, gate, "loaded");
        Assert.Equal("sync", cache.GetOrAdd("k", static _ => "sync"));
        cache.Set("k", "set");
        gate.SetResult();

        await load; // superseded by the Set: its callers get the loaded value, which is not stored
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal("set", cached);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_Remove_made_while_a_load_runs_keeps_the_key_absent()
    {
        var cache = Create();
        cache.Set("other", "kept");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = StartGatedLoad(cache, gate, "loaded");

        Assert.False(cache.Remove("k")); // nothing stored yet: the Remove still wins over the load
        gate.SetResult();

        Assert.Equal("loaded", await load);
        Assert.False(cache.TryGet("k", out _));
        Assert.True(cache.TryGet("other", out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_Clear_made_while_loads_run_keeps_their_keys_absent()
    {
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = Enumerable.Range(0, 20).Select(i => cache.GetOrAddAsync("k" + i, async (key, _) =>
        {
            await gate.Task;
            return "loaded:" + key;
        }).AsTask()).ToArray();

        cache.Clear();
        gate.SetResult();

        var results = await Task.WhenAll(loads);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "loaded:k" + i), results);
        Assert.Equal(0, cache.Count);
        Assert.All(Enumerable.Range(0, 20), i => Assert.False(cache.TryGet("k" + i, out _)));
    }

    [Fact]
    public async Task After_a_Remove_new_callers_start_a_fresh_load_that_the_stale_one_neither_overwrites_nor_unregisters()
    {
        var cache = Create();
        var runs = 0;
        var staleGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stale = StartGatedLoad(cache, staleGate, "stale", () => Interlocked.Increment(ref runs));
        cache.Remove("k"); // invalidates: a value loaded before this must not be handed to callers arriving after it

        var freshGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fresh = StartGatedLoad(cache, freshGate, "fresh", () => Interlocked.Increment(ref runs));
        Assert.Equal(2, runs);

        // The stale load ends first: it must leave the fresh load registered, so the next caller joins it.
        staleGate.SetResult();
        Assert.Equal("stale", await stale);
        Assert.False(cache.TryGet("k", out _));
        var joiner = StartGatedLoad(cache, freshGate, "third", () => Interlocked.Increment(ref runs));
        Assert.Equal(2, runs);

        freshGate.SetResult();
        Assert.Equal("fresh", await fresh);
        Assert.Equal("fresh", await joiner);
        Assert.True(cache.TryGet("k", out var cached));
        Assert.Equal("fresh", cached);
    }

    [Fact]
    public async Task A_loader_that_loads_its_own_key_fails_fast_instead_of_waiting_for_itself()
    {
        var cache = Create();
        var load = cache.GetOrAddAsync("k", (key, token) => cache.GetOrAddAsync(key, static (_, _) => new ValueTask<string>("inner"), token)).AsTask();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("recursive load of the same key", error.Message, StringComparison.Ordinal);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal("ok", await cache.GetOrAddAsync("k", static (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task A_cycle_of_loads_through_another_cache_fails_fast()
    {
        var first = Create();
        var second = new ShardedCache<int, string>(new ShardedCacheOptions { TrimOnMemoryPressure = false });
        var load = first.GetOrAddAsync("a", (_, token) => second.GetOrAddAsync(1, (_, inner) => first.GetOrAddAsync("a", static (_, _) => new ValueTask<string>("never"), inner), token)).AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, first.Count);
        Assert.Equal(0, second.Count);
    }

    [Fact]
    public async Task A_loader_that_loads_its_own_key_after_an_await_fails_fast_instead_of_hanging()
    {
        var cache = Create();
        var load = cache.GetOrAddAsync("k", async (key, token) =>
        {
            await Task.Yield(); // the rest runs on another stack: a thread-static chain no longer sees this load
            return await cache.GetOrAddAsync(key, static (_, _) => new ValueTask<string>("inner"), token);
        }).AsTask();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("recursive load of the same key", error.Message, StringComparison.Ordinal);
        Assert.Contains("'k'", error.Message, StringComparison.Ordinal);
        Assert.False(cache.TryGet("k", out _));
        Assert.Equal("ok", await cache.GetOrAddAsync("k", static (_, _) => new ValueTask<string>("ok")));
    }

    [Fact]
    public async Task A_cycle_through_another_key_after_awaits_fails_fast_and_every_waiter_sees_the_failure()
    {
        var cache = Create();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        Func<string, CancellationToken, ValueTask<string>>? loadB = null;
        Func<string, CancellationToken, ValueTask<string>> loadA = async (_, token) =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return "A+" + await cache.GetOrAddAsync("b", loadB!, token);
        };
        loadB = async (_, token) =>
        {
            await Task.Delay(1, token);
            return "B+" + await cache.GetOrAddAsync("a", loadA, token); // a waits for b: waiting for a would never end
        };

        var owner = cache.GetOrAddAsync("a", loadA).AsTask();
        var waiter = cache.GetOrAddAsync("a", static (_, _) => throw new InvalidOperationException("must not run")).AsTask();
        gate.SetResult();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => owner.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(20))));
        Assert.Equal(1, runs);
        Assert.Equal(0, cache.Count); // neither failed load stored anything
        cache.Validate();

        // Nothing is left registered: fresh loads of both keys run.
        Assert.Equal("a2", await cache.GetOrAddAsync("a", static (_, _) => new ValueTask<string>("a2")));
        Assert.Equal("b2", await cache.GetOrAddAsync("b", static (_, _) => new ValueTask<string>("b2")));
    }

    [Fact]
    public async Task A_cycle_through_another_cache_after_awaits_fails_fast()
    {
        var first = Create();
        var second = new ShardedCache<int, string>(new ShardedCacheOptions { TrimOnMemoryPressure = false });
        var load = first.GetOrAddAsync("a", async (_, token) =>
        {
            await Task.Yield();
            return await second.GetOrAddAsync(1, async (_, inner) =>
            {
                await Task.Yield();
                return await first.GetOrAddAsync("a", static (_, _) => new ValueTask<string>("never"), inner);
            }, token);
        }).AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, first.Count);
        Assert.Equal(0, second.Count);
    }

    [Fact]
    public async Task A_loader_that_joins_another_callers_load_of_another_key_after_an_await_waits_for_it()
    {
        // Not recursion: "b" is loaded by an independent caller, so the loader of "a" must wait for it, not fail.
        var cache = Create();
        var gateB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var b = cache.GetOrAddAsync("b", async (_, _) =>
        {
            await gateB.Task;
            return "B";
        }).AsTask();

        var a = cache.GetOrAddAsync("a", async (_, token) =>
        {
            await Task.Yield();
            return "A+" + await cache.GetOrAddAsync("b", static (_, _) => throw new InvalidOperationException("must not run"), token);
        }).AsTask();

        await Task.Delay(20);
        Assert.False(a.IsCompleted);
        gateB.SetResult();
        Assert.Equal("B", await b);
        Assert.Equal("A+B", await a.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_load_that_another_caller_joined_is_not_reused_for_the_next_load_on_its_thread()
    {
        // A miss reuses its thread's last load record when no other caller ever held it. This one had a waiter, so
        // the next load on the same thread (everything below runs on the test's thread until the first await: each
        // load ends inline when the test completes its loader's task) needs a record of its own: were the first one
        // reused, the second load's waiter would get the first load's finished result.
        var cache = Create();
        var first = new TaskCompletionSource<string>();
        var second = new TaskCompletionSource<string>();
        ValueTask<string> starter, waiter, secondStarter;
        Task<string> secondWaiter;
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null); // the test runner's context would stop inline continuations
        try
        {
            starter = cache.GetOrAddAsync("a", (_, _) => new ValueTask<string>(first.Task));
            waiter = cache.GetOrAddAsync("a", static (_, _) => new ValueTask<string>("not loaded"));
            Assert.Equal(1, cache.WaitingOn("a"));
            first.SetResult("loaded:a");
            Assert.True(starter.IsCompletedSuccessfully);

            secondStarter = cache.GetOrAddAsync("b", (_, _) => new ValueTask<string>(second.Task));
            secondWaiter = cache.GetOrAddAsync("b", static (_, _) => new ValueTask<string>("not loaded")).AsTask();
            Assert.Equal(1, cache.WaitingOn("b"));
            Assert.False(secondWaiter.IsCompleted);
            second.SetResult("loaded:b");
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        Assert.Equal("loaded:a", await waiter.AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("loaded:b", await secondStarter);
        Assert.Equal("loaded:b", await secondWaiter.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_caller_that_arrives_after_a_load_ended_is_not_taken_for_recursion()
    {
        // A task started by a loader carries its context; once that load is over, asking for the key again is a
        // new load, not a cycle.
        var cache = Create();
        Task<string>? later = null;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await cache.GetOrAddAsync("k", async (key, _) =>
        {
            await Task.Yield();
            later = Task.Run(async () =>
            {
                await release.Task;
                cache.Remove(key);
                return await cache.GetOrAddAsync(key, static (_, _) => new ValueTask<string>("second"));
            });
            return "first";
        });

        Assert.Equal("first", first);
        release.SetResult();
        Assert.Equal("second", await later!.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Loads_of_other_keys_from_inside_a_loader_are_not_recursion()
    {
        var cache = Create();
        var value = await cache.GetOrAddAsync("outer", (_, token) => cache.GetOrAddAsync("inner", static (_, _) => new ValueTask<string>("v"), token));
        Assert.Equal("v", value);
        Assert.Equal(2, cache.Count);
    }
}
