namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT205: a lock whose body is one read-modify-write of a numeric field.</summary>
public sealed class UseInterlockedTests
{
    [Fact]
    public Task Increment_decrement_add_subtract_and_constant_assignment() => LockVerifier.VerifyAsync("""
        public sealed class Stats
        {
            private readonly object _gate = new();
            private int _count;
            private long _total;
            private static int s_hits;
            public void A() { {|HOT205:lock (_gate)|} { _count++; } }
            public void B() { {|HOT205:lock (_gate)|} _count--; }
            public void C() { {|HOT205:lock (_gate)|} { ++s_hits; } }
            public void D(long n) { {|HOT205:lock (_gate)|} { _total += n; } }
            public void E(int n) { {|HOT205:lock (_gate)|} { _count -= n; } }
            public void F() { {|HOT205:lock (_gate)|} { _count = 0; } }
            public void G() { {|HOT205:lock (_gate)|} { { _total += 1; } } }
        }
        """, "HOT205");

    [Fact]
    public Task Unsigned_and_floating_point_fields_where_Interlocked_has_the_overload() => LockVerifier.VerifyAsync("""
        public sealed class Stats
        {
            private readonly object _gate = new();
            private uint _u;
            private ulong _ul;
            private double _d;
            public void A() { {|HOT205:lock (_gate)|} { _u++; } }
            public void B() { {|HOT205:lock (_gate)|} { _ul += 5; } }
            public void C() { {|HOT205:lock (_gate)|} { _d = 1.5; } }
        }
        """, "HOT205");

    [Fact]
    public Task The_message_names_the_field_and_the_Interlocked_method()
    {
        return Verify();

        static async Task Verify()
        {
            var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync("""
                public sealed class Stats
                {
                    private readonly object _gate = new();
                    private long _total;
                    public void D(long n) { lock (_gate) { _total -= n; } }
                }
                """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new Hotpath.Analyzers.Locks.InterlockedAnalyzer() });
            var diagnostic = Assert.Single(diagnostics);
            Assert.Equal("This lock only updates '_total': use Interlocked.Add", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public Task More_than_one_update_conditions_returns_and_unsupported_types_are_not_reported() => LockVerifier.VerifyAsync("""
        public sealed class Stats
        {
            private readonly object _gate = new();
            private int _a, _b;
            private double _d;
            private uint _u;
            private decimal _m;
            private readonly int[] _slots = new int[4];
            private int Prop { get; set; }
            public void A() { lock (_gate) { _a++; _b++; } }
            public void B() { lock (_gate) { if (_a > 0) _a--; } }
            public void C(double x) { lock (_gate) { _d += x; } }
            public void D(uint n) { lock (_gate) { _u -= n; } }
            public int E() { lock (_gate) { return _a++; } }
            public void F(int v) { lock (_gate) { _a = v; } }
            public void G() { lock (_gate) { _m++; } }
            public void H() { lock (_gate) { Prop++; } }
            public void I() { lock (_gate) { _slots[0]++; } }
            public void J() { int local = 0; lock (_gate) { local++; } }
            public void K() { lock (_gate) { _a *= 2; } }
            public void L() { lock (_gate) { } }
        }
        """, "HOT205");
}
