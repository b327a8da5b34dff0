using System.Collections.Immutable;
using Hotpath.Testing;

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

    // ---- Traps: the fix must keep every write of the field atomic and every snapshot consistent ----

    [Fact]
    public Task A_field_also_updated_with_other_work_under_the_same_lock_is_not_reported() => LockVerifier.VerifyAsync("""
        public sealed class Pair
        {
            private readonly object _g = new();
            private int _a, _b;
            public void Move() { lock (_g) { _a++; _b--; _a += 0 * _b; } }
            public void OnlyA() { lock (_g) { _a++; } }
            public int Sum() { lock (_g) { return _a + _b; } }
        }
        """, "HOT205");

    [Fact]
    public Task An_update_whose_operand_reads_another_guarded_field_is_not_reported() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            private readonly object _g = new();
            private long _balance, _pending;
            public void Deposit(long n) { lock (_g) { _balance += n; _pending -= n; } }
            public void Settle() { lock (_g) { _balance += _pending; } }
        }

        public sealed class Ledger
        {
            private readonly object _g = new();
            private long _balance, _pending;
            public void Queue(long n) { lock (_g) { _pending += n; } }
            public void Settle() { lock (_g) { _balance += _pending; } }
            public void Double() { lock (_g) { _balance += _balance; } }
        }
        """, "HOT205");

    [Fact]
    public Task An_operand_of_constants_parameters_locals_and_unguarded_fields_is_reported() => LockVerifier.VerifyAsync("""
        public sealed class Meter
        {
            private const int Step = 4;
            private readonly object _g = new();
            private readonly long _chunk = 512;
            private long _bytes, _other;
            private int _ticks;
            public void Add(long n) { var twice = n * 2; {|HOT205:lock (_g)|} { _bytes += twice + _chunk; } }
            public void Tick() { {|HOT205:lock (_g)|} { _ticks += Step; } }
            public void Copy() { {|HOT205:lock (_g)|} { _other = 5; } }
        }
        """, "HOT205");

    [Fact]
    public Task An_operand_that_calls_into_the_type_is_not_reported() => LockVerifier.VerifyAsync("""
        public sealed class Meter
        {
            private readonly object _g = new();
            private long _bytes, _pending;
            private long Pending => _pending;
            public void Queue(long n) { lock (_g) { _pending += n; } }
            public void A() { lock (_g) { _bytes += Pending; } }
            public void B() { lock (_g) { _bytes += Drain(); } }
            private long Drain() => _pending;
        }
        """, "HOT205");

    [Fact]
    public Task A_counter_updated_in_several_single_update_locks_is_reported_at_each() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Stats
        {
            private readonly object _g = new();
            private readonly object _h = new();
            private int _count;
            public Stats(int start) { _count = start; }
            public void Hit() { {|HOT205:lock (_g)|} { _count++; } }
            public void Miss() { {|HOT205:lock (_g)|} { _count -= 2; } }
            public void Reset() { {|HOT205:lock (_h)|} { _count = 0; } }
            public void Bump() { Interlocked.Increment(ref _count); }
            public int Read() { lock (_g) { return _count; } }
        }

        public static class Global
        {
            private static readonly object s_g = new();
            private static long s_hits;
            static Global() { s_hits = 10; }
            public static void Hit() { {|HOT205:lock (s_g)|} { s_hits++; } }
        }
        """, "HOT205");

    [Fact]
    public Task A_write_outside_a_single_update_lock_silences_every_lock_of_the_field() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class Stats
        {
            private readonly object _g = new();
            private int _a, _b, _c, _d, _e, _f;
            private long _s;
            public Stats() { Func<int> later = () => _e = 1; }
            public void A() { lock (_g) { _a++; } }
            public void ResetA() { _a = 0; }
            public void B() { lock (_g) { _b++; } }
            public void ResetB() { Monitor.Enter(_g); try { _b = 0; } finally { Monitor.Exit(_g); } }
            public void C() { lock (_g) { _c++; } }
            public void SetC(int v) { lock (_g) { _c = v; } }
            public void D() { lock (_g) { _d++; } }
            public void ByRef() { Touch(ref _d); }
            public void E() { lock (_g) { _e++; } }
            public void F() { lock (_g) { _f++; } }
            public void Swap() { (_f, _s) = (1, 2); }
            public static void S(Stats x) { lock (x._g) { x._s++; } }
            public void ResetS() { _s = 0; }
            private static void Touch(ref int v) => v++;
        }
        """, "HOT205");

    [Fact]
    public Task A_lock_reading_the_field_together_with_another_guarded_field_silences_it() => LockVerifier.VerifyAsync("""
        public sealed class Requests
        {
            private readonly object _g = new();
            private long _started, _finished, _errors;
            public void Start() { lock (_g) { _started++; } }
            public void Finish() { lock (_g) { _finished++; } }
            public long InFlight() { lock (_g) { return _started - _finished; } }
            public void Fail() { {|HOT205:lock (_g)|} { _errors++; } }
            public long Errors() { lock (_g) { return _errors; } }
        }
        """, "HOT205");

    [Fact]
    public Task A_field_other_code_can_write_is_not_reported() => LockVerifier.VerifyAsync("""
        public class Stats
        {
            private readonly object _g = new();
            internal int Count;
            protected long Total;
            private int _inner;
            public void A() { lock (_g) { Count++; } }
            public void B() { lock (_g) { Total++; } }
            public void C() { lock (_g) { _inner++; } }

            private sealed class Helper
            {
                public static void Reset(Stats s) => s._inner = 0;
            }
        }
        """, "HOT205");

    [Fact]
    public Task A_nested_type_updating_the_field_with_other_work_under_the_lock_silences_it() => LockVerifier.VerifyAsync("""
        public sealed class Stats
        {
            private readonly object _g = new();
            private int _count, _scaled;
            public void Hit() { lock (_g) { _count++; } }
            public void Scale() { lock (_g) { _scaled++; } }

            private sealed class Worker
            {
                private readonly Stats _owner;
                public Worker(Stats owner) => _owner = owner;
                public void Double() { lock (_owner._g) { _owner._count = _owner._count * 2; } }
                public int Snapshot() { lock (_owner._g) { return _owner._scaled + _owner._count; } }
            }
        }
        """, "HOT205");

    [Fact]
    public Task A_nested_type_that_only_reads_the_field_or_names_its_own_field_alike_keeps_it_reported() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Stats
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { {|HOT205:lock (_g)|} { _count++; } }

            private sealed class Reporter
            {
                private int _count;
                public static int Read(Stats s) => s._count;
                public static int ReadLocked(Stats s) { lock (s._g) { return s._count; } }
                public static void Bump(Stats s) => Interlocked.Increment(ref s._count);
                public void Reset() { _count = 0; }
            }
        }
        """, "HOT205");

    [Fact]
    public Task A_single_update_lock_in_a_nested_type_is_reported_with_the_outer_ones() => LockVerifier.VerifyAsync("""
        public sealed class Stats
        {
            private readonly object _g = new();
            private long _total;
            public void Add(long n) { {|HOT205:lock (_g)|} { _total += n; } }

            private sealed class Feeder
            {
                public static void Feed(Stats s) { {|HOT205:lock (s._g)|} { s._total++; } }
            }
        }
        """, "HOT205");

    [Fact]
    public Task A_write_from_a_nested_type_in_another_part_of_a_partial_type_is_seen() => AnalyzerVerifier.VerifyAsync("""
        public sealed partial class Stats
        {
            private readonly object _g = new();
            private int _count, _other;
            public void Hit() { lock (_g) { _count++; } }
            public void Other() { {|HOT205:lock (_g)|} { _other++; } }
        }
        """, LockVerifier.Analyzers(), new AnalyzerTestOptions
        {
            OnlyIds = ImmutableArray.Create("HOT205"),
            AdditionalSources = ImmutableArray.Create("""
                public sealed partial class Stats
                {
                    private static class Resetter
                    {
                        public static void Halve(Stats s) { lock (s._g) { s._count = s._count / 2; } }
                    }
                }
                """),
        });

    [Fact]
    public Task A_write_in_another_part_of_a_partial_type_is_seen() => AnalyzerVerifier.VerifyAsync("""
        public sealed partial class Stats
        {
            private readonly object _g = new();
            private int _count, _other;
            public void Hit() { lock (_g) { _count++; } }
            public void Other() { {|HOT205:lock (_g)|} { _other++; } }
        }
        """, LockVerifier.Analyzers(), new AnalyzerTestOptions
        {
            OnlyIds = ImmutableArray.Create("HOT205"),
            AdditionalSources = ImmutableArray.Create("""
                public sealed partial class Stats
                {
                    public void Reset() { _count = 0; }
                }
                """),
        });

    /// <summary>
    /// A <c>ref readonly</c> return of the field (from a method, property, indexer, local function or lambda, also through
    /// a ref conditional) and a <c>ref readonly</c> local bound or ref-assigned to it only read it (LockOperations.IsWritten):
    /// the single-update lock stays reported (a ref readonly return counted as a write). A <c>ref</c> return, a writable
    /// <c>ref</c> local bound to it through a ref conditional, or one ref-assigned to it (<c>r = ref _count;</c>, which
    /// was missed) may write it outside the lock: quiet.
    /// </summary>
    [Fact]
    public Task A_ref_readonly_return_or_local_only_reads_the_field_and_a_ref_one_writes_it() => LockVerifier.VerifyAsync("""
        public delegate ref readonly int Viewer();
        public delegate ref int Borrower();
        public sealed class Viewed
        {
            private readonly object _g = new();
            private int _count, _other;
            public void Hit() { {|HOT205:lock (_g)|} { _count++; } }
            public ref readonly int View() => ref _count;
            public ref readonly int Peek { get { return ref _count; } }
            public ref readonly int this[int i] => ref _count;
            public ref readonly int Pick(bool a, bool b) => ref a ? ref _other : ref b ? ref _count : ref _other;
            public int Local() { return Read(); ref readonly int Read() => ref _count; }
            public int Lambda() { Viewer v = () => ref _count; Viewer w = () => { return ref _count; }; return v() + w(); }
            public int Either(bool left)
            {
                ref readonly var r = ref left ? ref _count : ref _other;
                ref readonly var s = ref _other;
                s = ref left ? ref _other : ref _count;
                return r + s;
            }
        }
        public sealed class Borrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public ref int Borrow() => ref _count;
        }
        public sealed class LocallyBorrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public void Reset() { Borrow() = 0; ref int Borrow() => ref _count; }
        }
        public sealed class LambdaBorrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public Borrower Lend() => () => ref _count;
        }
        public sealed class EitherBorrowed
        {
            private readonly object _g = new();
            private int _count, _other;
            public void Hit() { lock (_g) { _count++; } }
            public void Reset(bool left) { ref var r = ref left ? ref _count : ref _other; r = 0; }
        }
        public sealed class Reassigned
        {
            private readonly object _g = new();
            private int _count, _other;
            public void Hit() { lock (_g) { _count++; } }
            public void Reset() { ref var r = ref _other; r = ref _count; r = 0; }
        }
        """, "HOT205");

    /// <summary>
    /// A writable <c>ref</c> return of the field from a property, an indexer or a lambda held in a field lets a caller
    /// write it outside the lock (<c>Slot = 0;</c>, <c>Lend()() = 0;</c>): every such single-update lock stays quiet.
    /// </summary>
    [Fact]
    public Task A_ref_returning_property_indexer_or_field_lambda_writes_the_field() => LockVerifier.VerifyAsync("""
        public delegate ref int Borrower();
        public sealed class PropertyBorrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public ref int Slot => ref _count;
        }
        public sealed class IndexerBorrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public ref int this[int i] { get { return ref _count; } }
        }
        public sealed class FieldLambdaBorrowed
        {
            private readonly object _g = new();
            private int _count;
            private readonly Borrower _lend;
            public FieldLambdaBorrowed() { _lend = () => ref _count; }
            public void Hit() { lock (_g) { _count++; } }
            public void Reset() { _lend() = 0; }
        }
        """, "HOT205");

    /// <summary>
    /// A <c>ref readonly</c> local bound straight to the field (<c>ref readonly var r = ref _count;</c>, no ref
    /// conditional) cannot write it (LockOperations.IsWritten, commit 3c162c6): the single-update lock stays reported
    /// (the binding counted as a write, which kept it quiet).
    /// </summary>
    [Fact]
    public Task A_ref_readonly_local_bound_to_the_field_only_reads_it() => LockVerifier.VerifyAsync("""
        public sealed class Viewed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { {|HOT205:lock (_g)|} { _count++; } }
            public int View() { ref readonly var r = ref _count; return r; }
        }
        """, "HOT205");

    /// <summary>
    /// A ref assignment of the field to an <c>in</c> or <c>ref readonly</c> parameter makes the parameter an alias that
    /// cannot write (LockOperations.IsWritten): the single-update lock stays reported. Ref-assigned to a <c>ref</c>
    /// parameter, it may be written through the parameter outside the lock: quiet.
    /// </summary>
    [Fact]
    public Task A_ref_assignment_to_an_in_or_ref_readonly_parameter_only_reads_the_field() => LockVerifier.VerifyAsync("""
        public sealed class Viewed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { {|HOT205:lock (_g)|} { _count++; } }
            public int Look(in int p, ref readonly int q) { p = ref _count; q = ref _count; return p + q; }
        }
        public sealed class Borrowed
        {
            private readonly object _g = new();
            private int _count;
            public void Hit() { lock (_g) { _count++; } }
            public void Reset(ref int p) { p = ref _count; p = 0; }
        }
        """, "HOT205");

    [Fact]
    public Task A_single_update_under_a_System_Threading_Lock_stays_quiet_as_DESIGN_md_requires() => LockVerifier.VerifyAllRulesAsync("""
        using System.Threading;
        public sealed class Stats
        {
            private static readonly Lock s_gate = new();
            private readonly Lock _lock = new();
            private static int s_count;
            private long _total;
            public static void Hit() { lock (s_gate) { s_count++; } }
            public void Add(long n) { lock (_lock) { _total += n; } }
        }
        """);
}
