using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>
/// HOT201–HOT211 as someone who only read DESIGN.md's one-line descriptions would test them: the most natural
/// snippet for each rule, checked against every HOT2xx rule at once (so a second rule firing on the same code,
/// or a duplicate report, shows up), plus the quiet counterparts and the default severities.
/// </summary>
public sealed class DesignWordingLockTests
{
    private const string Usings = "using System; using System.IO; using System.Threading; using System.Threading.Tasks; using Hotpath;\n";

    // ---- HOT201: lock on this, a Type, a string or another weak-identity object ----

    [Fact]
    public Task HOT201_this_typeof_and_strings_in_one_class() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Inventory
        {
            private static readonly string s_key = "inventory";
            private readonly System.Collections.Generic.List<string> _items = new();
            public void Add(string item) { lock ({|HOT201:this|}) { _items.Add(item); } }
            public static void Reset() { lock ({|HOT201:typeof(Inventory)|}) { } }
            public void Clear() { lock ({|HOT201:"inventory-lock"|}) { _items.Clear(); } }
            public void Trim() { lock ({|HOT201:s_key|}) { _items.TrimExcess(); } }
            public void Nameof() { lock ({|HOT201:nameof(Inventory)|}) { _items.Clear(); } }
        }
        """);

    [Fact]
    public Task HOT201_this_in_a_sealed_internal_class() => LockVerifier.VerifyAllRulesAsync(Usings + """
        internal sealed class Counter
        {
            private int _a, _b;
            public void Both() { lock ({|HOT201:this|}) { _a++; _b++; } }
        }
        """);

    [Fact]
    public Task HOT201_a_single_increment_under_lock_this_is_also_HOT205() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Counter
        {
            private int _count;
            public void Increment() { {|HOT205:lock ({|HOT201:this|})|} { _count++; } }
        }
        """);

    // ---- HOT202: lock on a field that is not readonly ----

    [Fact]
    public Task HOT202_instance_and_static_mutable_fields_without_modifiers() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Cache
        {
            object _gate = new object();
            static object _sync = new object();
            private readonly System.Collections.Generic.Dictionary<string, int> _map = new();
            public void Put(string k, int v) { lock ({|HOT202:_gate|}) { _map[k] = v; } }
            public static void Touch(Cache c) { lock ({|HOT202:_sync|}) { c._map.Clear(); } }
        }
        """);

    [Fact]
    public Task HOT202_a_mutable_System_Threading_Lock_field_is_still_not_readonly() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class Cache
        {
            private Lock _lock = new();
            private int _a, _b;
            public void Put() { lock ({|HOT202:_lock|}) { _a++; _b++; } }
        }
        """);

    [Fact]
    public Task HOT202_a_public_mutable_field_is_both_not_readonly_and_public() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Cache
        {
            public object Gate = new object();
            private int _a, _b;
            public void Put() { lock ({|HOT202:{|HOT203:Gate|}|}) { _a++; _b++; } }
        }
        """);

    [Fact]
    public Task HOT202_quiet_on_readonly_fields() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Cache
        {
            private readonly object _gate = new object();
            private static readonly object s_sync = new object();
            private int _a, _b;
            public void Put() { lock (_gate) { _a++; _b++; } }
            public void Other() { lock (s_sync) { _a--; _b--; } }
        }
        """);

    // ---- HOT203: lock on a publicly accessible object ----

    [Fact]
    public Task HOT203_public_readonly_field_public_property_and_public_static_field() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Registry
        {
            public readonly object SyncRoot = new object();
            public object Gate { get; } = new object();
            public static readonly object Global = new object();
            private int _a, _b;
            public void A() { lock ({|HOT203:SyncRoot|}) { _a++; _b++; } }
            public void B() { lock ({|HOT203:Gate|}) { _a++; _b++; } }
            public void C() { lock ({|HOT203:Global|}) { _a++; _b++; } }
        }
        public class Client
        {
            private int _a, _b;
            public void D(Registry registry) { lock ({|HOT203:registry.SyncRoot|}) { _a++; _b++; } }
            public void E() { lock ({|HOT203:Registry.Global|}) { _a++; _b++; } }
        }
        """);

    [Fact]
    public Task HOT203_quiet_on_a_private_readonly_field_of_a_public_class() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Registry
        {
            private readonly object _syncRoot = new object();
            private int _a, _b;
            public void A() { lock (_syncRoot) { _a++; _b++; } }
        }
        """);

    // ---- HOT204: a lock acquired without guaranteed release ----

    [Fact]
    public Task HOT204_Monitor_Enter_semaphore_and_reader_writer_without_finally() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Worker
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _count;
            private void DoWork() { _count++; }
            public void A() { {|HOT204:Monitor.Enter(_gate)|}; DoWork(); Monitor.Exit(_gate); }
            public void B() { {|HOT204:_semaphore.Wait()|}; DoWork(); _semaphore.Release(); }
            public async Task C() { await {|HOT204:_semaphore.WaitAsync()|}; DoWork(); _semaphore.Release(); }
            public void D() { {|HOT204:_rw.EnterWriteLock()|}; DoWork(); _rw.ExitWriteLock(); }
            public int E() { {|HOT204:_rw.EnterReadLock()|}; var n = _count; _rw.ExitReadLock(); return n; }
        }
        """);

    [Fact]
    public Task HOT204_Monitor_Enter_with_no_exit_at_all() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Worker
        {
            private readonly object _gate = new object();
            public void A() { {|HOT204:Monitor.Enter(_gate)|}; }
        }
        """);

    [Fact]
    public Task HOT204_quiet_with_try_finally() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Worker
        {
            private readonly object _gate = new object();
            private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private int _count;
            private void DoWork() { _count++; }
            public void A() { Monitor.Enter(_gate); try { DoWork(); } finally { Monitor.Exit(_gate); } }
            public void B() { bool lockTaken = false; try { Monitor.Enter(_gate, ref lockTaken); DoWork(); } finally { if (lockTaken) Monitor.Exit(_gate); } }
            public void C() { _semaphore.Wait(); try { DoWork(); } finally { _semaphore.Release(); } }
            public async Task D() { await _semaphore.WaitAsync(); try { DoWork(); } finally { _semaphore.Release(); } }
            public void E() { _rw.EnterWriteLock(); try { DoWork(); } finally { _rw.ExitWriteLock(); } }
        }
        """);

    [Fact]
    public Task HOT204_quiet_when_a_wait_that_cannot_fail_sits_inside_the_try() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Worker
        {
            private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
            private int _count;
            public void A() { try { _semaphore.Wait(); _count++; } finally { _semaphore.Release(); } }
            public async Task B() { try { await _semaphore.WaitAsync(); _count++; } finally { _semaphore.Release(); } }
        }
        """);

    // ---- HOT205: a lock that only updates one numeric field ----

    [Fact]
    public Task HOT205_increment_add_and_decrement() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Stats
        {
            private readonly object _gate = new object();
            private int _count;
            private long _total;
            public void Hit() { {|HOT205:lock (_gate)|} { _count++; } }
            public void Add(long amount) { {|HOT205:lock (_gate)|} { _total += amount; } }
            public void Miss() { {|HOT205:lock (_gate)|} { _count--; } }
            public void Bump() { {|HOT205:lock (_gate)|} { _count = _count + 1; } }
            public void Take(long amount) { {|HOT205:lock (_gate)|} { _total = _total - amount; } }
        }
        """);

    [Fact]
    public Task HOT205_quiet_when_the_lock_guards_more_than_one_update_or_a_collection() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Stats
        {
            private readonly object _gate = new object();
            private readonly System.Collections.Generic.List<int> _items = new();
            private int _count;
            private long _total;
            public void Record(int value) { lock (_gate) { _count++; _total += value; } }
            public void Add(int value) { lock (_gate) { _items.Add(value); } }
            public void Scale(int factor) { lock (_gate) { _count = _count * factor; } }
            public void Set(int value) { lock (_gate) { _count = value + 1; } }
        }
        """);

    // ---- HOT206: SpinLock in a readonly field, passed by value or copied ----

    [Fact]
    public Task HOT206_readonly_field_passed_by_value_and_copied() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Spinner
        {
            private readonly SpinLock {|HOT206:_readonlySpin|} = new SpinLock();
            private SpinLock _spin = new SpinLock(false);
            public void Run() { Work({|HOT206:_spin|}); }
            public bool Copy() { var local = {|HOT206:_spin|}; return local.IsHeld; }
            private static void Work(SpinLock spinLock) { }
        }
        """);

    [Fact]
    public Task HOT206_quiet_on_a_mutable_field_used_in_place() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Spinner
        {
            private SpinLock _spin = new SpinLock(false);
            private int _a, _b;
            public void Run()
            {
                bool taken = false;
                try { _spin.Enter(ref taken); _a++; _b++; }
                finally { if (taken) _spin.Exit(); }
            }
            public void ByRef() { Work(ref _spin); }
            private static void Work(ref SpinLock spinLock) { }
        }
        """);

    // ---- HOT207: blocking while holding a lock ----

    [Fact]
    public Task HOT207_sleep_result_wait_and_file_io_inside_a_lock() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Loader
        {
            private readonly object _gate = new object();
            private readonly Lock _lock = new Lock();
            private string _text = "";
            public void A() { lock (_gate) { {|HOT207:Thread.Sleep(100)|}; } }
            public int B(Task<int> task) { lock (_gate) { return {|HOT207:task.Result|}; } }
            public void C(Task task) { lock (_gate) { {|HOT207:task.Wait()|}; } }
            public void D(string path) { lock (_gate) { _text = {|HOT207:File.ReadAllText(path)|}; } }
            public void E() { lock (_gate) { {|HOT207:Task.Delay(10).Wait()|}; } }
            public void F() { lock (_lock) { {|HOT207:Thread.Sleep(1)|}; } }
            public void G(string path) { Monitor.Enter(_gate); try { {|HOT207:File.WriteAllText(path, _text)|}; } finally { Monitor.Exit(_gate); } }
            public string H() { lock (_gate) { return {|HOT207:Console.ReadLine()|} ?? ""; } }
        }
        """);

    [Fact]
    public Task HOT207_quiet_when_the_blocking_call_is_outside_the_lock() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Loader
        {
            private readonly object _gate = new object();
            private string _text = "";
            private int _reads;
            public void A(string path)
            {
                var text = File.ReadAllText(path);
                Thread.Sleep(1);
                lock (_gate) { _text = text; _reads++; }
            }
            public void B() { lock (_gate) { Monitor.Wait(_gate); _reads--; } }
        }
        """);

    // ---- HOT208: two locks taken in opposite orders ----

    [Fact]
    public Task HOT208_two_methods_taking_A_then_B_and_B_then_A() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Bank
        {
            private readonly object _lockA = new object();
            private readonly object _lockB = new object();
            private int _a, _b;
            public void Transfer() { lock (_lockA) { {|HOT208:lock (_lockB)|} { _a--; _b++; } } }
            public void Refund() { lock (_lockB) { {|HOT208:lock (_lockA)|} { _b--; _a++; } } }
        }
        """);

    [Fact]
    public Task HOT208_across_two_classes_with_Monitor() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public static class Locks
        {
            public static readonly object First = new object();
            public static readonly object Second = new object();
        }
        public class One
        {
            public void Run()
            {
                lock ({|HOT203:Locks.First|})
                {
                    {|HOT208:Monitor.Enter({|HOT203:Locks.Second|})|};
                    try { } finally { Monitor.Exit(Locks.Second); }
                }
            }
        }
        public class Two
        {
            public void Run() { lock ({|HOT203:Locks.Second|}) { {|HOT208:lock ({|HOT203:Locks.First|})|} { } } }
        }
        """);

    [Fact]
    public Task HOT208_quiet_when_every_method_takes_the_same_order() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Bank
        {
            private readonly object _lockA = new object();
            private readonly object _lockB = new object();
            private int _a, _b;
            public void Transfer() { lock (_lockA) { lock (_lockB) { _a--; _b++; } } }
            public void Refund() { lock (_lockA) { lock (_lockB) { _b--; _a++; } } }
        }
        """);

    // ---- HOT209: double-checked locking on a field that is not volatile ----

    [Fact]
    public Task HOT209_classic_static_singleton() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class Singleton
        {
            private static Singleton? _instance;
            private static readonly object _lock = new object();
            public static Singleton Instance
            {
                get
                {
                    if ({|HOT209:_instance|} == null)
                    {
                        lock (_lock)
                        {
                            if (_instance == null)
                            {
                                _instance = new Singleton();
                            }
                        }
                    }
                    return _instance;
                }
            }
        }
        """);

    [Fact]
    public Task HOT209_method_form_with_is_null() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class Connection
        {
            private readonly object _gate = new object();
            private Connection? _cached;
            public Connection Get()
            {
                if ({|HOT209:_cached|} is null)
                {
                    lock (_gate)
                    {
                        if (_cached is null) _cached = new Connection();
                    }
                }
                return _cached;
            }
        }
        """);

    [Fact]
    public Task HOT209_quiet_with_a_volatile_field() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class Singleton
        {
            private static volatile Singleton? _instance;
            private static readonly object _lock = new object();
            public static Singleton Instance
            {
                get
                {
                    if (_instance == null)
                    {
                        lock (_lock)
                        {
                            if (_instance == null)
                            {
                                _instance = new Singleton();
                            }
                        }
                    }
                    return _instance;
                }
            }
        }
        """);

    // ---- HOT210: a lock on a hot path ----

    [Fact]
    public Task HOT210_lock_and_Monitor_in_a_HotPath_method() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Meter
        {
            private readonly object _gate = new object();
            private long _sum, _n;
            [HotPath] public void Record(long value) { {|HOT210:lock (_gate)|} { _sum += value; _n++; } }
            [HotPath] public void Manual(long value) { {|HOT210:Monitor.Enter(_gate)|}; try { _sum += value; _n++; } finally { Monitor.Exit(_gate); } }
            public void Cold(long value) { lock (_gate) { _sum += value; _n++; } }
        }
        """);

    [Fact]
    public Task HOT210_in_a_HotPath_type() => LockVerifier.VerifyAllRulesAsync(Usings + """
        [HotPath]
        public class Meter
        {
            private readonly object _gate = new object();
            private long _sum, _n;
            public void Record(long value) { {|HOT210:lock (_gate)|} { _sum += value; _n++; } }
        }
        """);

    [Fact]
    public Task HOT210_and_HOT205_together_on_a_single_increment() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Meter
        {
            private readonly object _gate = new object();
            private long _hits;
            [HotPath] public void Hit() { {|HOT205:{|HOT210:lock (_gate)|}|} { _hits++; } }
        }
        """);

    [Fact]
    public Task HOT210_quiet_on_a_System_Threading_Lock_field() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Meter
        {
            private readonly Lock _lock = new Lock();
            private long _sum, _n;
            [HotPath] public void Record(long value) { lock (_lock) { _sum += value; _n++; } }
        }
        """);

    // ---- HOT211: lock on a boxed value type ----

    [Fact]
    public Task HOT211_boxed_int_and_struct() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public struct Point { public int X; }
        public class Boxes
        {
            private int _count;
            private Point _point;
            private long _a, _b;
            public void A() { lock ({|HOT211:(object)_count|}) { _a++; _b++; } }
            public void B() { lock ({|HOT211:(object)_point|}) { _a++; _b++; } }
            public void D() { object boxed = _count; lock ({|HOT211:boxed|}) { _a++; _b++; } }
        }
        """);

    [Fact]
    public Task HOT211_quiet_on_an_object_boxed_once_into_a_readonly_field() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Boxes
        {
            private readonly object _box = 0;
            private long _a, _b;
            public void A() { lock (_box) { _a++; _b++; } }
        }
        """);

    // ---- Traps and severities ----

    [Fact]
    public Task Trap_a_lock_on_a_System_Threading_Lock_field_reports_nothing() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public class Counter
        {
            private readonly Lock _lock = new Lock();
            private static readonly Lock s_lock = new Lock();
            private int _count;
            private static long s_total;
            public void Increment() { lock (_lock) { _count++; } }
            public static void Add(long n) { lock (s_lock) { s_total += n; } }
            [HotPath] public void HotIncrement() { lock (_lock) { _count++; } }
        }
        """);

    [Fact]
    public async Task Default_severities_HOT210_info_the_rest_warnings()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public struct Point { public int X; }
            public class Everything
            {
                public readonly object Public = new object();
                private object _mutable = new object();
                private readonly object _a = new object();
                private readonly object _b = new object();
                private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
                private readonly SpinLock _spin = new SpinLock(false);
                private static Everything? s_instance;
                private int _count;
                private int _x, _y;
                public void R201() { lock (this) { _x++; _y++; } }
                public void R202() { lock (_mutable) { _x++; _y++; } }
                public void R203() { lock (Public) { _x++; _y++; } }
                public void R204() { _semaphore.Wait(); _x++; _semaphore.Release(); }
                public void R205() { lock (_a) { _count++; } }
                public void R207() { lock (_a) { Thread.Sleep(1); } }
                public void R208A() { lock (_a) { lock (_b) { _x++; _y++; } } }
                public void R208B() { lock (_b) { lock (_a) { _x++; _y++; } } }
                public static Everything R209() { if (s_instance == null) { lock (typeof(Everything)) { if (s_instance == null) s_instance = new Everything(); } } return s_instance; }
                [HotPath] public void R210() { lock (_a) { _x++; _y++; } }
                public void R211() { lock ((object)_count) { _x++; _y++; } }
            }
            """, LockVerifier.Analyzers());

        var byId = diagnostics.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Select(d => d.Severity).Distinct().ToArray());
        foreach (var id in LockVerifier.AllIds)
        {
            Assert.True(byId.ContainsKey(id), $"{id} was not reported");
            var expected = id == "HOT210" ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning;
            Assert.Equal(new[] { expected }, byId[id]);
        }

        foreach (var descriptor in LockVerifier.Analyzers().SelectMany(a => a.SupportedDiagnostics))
        {
            Assert.Equal(descriptor.Id == "HOT210" ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault);
        }
    }
}
