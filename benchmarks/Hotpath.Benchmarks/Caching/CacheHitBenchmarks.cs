using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Hotpath.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace Hotpath.Benchmarks.Caching;

/// <summary>
/// Hit lookups of 8,000 cached pods (capacity 10,000: shards fill unevenly, so a cache filled to exactly its
/// capacity would already have evicted a few): ConcurrentDictionary.TryGetValue (baseline, unbounded), MemoryCache.TryGetValue,
/// ShardedCache.TryGet with a string key, and the generated two-part accessor, on 1, 2 and 4 threads.
/// Each invocation does <see cref="Operations"/> lookups in total, split across the threads.
/// Filter: <c>--filter '*CacheHitBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Cache")]
public class CacheHitBenchmarks
{
    private const int Operations = 65_536;
    private string[] _namespaces = null!;
    private string[] _names = null!;
    private string[] _keys = null!;
    private ConcurrentDictionary<string, BenchPod> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ShardedCache<string, BenchPod> _sharded = null!;
    private BenchPodCache _generated = null!;

    /// <summary>Threads looking up at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_namespaces, _names, _keys) = CacheBenchmarkData.Pods(CacheBenchmarkData.Capacity * 4 / 5);
        _dictionary = CacheBenchmarkData.NewDictionary();
        _memoryCache = CacheBenchmarkData.NewMemoryCache();
        _sharded = CacheBenchmarkData.NewShardedCache();
        _generated = new BenchPodCache();
        for (var i = 0; i < _keys.Length; i++)
        {
            var pod = new BenchPod { Namespace = _namespaces[i], Name = _names[i] };
            _dictionary[_keys[i]] = pod;
            _memoryCache.Set(_keys[i], pod, CacheBenchmarkData.SizeOne);
            _sharded.Set(_keys[i], pod);
            _generated.Set(pod);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _memoryCache.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void ConcurrentDictionary_TryGetValue() => CacheBenchmarkData.OnThreads(Threads, Operations, (t, n) =>
    {
        var keys = _keys;
        var found = 0;
        for (var i = 0; i < n; i++)
        {
            found += _dictionary.TryGetValue(keys[((i * 31) + (t * 977)) % keys.Length], out _) ? 1 : 0;
        }

        Check(found, n);
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void MemoryCache_TryGetValue() => CacheBenchmarkData.OnThreads(Threads, Operations, (t, n) =>
    {
        var keys = _keys;
        var found = 0;
        for (var i = 0; i < n; i++)
        {
            found += _memoryCache.TryGetValue(keys[((i * 31) + (t * 977)) % keys.Length], out _) ? 1 : 0;
        }

        Check(found, n);
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void ShardedCache_TryGet() => CacheBenchmarkData.OnThreads(Threads, Operations, (t, n) =>
    {
        var keys = _keys;
        var found = 0;
        for (var i = 0; i < n; i++)
        {
            found += _sharded.TryGet(keys[((i * 31) + (t * 977)) % keys.Length], out _) ? 1 : 0;
        }

        Check(found, n);
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Generated_TryGet_two_string_parts() => CacheBenchmarkData.OnThreads(Threads, Operations, (t, n) =>
    {
        var namespaces = _namespaces;
        var names = _names;
        var found = 0;
        for (var i = 0; i < n; i++)
        {
            var index = ((i * 31) + (t * 977)) % names.Length;
            found += _generated.TryGet(namespaces[index], names[index], out _) ? 1 : 0;
        }

        Check(found, n);
    });

    private static void Check(int found, int expected)
    {
        if (found != expected)
        {
            throw new InvalidOperationException($"Expected {expected} hits, got {found}: the suite no longer measures hits.");
        }
    }
}
