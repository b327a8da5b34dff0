namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT210 (suggestion): a lock acquisition in [HotPath] code; one inside a loop says so.</summary>
public sealed class LockOnHotPathTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Hotpath;\n";

    [Fact]
    public Task Every_acquisition_kind_in_a_hot_method() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Meter
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private long _n;
            [HotPath] public void A() { {|HOT210:lock (_gate)|} { _n += 2; _n--; } }
            [HotPath] public async Task D() { await {|HOT210:_semaphore.WaitAsync()|}; try { } finally { _semaphore.Release(); } }
            [HotPath] public void E() { {|HOT210:Monitor.Enter(_gate)|}; try { } finally { Monitor.Exit(_gate); } }
            [HotPath] public void F() { {|HOT210:_rw.EnterReadLock()|}; try { } finally { _rw.ExitReadLock(); } }
        }
        """, "HOT210");

    [Fact]
    public Task A_System_Threading_Lock_is_not_reported() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class Meter
        {
            private readonly Lock _lock = new();
            private static readonly Lock s_lock = new();
            private long _n;
            private long _m;
            [HotPath] public void A() { lock (_lock) { _n += 2; _m--; } }
            [HotPath] public void B() { lock (s_lock) { _n++; _m++; } }
            [HotPath] public void C() { using (_lock.EnterScope()) { _n--; _m--; } }
            [HotPath] public void D() { _lock.Enter(); try { _n++; _m++; } finally { _lock.Exit(); } }
            [HotPath] public void E(int[] items) { foreach (var i in items) { lock (_lock) { _n += i; _m -= i; } } }
        }
        """);

    [Fact]
    public async Task A_lock_inside_a_loop_says_so()
    {
        await LockVerifier.VerifyAsync(Usings + """
            public sealed class Meter
            {
                private readonly object _gate = new();
                private long _n;
                [HotPath] public void A(int[] items) { foreach (var i in items) { {|HOT210:lock (_gate)|} { _n += i; _n--; } } }
                [HotPath] public void B() { for (var i = 0; i < 3; i++) { {|HOT210:Monitor.Enter(_gate)|}; try { } finally { Monitor.Exit(_gate); } } }
            }
            """, "HOT210");

        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class Meter
            {
                private readonly object _gate = new();
                [HotPath] public void InLoop(int n) { while (n-- > 0) { lock (_gate) { } } }
                [HotPath] public void Once() { lock (_gate) { } }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new Hotpath.Analyzers.Locks.HotPathLockAnalyzer() });
        var messages = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Contains("inside a loop", messages[0]);
        Assert.DoesNotContain("inside a loop", messages[1]);
        Assert.All(diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Info, d.Severity));
    }

    [Fact]
    public Task Hot_types_accessors_and_marked_local_functions() => LockVerifier.VerifyAsync(Usings + """
        [HotPath]
        public sealed class HotMeter
        {
            private static readonly object s_gate = new();
            private readonly object _gate = new();
            static HotMeter() { lock (s_gate) { } }
            public void A() { {|HOT210:lock (_gate)|} { } }
        }
        public sealed class Meter
        {
            private readonly object _gate = new();
            public int Value { [HotPath] get { {|HOT210:lock (_gate)|} { return 1; } } }
            public void Cold()
            {
                Run();
                [HotPath] void Run() { {|HOT210:lock (_gate)|} { } }
            }
        }
        """, "HOT210");

    [Fact]
    public Task Cold_code_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Meter
        {
            private readonly object _gate = new();
            public void A() { lock (_gate) { } }
            public void B(int[] items) { foreach (var i in items) { lock (_gate) { } } }
        }
        """, "HOT210");
}
