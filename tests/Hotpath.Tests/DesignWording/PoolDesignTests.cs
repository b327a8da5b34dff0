using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hotpath.Diagnostics;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.DesignWording;

/// <summary>A [Pooled] type as a tester would declare it; only <see cref="PoolDesignTests"/> uses its pool.</summary>
[Pooled(MaxRetained = 1)]
public sealed partial class WordingBuffer
{
    public int Limit = 3;
    public string? Owner;
    public List<int> Items { get; } = new();
}

/// <summary>
/// <c>Hotpath.Pool&lt;T&gt;</c> as an outside tester would exercise it from DESIGN.md section 1 and the pool issue:
/// Rent/Return/Lease/MaxRetained/Statistics, Return(null), double return with the option on, and the meter.
/// </summary>
public sealed class PoolDesignTests
{
    private sealed class Widget
    {
        public int Value;
    }

    // One type per meter test, so other tests' pools never share its series.
    private sealed class WordingMeteredWidget;

    private static Pool<Widget> NewPool(int maxRetained = 8, bool detect = false) =>
        new(static () => new Widget(), static w => w.Value = 0, new PoolOptions { MaxRetained = maxRetained, DetectDoubleReturn = detect });

    [Fact]
    public void MaxRetained_is_what_was_asked_for()
    {
        Assert.Equal(1, NewPool(maxRetained: 1).MaxRetained);
        Assert.Equal(15_000, NewPool(maxRetained: 15_000).MaxRetained);
    }

    [Fact]
    public void Rent_returns_a_fresh_instance_and_Return_then_Rent_reuses_it_reset()
    {
        var pool = NewPool();
        var first = pool.Rent();
        Assert.NotNull(first);
        first.Value = 42;
        pool.Return(first);

        var second = pool.Rent();
        Assert.Same(first, second);
        Assert.Equal(0, second.Value);
    }

    [Fact]
    public void Two_rents_without_a_return_are_distinct_objects()
    {
        var pool = NewPool();
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Return_null_throws_ArgumentNullException_with_or_without_detection()
    {
        Assert.Throws<ArgumentNullException>(() => NewPool().Return(null!));
        Assert.Throws<ArgumentNullException>(() => NewPool(detect: true).Return(null!));
    }

    [Fact]
    public void MaxRetained_one_keeps_one_drops_the_rest_and_counts_exactly()
    {
        var pool = NewPool(maxRetained: 1);
        var a = pool.Rent();
        var b = pool.Rent();
        var c = pool.Rent();
        pool.Return(a);
        pool.Return(b);
        pool.Return(c);

        Assert.Equal(new PoolStatistics(Rents: 3, Hits: 0, Misses: 3, Returns: 3, Drops: 2), pool.Statistics);

        var again = pool.Rent(); // the one kept
        var fresh = pool.Rent(); // the pool is empty again
        Assert.Same(a, again);
        Assert.NotSame(a, fresh);
        Assert.NotSame(b, fresh);
        Assert.NotSame(c, fresh);
        Assert.Equal(new PoolStatistics(5, 1, 4, 3, 2), pool.Statistics);
    }

    [Fact]
    public void Statistics_after_a_known_sequence_are_exact()
    {
        var pool = NewPool(maxRetained: 2);
        Assert.Equal(default, pool.Statistics);

        var items = new[] { pool.Rent(), pool.Rent(), pool.Rent() };                 // 3 misses
        foreach (var item in items)
        {
            pool.Return(item);                                                         // 2 kept, 1 dropped
        }

        var r1 = pool.Rent();                                                          // hit
        var r2 = pool.Rent();                                                          // hit
        var r3 = pool.Rent();                                                          // miss
        pool.Return(r1);
        pool.Return(r2);
        pool.Return(r3);                                                               // dropped

        var stats = pool.Statistics;
        Assert.Equal(6, stats.Rents);
        Assert.Equal(2, stats.Hits);
        Assert.Equal(4, stats.Misses);
        Assert.Equal(6, stats.Returns);
        Assert.Equal(2, stats.Drops);
        Assert.Equal(stats.Hits + stats.Misses, stats.Rents);
        Assert.Equal(2.0 / 6, stats.HitRatio, 10);
    }

    [Fact]
    public void Statistics_is_a_snapshot_that_does_not_move_afterwards()
    {
        var pool = NewPool();
        var before = pool.Statistics;
        pool.Return(pool.Rent());
        Assert.Equal(0, before.Rents);
        Assert.Equal(1, pool.Statistics.Rents);
    }

    [Fact]
    public void Lease_hands_out_a_rented_item_and_Dispose_returns_it()
    {
        var pool = NewPool();
        Widget leased;
        using (pool.Lease(out leased))
        {
            leased.Value = 5;
            Assert.Equal(1, pool.Statistics.Rents);
            Assert.Equal(0, pool.Statistics.Returns);
        }

        Assert.Equal(1, pool.Statistics.Returns);
        var again = pool.Rent();
        Assert.Same(leased, again);
        Assert.Equal(0, again.Value);
    }

    [Fact]
    public void Disposing_a_lease_twice_returns_the_item_once()
    {
        var pool = NewPool(detect: true); // a second return would throw here
        var lease = pool.Lease(out var item);
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(1, pool.Statistics.Returns);
        Assert.Equal(0, pool.Statistics.Drops);
        Assert.Same(item, pool.Rent());
        Assert.NotSame(item, pool.Rent()); // it was in the pool once, not twice
    }

    [Fact]
    public void A_default_lease_disposes_harmlessly()
    {
        var lease = default(PoolLease<Widget>);
        lease.Dispose();
    }

    [Fact]
    public void Double_return_with_the_option_throws_InvalidOperationException_naming_the_type()
    {
        var pool = NewPool(detect: true);
        var item = pool.Rent();
        pool.Return(item);

        var error = Assert.Throws<InvalidOperationException>(() => pool.Return(item));
        Assert.Contains(nameof(Widget), error.Message, StringComparison.Ordinal);

        // The pool still works, and the item was kept only once.
        Assert.Same(item, pool.Rent());
        var other = pool.Rent();
        Assert.NotSame(item, other);
        pool.Return(item); // rented again, so this return is legal
        pool.Return(other);
    }

    [Fact]
    public void Double_return_is_detected_when_the_pool_is_full_too()
    {
        var pool = NewPool(maxRetained: 1, detect: true);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b); // dropped
        Assert.Throws<InvalidOperationException>(() => pool.Return(a));
    }

    [Fact]
    public void Rent_on_one_thread_and_Return_on_another_is_counted()
    {
        var pool = NewPool(maxRetained: 4);
        var item = pool.Rent();
        var returner = new Thread(() => pool.Return(item));
        returner.Start();
        Assert.True(returner.Join(TimeSpan.FromSeconds(30)));

        var stats = pool.Statistics;
        Assert.Equal(1, stats.Rents);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(1, stats.Returns);
        Assert.Equal(0, stats.Drops);
    }

    [Fact]
    public void With_MaxRetained_one_an_item_returned_on_another_thread_is_rented_again_here()
    {
        var pool = NewPool(maxRetained: 1);
        var item = pool.Rent();
        var returner = new Thread(() => pool.Return(item));
        returner.Start();
        Assert.True(returner.Join(TimeSpan.FromSeconds(30)));

        Assert.Same(item, pool.Rent());
        Assert.Equal(1, pool.Statistics.Hits);
    }

    [Fact]
    public void Many_threads_renting_and_returning_never_share_an_item_and_the_counts_add_up()
    {
        const int Threads = 4;
        const int Rounds = 20_000;
        var pool = NewPool(maxRetained: 3);
        var owners = new ConcurrentDictionary<Widget, int>();
        var failures = 0;
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var id = t;
            threads[t] = new Thread(() =>
            {
                for (var i = 0; i < Rounds; i++)
                {
                    var item = pool.Rent();
                    if (!owners.TryAdd(item, id) || item.Value != 0)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    item.Value = id + 1;
                    owners.TryRemove(item, out _);
                    pool.Return(item);
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(120)));
        }

        Assert.Equal(0, failures);
        var stats = pool.Statistics;
        Assert.Equal(Threads * Rounds, stats.Rents);
        Assert.Equal(Threads * Rounds, stats.Returns);
        Assert.Equal(stats.Rents, stats.Hits + stats.Misses);
        // Every created instance was either kept or dropped: misses - drops instances live in the pool, at most MaxRetained.
        Assert.InRange(stats.Misses - stats.Drops, 0, pool.MaxRetained);
    }

    [Fact]
    public void Counters_are_published_on_the_Hotpath_meter_with_the_type_name()
    {
        var pool = new Pool<WordingMeteredWidget>(static () => new WordingMeteredWidget(), null, maxRetained: 1);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b); // dropped
        pool.Rent();    // hit

        var values = new Dictionary<string, long>();
        var tagKeys = new HashSet<string>();
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Hotpath" && instrument.Name.StartsWith("hotpath.pool.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string s && s == nameof(WordingMeteredWidget))
                {
                    tagKeys.Add(tag.Key);
                    values[instrument.Name] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal("Hotpath", HotpathMeter.Name);
        Assert.Equal(3, values["hotpath.pool.rents"]);
        Assert.Equal(2, values["hotpath.pool.misses"]);
        Assert.Equal(1, values["hotpath.pool.drops"]);
        Assert.Equal(["type"], tagKeys);
    }

    [Fact]
    public void The_generated_Pool_of_a_Pooled_type_resets_returns_and_counts()
    {
        var pool = WordingBuffer.Pool;
        Assert.Same(pool, WordingBuffer.Pool);
        Assert.Equal(1, pool.MaxRetained);
        var before = pool.Statistics;

        var a = pool.Rent();
        var b = pool.Rent();
        a.Limit = 10;
        a.Owner = "x";
        a.Items.Add(1);
        var list = a.Items;
        pool.Return(a);
        pool.Return(b); // MaxRetained 1: dropped
        Assert.Throws<ArgumentNullException>(() => pool.Return(null!));

        var again = pool.Rent();
        Assert.Same(a, again);
        Assert.Equal(3, again.Limit);
        Assert.Null(again.Owner);
        Assert.Empty(again.Items);
        Assert.Same(list, again.Items);

        using (pool.Lease(out var leased))
        {
            Assert.NotSame(again, leased);
        }

        var after = pool.Statistics;
        Assert.Equal(4, after.Rents - before.Rents);
        Assert.Equal(1, after.Hits - before.Hits);
        Assert.Equal(3, after.Misses - before.Misses);
        Assert.Equal(3, after.Returns - before.Returns);
        Assert.Equal(1, after.Drops - before.Drops);
    }
}
