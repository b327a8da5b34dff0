using System.Diagnostics;
using System.Text;
using Hotpath.Analyzers.Tests.Harness;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>Every lock analyzer over a large, realistic input: no AD0001, the expected diagnostics, bounded cost.</summary>
[Collection(ScalingCollection.Name)]
public sealed class LockAnalyzersRobustnessTests
{
    private readonly ITestOutputHelper _output;

    public LockAnalyzersRobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public Task An_expression_25_000_operations_deep_is_walked_and_the_inversion_around_it_is_found()
    {
        // The lock walkers once recursed per operation: a long enough expression overflowed the stack and took the
        // compiler process down with it. Every body is walked (HOT208 collects calls from all of them).
        var sum = new StringBuilder("x");
        for (var i = 0; i < 25_000; i++)
        {
            sum.Append(" + x");
        }

        return LockVerifier.VerifyAsync($$"""
            public static class Deep
            {
                private static readonly object s_a = new();
                private static readonly object s_b = new();
                private static int s_total;

                public static void Forward(int x) { lock (s_a) { s_total = {{sum}}; {|HOT208:lock (s_b)|} { s_total++; } } }
                public static void Backward() { lock (s_b) { {|HOT208:lock (s_a)|} { s_total--; } } }
            }
            """, "HOT208");
    }

    [Fact]
    public async Task Large_realistic_input_runs_without_analyzer_exceptions()
    {
        const int Types = 30;
        var source = BuildLargeSource(Types);

        // Warm up (JIT of Roslyn and the analyzers), so the recorded cost is the analysis itself.
        await AnalyzerVerifier.GetDiagnosticsAsync(BuildLargeSource(1), LockVerifier.Analyzers());

        var compilation = TestCompilation.Create(source);
        var stopwatch = Stopwatch.StartNew();
        TestCompilation.AssertNoErrors(compilation);
        var compile = stopwatch.Elapsed;
        stopwatch.Restart();
        await AnalyzerVerifier.RunAnalyzersAsync(TestCompilation.Create(source), new DiagnosticAnalyzer[] { new NoOpAnalyzer() });
        var baseline = stopwatch.Elapsed; // the analyzer driver's own cost (it binds everything again)
        stopwatch.Restart();
        var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(compilation, LockVerifier.Analyzers()); // fails on AD0001
        var analyze = stopwatch.Elapsed;
        _output.WriteLine($"{Types} types, {source.Length} chars: compile {compile.TotalMilliseconds:F0} ms; analyzer driver with a no-op analyzer " +
                          $"{baseline.TotalMilliseconds:F0} ms; with the 8 lock analyzers {analyze.TotalMilliseconds:F0} ms (shared machine: indicative only)");

        // Each generated type has exactly one of each seeded mistake, and one lock-order inversion pair.
        var byId = diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Types, byId["HOT201"]);
        Assert.Equal(Types, byId["HOT204"]);
        Assert.Equal(Types, byId["HOT205"]);
        Assert.Equal(Types, byId["HOT207"]);
        Assert.Equal(Types * 2, byId["HOT208"]);
        Assert.Equal(Types, byId["HOT209"]);
        Assert.Equal(Types, byId["HOT210"]);
        Assert.True(analyze < TimeSpan.FromSeconds(30), $"analysis took {analyze}");
    }

    /// <summary>
    /// Thousands of ifs over taken flags in one method: the walkers ask whether each flag a condition reads says a held lock
    /// was taken, which scans the whole method; asked afresh for every if it made such a method quadratic (over a minute).
    /// </summary>
    [Fact]
    public async Task Thousands_of_conditions_over_taken_flags_are_analyzed_in_linear_time()
    {
        var ifs = new System.Text.StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            ifs.Append($"if ((g{i % 3} || n > {i}) && (n < 3 || g{(i + 1) % 3})) {{ n++; }}\n");
        }

        var source = "using System.Threading;\npublic sealed class C\n{\n" +
            "private readonly object l0 = new(); private readonly object l1 = new(); private readonly object l2 = new(); private int n;\n" +
            "public void A()\n{\nvar g0 = false; var g1 = false; var g2 = false;\ntry\n{\n" +
            "g0 = Monitor.TryEnter(l0, 10); g1 = Monitor.TryEnter(l1, 10); g2 = Monitor.TryEnter(l2, 10);\n" + ifs +
            "}\nfinally { if (g2) Monitor.Exit(l2); if (g1) Monitor.Exit(l1); if (g0) Monitor.Exit(l0); }\n}\n}\n";
        await AnalyzerVerifier.GetDiagnosticsAsync("public sealed class Warm { }", LockVerifier.Analyzers());
        var stopwatch = Stopwatch.StartNew();
        await AnalyzerVerifier.RunAnalyzersAsync(TestCompilation.Create(source), LockVerifier.Analyzers()); // fails on AD0001
        _output.WriteLine($"3000 conditions over taken flags: {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"analysis took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Incomplete_code_does_not_crash_the_analyzers()
    {
        var source = """
            using System.Threading;
            public class Broken
            {
                private readonly object _gate = new();
                public void A() { lock () { } }
                public void B() { Monitor.Enter(); Monitor.Exit(_gate); }
                public void C() { lock (_gate) { _missing++; } }
                public void D() { lock (Undefined) { Thread.Sleep(); } }
                public void E(SemaphoreSlim s) { s.Wait(; }
                public void F() { if (_x == null) { lock (_gate) { if (_x == null) _x = new(); } } }
            }
            """;

        // AnalyzerVerifier fails on AD0001 whatever the analyzers report.
        await AnalyzerVerifier.GetDiagnosticsAsync(source, LockVerifier.Analyzers(), new AnalyzerTestOptions { AllowCompilerErrors = true });
    }

    [Fact]
    public async Task A_target_without_System_Threading_Lock_is_analyzed_the_same()
    {
        const string Source = """
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;
            public class Legacy
            {
                private readonly object _gate = new();
                private readonly object _other = new();
                private readonly SemaphoreSlim _semaphore = new(1, 1);
                private readonly ReaderWriterLockSlim _rw = new();
                private readonly SpinLock _spin = new(false);
                private int _n, _m;
                public void A() { lock (this) { _n--; _n++; } }
                public void B() { lock (_gate) { _m++; } }
                public void C() { Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); }
                public async Task D(CancellationToken ct) { try { await _semaphore.WaitAsync(ct); } finally { _semaphore.Release(); } }
                public void E() { _rw.EnterReadLock(); try { } finally { _rw.ExitWriteLock(); } }
                public void F() { lock (_gate) { File.Delete("x"); } }
                public void G() { lock (_gate) { lock (_other) { _n--; _n++; } } }
                public void H() { lock (_other) { lock (_gate) { _n--; _n++; } } }
            }
            """;
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Net8", new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Source, TestCompilation.ParseOptions) },
            Net8References.Load(), TestCompilation.Options());
        Assert.Null(compilation.GetTypeByMetadataName("System.Threading.Lock"));
        TestCompilation.AssertNoErrors(compilation);

        var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(compilation, LockVerifier.Analyzers());

        var ids = diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "HOT201", "HOT204", "HOT204", "HOT204", "HOT205", "HOT206", "HOT207", "HOT208", "HOT208" }, ids);
    }

    [Fact]
    public Task Generated_code_is_skipped() => LockVerifier.VerifyAllRulesAsync("""
        // <auto-generated/>
        using System.Threading;
        public class Generated
        {
            private object _gate = new();
            private int _n;
            public void A() { lock (this) { _n++; } lock (_gate) { Thread.Sleep(1); } Monitor.Enter(_gate); }
        }
        """);

    /// <summary>
    /// One method with hundreds of one lock idiom: the walkers' and HOT204's cost stays linear. Each shape once took
    /// seconds (a helper scanned the whole method, statement or block per flag, acquisition or if): the lockTaken flag
    /// (IsTakenFlag, OnlyStoresWhetherTaken), "try, then block" (IsTryThenBlockFlag, the block searched for the
    /// statement), idioms in one if (ReleasesIn, IsAcquiredIn and NeverReachesEnd per acquisition of the if), waits on a counting
    /// semaphore (the type and the function searched for its releases per wait), and invoked delegate locals (their
    /// targets searched for per invocation).
    /// </summary>
    [Theory]
    [InlineData("lockTaken", 300)]
    [InlineData("tryThenBlock", 200)]
    [InlineData("tryThenBlockInIf", 150)]
    [InlineData("enterTryFinallyInIf", 400)]
    [InlineData("countingSemaphore", 400)]
    [InlineData("delegateLocals", 300)]
    public Task Hundreds_of_one_idiom_in_one_method_cost_linear_time(string shape, int n) =>
        Scaling.AssertLinearAsync(count => IdiomSource(shape, count), n,
            () => LockVerifier.Analyzers().Append(new Hotpath.Analyzers.Allocations.CallGraphAnalyzer()).ToArray(), _output);

    private static string IdiomSource(string shape, int count)
    {
        var body = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            body.AppendLine(shape switch
            {
                "lockTaken" => $"bool t{i} = false; try {{ Monitor.Enter(_gate, ref t{i}); _n++; }} finally {{ if (t{i}) Monitor.Exit(_gate); }}",
                "tryThenBlock" or "tryThenBlockInIf" => $"var got{i} = Monitor.TryEnter(_gate); if (!got{i}) {{ Monitor.Enter(_gate); }} try {{ _n++; }} finally {{ Monitor.Exit(_gate); }}",
                "enterTryFinallyInIf" => "Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); }",
                "countingSemaphore" => "_slots.Wait(); try { _n++; } finally { _slots.Release(); }",
                "delegateLocals" => $"Func<int> d{i} = static () => 1; lock (_gate) {{ _n += d{i}(); _m++; }}",
                _ => throw new ArgumentOutOfRangeException(nameof(shape)),
            });
        }

        var inIf = shape.EndsWith("InIf", StringComparison.Ordinal);
        return $$"""
            using System;
            using System.Threading;
            using Hotpath;
            public sealed class Idioms
            {
                private readonly object _gate = new();
                private readonly SemaphoreSlim _slots = new(4);
                private int _n, _m;
                [HotPath]
                public void Run(bool go)
                {
                    {{(inIf ? "if (go) {" : "")}}
                    {{body}}
                    {{(inIf ? "}" : "")}}
                }
            }
            """;
    }

    private static string BuildLargeSource(int types)
    {
        var builder = new StringBuilder("using System; using System.IO; using System.Threading; using System.Threading.Tasks; using Hotpath;\n");
        for (var i = 0; i < types; i++)
        {
            builder.Append($$"""
                public sealed class Shard{{i}}
                {
                    private readonly object _gate = new();
                    private readonly object _index = new();
                    private readonly Lock _lock = new();
                    private readonly SemaphoreSlim _semaphore = new(1, 1);
                    private readonly ReaderWriterLockSlim _rw = new();
                    private Shard{{i}}? _next;
                    private long _hits;
                    private long _served;
                    private int _count;
                    private readonly System.Collections.Generic.Dictionary<string, int> _map = new();

                    public void Hit() { lock (_gate) { _hits++; } } // quiet: Flush and Reindex write _hits with other work
                    public void Serve() { lock (_gate) { _served++; } }
                    public void Add(string key) { lock (_gate) { _map[key] = _count; _count++; } }
                    public bool TryGet(string key, out int value) { _rw.EnterReadLock(); try { return _map.TryGetValue(key, out value); } finally { _rw.ExitReadLock(); } }
                    public void Flush() { lock (this) { _count = _map.Count; _hits = 0; } }
                    public void Save(string path) { lock (_gate) { File.WriteAllText(path, _count.ToString()); } }
                    public async Task SaveAsync(CancellationToken ct) { await _semaphore.WaitAsync(ct); try { await Task.Delay(1, ct); } finally { _semaphore.Release(); } }
                    public void Unsafe() { _semaphore.Wait(); _count++; _semaphore.Release(); }
                    public Shard{{i}} Next() { if (_next == null) { lock (_gate) { if (_next == null) { _next = new Shard{{i}}(); } } } return _next; }
                    public void Reindex() { lock (_gate) { lock (_index) { _count--; _hits--; } } }
                    public void Rebuild() { lock (_index) { Flush2(); } }
                    private void Flush2() { lock (_gate) { _count = 0; _hits = 1; } }
                    [HotPath] public int Read() { lock (_gate) { return _count + (int)_hits; } }
                    [HotPath] public int ReadScoped() { using (_lock.EnterScope()) { return _count + (int)_hits; } }
                    public int Sum(int[] values) { var sum = 0; foreach (var v in values) { sum += v; } return sum; }
                    public Func<int> Later() => () => { lock (_gate) { return _count + 1; } };
                }

                """);
        }

        return builder.ToString();
    }

    /// <summary>Registers nothing: measures what the analyzer driver costs without any lock analysis.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class NoOpAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Descriptor = new("TST999", "No-op", "No-op", "Test", DiagnosticSeverity.Hidden, true);

        public override System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => System.Collections.Immutable.ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
        }
    }
}
