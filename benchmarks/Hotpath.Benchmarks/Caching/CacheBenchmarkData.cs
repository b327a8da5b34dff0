using System.Collections.Concurrent;
using Hotpath.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace Hotpath.Benchmarks.Caching;

/// <summary>The value the benchmarks cache: a pod keyed by (Namespace, Name), as in DESIGN.md.</summary>
public sealed class BenchPod
{
    [CacheKey(0)] public string Namespace = "";
    [CacheKey(1)] public string Name = "";
    public int Restarts;
}

/// <summary>The generated accessor under test: two string key parts.</summary>
[ShardedCache(typeof(BenchPod), Shards = 16, Capacity = 10_000)]
public sealed partial class BenchPodCache
{
}

/// <summary>Keys and helpers shared by the cache suites.</summary>
internal static class CacheBenchmarkData
{
    public const int Capacity = 10_000;

    /// <summary><paramref name="count"/> pods spread over 20 namespaces; the generic caches use "namespace/name" strings built once, up front.</summary>
    public static (string[] Namespaces, string[] Names, string[] Keys) Pods(int count)
    {
        var namespaces = new string[count];
        var names = new string[count];
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            namespaces[i] = "namespace-" + (i % 20);
            names[i] = "pod-" + i + "-" + (i * 7919 % 100_000);
            keys[i] = namespaces[i] + "/" + names[i];
        }

        return (namespaces, names, keys);
    }

    public static ShardedCache<string, BenchPod> NewShardedCache() =>
        new(new ShardedCacheOptions { Capacity = Capacity, Shards = 16, TrimOnMemoryPressure = false, Name = "bench" });

    public static MemoryCache NewMemoryCache() => new(new MemoryCacheOptions { SizeLimit = Capacity });

    public static readonly MemoryCacheEntryOptions SizeOne = new() { Size = 1 };

    /// <summary>Runs <paramref name="body"/>(thread, operations) on <paramref name="threads"/> threads (inline for one).</summary>
    public static void OnThreads(int threads, int operations, Action<int, int> body)
    {
        if (threads == 1)
        {
            body(0, operations);
            return;
        }

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => body(t, operations / threads));
    }

    public static ConcurrentDictionary<string, BenchPod> NewDictionary() => new();
}
