using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hotpath.Tests.Batching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Metrics;

/// <summary>
/// A meter listener whose <see cref="MeterListener.InstrumentPublished"/> throws: .NET calls it inside the
/// <c>Create*</c> call that makes an instrument, after adding the instrument to the meter, and does not catch. Each test
/// watches a fresh copy of the runtime (<see cref="IsolatedRuntime"/>) whose instruments are created while the
/// listener is on, and the listener throws for that copy's meter only, so other tests' instruments and listeners are
/// untouched and these tests may run beside them.
/// </summary>
public sealed class ThrowingPublishListenerTests
{
    private static readonly TimeSpan Patience = BatchEngineTests.Patience;

    [Fact]
    public void Dotnet_keeps_an_instrument_whose_InstrumentPublished_threw_on_the_meter_and_makes_a_second_one_if_asked_again()
    {
        // What the runtime relies on, and why it does not simply create an instrument again after a throw.
        using var meter = new Meter($"Hotpath.Tests.{Guid.NewGuid():N}");
        var before = new List<Instrument>();
        var after = new List<Instrument>();
        using var first = Publishing(meter, before);
        using var throwing = Throwing(meter, throws: 2);
        using var last = Publishing(meter, after);

        Assert.Throws<InvalidOperationException>(() => meter.CreateCounter<long>("probe"));
        Assert.Throws<InvalidOperationException>(() => meter.CreateObservableCounter("observed", static () => 1L));

        // Listeners started before the throwing one were told of both instruments, those after it never are.
        Assert.Equal(["probe", "observed"], before.Select(i => i.Name));
        Assert.Empty(after);

        // Both stay on the meter: a listener started later is told of each, once, and the observable one works.
        var later = new List<Instrument>();
        using (var listener = Publishing(meter, later))
        {
            Assert.Equal(["probe", "observed"], later.Select(i => i.Name));
            var observed = 0L;
            listener.InstrumentPublished = null;
            listener.EnableMeasurementEvents(later[1]);
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed += value);
            listener.RecordObservableInstruments();
            Assert.Equal(1, observed);
        }

        // The counter that threw is not in the meter's cache of counters: asking again makes a second "probe".
        var again = meter.CreateCounter<long>("probe");
        Assert.NotSame(before[0], again);
        var latest = new List<Instrument>();
        using (Publishing(meter, latest))
        {
            Assert.Equal(["probe", "observed", "probe"], latest.Select(i => i.Name));
        }
    }

    [Fact]
    public void A_pool_made_while_a_listener_throws_from_InstrumentPublished_is_made_and_counted()
    {
        var runtime = new IsolatedRuntime();
        using var before = runtime.Record("hotpath.pool.");
        var throwing = Throwing(runtime.Meter, throws: int.MaxValue);
        using var after = runtime.Record("hotpath.pool.");

        var pool = runtime.Pool(static () => new PoolProbe());
        var rented = (PoolProbe)pool.Rent();
        pool.Return(rented);
        Assert.Same(rented, (PoolProbe)pool.Rent());
        throwing.Dispose();

        Assert.Equal(new Dictionary<string, long> { ["hotpath.pool.rents"] = 2, ["hotpath.pool.misses"] = 1, ["hotpath.pool.drops"] = 0 }, before.Observe());
        Assert.Empty(after.Observe()); // .NET never told it of the instruments: nothing Hotpath can do
        Assert.Equal(["hotpath.pool.drops", "hotpath.pool.misses", "hotpath.pool.rents"], runtime.Published("hotpath.pool."));

        // A second pool, and a listener started later, use the same instruments.
        var other = runtime.Pool(static () => new OtherPoolProbe());
        other.Rent();
        using var later = runtime.Record("hotpath.pool.");
        Assert.Equal(new Dictionary<string, long> { ["hotpath.pool.rents"] = 3, ["hotpath.pool.misses"] = 2, ["hotpath.pool.drops"] = 0 }, later.Observe());
        Assert.Equal(["hotpath.pool.drops", "hotpath.pool.misses", "hotpath.pool.rents"], runtime.Published("hotpath.pool."));
        GC.KeepAlive(pool);
        GC.KeepAlive(other);
    }

    [Fact]
    public void A_cache_made_while_a_listener_throws_from_InstrumentPublished_is_made_and_counted()
    {
        var runtime = new IsolatedRuntime();
        using var before = runtime.Record("hotpath.cache.");
        var throwing = Throwing(runtime.Meter, throws: int.MaxValue);
        using var after = runtime.Record("hotpath.cache.");

        var cache = runtime.Cache<int, string>("throwing-publish");
        cache.Set(1, "one");
        Assert.True(cache.TryGet(1, out string _));
        Assert.False(cache.TryGet(2, out string _));
        throwing.Dispose();

        var expected = new Dictionary<string, long> { ["hotpath.cache.hits"] = 1, ["hotpath.cache.misses"] = 1, ["hotpath.cache.evictions"] = 0, ["hotpath.cache.expirations"] = 0 };
        Assert.Equal(expected, before.Observe());
        Assert.Empty(after.Observe());
        string[] instruments = ["hotpath.cache.evictions", "hotpath.cache.expirations", "hotpath.cache.hits", "hotpath.cache.misses"];
        Assert.Equal(instruments, runtime.Published("hotpath.cache."));

        var other = runtime.Cache<int, string>("throwing-publish");
        Assert.False(other.TryGet(1, out string _));
        using var later = runtime.Record("hotpath.cache.");
        expected["hotpath.cache.misses"] = 2;
        Assert.Equal(expected, later.Observe());
        Assert.Equal(instruments, runtime.Published("hotpath.cache."));
        GC.KeepAlive(cache);
        GC.KeepAlive(other);
    }

    [Fact]
    public async Task A_batch_engine_made_while_a_listener_throws_from_InstrumentPublished_handles_every_item_and_counts_it()
    {
        var runtime = new IsolatedRuntime();
        using var before = runtime.Record("hotpath.batch.");
        var throwing = Throwing(runtime.Meter, throws: int.MaxValue);
        using var after = runtime.Record("hotpath.batch.");
        var handled = new ConcurrentQueue<int>();
        Func<ReadOnlyMemory<int>, CancellationToken, ValueTask> handler = (batch, _) =>
        {
            foreach (var item in batch.Span)
            {
                handled.Enqueue(item);
            }

            return default;
        };

        var engine = runtime.BatchEngine(2, handler);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((bool)engine.Post(i));
        }

        await ((Task)engine.CompleteAsync()).WaitAsync(Patience);
        throwing.Dispose();

        Assert.Equal(Enumerable.Range(0, 5), handled.Order());
        Assert.Equal(new Dictionary<string, long> { ["hotpath.batch.items"] = 5, ["hotpath.batch.flushes"] = 3 }, before.Totals);
        Assert.Empty(after.Totals);
        string[] instruments = ["hotpath.batch.deadletters", "hotpath.batch.flushes", "hotpath.batch.items", "hotpath.batch.retries"];
        Assert.Equal(instruments, runtime.Published("hotpath.batch."));

        // Every later engine works and counts on the same instruments, for listeners old and new.
        using var later = runtime.Record("hotpath.batch.");
        var second = runtime.BatchEngine(2, handler);
        Assert.True((bool)second.Post(5));
        await ((Task)second.CompleteAsync()).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 6), handled.Order());
        Assert.Equal(new Dictionary<string, long> { ["hotpath.batch.items"] = 6, ["hotpath.batch.flushes"] = 4 }, before.Totals);
        Assert.Equal(new Dictionary<string, long> { ["hotpath.batch.items"] = 1, ["hotpath.batch.flushes"] = 1 }, later.Totals);
        Assert.Equal(instruments, runtime.Published("hotpath.batch."));
    }

    /// <summary>A started listener that adds every instrument of <paramref name="meter"/> it is told of to <paramref name="published"/>.</summary>
    private static MeterListener Publishing(Meter meter, List<Instrument> published)
    {
        var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter == meter)
            {
                published.Add(instrument);
            }
        };
        listener.Start();
        return listener;
    }

    /// <summary>A started listener whose InstrumentPublished throws for the first <paramref name="throws"/> instruments of <paramref name="meter"/>.</summary>
    private static MeterListener Throwing(Meter meter, int throws)
    {
        var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter == meter && Interlocked.Decrement(ref throws) >= 0)
            {
                throw new InvalidOperationException("a buggy listener");
            }
        };
        listener.Start();
        return listener;
    }

    private sealed class PoolProbe;

    private sealed class OtherPoolProbe;
}
