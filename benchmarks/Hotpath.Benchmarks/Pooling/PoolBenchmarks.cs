using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hotpath;
using Microsoft.Extensions.ObjectPool;

namespace Hotpath.Benchmarks.Pooling;

public enum BenchPodPhase
{
    Pending,
    Running,
}

public sealed class BenchContainer
{
    public string Name = "";
}

[Pooled(MaxRetained = 1024)]
public sealed partial class BenchUsage
{
    public double CpuCores;
    public long MemoryBytes;
}

/// <summary>A pod state like DESIGN.md's: strings, a list of four containers, a nested usage object.</summary>
[Pooled(MaxRetained = 1024)]
public sealed partial class BenchPodState
{
    public string Namespace = "";
    public string Name = "";
    public BenchPodPhase Phase;
    public List<BenchContainer> Containers { get; } = new();
    public BenchUsage Usage { get; } = new();
    [NoReset] public long Generation;
}

/// <summary>What every peer does with the state it gets: fill it like a watch event would.</summary>
internal static class PodWork
{
    private static readonly BenchContainer[] s_containers = { new() { Name = "app" }, new() { Name = "sidecar" }, new() { Name = "init" }, new() { Name = "proxy" } };

    public static long Fill(BenchPodState state)
    {
        state.Namespace = "kube-system";
        state.Name = "coredns-5d78c9869d-abcde";
        state.Phase = BenchPodPhase.Running;
        var containers = state.Containers;
        for (var i = 0; i < s_containers.Length; i++)
        {
            containers.Add(s_containers[i]);
        }

        state.Usage.CpuCores = 0.25;
        state.Usage.MemoryBytes = 64 << 20;
        return state.Containers.Count;
    }
}

/// <summary>One thread: get a pod state, fill it, give it back. Peers: <c>new T()</c> and DefaultObjectPool.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Pool")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class PoolSingleThreadBenchmarks
{
    private readonly DefaultObjectPool<BenchPodState> _defaultPool = new(new DefaultPooledObjectPolicy<BenchPodState>(), 1024);
    private readonly Pool<BenchPodState> _hotpathPool = BenchPodState.Pool;

    [Benchmark(Baseline = true, Description = "new T() + init")]
    public long New()
    {
        var state = new BenchPodState();
        return PodWork.Fill(state);
    }

    [Benchmark(Description = "DefaultObjectPool<T> Get+Return")]
    public long DefaultObjectPool()
    {
        var state = _defaultPool.Get();
        var result = PodWork.Fill(state);
        _defaultPool.Return(state);
        return result;
    }

    [Benchmark(Description = "Hotpath Pool<T> Rent+Return")]
    public long HotpathPool()
    {
        var state = _hotpathPool.Rent();
        var result = PodWork.Fill(state);
        _hotpathPool.Return(state);
        return result;
    }

    [Benchmark(Description = "Hotpath Pool<T> Lease")]
    public long HotpathLease()
    {
        using var lease = _hotpathPool.Lease(out var state);
        return PodWork.Fill(state);
    }
}

/// <summary>Only the pool operations (no fill): Get+Return against Rent+Return, the number the 2x target is about.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Pool")]
public class PoolRentReturnBenchmarks
{
    private readonly DefaultObjectPool<BenchPodState> _defaultPool = new(new DefaultPooledObjectPolicy<BenchPodState>(), 1024);
    private readonly Pool<BenchPodState> _hotpathPool = BenchPodState.Pool;

    [Benchmark(Baseline = true, Description = "DefaultObjectPool<T> Get+Return")]
    public BenchPodState DefaultObjectPool()
    {
        var state = _defaultPool.Get();
        _defaultPool.Return(state);
        return state;
    }

    [Benchmark(Description = "Hotpath Pool<T> Rent+Return")]
    public BenchPodState HotpathPool()
    {
        var state = _hotpathPool.Rent();
        _hotpathPool.Return(state);
        return state;
    }
}

/// <summary>
/// 2 and 4 threads renting, filling and returning at once from one shared pool: throughput under contention.
/// Each invocation runs <see cref="OperationsPerThread"/> operations on every thread.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Pool", "Contention")]
public class PoolContentionBenchmarks
{
    public const int OperationsPerThread = 10_000;

    private DefaultObjectPool<BenchPodState> _defaultPool = null!;
    private Pool<BenchPodState> _hotpathPool = null!;

    [Params(2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _defaultPool = new DefaultObjectPool<BenchPodState>(new DefaultPooledObjectPolicy<BenchPodState>(), 1024);
        _hotpathPool = new Pool<BenchPodState>(static () => new BenchPodState(), static s => s.Reset(), maxRetained: 1024);
    }

    [Benchmark(Baseline = true, Description = "new T() + init")]
    public void New() => Run(static _ =>
    {
        for (var i = 0; i < OperationsPerThread; i++)
        {
            PodWork.Fill(new BenchPodState());
        }
    });

    [Benchmark(Description = "DefaultObjectPool<T>")]
    public void DefaultObjectPool() => Run(_ =>
    {
        var pool = _defaultPool;
        for (var i = 0; i < OperationsPerThread; i++)
        {
            var state = pool.Get();
            PodWork.Fill(state);
            pool.Return(state);
        }
    });

    [Benchmark(Description = "Hotpath Pool<T>")]
    public void HotpathPool() => Run(_ =>
    {
        var pool = _hotpathPool;
        for (var i = 0; i < OperationsPerThread; i++)
        {
            var state = pool.Rent();
            PodWork.Fill(state);
            pool.Return(state);
        }
    });

    [Benchmark(Description = "Hotpath Pool<T>, 2 held at once")]
    public void HotpathPoolTwoHeld() => Run(_ =>
    {
        // Two outstanding per thread: the second goes through the shared store, not the thread slot.
        var pool = _hotpathPool;
        for (var i = 0; i < OperationsPerThread / 2; i++)
        {
            var a = pool.Rent();
            var b = pool.Rent();
            PodWork.Fill(a);
            PodWork.Fill(b);
            pool.Return(b);
            pool.Return(a);
        }
    });

    [Benchmark(Description = "DefaultObjectPool<T>, 2 held at once")]
    public void DefaultObjectPoolTwoHeld() => Run(_ =>
    {
        var pool = _defaultPool;
        for (var i = 0; i < OperationsPerThread / 2; i++)
        {
            var a = pool.Get();
            var b = pool.Get();
            PodWork.Fill(a);
            PodWork.Fill(b);
            pool.Return(b);
            pool.Return(a);
        }
    });

    private void Run(Action<int> body) =>
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, body);
}
