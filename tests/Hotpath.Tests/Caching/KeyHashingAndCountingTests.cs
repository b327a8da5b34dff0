using Hotpath.Caching;
using Xunit;

namespace Hotpath.Tests.Caching;

public class KeyHashingAndCountingTests
{
    [Fact]
    public void Equal_strings_hash_equal_whatever_the_instance()
    {
        for (var length = 0; length <= 70; length++)
        {
            var text = new string('a', length) + "/" + length;
            var copy = new string(text.AsSpan()); // a distinct instance
            Assert.NotSame(text, copy);
            Assert.Equal(CacheKeyHash.Of(text), CacheKeyHash.Of(copy));
        }

        Assert.Equal(0, CacheKeyHash.Of((string?)null));
    }

    [Fact]
    public void A_string_part_folded_at_position_0_and_finished_hashes_as_the_string_does()
    {
        for (var length = 0; length <= 70; length++)
        {
            var text = new string('n', length) + length;
            Assert.Equal(CacheKeyHash.Of(text), CacheKeyHash.Finish(CacheKeyHash.Fold(text, 0)));
            Assert.Equal(CacheKeyHash.Fold(text, 1), CacheKeyHash.Fold(new string(text.AsSpan()), 1));
            Assert.NotEqual(CacheKeyHash.Fold(text, 0), CacheKeyHash.Fold(text, 1)); // the position seeds the fold
        }

        Assert.Equal(0UL, CacheKeyHash.Fold(null, 3));
        Assert.Equal(0, CacheKeyHash.Finish(CacheKeyHash.Fold(null, 0)));
        Assert.NotEqual(0UL, CacheKeyHash.Fold(string.Empty, 0)); // "" is not null
    }

    [Fact]
    public void Generated_two_string_keys_spread_and_tell_swapped_and_shifted_parts_apart()
    {
        // PodStateKey folds each string part with its position's seed and finishes once: a key and its swap, and
        // keys that concatenate alike, must hash apart; and 10,000 pod keys must not crowd onto few hash values.
        Assert.NotEqual(new PodStateKey("a", "b").GetHashCode(), new PodStateKey("b", "a").GetHashCode());
        Assert.NotEqual(new PodStateKey("x", "x").GetHashCode(), new PodStateKey("y", "y").GetHashCode());
        Assert.NotEqual(new PodStateKey("ab", "c").GetHashCode(), new PodStateKey("a", "bc").GetHashCode());
        Assert.NotEqual(new PodStateKey("", "").GetHashCode(), new PodStateKey(null!, null!).GetHashCode());
        Assert.Equal(0, new PodStateKey(null!, null!).GetHashCode());

        var hashes = new HashSet<int>();
        var lowBits = new HashSet<int>();
        for (var i = 0; i < 10_000; i++)
        {
            var key = new PodStateKey("namespace-" + (i % 20), "pod-" + i);
            hashes.Add(key.GetHashCode());
            lowBits.Add(key.GetHashCode() & 1023);
        }

        Assert.True(hashes.Count >= 9_990, $"{hashes.Count} distinct hashes of 10,000 keys");
        Assert.True(lowBits.Count >= 1_000, $"{lowBits.Count} of 1,024 low-bit values taken"); // 10,000 random draws leave none empty, 6 % of seeds one
    }

    [Fact]
    public void String_keys_find_their_entries_whatever_the_instance_in_string_object_and_interface_typed_caches()
    {
        // A string-typed cache hashes and compares its keys through its own flag; object- and interface-typed caches
        // holding strings take the generic path: each must find an entry from another instance of its key.
        Check(new ShardedCache<string, int>(new ShardedCacheOptions { TrimOnMemoryPressure = false }), static s => s);
        var objects = new ShardedCache<object, int>(new ShardedCacheOptions { TrimOnMemoryPressure = false });
        Check(objects, static s => s);
        objects.Set(1, -1); // an int 1 and the string "1" stay different keys
        objects.Set("1", -2);
        Assert.True(objects.TryGet(1, out var boxed) && boxed == -1);
        Assert.True(objects.TryGet(new string("1".AsSpan()), out var text) && text == -2);
        Check(new ShardedCache<IComparable<string>, int>(new ShardedCacheOptions { TrimOnMemoryPressure = false }), static s => s);

        static void Check<TKey>(ShardedCache<TKey, int> cache, Func<string, TKey> key)
            where TKey : notnull
        {
            var keys = Enumerable.Range(0, 300).Select(static i => new string('k', i % 40) + i).ToArray();
            static string Copy(string s) => new string(s.AsSpan());
            for (var i = 0; i < keys.Length; i++)
            {
                cache.Set(key(keys[i]), i);
            }

            Assert.Equal(keys.Length, cache.Count);
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.True(cache.TryGet(key(Copy(keys[i])), out var value), keys[i]);
                Assert.Equal(i, value);
                Assert.Equal(i, cache.GetOrAdd(key(Copy(keys[i])), static _ => throw new InvalidOperationException("a hit runs no factory")));
            }

            for (var i = 0; i < keys.Length; i += 2)
            {
                Assert.True(cache.Remove(key(Copy(keys[i]))));
            }

            Assert.Equal(keys.Length / 2, cache.Count);
            Assert.False(cache.TryGet(key(Copy(keys[0])), out _));
            Assert.True(cache.TryGet(key(Copy(keys[1])), out _));
        }
    }

    [Fact]
    public async Task A_miss_hashes_its_key_once_unless_it_waits_and_then_once_more()
    {
        // Hashing is the key's own code for non-string keys, so it may be costly: a miss reuses its lookup's hash for the
        // shard, the peek and the store. A loader that has not completed at once costs one more, after its await (the
        // hash kept across it would grow every such miss's box).
        var cache = new ShardedCache<CountingKey, string>(new ShardedCacheOptions { TrimOnMemoryPressure = false });

        var atOnce = new CountingKey(1);
        Assert.Equal("1", await cache.GetOrAddAsync(atOnce, static (key, _) => new ValueTask<string>(key.Id.ToString())));
        Assert.Equal(1, atOnce.Hashes);

        var added = new CountingKey(2);
        Assert.Equal("2", cache.GetOrAdd(added, static key => key.Id.ToString()));
        Assert.Equal(1, added.Hashes);

        var later = new CountingKey(3);
        var loaded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = cache.GetOrAddAsync(later, (_, _) => new ValueTask<string>(loaded.Task));
        Assert.Equal(1, later.Hashes);
        loaded.SetResult("3");
        Assert.Equal("3", await pending);
        Assert.Equal(2, later.Hashes);

        var hit = new CountingKey(3);
        Assert.Equal("3", await cache.GetOrAddAsync(hit, static (_, _) => throw new InvalidOperationException("a hit runs no loader")));
        Assert.Equal(1, hit.Hashes);
    }

    private sealed class CountingKey(int id) : IEquatable<CountingKey>
    {
        public int Id { get; } = id;

        public int Hashes { get; private set; }

        public bool Equals(CountingKey? other) => other is not null && other.Id == Id;

        public override bool Equals(object? obj) => Equals(obj as CountingKey);

        public override int GetHashCode()
        {
            Hashes++;
            return Id;
        }
    }

    [Fact]
    public void Every_character_of_every_length_changes_the_hash()
    {
        // The tail is read as overlapping words: make sure no position (first, middle, last, in each tail shape) is
        // ignored, and that keys differing only in length (e.g. a trailing NUL) differ.
        for (var length = 1; length <= 40; length++)
        {
            var baseKey = new string('k', length);
            var baseHash = CacheKeyHash.Of(baseKey);
            for (var position = 0; position < length; position++)
            {
                var changed = baseKey.ToCharArray();
                changed[position] = 'K';
                Assert.NotEqual(baseHash, CacheKeyHash.Of(new string(changed)));
            }

            Assert.NotEqual(baseHash, CacheKeyHash.Of(baseKey + "\0"));
        }
    }

    [Fact]
    public void Pod_keys_spread_over_buckets_like_a_good_hash()
    {
        // 100,000 namespace/name keys into 2^17 buckets by the low bits: a uniform hash leaves about e^-0.76 = 47%
        // of buckets empty; a weak one clusters and leaves far more.
        const int Keys = 100_000;
        const int Buckets = 1 << 17;
        var used = new bool[Buckets];
        var distinct = new HashSet<int>();
        for (var i = 0; i < Keys; i++)
        {
            var hash = CacheKeyHash.Of("namespace-" + (i % 20) + "/pod-" + i + "-" + (i * 7919 % 100_000));
            used[hash & (Buckets - 1)] = true;
            distinct.Add(hash);
        }

        var emptyShare = used.Count(static u => !u) / (double)Buckets;
        Assert.InRange(emptyShare, 0.45, 0.49);
        Assert.True(distinct.Count >= Keys - 5, $"{Keys - distinct.Count} full 32-bit collisions among {Keys} keys");
    }

    [Fact]
    public void Thread_counters_are_exact_across_threads_including_threads_that_ended()
    {
        var counter = new ThreadCounter();
        var threads = Enumerable.Range(0, 6).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                counter.Increment();
            }
        })).ToList();
        threads.ForEach(static t => t.Start());
        threads.ForEach(static t => t.Join());
        for (var i = 0; i < 10; i++)
        {
            counter.Increment();
        }

        Assert.Equal(600_010, counter.Sum());

        // The ended threads' cells are finalized and folded into the retired total: the sum does not change.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(600_010, counter.Sum());
    }

    [Fact]
    public void Many_counters_on_one_thread_stay_separate()
    {
        var counters = Enumerable.Range(0, 40).Select(static _ => new ThreadCounter()).ToArray(); // grows the thread's cells
        for (var c = 0; c < counters.Length; c++)
        {
            for (var i = 0; i <= c; i++)
            {
                counters[c].Increment();
            }
        }

        for (var c = 0; c < counters.Length; c++)
        {
            Assert.Equal(c + 1, counters[c].Sum());
        }
    }
}
