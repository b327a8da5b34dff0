using System.Diagnostics.Metrics;
using Hotpath.Caching;
using Hotpath.Tests.Batching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Metrics;

/// <summary>
/// Meter listeners that throw from their other callbacks: when measurements complete, and from the measurement callback
/// while other threads use the pools and caches it collects. Each listener throws only for its own series or for a
/// meter of its own (<see cref="IsolatedRuntime"/>), so these tests may run beside others.
/// </summary>
public sealed class ThrowingListenerTests
{
    private const int Threads = 4;

    [Fact]
    public async Task A_listener_whose_MeasurementsCompleted_throws_when_it_or_the_meter_is_disposed_leaves_every_component_working()
    {
        var runtime = new IsolatedRuntime();
        var pool = runtime.Pool(static () => new CompletedProbe());
        var cache = runtime.Cache<int, string>("completed-throwing");
        var handled = 0;
        Func<ReadOnlyMemory<int>, CancellationToken, ValueTask> handler = (batch, _) =>
        {
            Interlocked.Add(ref handled, batch.Length);
            return default;
        };
        var engine = runtime.BatchEngine(2, handler);
        var completed = 0;

        // Disposing the listener: .NET calls MeasurementsCompleted for each instrument it listened to, outside its
        // lock, and the exception reaches whoever disposes it.
        var listener = CompletedThrowing(runtime.Meter, () => completed++);
        using (var counting = runtime.Record("hotpath."))
        {
            Use(pool, cache, engine, 0);
            Assert.Throws<InvalidOperationException>(listener.Dispose);
            Use(pool, cache, engine, 2);
            Assert.Equal(1, completed); // the first instrument's call threw; the rest were never told
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref handled) == 4, BatchEngineTests.Patience)); // counted before handled
            Assert.Equal(4, counting.Totals["hotpath.batch.items"]);
            Assert.Equal(new Dictionary<string, long> { ["rents"] = 4, ["hits"] = 2, ["misses"] = 2 }, Pick(counting.Observe()));
        }

        // Disposing the meter: .NET tells each listening listener its instruments' measurements completed, and the
        // exception escapes Meter.Dispose; every component keeps working, and new ones can be made.
        listener = CompletedThrowing(runtime.Meter, () => completed++);
        Assert.Throws<InvalidOperationException>(runtime.Meter.Dispose);
        Use(pool, cache, engine, 4);
        var laterPool = runtime.Pool(static () => new CompletedProbe());
        var laterCache = runtime.Cache<int, string>("completed-throwing");
        var laterEngine = runtime.BatchEngine(2, handler);
        Use(laterPool, laterCache, laterEngine, 6);
        await ((Task)engine.CompleteAsync()).WaitAsync(BatchEngineTests.Patience);
        await ((Task)laterEngine.CompleteAsync()).WaitAsync(BatchEngineTests.Patience);
        // Meter.Dispose stopped at the exception, so the listener may still hold the meter's other instruments and be
        // told of them (throwing again) only now: .NET's business, and the components' counts are unaffected either way.
        try
        {
            listener.Dispose();
        }
        catch (InvalidOperationException)
        {
        }

        Assert.True(completed >= 2);
        Assert.Equal(8, handled);
        Assert.Equal(((long)6, (long)2), ((long)pool.Statistics.Rents, (long)pool.Statistics.Misses));
        Assert.Equal(((long)3, (long)3), ((long)cache.Statistics.Hits, (long)cache.Statistics.Misses));
        GC.KeepAlive(laterPool);
        GC.KeepAlive(laterCache);

        static Dictionary<string, long> Pick(IDictionary<string, long> totals) => new()
        {
            ["rents"] = totals["hotpath.pool.rents"],
            ["hits"] = totals["hotpath.cache.hits"],
            ["misses"] = totals["hotpath.cache.misses"],
        };
    }

    [Fact]
    public void A_listener_throwing_from_its_measurement_callback_while_others_rent_and_return_loses_no_instance_and_no_count()
    {
        const int Iterations = 20_000;
        var created = 0;
        var pool = new Pool<CollectedProbe>(() =>
        {
            Interlocked.Increment(ref created);
            return new CollectedProbe();
        }, null, maxRetained: 1024);
        var throws = new int[1];
        using (var listener = Listeners.Throwing("hotpath.pool.", "type", nameof(CollectedProbe), throws))
        {
            Collecting(listener, () => Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
            {
                for (var i = 0; i < Iterations; i++)
                {
                    var first = pool.Rent();
                    var second = pool.Rent();
                    Assert.NotSame(first, second);
                    pool.Return(second);
                    pool.Return(first);
                }
            }));
        }

        Assert.True(throws[0] > 0);
        var statistics = pool.Statistics;
        Assert.Equal((long)Threads * Iterations * 2, statistics.Rents);
        Assert.Equal(statistics.Rents, statistics.Returns);
        Assert.Equal(statistics.Rents, statistics.Hits + statistics.Misses);
        Assert.Equal(created, statistics.Misses);
        Assert.Equal(0, statistics.Drops);
        var retained = pool.SnapshotRetained();
        Assert.Equal(created, retained.Distinct().Count()); // every instance ever made is back in the pool
        Assert.Equal(retained.Count, retained.Distinct().Count());
        var seen = MeterReadings.Observe("hotpath.pool.", "type", nameof(CollectedProbe));
        Assert.Equal(statistics.Rents, seen["hotpath.pool.rents"]);
        Assert.Equal(statistics.Misses, seen["hotpath.pool.misses"]);
        Assert.Equal(0, seen["hotpath.pool.drops"]);
        GC.KeepAlive(pool);
    }

    [Fact]
    public void A_listener_throwing_from_its_measurement_callback_while_others_look_up_loses_no_entry_and_no_count()
    {
        const int Iterations = 20_000;
        const int Keys = 64;
        var name = "collected-throwing-" + Guid.NewGuid().ToString("N");
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions { Capacity = 1024, Shards = 4, Name = name, TrimOnMemoryPressure = false });
        for (var key = 0; key < Keys; key++)
        {
            cache.Set(key, key * 10);
        }

        var throws = new int[1];
        using (var listener = Listeners.Throwing("hotpath.cache.", "cache", name, throws))
        {
            Collecting(listener, () => Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
            {
                for (var i = 0; i < Iterations; i++)
                {
                    var key = (i + thread) % Keys;
                    Assert.True(cache.TryGet(key, out var value));
                    Assert.Equal(key * 10, value);
                    Assert.Equal(key * 10, cache.GetOrAdd(key, static _ => -1));
                    Assert.False(cache.TryGet(Keys + key, out _));
                }
            }));
        }

        Assert.True(throws[0] > 0);
        Assert.Equal(Keys, cache.Count);
        var statistics = cache.Statistics;
        Assert.Equal(((long)Threads * Iterations * 2, (long)Threads * Iterations, 0L, 0L), (statistics.Hits, statistics.Misses, statistics.Evictions, statistics.Expirations));
        cache.Validate();
        var seen = MeterReadings.Observe("hotpath.cache.", "cache", name);
        Assert.Equal(statistics.Hits, seen["hotpath.cache.hits"]);
        Assert.Equal(statistics.Misses, seen["hotpath.cache.misses"]);
        GC.KeepAlive(cache);
    }

    /// <summary>Runs <paramref name="work"/> while another thread collects <paramref name="listener"/> over and over, each collection throwing.</summary>
    private static void Collecting(MeterListener listener, Action work)
    {
        using var done = new ManualResetEventSlim();
        var collections = 0;
        var collector = Task.Run(() =>
        {
            while (!done.IsSet || collections == 0)
            {
                Assert.Throws<AggregateException>(listener.RecordObservableInstruments);
                collections++;
            }
        });
        try
        {
            work();
        }
        finally
        {
            done.Set();
            collector.Wait(BatchEngineTests.Patience);
        }

        Assert.True(collector.IsCompletedSuccessfully);
    }

    /// <summary>Rents two and returns them, looks up a key that is there and one that is not, posts two items.</summary>
    private static void Use(dynamic pool, dynamic cache, dynamic engine, int item)
    {
        var first = (CompletedProbe)pool.Rent();
        var second = (CompletedProbe)pool.Rent();
        pool.Return(second);
        pool.Return(first);
        cache.Set(item, "value");
        Assert.True(cache.TryGet(item, out string _));
        Assert.False(cache.TryGet(-1, out string _));
        Assert.True((bool)engine.Post(item));
        Assert.True((bool)engine.Post(item + 1));
    }

    /// <summary>A started listener on every instrument of <paramref name="meter"/> whose MeasurementsCompleted calls <paramref name="called"/>, then throws.</summary>
    private static MeterListener CompletedThrowing(Meter meter, Action called)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (_, _) =>
            {
                called();
                throw new InvalidOperationException("a buggy listener");
            },
        };
        listener.Start();
        return listener;
    }

    private sealed class CompletedProbe;

    private sealed class CollectedProbe;
}
