using Hotpath.Caching;

namespace Hotpath.Tests.Caching;

/// <summary>
/// Random single-threaded operations (deterministic: int keys hash the same on every run, the clock is manual) checked
/// against a model of what the cache may hold: a hit returns the last value written and never an expired one, counts
/// add up, the shards stay consistent and within capacity, and an add evicts a live entry only when dropping expired
/// ones did not make the room.
/// </summary>
public sealed class CacheModelTests
{
    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 1, true)]
    [InlineData(3, 1, true)]
    [InlineData(4, 1, true)]
    [InlineData(5, 1, true)]
    [InlineData(6, 1, true)]
    [InlineData(7, 1, true)]
    [InlineData(8, 1, true)]
    [InlineData(9, 1, false)]
    [InlineData(10, 4, true)]
    [InlineData(11, 4, false)]
    [InlineData(12, 16, true)]
    public void Random_operations_agree_with_a_model_of_the_cache(int seed, int shards, bool timeToLive)
    {
        var random = new Random(seed);
        var capacity = 1 + random.Next(shards == 1 ? 40 : 100);
        var ttl = TimeSpan.FromSeconds(10);
        var clock = new ManualTimeProvider();
        var cache = new ShardedCache<int, int>(new ShardedCacheOptions
        {
            Capacity = capacity, Shards = shards, TimeToLive = timeToLive ? ttl : null, TimeProvider = clock, TrimOnMemoryPressure = false,
        });
        var model = new Dictionary<int, (int Value, TimeSpan Written)>(); // what the cache may hold: it may have evicted any of it
        var now = TimeSpan.Zero;
        var lookups = 0L;
        var nextValue = 0;
        for (var step = 0; step < 40_000; step++)
        {
            var key = random.Next(capacity * 3);
            var op = random.Next(100);
            if (op < 35)
            {
                lookups++;
                if (cache.TryGet(key, out var value))
                {
                    Assert.True(Live(key), $"step {step}: a hit on {key}, which is absent or expired");
                    Assert.Equal(model[key].Value, value);
                }
                else
                {
                    model.Remove(key); // evicted or expired
                }
            }
            else if (op < 80)
            {
                var value = ++nextValue; // unique: tells a stored value from the factory's
                var stored = cache.StoredCount;
                var before = cache.Statistics;
                if (op < 60)
                {
                    cache.Set(key, value);
                    model[key] = (value, now);
                }
                else
                {
                    lookups++;
                    var got = cache.GetOrAdd(key, _ => value);
                    if (got == value)
                    {
                        model[key] = (value, now);
                    }
                    else
                    {
                        Assert.True(Live(key), $"step {step}: GetOrAdd returned a value for {key}, which is absent or expired");
                        Assert.Equal(model[key].Value, got);
                    }
                }

                var after = cache.Statistics;
                var expired = after.Expirations - before.Expirations;
                var evicted = after.Evictions - before.Evictions;
                if (shards == 1)
                {
                    // One entry added at most: a live entry goes only for room that dropping expired ones did not make.
                    Assert.True(
                        evicted <= Math.Max(0, stored + 1 - expired - capacity),
                        $"step {step}: adding {key} with {stored} of {capacity} stored dropped {expired} expired and evicted {evicted}");
                }
            }
            else if (op < 90)
            {
                if (cache.Remove(key))
                {
                    Assert.True(Live(key), $"step {step}: removed {key}, which is absent or expired");
                }

                model.Remove(key);
            }
            else if (op < 97)
            {
                if (timeToLive)
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                    now += TimeSpan.FromSeconds(1);
                }
            }
            else if (op < 98)
            {
                cache.Trim(random.NextDouble());
            }
            else if (op < 99)
            {
                Assert.InRange(cache.Count, 0, capacity);
            }
            else if (random.Next(10) == 0)
            {
                cache.Clear();
                model.Clear();
            }

            Assert.InRange(cache.StoredCount, 0, capacity);
            if (step % 64 == 0)
            {
                cache.Validate();
            }
        }

        cache.Validate();
        var statistics = cache.Statistics;
        Assert.Equal(lookups, statistics.Hits + statistics.Misses);

        bool Live(int key) => model.TryGetValue(key, out var entry) && (!timeToLive || now < entry.Written + ttl);
    }
}
