using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Hotpath.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace Hotpath.Benchmarks.Caching;

/// <summary>
/// GetOrAdd on a miss (the factory runs and the entry is stored) on 1, 2 and 4 threads, and GetOrAddAsync with a loader
/// that completes synchronously. Keys come from a pool of
/// 1,048,576 that each cache (capacity 10,000) has long evicted by the time a key comes round again; the unbounded
/// ConcurrentDictionary removes each key right after adding it to stay bounded (so its row is add + remove).
/// Filter: <c>--filter '*CacheMissBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Cache")]
public class CacheMissBenchmarks
{
    private const int Operations = 16_384;
    private const int KeyPool = 1 << 20;
    private string[] _namespaces = null!;
    private string[] _names = null!;
    private string[] _keys = null!;
    private long _cursor;
    private ConcurrentDictionary<string, BenchPod> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ShardedCache<string, BenchPod> _sharded = null!;
    private BenchPodCache _generated = null!;

    private static readonly Func<string, BenchPod> Create = static key => new BenchPod { Name = key };
    private static readonly Func<string, CancellationToken, ValueTask<BenchPod>> Load = static (key, _) => new ValueTask<BenchPod>(new BenchPod { Name = key });
    private static readonly Func<BenchPodKey, BenchPod> CreateTyped = static key => new BenchPod { Namespace = key.Namespace, Name = key.Name };

    /// <summary>Threads adding at once.</summary>
    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_namespaces, _names, _keys) = CacheBenchmarkData.Pods(KeyPool);
        _dictionary = CacheBenchmarkData.NewDictionary();
        _memoryCache = CacheBenchmarkData.NewMemoryCache();
        _sharded = CacheBenchmarkData.NewShardedCache();
        _generated = new BenchPodCache();
    }

    [GlobalCleanup]
    public void Cleanup() => _memoryCache.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void ConcurrentDictionary_GetOrAdd_then_TryRemove() => CacheBenchmarkData.OnThreads(Threads, Operations, (_, n) =>
    {
        var start = Interlocked.Add(ref _cursor, n) - n;
        for (var i = 0; i < n; i++)
        {
            var key = _keys[(start + i) & (KeyPool - 1)];
            _dictionary.GetOrAdd(key, Create);
            _dictionary.TryRemove(key, out BenchPod? _);
        }
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void MemoryCache_GetOrCreate() => CacheBenchmarkData.OnThreads(Threads, Operations, (_, n) =>
    {
        var start = Interlocked.Add(ref _cursor, n) - n;
        for (var i = 0; i < n; i++)
        {
            var key = _keys[(start + i) & (KeyPool - 1)];
            _memoryCache.GetOrCreate(key, static entry =>
            {
                entry.Size = 1;
                return new BenchPod { Name = (string)entry.Key };
            });
        }
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void ShardedCache_GetOrAdd() => CacheBenchmarkData.OnThreads(Threads, Operations, (_, n) =>
    {
        var start = Interlocked.Add(ref _cursor, n) - n;
        for (var i = 0; i < n; i++)
        {
            _sharded.GetOrAdd(_keys[(start + i) & (KeyPool - 1)], Create);
        }
    });

    /// <summary>GetOrAddAsync on a miss whose loader completes synchronously: the single-flight bookkeeping on top of GetOrAdd's.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void ShardedCache_GetOrAddAsync() => CacheBenchmarkData.OnThreads(Threads, Operations, (_, n) =>
    {
        var start = Interlocked.Add(ref _cursor, n) - n;
        for (var i = 0; i < n; i++)
        {
            GC.KeepAlive(_sharded.GetOrAddAsync(_keys[(start + i) & (KeyPool - 1)], Load).Result);
        }
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Generated_GetOrAdd_two_string_parts() => CacheBenchmarkData.OnThreads(Threads, Operations, (_, n) =>
    {
        var start = Interlocked.Add(ref _cursor, n) - n;
        for (var i = 0; i < n; i++)
        {
            var index = (int)((start + i) & (KeyPool - 1));
            _generated.GetOrAdd(_namespaces[index], _names[index], CreateTyped);
        }
    });
}
