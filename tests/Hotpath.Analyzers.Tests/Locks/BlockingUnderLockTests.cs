using Hotpath.Analyzers.Locks;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT207: blocking while holding a lock, and await between a manual enter and its exit.</summary>
public sealed class BlockingUnderLockTests
{
    private const string Usings = "using System; using System.IO; using System.Net; using System.Net.Http; using System.Net.Sockets; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public Task Sleep_and_waits_on_tasks() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public void A() { lock (_gate) { {|HOT207:Thread.Sleep(10)|}; } }
            public void B(Task t) { lock (_gate) { {|HOT207:t.Wait()|}; } }
            public int D(Task<int> t) { lock (_gate) { return {|HOT207:t.Result|}; } }
            public int E(Task<int> t) { lock (_gate) { return {|HOT207:t.GetAwaiter().GetResult()|}; } }
            public int F(ValueTask<int> t) { lock (_gate) { return {|HOT207:t.Result|}; } }
            public void G(Task a, Task b) { lock (_gate) { {|HOT207:Task.WaitAll(a, b)|}; } }
            public void H(ManualResetEvent e) { lock (_gate) { {|HOT207:e.WaitOne()|}; } }
            public void I(SemaphoreSlim s) { lock (_gate) { {|HOT207:s.Wait()|}; s.Release(); } }
            public void J(Task t) { lock (_gate) { {|HOT207:t.ConfigureAwait(false).GetAwaiter().GetResult()|}; } }
        }
        """, "HOT207");

    /// <summary>A wait with a zero timeout only polls: it returns at once whether or not the handle is set.</summary>
    [Fact]
    public Task Waits_with_a_zero_timeout_are_quiet_and_with_any_other_timeout_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly ManualResetEvent _stop = new(false);
            private readonly SemaphoreSlim _sem = new(1, 1);
            public bool A() { lock (_gate) { return _stop.WaitOne(0); } }
            public bool B() { lock (_gate) { return _stop.WaitOne(TimeSpan.Zero); } }
            public bool D() { lock (_gate) { return _stop.WaitOne(0, false); } }
            public bool E(WaitHandle[] handles) { lock (_gate) { return WaitHandle.WaitAll(handles, 0); } }
            public bool F(CancellationToken ct) { lock (_gate) { if (_sem.Wait(0, ct)) { _sem.Release(); return true; } return false; } }
            public bool G() { lock (_gate) { if (_sem.Wait(TimeSpan.Zero)) { _sem.Release(); return true; } return false; } }
            public bool H() { lock (_gate) { return {|HOT207:_stop.WaitOne(100)|}; } }
            public bool I(int ms) { lock (_gate) { return {|HOT207:_sem.Wait(ms)|}; } }
            public bool J() { lock (_gate) { return {|HOT207:_stop.WaitOne(TimeSpan.FromSeconds(1))|}; } }
        }
        """, "HOT207");

    /// <summary>
    /// The slim events, countdowns, barriers, a blocking collection's take, SpinWait.SpinUntil and Parallel's loops all
    /// wait (Parallel for its workers, which may need the same lock); with a zero timeout they only poll.
    /// </summary>
    [Fact]
    public Task Waiting_primitives_beyond_wait_handles() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections.Concurrent;
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly ManualResetEventSlim _ready = new(false);
            private readonly CountdownEvent _pending = new(1);
            private readonly Barrier _barrier = new(2);
            private readonly BlockingCollection<int> _queue = new();
            private int _n;
            public void A() { lock (_gate) { {|HOT207:_ready.Wait()|}; } }
            public void B() { lock (_gate) { {|HOT207:_pending.Wait(100)|}; } }
            public void D() { lock (_gate) { {|HOT207:_barrier.SignalAndWait()|}; } }
            public int E() { lock (_gate) { return {|HOT207:_queue.Take()|}; } }
            public bool F(out int item) { lock (_gate) { return {|HOT207:_queue.TryTake(out item, 100)|}; } }
            public void G() { lock (_gate) { {|HOT207:SpinWait.SpinUntil(() => Volatile.Read(ref _n) > 0)|}; } }
            public void H(int[] items) { lock (_gate) { {|HOT207:Parallel.For(0, items.Length, i => items[i]++)|}; {|HOT207:Parallel.Invoke(() => { })|}; } }
            public bool I() { lock (_gate) { return _ready.Wait(0) && _pending.Wait(TimeSpan.Zero); } }
            public bool J(out int item) { lock (_gate) { return _queue.TryTake(out item) || _queue.TryTake(out item, 0); } }
            public void K() { lock (_gate) { _ready.Set(); _pending.Signal(); _queue.Add(1); _n = _queue.Count; } }
            public bool L() { lock (_gate) { return _ready.IsSet || SpinWait.SpinUntil(() => _n > 0, 0); } }
        }
        """, "HOT207");

    /// <summary>The console is synchronous I/O: output blocks on a full pipe or a slow terminal, input waits for the user.</summary>
    [Fact]
    public Task Console_output_and_input() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public void A(int n) { lock (_gate) { {|HOT207:Console.WriteLine(n)|}; } }
            public void B() { lock (_gate) { {|HOT207:Console.Write("x")|}; } }
            public void D() { lock (_gate) { {|HOT207:Console.Out.WriteLine("x")|}; } }
            public void E() { lock (_gate) { {|HOT207:Console.Error.Write('x')|}; } }
            public void F() { lock (_gate) { {|HOT207:Console.Out.Flush()|}; {|HOT207:Console.Error.Flush()|}; } }
            public int G() { lock (_gate) { return {|HOT207:Console.Read()|}; } }
            public void H() { lock (_gate) { {|HOT207:Console.ReadKey()|}; } }
            public string I() { lock (_gate) { return {|HOT207:Console.In.ReadLine()|} ?? ""; } }
            public void J() { lock (_gate) { {|HOT207:Log()|}; } }
            private static void Log() => Console.WriteLine("flushed");
        }
        """, "HOT207");

    /// <summary>
    /// The console's writers (<c>TextWriter.Synchronized</c>) finish their <c>*Async</c> writes before they return the task:
    /// under a lock, or awaited under an async lock, they block like the synchronous ones.
    /// </summary>
    [Fact]
    public Task Console_async_output_is_synchronous_too() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _sem = new(1, 1);
            public void A() { lock (_gate) { _ = {|HOT207:Console.Out.WriteLineAsync("x")|}; } }
            public void B() { lock (_gate) { _ = {|HOT207:Console.Error.FlushAsync()|}; } }
            public async Task D()
            {
                await _sem.WaitAsync();
                try { await {|HOT207:Console.Out.WriteAsync("x")|}; }
                finally { _sem.Release(); }
            }
            public async Task E(StreamWriter w) { await Console.Out.WriteLineAsync("x"); lock (_gate) { _ = w.WriteLineAsync("y"); } }
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_of_console_output_says_it_is_synchronous_console_output()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _gate = new();
                public void A() { lock (_gate) { Console.WriteLine("x"); Console.Error.Flush(); _ = Console.In.ReadLine(); } }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "Synchronous console output 'Console.WriteLine' while holding a lock: every thread waiting for the lock waits too",
                "Synchronous console output 'Console.Error.Flush' while holding a lock: every thread waiting for the lock waits too",
                "Console.In.ReadLine (waits for input) while holding a lock: every thread waiting for the lock waits too",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Console output outside a lock is fine; Debug and Trace write to their listeners (none that block by default, and
    /// Debug's calls are compiled out of Release builds), and reading the console's writers is not I/O.
    /// </summary>
    [Fact]
    public Task Quiet_for_console_output_outside_a_lock_and_for_debug_and_trace() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private TextWriter _log = TextWriter.Null;
            public void A() { Console.WriteLine("x"); Console.Out.Flush(); Console.Error.WriteLine("y"); }
            public void B() { lock (_gate) { System.Diagnostics.Debug.WriteLine("x"); System.Diagnostics.Trace.WriteLine("x"); System.Diagnostics.Trace.Flush(); } }
            public void D() { lock (_gate) { _log = Console.Out; _ = Console.Error.Encoding; _ = Console.Out.ToString(); } }
        }
        """, "HOT207");

    /// <summary>A call under the lock into a method of ours that blocks is reported at the call, through a few levels of calls.</summary>
    [Fact]
    public Task Blocking_inside_a_called_method_of_the_same_compilation() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _io = new();
            private readonly FileStream _file = new("x", FileMode.Create);
            public void A() { lock (_io) { {|HOT207:FlushToDisk()|}; } }
            public void B() { lock (_io) { {|HOT207:Outer()|}; } }
            public int D(Task<int> t) { lock (_io) { return {|HOT207:Read(t)|}; } }
            public void E() { lock (_io) { {|HOT207:Recurse(3)|}; } }
            private void FlushToDisk() => _file.Flush(flushToDisk: true);
            private void Outer() => Middle();
            private void Middle() { Thread.Sleep(1); }
            private static int Read(Task<int> t) => t.Result;
            private void Recurse(int n) { if (n > 0) Recurse(n - 1); else Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>A local function has a known body: calling one under the lock follows it like a method; declaring one does not run it.</summary>
    [Fact]
    public Task Blocking_inside_a_local_function_called_under_the_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();

            public void Direct(string path)
            {
                lock (_gate) { {|HOT207:Flush()|}; }
                void Flush() => File.WriteAllText(path, "x");
            }

            public void Nested(int ms)
            {
                lock (_gate) { {|HOT207:Outer()|}; }
                void Outer() => Inner();
                void Inner() => Thread.Sleep(ms);
            }

            public void FromAMethod()
            {
                lock (_gate) { {|HOT207:Save()|}; }
            }

            private static void Save()
            {
                Wait();
                static void Wait() => Thread.Sleep(1);
            }

            public void Uncalled(string path)
            {
                lock (_gate)
                {
                    Count();
                    void Later() => File.WriteAllText(path, "x");
                }

                static int Count() => 1;
            }

            public System.Collections.Generic.IEnumerable<int> Lines(string path)
            {
                lock (_gate) { Read(); }
                return new[] { 1 };
                System.Collections.Generic.IEnumerable<int> Read() { yield return File.ReadAllText(path).Length; }
            }
        }
        """, "HOT207");

    [Fact]
    public Task A_called_method_that_does_not_block_is_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _io = new();
            private int _n;
            public int A(Task<int> t) { lock (_io) { return ReadIfDone(t) + Count() + Later(); } }
            public async Task B() { lock (_io) { _ = Slow(); } await Task.Yield(); }
            public void D() { lock (_io) { Loop(); } }
            public void E() { Thread.Sleep(1); FlushOutsideLock(); }
            private static int ReadIfDone(Task<int> t) => t.IsCompleted ? t.Result : -1;
            private int Count() => ++_n;
            private int Later() { Action a = () => Thread.Sleep(1); return 0; }
            private static async Task Slow() { await Task.Delay(1); Thread.Sleep(1); }
            private void Loop() { if (_n > 10) return; _n++; Loop(); }
            private void FlushOutsideLock() => Thread.Sleep(1);
        }
        """, "HOT207");

    /// <summary>
    /// Property and indexer accessors, event accessors, user-defined operators and conversions and constructors of ours
    /// are followed like methods: reading or setting a property whose accessor blocks is reported at the access (a
    /// compound assignment or increment runs both accessors), and so is a method reaching one. An accessor that does
    /// not block, an auto-property, and a property named in nameof (nothing runs) are quiet.
    /// </summary>
    [Fact]
    public Task Accessors_operators_and_constructors_that_block_are_followed() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Config
        {
            private int _n;
            public Config() { }
            public Config(string path) { _n = File.ReadAllText(path).Length; }
            public string Value => File.ReadAllText("config");
            public int Delay { get => _n; set => Thread.Sleep(value); }
            public string this[string key] { get { return File.ReadAllText(key); } set { File.WriteAllText(key, value); } }
            public int this[int i] => i + _n;
            public event Action Changed { add { Thread.Sleep(1); } remove { Thread.Sleep(1); } }
            public int Quick => _n;
            public int Stored { get; set; }
            public Task<int> Pending { get; } = Task.FromResult(1);
            public int Depth => _n > 0 ? Deeper : 0;
            private int Deeper => _n > 1 ? Depth : 0;
            public static Config operator +(Config a, Config b) { Thread.Sleep(1); return a; }
            public static Config operator -(Config a) => a;
            public static implicit operator int(Config c) => c.Pending.Result;
            public static explicit operator string(Config c) => c.Quick.ToString();
        }

        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Config _config = new();
            public string A() { lock (_gate) { return {|HOT207:_config.Value|}; } }
            public void B() { lock (_gate) { {|HOT207:_config.Delay|} = 5; } }
            public void D() { lock (_gate) { {|HOT207:_config.Delay|} += 5; {|HOT207:_config.Delay|}++; } }
            public string E() { lock (_gate) { {|HOT207:_config["k"]|} = "v"; return {|HOT207:_config["k"]|}; } }
            public void F(Action handler) { lock (_gate) { {|HOT207:_config.Changed += handler|}; {|HOT207:_config.Changed -= handler|}; } }
            public Config G(Config other) { lock (_gate) { return {|HOT207:_config + other|}; } }
            public int H() { lock (_gate) { return {|HOT207:_config|}; } }
            public Config I() { lock (_gate) { return {|HOT207:new Config("x")|}; } }
            public string J() { lock (_gate) { return {|HOT207:Load()|}; } }
            public int K()
            {
                lock (_gate)
                {
                    _config.Stored = _config.Quick + _config.Delay + _config[1] + _config.Depth + _config.Stored;
                    var copy = -_config;
                    var text = (string)_config + nameof(_config.Value) + nameof(Config.Changed);
                    return new Config().Quick + text.Length;
                }
            }
            private string Load() => _config.Value;
        }
        """, "HOT207");

    /// <summary>
    /// The methods of ours the compiler calls without a call written out are followed like HOT111 follows them (one
    /// Shared/CalledMethods): a foreach's GetEnumerator, MoveNext, Current and Dispose (reported at the collection), a
    /// using's Dispose (at the resource), a deconstruction's Deconstruct, an index from the end or a range (its indexer or
    /// Slice and its Length), a list pattern (its Length and indexer), a collection initializer's Add, a with's copy
    /// constructor, and an await's GetAwaiter, IsCompleted and GetResult (under a SemaphoreSlim held as an async lock,
    /// where an await is legal and not itself reported). Those that do not block are quiet.
    /// </summary>
    [Fact]
    public Task Methods_called_without_a_call_written_out_are_followed() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections;
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        public sealed class Journal : IDisposable { public void Dispose() => File.WriteAllText("x", "y"); }
        public sealed class Quiet : IDisposable { public void Dispose() { } }
        public sealed class Shelf
        {
            public Enumerator GetEnumerator() => new();
            public struct Enumerator { public int Current => 0; public bool MoveNext() { Thread.Sleep(1); return false; } }
        }
        public readonly struct Pair { public void Deconstruct(out int a, out int b) { Thread.Sleep(1); a = b = 0; } }
        public sealed class Tape
        {
            public int Length { get { Thread.Sleep(1); return 1; } }
            public int this[int i] => i;
            public Tape Slice(int start, int length) => this;
        }
        public sealed class Bag : IEnumerable<int>
        {
            public void Add(int x) => Thread.Sleep(x);
            public IEnumerator<int> GetEnumerator() => throw new NotSupportedException();
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
        public record Note(string Text)
        {
            protected Note(Note original) { Thread.Sleep(1); Text = original.Text; }
        }
        public readonly struct Ticket
        {
            public Awaiter GetAwaiter() => new();
            public readonly struct Awaiter : INotifyCompletion
            {
                public bool IsCompleted => true;
                public void OnCompleted(Action continuation) => continuation();
                public int GetResult() { Thread.Sleep(1); return 1; }
            }
        }
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _sem = new(1);
            public void A(Shelf shelf) { lock (_gate) { foreach (var x in {|HOT207:shelf|}) { } } }
            public void B(Journal j, Quiet q) { lock (_gate) { using ({|HOT207:j|}) { } using (q) { } } }
            public void D(Journal j) { lock (_gate) { using {|HOT207:var k = j|}; } }
            public int E(Pair p) { lock (_gate) { {|HOT207:var (a, b) = p|}; return a + b; } }
            public int F(Tape t) { lock (_gate) { return {|HOT207:t[^1]|} + {|HOT207:t[1..]|}.GetHashCode() + (t is {|HOT207:[var first, ..]|} ? first : 0); } }
            public Bag G() { lock (_gate) { return new Bag { {|HOT207:1|} }; } }
            public Note H(Note n) { lock (_gate) { return {|HOT207:n with { Text = "b" }|}; } }
            public async Task<int> I(Ticket t)
            {
                await _sem.WaitAsync();
                try { return {|HOT207:await t|}; }
                finally { _sem.Release(); }
            }
        }
        """, "HOT207");

    /// <summary>
    /// A nested deconstruction calls each Deconstruct of its parts, and a foreach that deconstructs ('var (a, b)' or
    /// '(var a, int b)') calls the element's Deconstruct: each is followed like HOT111 follows them (only the outer Deconstruct of a
    /// deconstruction was followed, and none of a foreach's).
    /// </summary>
    [Fact]
    public Task Nested_and_foreach_deconstructions_follow_each_Deconstruct() => LockVerifier.VerifyAsync(Usings + """
        public readonly struct Pair { public void Deconstruct(out int a, out int b) { Thread.Sleep(1); a = b = 0; } }
        public readonly struct Point { public void Deconstruct(out int x, out int y) { x = y = 0; } }
        public readonly struct Line { public void Deconstruct(out Point from, out Pair to) { from = default; to = default; } }
        public sealed class C
        {
            private readonly object _gate = new();
            public int A(Line l) { lock (_gate) { {|HOT207:var ((x, y), (a, b)) = l|}; return x + y + a + b; } }
            public int B(Point p, Pair q) { lock (_gate) { {|HOT207:var ((x, y), (a, b)) = (p, q)|}; return x + y + a + b; } }
            public int D(Pair[] pairs, Point[] points)
            {
                var n = 0;
                lock (_gate)
                {
                    foreach (var (x, y) in points) n += x + y;
                    foreach (var (a, b) in {|HOT207:pairs|}) n += a + b;
                    foreach (var (p, _) in points) n += p;
                }

                return n;
            }
            public int E(Line[] lines)
            {
                var n = 0;
                lock (_gate) { foreach ((_, (var a, int b)) in {|HOT207:lines|}) n += a + b; }
                return n;
            }
        }
        """, "HOT207");

    /// <summary>
    /// A user-defined conversion a deconstruction applies to what Deconstruct gives, or a foreach to each element, is
    /// followed like HOT111 follows it (it was missed).
    /// </summary>
    [Fact]
    public Task Conversions_of_deconstructed_and_iterated_elements_are_followed() => LockVerifier.VerifyAsync(Usings + """
        public readonly struct Money { public static implicit operator Money(decimal d) { Thread.Sleep(1); return default; } }
        public readonly struct Pair { public void Deconstruct(out decimal a, out int b) { a = 0; b = 0; } }
        public sealed class C
        {
            private readonly object _gate = new();
            public int A(Pair p) { lock (_gate) { {|HOT207:(Money m, int k) = p|}; (decimal d, int j) = p; return k + j; } }
            public int B(decimal[] amounts) { var n = 0; lock (_gate) { foreach (Money x in {|HOT207:amounts|}) n++; foreach (var x in amounts) n++; } return n; }
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_names_the_accessor_or_operator_and_what_blocks_inside_it()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class Config
            {
                public string Value => File.ReadAllText("config");
                public int Delay { get => 0; set => Thread.Sleep(value); }
                public string this[string key] => File.ReadAllText(key);
                public event Action Changed { add { Thread.Sleep(1); } remove { } }
                public static Config operator +(Config a, Config b) { Thread.Sleep(1); return a; }
                public static implicit operator int(Config c) { Thread.Sleep(1); return 0; }
            }
            public sealed class C
            {
                private readonly object _gate = new();
                private readonly Config _config = new();
                public void A(Action handler)
                {
                    lock (_gate)
                    {
                        _ = _config.Value;
                        _config.Delay = 1;
                        _ = _config["k"];
                        _config.Changed += handler;
                        _ = _config + _config;
                        int n = _config;
                    }
                }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "Calling 'Config.Value' (Synchronous file I/O 'File.ReadAllText' in 'Config.Value' line 4) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'Config.Delay (set)' (Thread.Sleep in 'Config.Delay (set)' line 5) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'Config.this[]' (Synchronous file I/O 'File.ReadAllText' in 'Config.this[]' line 6) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'Config.Changed (add)' (Thread.Sleep in 'Config.Changed (add)' line 7) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'Config.operator +' (Thread.Sleep in 'Config.operator +' line 8) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'Config.implicit operator int' (Thread.Sleep in 'Config.implicit operator int' line 9) while holding a lock: every thread waiting for the lock waits too",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Only a method's own body makes it an iterator: one that merely declares an iterator local function is followed.</summary>
    [Fact]
    public Task A_method_declaring_an_iterator_local_function_is_followed() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections.Generic;
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { lock (_gate) { {|HOT207:Save()|}; } }
            public void B() { lock (_gate) { foreach (var i in Numbers()) { _n += i; } } }
            public void D() { lock (_gate) { _ = Lazy(); } }
            private void Save()
            {
                foreach (var line in Lines()) { _n += line.Length; }
                File.WriteAllText("x", "y");
                IEnumerable<string> Lines() { yield return "a"; }
            }
            private static IEnumerable<int> Numbers() { yield return 1; }
            private static IEnumerable<int> Lazy() { Thread.Sleep(1); yield return 1; }
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_names_the_callee_and_what_blocks_inside_it()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _io = new();
                private readonly FileStream _file = new("x", FileMode.Create);
                public void A() { lock (_io) { FlushToDisk(); } }
                public void B() { lock (_io) { Outer(); } }
                private void FlushToDisk() => _file.Flush(flushToDisk: true);
                private void Outer() => Middle();
                private void Middle() { Thread.Sleep(1); }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "Calling 'C.FlushToDisk' (Synchronous I/O 'FileStream.Flush' in 'C.FlushToDisk' line 8) while holding a lock: every thread waiting for the lock waits too",
                "Calling 'C.Outer' (Thread.Sleep in 'C.Middle' line 10, through 'C.Middle') while holding a lock: every thread waiting for the lock waits too",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A task known to be complete cannot block: .Result and GetResult() under an IsCompleted test are quiet.</summary>
    [Fact]
    public Task Result_of_a_task_tested_for_completion_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public int A(Task<int> t) { lock (_gate) { if (t.IsCompleted) { return t.Result; } return 0; } }
            public int B(Task<int> t) { lock (_gate) { return t.IsCompletedSuccessfully ? t.GetAwaiter().GetResult() : -1; } }
            public int D(ValueTask<int> t) { lock (_gate) { if (!t.IsCompleted) return -1; return t.Result; } }
            public void E(Task<int>[] tasks) { lock (_gate) { foreach (var t in tasks) { if (!t.IsCompletedSuccessfully) continue; _n += t.Result; } } }
            public int F(Task<int> t) { lock (_gate) { if (_n > 0 && t.IsCompleted) { _n = t.ConfigureAwait(false).GetAwaiter().GetResult(); } return _n; } }
            public void G(Task t) { lock (_gate) { if (t.IsCompleted) t.GetAwaiter().GetResult(); } }
        }
        """, "HOT207");

    [Fact]
    public Task Result_of_a_task_not_tested_for_completion_is_still_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public int A(Task<int> t, Task<int> u) { lock (_gate) { if (u.IsCompleted) { return {|HOT207:t.Result|}; } return 0; } }
            public int B(Task<int> t) { lock (_gate) { if (!t.IsCompleted) { return {|HOT207:t.Result|}; } return 0; } }
            public int D(Task<int> t) { lock (_gate) { if (t.IsCompleted || _n > 0) { return {|HOT207:t.Result|}; } return 0; } }
            public int E(Task<int> t) { lock (_gate) { if (!t.IsCompleted) _n++; return {|HOT207:t.Result|}; } }
            public int F(Task<int> t) { lock (_gate) { return t.IsCompleted ? 0 : {|HOT207:t.Result|}; } }
        }
        """, "HOT207");

    /// <summary>A completion test written as a property pattern, a constant pattern or a test of a final Status proves it too.</summary>
    [Fact]
    public Task Completion_tests_as_patterns_or_final_statuses_are_understood() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public int A(Task<int> t) { lock (_gate) { if (t is { IsCompleted: true }) return t.Result; return 0; } }
            public int B(Task<int> t) { lock (_gate) { if (t.Status == TaskStatus.RanToCompletion) return t.Result; return 0; } }
            public int D(Task<int> t) { lock (_gate) { if (t.IsCompleted is false) return 0; return t.Result; } }
            public int E(Task<int> t) { lock (_gate) { if (t.Status != TaskStatus.RanToCompletion) return 0; return t.Result; } }
            public int F(Task<int> t) { lock (_gate) { return t.Status is TaskStatus.Faulted ? t.GetAwaiter().GetResult() : 0; } }
            public int G(Task<int> t) { lock (_gate) { if (t is { IsCompleted: false }) return {|HOT207:t.Result|}; return 0; } }
            public int H(Task<int> t) { lock (_gate) { if (t.Status == TaskStatus.Running) return {|HOT207:t.Result|}; return 0; } }
            public int I(Task<int> t) { lock (_gate) { if (t.Status == TaskStatus.RanToCompletion) return 0; return {|HOT207:t.Result|}; } }
            public int J(Task<int> t, Task<int> u) { lock (_gate) { if (u is { IsCompleted: true }) return {|HOT207:t.Result|}; return 0; } }
        }
        """, "HOT207");

    /// <summary>An assignment of the task between the completion test and the read makes the test say nothing about it.</summary>
    [Fact]
    public Task Result_of_a_task_assigned_after_the_completion_test_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private Task<int> _task = Task.FromResult(0);
            public int A(Task<int> t) { lock (_gate) { if (t.IsCompleted) { t = Other(); var r = {|HOT207:t.Result|}; return r; } return 0; } }
            public int B(Task<int> t) { lock (_gate) { if (!t.IsCompleted) return -1; t = Other(); return {|HOT207:t.Result|}; } }
            public int D() { lock (_gate) { if (_task.IsCompleted) { _task = Other(); return {|HOT207:_task.GetAwaiter().GetResult()|}; } return 0; } }
            public int E(Task<int> t) { lock (_gate) { if (t.IsCompleted) { Replace(out t); return {|HOT207:t.Result|}; } return 0; } }
            public int F(Task<int> t) { lock (_gate) { if (t.IsCompleted) { t = Other(); if (t.IsCompleted) return t.Result; } return 0; } }
            private static Task<int> Other() => Task.FromResult(1);
            private static void Replace(out Task<int> t) => t = Other();
        }
        """, "HOT207");

    /// <summary>A ref argument or a local function that writes the task between the test and the read voids the test.</summary>
    [Fact]
    public Task Result_of_a_task_written_by_a_ref_argument_or_a_local_function_after_the_test_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private Task<int> _task = Task.FromResult(0);
            public int A(Task<int> t) { lock (_gate) { if (t.IsCompleted) { Swap(ref t); return {|HOT207:t.Result|}; } return 0; } }
            public int B() { lock (_gate) { if (!_task.IsCompleted) return 0; Swap(ref _task); return {|HOT207:_task.Result|}; } }
            public int D(Task<int> t) { lock (_gate) { if (t.IsCompleted) { Renew(); return {|HOT207:t.Result|}; } return 0; } void Renew() => t = Other(); }
            public int E(Task<int> t) { lock (_gate) { if (t.IsCompleted) { Read(in t); Look(t); return t.Result; } return 0; } }
            public int F(Task<int> t) { lock (_gate) { if (t.IsCompleted) { Peek(); return t.Result; } return 0; } int Peek() => t.Id; }
            private static Task<int> Other() => Task.FromResult(1);
            private static void Swap(ref Task<int> t) => t = Other();
            private static void Read(in Task<int> t) { }
            private static void Look(Task<int> t) { }
        }
        """, "HOT207");

    /// <summary>
    /// Task.WaitAll / WhenAll(…).Wait() return at once when every listed task is known complete, Task.WaitAny /
    /// WhenAny(…).Wait() when one is; an array of tasks, or a task not tested, still blocks.
    /// </summary>
    [Fact]
    public Task WaitAll_and_WaitAny_on_tasks_tested_for_completion() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public void A(Task t) { lock (_gate) { if (t.IsCompleted) Task.WaitAll(t); } }
            public void B(Task t, Task u) { lock (_gate) { if (t.IsCompleted && u.IsCompletedSuccessfully) Task.WaitAll(t, u); } }
            public void D(Task t, Task u) { lock (_gate) { if (t.IsCompleted) {|HOT207:Task.WaitAll(t, u)|}; } }
            public int E(Task t, Task u) { lock (_gate) { if (!u.IsCompleted) return -1; return Task.WaitAny(t, u); } }
            public int F(Task t, Task u) { lock (_gate) { return {|HOT207:Task.WaitAny(t, u)|}; } }
            public void G(Task t, Task u) { lock (_gate) { if (t.IsCompleted && u.IsCompleted) Task.WhenAll(t, u).Wait(); } }
            public void H(Task t, Task u) { lock (_gate) { if (t.IsCompleted) {|HOT207:Task.WhenAll(t, u).Wait()|}; } }
            public void I(Task t, Task u) { lock (_gate) { if (u.IsCompleted) Task.WhenAny(t, u).Wait(); } }
            public void J(Task[] tasks) { lock (_gate) { {|HOT207:Task.WaitAll(tasks)|}; } }
            public int K(Task<int> t, Task<int> u) { lock (_gate) { if (t.IsCompleted && u.IsCompleted) return Task.WhenAll(t, u).Result[0]; return 0; } }
            public int L(Task<int> t, Task<int> u) { lock (_gate) { if (t.IsCompleted) return {|HOT207:Task.WhenAll(t, u).Result|}[0]; return 0; } }
            public void M(Task t) { lock (_gate) { if (t.IsCompleted) { t = Task.Delay(10); {|HOT207:Task.WaitAll(t)|}; } } }
            public void N(Task t, Task u) { lock (_gate) { if (t.IsCompleted && u.IsCompleted) Task.WhenAll(t, u).GetAwaiter().GetResult(); } }
        }
        """, "HOT207");

    /// <summary>Waiting on a task known to be complete returns at once.</summary>
    [Fact]
    public Task Wait_on_a_task_tested_for_completion_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public void A(Task t) { lock (_gate) { if (t.IsCompleted) t.Wait(); } }
            public void B(Task<int> t) { lock (_gate) { if (!t.IsCompletedSuccessfully) return; t.Wait(); } }
            public void D(Task t, Task u) { lock (_gate) { if (u.IsCompleted) {|HOT207:t.Wait()|}; } }
            public void E(Task t) { lock (_gate) { if (t.IsCompleted) { t = Task.Delay(10); {|HOT207:t.Wait()|}; } } }
        }
        """, "HOT207");

    [Fact]
    public Task Synchronous_file_and_network_io() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public void A() { lock (_gate) { {|HOT207:File.WriteAllText("state.json", "{}")|}; } }
            public string B() { lock (_gate) { return {|HOT207:File.ReadAllText("state.json")|}; } }
            public void D(FileStream s, byte[] b) { lock (_gate) { {|HOT207:s.Write(b, 0, b.Length)|}; {|HOT207:s.Flush()|}; } }
            public void E(Stream s, byte[] b) { lock (_gate) { _ = {|HOT207:s.Read(b, 0, b.Length)|}; } }
            public void F(StreamWriter w) { lock (_gate) { {|HOT207:w.WriteLine("x")|}; } }
            public void G(Socket s, byte[] b) { lock (_gate) { _ = {|HOT207:s.Send(b)|}; _ = {|HOT207:s.Receive(b)|}; } }
            public void H(HttpClient c) { lock (_gate) { {|HOT207:c.Send(new HttpRequestMessage())|}; } }
            public void I() { lock (_gate) { {|HOT207:Dns.GetHostEntry("localhost")|}; } }
        }
        """, "HOT207");

    [Fact]
    public Task Invoking_delegates_and_raising_events() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private Action? _callback;
            public event EventHandler? Changed;
            public void A() { lock (_gate) { {|HOT207:Changed?.Invoke(this, EventArgs.Empty)|}; } }
            public void B() { lock (_gate) { {|HOT207:Changed!(this, EventArgs.Empty)|}; } }
            public void D() { lock (_gate) { {|HOT207:_callback?.Invoke()|}; } }
            public void E(Func<int, int> f) { lock (_gate) { _ = {|HOT207:f(1)|}; } }
            public void Set(Action a) => _callback = a;
        }
        """, "HOT207");

    /// <summary>
    /// A local assigned once, from a lambda or anonymous method of the same method, is judged by that body when it is
    /// invoked under the lock; a delegate whose target is not known that way is still reported as invoking a delegate.
    /// </summary>
    [Fact]
    public Task A_lambda_in_a_local_invoked_under_the_lock_is_judged_by_its_body() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(string path) { Action flush = () => File.WriteAllText(path, "x"); lock (_gate) { {|HOT207:flush()|}; } }
            public void B() { var pause = (Action)(() => Thread.Sleep(1)); lock (_gate) { {|HOT207:pause.Invoke()|}; } }
            public void D() { Action step = delegate { Backoff(); }; lock (_gate) { {|HOT207:step?.Invoke()|}; } }
            public void E() { Action bump = () => _n++; lock (_gate) { bump(); } }
            public int F() { Func<int, int> twice = x => x * 2; lock (_gate) { return twice(_n); } }
            public void G(Action other) { Action a = () => _n++; a = other; lock (_gate) { {|HOT207:a()|}; } }
            public void H(bool slow) { Action a = slow ? () => Thread.Sleep(1) : () => _n++; lock (_gate) { {|HOT207:a()|}; } }
            public void I(Action run) { Action a = run; lock (_gate) { {|HOT207:a()|}; } }
            public void J() { Func<Task> a = async () => { await Task.Delay(1); }; lock (_gate) { _ = a(); } }
            public void K(Action other) { Action a = () => _n++; Action swap = () => a = other; swap(); lock (_gate) { {|HOT207:a()|}; } }
            private void Backoff() => Thread.Sleep(1);
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_of_a_lambda_invoked_under_the_lock_names_the_local_and_what_blocks()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _gate = new();
                public void A(string path) { Action flush = () => File.WriteAllText(path, "x"); lock (_gate) { flush(); } }
                public void B() { Action step = () => Backoff(); lock (_gate) { step(); } }
                private void Backoff() => Thread.Sleep(1);
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "Invoking 'flush' (Synchronous file I/O 'File.WriteAllText' in the lambda assigned to 'flush' line 5) while holding a lock: every thread waiting for the lock waits too",
                "Invoking 'step' (Thread.Sleep in 'C.Backoff' line 7, through 'C.Backoff') while holding a lock: every thread waiting for the lock waits too",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// A local holding one method group (assigned only where declared) and a readonly delegate field holding one
    /// method group or lambda (assigned only once: in its initialiser or in a constructor) are followed into that
    /// method or lambda like a call, and reported only when it blocks.
    /// </summary>
    [Fact]
    public Task A_method_group_in_a_local_or_a_readonly_field_invoked_under_the_lock_is_followed() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private static readonly Action s_pause = Backoff;
            private readonly object _gate = new();
            private readonly Action _flush;
            private readonly Action _bump;
            private readonly Action _sleep;
            private readonly Func<int> _read = Read;
            private int _n;
            public C()
            {
                _flush = Flush;
                _bump = new Action(Bump);
                _sleep = () => Thread.Sleep(1);
            }
            public void A() { Action a = Flush; lock (_gate) { {|HOT207:a()|}; } }
            public void B() { var a = new Action(Backoff); lock (_gate) { {|HOT207:a.Invoke()|}; } }
            public void D() { Action a = Bump; lock (_gate) { a(); } }
            public void E() { Action a = Local; lock (_gate) { {|HOT207:a()|}; } void Local() => Thread.Sleep(1); }
            public void F() { Func<Task> a = SlowAsync; lock (_gate) { _ = a(); } }
            public void G() { lock (_gate) { {|HOT207:_flush()|}; } }
            public void H() { lock (_gate) { _bump(); } }
            public void I() { lock (_gate) { {|HOT207:s_pause?.Invoke()|}; } }
            public void J() { lock (_gate) { {|HOT207:_sleep()|}; } }
            public int K() { lock (_gate) { return _read(); } }
            private void Flush() => File.WriteAllText("x", "y");
            private void Bump() => _n++;
            private static int Read() => 1;
            private static void Backoff() => Thread.Sleep(1);
            private static async Task SlowAsync() { await Task.Delay(1); }
        }
        """, "HOT207");

    /// <summary>
    /// A delegate whose target is not one known method or lambda stays unknown code, reported as invoking a delegate
    /// and not followed: a local reassigned on some path, an interface or abstract method's group, a field written
    /// twice, from a parameter, or not readonly. A readonly field of a struct is followed like a class's: its only writes
    /// are its initialiser and its constructors, so every value of the struct holds that one target or null, and
    /// <c>this = new S(…)</c> or <c>this = default</c> in a struct method copies such a value (the field's target stays
    /// the same or becomes null), so S.A's quiet non-blocking target and S.B's blocking one are judged as they are.
    /// </summary>
    [Fact]
    public Task A_delegate_whose_target_is_not_one_known_method_is_not_followed() => LockVerifier.VerifyAsync(Usings + """
        public interface IFlusher { void Flush(); }
        public abstract class Sink { public abstract void Write(); }
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Action _either;
            private readonly Action _given;
            private Action _mutable = Bump;
            private static int s_n;
            public C(bool slow, Action given)
            {
                _either = Bump;
                if (slow) { _either = Bump; }
                _given = given;
            }
            public C() : this(false, Bump) { _mutable = Bump; }
            public void A(bool slow) { Action a = Bump; if (slow) { a = Flush; } lock (_gate) { {|HOT207:a()|}; } }
            public void B(IFlusher f) { Action a = f.Flush; lock (_gate) { {|HOT207:a()|}; } }
            public void D(Sink s) { Action a = s.Write; lock (_gate) { {|HOT207:a()|}; } }
            public void E() { lock (_gate) { {|HOT207:_either()|}; } }
            public void F() { lock (_gate) { {|HOT207:_given()|}; } }
            public void G() { lock (_gate) { {|HOT207:_mutable()|}; } }
            public void H() { Action a = Bump; Swap(ref a); lock (_gate) { {|HOT207:a()|}; } }
            private static void Swap(ref Action a) => a = Flush;
            private static void Flush() => File.WriteAllText("x", "y");
            private static void Bump() => s_n++;
        }

        public struct S
        {
            private static readonly object s_gate = new();
            private readonly Action _bump;
            private readonly Action _flush = Flush;
            public S(int _) { _bump = Bump; }
            public void A() { lock (s_gate) { _bump(); } }
            public void B() { lock (s_gate) { {|HOT207:_flush()|}; } }
            public void Reset(int n) { if (n > 0) { this = new S(n); } else { this = default; } }
            private static void Bump() { }
            private static void Flush() => File.WriteAllText("x", "y");
        }
        """, "HOT207");

    /// <summary>
    /// Passing a readonly delegate field to a <c>ref readonly</c> or <c>in</c> parameter (here in the constructor, where it
    /// could be written) only reads it (LockOperations.IsWritten): its one target stays known, and a target that does
    /// not block is quiet; so is taking a <c>ref readonly</c> local to it (<c>ref readonly var r = ref _viewed;</c>, or
    /// ref-assigning one), or returning it by <c>ref readonly</c> from a lambda or local function (also through a ref
    /// conditional; this counted as a write). Passed by <c>ref</c>, or taken as a writable <c>ref</c> local, it may be replaced, and its
    /// invocation is unknown code.
    /// </summary>
    [Fact]
    public Task A_delegate_field_passed_by_ref_readonly_or_in_keeps_its_known_target() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Action _peeked;
            private readonly Action _read;
            private readonly Action _swapped;
            private readonly Action _viewed;
            private readonly Action _reassigned;
            private readonly Action _borrowed;
            private readonly Action _returned;
            private readonly Action _chosen;
            private static int s_n;
            public C()
            {
                _peeked = Bump;
                Peek(in _peeked);
                _read = Bump;
                Read(in _read);
                _swapped = Bump;
                Swap(ref _swapped);
                _viewed = Bump;
                ref readonly var view = ref _viewed;
                _reassigned = Bump;
                view = ref _reassigned;
                _borrowed = Bump;
                ref var borrowed = ref _borrowed;
                view();
                borrowed();
                _returned = Bump;
                Viewer returned = () => ref _returned;
                _chosen = Bump;
                returned();
                Chosen(true)();
                ref readonly Action Chosen(bool viewed) => ref viewed ? ref _viewed : ref _chosen;
            }
            public void A() { lock (_gate) { _peeked(); _read(); {|HOT207:_swapped()|}; _viewed(); _reassigned(); {|HOT207:_borrowed()|}; _returned(); _chosen(); } }
            private delegate ref readonly Action Viewer();
            private static void Peek(ref readonly Action a) { }
            private static void Read(in Action a) { }
            private static void Swap(ref Action a) { }
            private static void Bump() => s_n++;
        }
        """, "HOT207");

    /// <summary>
    /// An expression-bodied property's or indexer's getter (the arrow clause Roslyn gives as its declaration, taken
    /// through SourceMethods.Bodies as HOT111 takes it) is followed like an accessor with a body: each access under the
    /// lock is reported once.
    /// </summary>
    [Fact]
    public Task Expression_bodied_getters_under_the_lock_are_followed_and_reported_once() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Config
        {
            private int _n;
            public string Value => File.ReadAllText("config");
            public string this[string key] => File.ReadAllText(key);
            public int Slow { get => Pause(); }
            public int Quick => _n;
            private static int Pause() { Thread.Sleep(1); return 1; }
        }
        public sealed class C
        {
            private readonly object _gate = new();
            public int A(Config c) { lock (_gate) { return {|HOT207:c.Value|}.Length + {|HOT207:c["k"]|}.Length + {|HOT207:c.Slow|} + c.Quick; } }
        }
        """, "HOT207");

    /// <summary>
    /// A with under the lock follows the copy constructor of the value's declared type (the one Shared/CalledMethods
    /// names, as HOT111 does): it runs whatever the runtime type, so its blocking is reported; a derived record's own copy
    /// constructor is not known at the with (like an override of a virtual method) and a with on the base type is quiet.
    /// </summary>
    [Fact]
    public Task A_with_under_the_lock_follows_the_declared_types_copy_constructor() => LockVerifier.VerifyAsync(Usings + """
        public record Note(string Text)
        {
            protected Note(Note original) { Thread.Sleep(1); Text = original.Text; }
        }
        public sealed record Tagged(string Text, int Tag) : Note(Text);
        public record Plain(int N);
        public record Slow(int N) : Plain(N)
        {
            protected Slow(Slow original) : base(original) { Thread.Sleep(1); }
        }
        public sealed class C
        {
            private readonly object _gate = new();
            public int A(Note note, Plain plain, Slow slow)
            {
                lock (_gate)
                {
                    var a = {|HOT207:note with { Text = "b" }|};
                    var b = plain with { N = 2 };
                    var d = {|HOT207:slow with { N = 3 }|};
                    return a.Text.Length + b.N + d.N;
                }
            }
            public int Run() => A(new Tagged("a", 1), new Slow(1), new Slow(2));
        }
        """, "HOT207");

    /// <summary>
    /// A ref assignment of a readonly delegate field to an <c>in</c> or <c>ref readonly</c> parameter of the constructor
    /// only reads it (LockOperations.IsWritten): its one target stays known and, not blocking, is quiet. Ref-assigned
    /// to a <c>ref</c> parameter it could be replaced through the parameter: its invocation is unknown code.
    /// </summary>
    [Fact]
    public Task A_delegate_field_ref_assigned_to_an_in_or_ref_readonly_parameter_keeps_its_known_target() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Action _viewed;
            private readonly Action _read;
            private readonly Action _borrowed;
            private static int s_n;
            public C(in Action viewer, ref readonly Action reader, ref Action borrower)
            {
                _viewed = Bump;
                viewer = ref _viewed;
                _read = Bump;
                reader = ref _read;
                _borrowed = Bump;
                borrower = ref _borrowed;
            }
            public void A() { lock (_gate) { _viewed(); _read(); {|HOT207:_borrowed()|}; } }
            private static void Bump() => s_n++;
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_of_a_method_group_invoked_under_the_lock_names_the_delegate_and_what_blocks()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _gate = new();
                private readonly Action _flush;
                public C() { _flush = Flush; }
                public void A() { Action pause = Backoff; lock (_gate) { pause(); } }
                public void B() { lock (_gate) { _flush(); } }
                private void Flush() => File.WriteAllText("x", "y");
                private static void Backoff() => Thread.Sleep(1);
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "Invoking 'pause' (Thread.Sleep in 'C.Backoff' line 10) while holding a lock: every thread waiting for the lock waits too",
                "Invoking '_flush' (Synchronous file I/O 'File.WriteAllText' in 'C.Flush' line 9) while holding a lock: every thread waiting for the lock waits too",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Methods are named in the message as HOT111 names them: a C# 14 extension member by its receiver type (the block
    /// has no name; it was named '.Save'). Compiled with LanguageVersion.Preview, as HOT111's test of the same.
    /// </summary>
    [Fact]
    public async Task The_message_names_an_extension_member_by_its_receiver_type_as_HOT111_does()
    {
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Usings + """
            public class Journal { public string Path = ""; }
            public static class JournalExtensions
            {
                extension(Journal journal)
                {
                    public void Save() => File.WriteAllText(journal.Path, "x");
                }
            }
            public sealed class C
            {
                private readonly object _gate = new();
                public void A(Journal journal) { lock (_gate) { journal.Save(); } }
            }
            """, new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview), Hotpath.Testing.TestCompilation.SourcePath(0));
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("TestAssembly", new[] { tree }, Hotpath.Testing.ReferenceAssemblies.WithHotpath, Hotpath.Testing.TestCompilation.Options());
        Hotpath.Testing.TestCompilation.AssertNoErrors(compilation);

        var messages = (await Hotpath.Testing.AnalyzerVerifier.RunAnalyzersAsync(compilation, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() }))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(
            new[]
            {
                "Calling 'Journal.Save' (Synchronous file I/O 'File.WriteAllText' in 'Journal.Save' line 7) while holding a lock: every thread waiting for the lock waits too",
            },
            messages);
    }

    [Fact]
    public Task Await_between_manual_enter_and_exit() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            public async Task A() { Monitor.Enter(_gate); try { {|HOT207:await Task.Delay(1)|}; } finally { Monitor.Exit(_gate); } }
            public async Task B() { var taken = false; try { Monitor.Enter(_gate, ref taken); {|HOT207:await Task.Yield()|}; } finally { if (taken) Monitor.Exit(_gate); } }
            public async Task D(SpinLock spin) { var taken = false; spin.Enter(ref taken); {|HOT207:await Task.Yield()|}; spin.Exit(); }
            public async Task E(Lock gate) { gate.Enter(); try { {|HOT207:await Task.Yield()|}; } finally { gate.Exit(); } }
        }
        """, "HOT207");

    [Fact]
    public Task Every_kind_of_held_lock_counts() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private readonly ReaderWriterLockSlim _rw = new();
            public void A() { using (_lock.EnterScope()) { {|HOT207:Thread.Sleep(1)|}; } }
            public void B() { using var scope = _lock.EnterScope(); {|HOT207:Thread.Sleep(1)|}; }
            public void D() { _lock.Enter(); try { {|HOT207:Thread.Sleep(1)|}; } finally { _lock.Exit(); } }
            public void E() { _rw.EnterWriteLock(); try { {|HOT207:Thread.Sleep(1)|}; } finally { _rw.ExitWriteLock(); } }
            public void F() { if (Monitor.TryEnter(_gate)) { try { {|HOT207:Thread.Sleep(1)|}; } finally { Monitor.Exit(_gate); } } }
            public void G() { lock (_gate) { lock (_lock) { {|HOT207:Thread.Sleep(1)|}; } } }
        }
        """, "HOT207");

    /// <summary>
    /// A SemaphoreSlim taken as an async lock (Wait or WaitAsync, then a try whose finally releases it, or the wait
    /// inside that try; a try-acquire only where it returned true) holds a lock like any other.
    /// </summary>
    [Fact]
    public Task Blocking_while_holding_a_semaphore_taken_as_an_async_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _sem = new(1, 1);
            private readonly SemaphoreSlim _other = new(1, 1);
            public async Task A() { await _sem.WaitAsync(); try { {|HOT207:Thread.Sleep(5)|}; } finally { _sem.Release(); } }
            public void B(string path) { _sem.Wait(); try { {|HOT207:File.WriteAllText(path, "x")|}; } finally { _sem.Release(); } }
            public async Task D() { await _sem.WaitAsync().ConfigureAwait(false); try { {|HOT207:Flush()|}; } finally { _sem.Release(); } }
            public void E() { try { _sem.Wait(); {|HOT207:Thread.Sleep(5)|}; } finally { _sem.Release(); } }
            public async Task F(CancellationToken ct) { await _sem.WaitAsync(ct); try { {|HOT207:_other.Wait()|}; } finally { _sem.Release(); } }
            public async Task<bool> G() { if (!await _sem.WaitAsync(0)) return false; try { {|HOT207:Thread.Sleep(5)|}; return true; } finally { _sem.Release(); } }
            public void H() { if (_sem.Wait(0)) { try { {|HOT207:Thread.Sleep(5)|}; } finally { _sem.Release(); } } }
            public int I(Task<int> t) { _sem.Wait(); try { return {|HOT207:t.Result|}; } finally { _sem.Release(); } }
            public void J() { for (var i = 0; i < 3; i++) { var got = _sem.Wait(10); if (!got) { Thread.Sleep(1); continue; } try { {|HOT207:Thread.Sleep(2)|}; } finally { _sem.Release(); } } }
            public async Task K() { bool got; got = await _sem.WaitAsync(10); if (got) { try { {|HOT207:Thread.Sleep(3)|}; } finally { _sem.Release(); } } else { Thread.Sleep(4); } }
            private void Flush() => File.WriteAllText("x", "y");
        }
        """, "HOT207");

    /// <summary>
    /// Around a semaphore region: code after the release, awaited I/O inside it, the branch where a try-acquire
    /// failed, a try-acquire whose result is kept in a variable, and a semaphore waited on as a signal are quiet.
    /// </summary>
    [Fact]
    public Task Semaphore_regions_stay_quiet_outside_the_held_part_and_on_awaited_io() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _sem = new(1, 1);
            private readonly SemaphoreSlim _signal = new(0);
            private int _n;
            public async Task A(Stream s) { await _sem.WaitAsync(); try { await s.WriteAsync(new byte[1]); await File.WriteAllTextAsync("x", "y"); } finally { _sem.Release(); } Thread.Sleep(5); }
            public async Task B() { await _sem.WaitAsync(); try { await Task.Delay(1); _n++; } finally { _sem.Release(); } }
            public void D() { if (!_sem.Wait(0)) { Thread.Sleep(5); return; } try { _n++; } finally { _sem.Release(); } }
            public void E() { var got = _sem.Wait(0); try { _n++; } finally { if (got) _sem.Release(); } Thread.Sleep(5); }
            public void F() { _signal.Wait(); Thread.Sleep(5); }
            public void G() { if (_sem.Wait(0)) { try { _n++; } finally { _sem.Release(); } } else { Thread.Sleep(5); } }
            public void H() { var got = _sem.Wait(10); if (!got) { Thread.Sleep(1); return; } try { _n++; } finally { _sem.Release(); } Thread.Sleep(2); }
        }
        """, "HOT207");

    [Fact]
    public Task Code_outside_the_lock_or_deferred_in_a_lambda_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n;
            public void A() { lock (_gate) { Monitor.Wait(_gate); } }
            public void B() { lock (_gate) { var m = new MemoryStream(); m.Write(new byte[1], 0, 1); m.Flush(); } }
            public Action D() { lock (_gate) { return () => Thread.Sleep(1); } }
            public void E() { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public int F(Task<int> t) { lock (_gate) { _n++; } return t.Result; }
            public async Task G(Stream s) { lock (_gate) { _n++; } await s.WriteAsync(new byte[1]); }
            public async Task H() { await _semaphore.WaitAsync(); try { await Task.Delay(1); } finally { _semaphore.Release(); } }
            public void I(StringWriter w) { lock (_gate) { w.Write("in memory"); } }
        }
        """, "HOT207");

    [Fact]
    public Task A_lock_in_an_async_method_without_await_or_blocking_inside_is_not_reported() => LockVerifier.VerifyAllRulesAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private int _a, _b;
            public async Task<int> A(Task<int> work)
            {
                var value = await work;
                lock (_gate) { _a += value; _b = _a; }
                await Task.Yield();
                lock (_lock) { _b += _a; _a = 0; }
                return value;
            }
        }
        """);

    /// <summary>
    /// A using's Dispose runs where its scope ends: one declared between a Monitor.Enter and the Exit of the same block,
    /// or whose body exits, is disposed after the Exit, so its blocking Dispose is not under the lock (it was reported at
    /// the resource as if it ran there).
    /// </summary>
    [Fact]
    public Task A_using_disposed_after_the_exit_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Journal : IDisposable { public void Dispose() => File.WriteAllText("x", "y"); }
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(Journal j) { Monitor.Enter(_gate); using var k = j; _n++; Monitor.Exit(_gate); }
            public void B(Journal j) { Monitor.Enter(_gate); using (j) { _n++; Monitor.Exit(_gate); } }
            public void D(Journal j) { Monitor.Enter(_gate); try { using {|HOT207:var k = j|}; _n++; } finally { Monitor.Exit(_gate); } }
            public void E(Journal j) { Monitor.Enter(_gate); using ({|HOT207:j|}) { _n++; } Monitor.Exit(_gate); }
        }
        """, "HOT207");

    /// <summary>
    /// CancellationTokenRegistration.Dispose waits for its callback when that callback is running on another thread:
    /// under a lock, a callback that takes the same lock (OnCancel here) never finishes, and neither does the Dispose.
    /// A using's Dispose runs where its scope ends: inside the lock for a using in its body or a try its finally
    /// releases, after the release for a using declared before the lock or before an Exit of its own block.
    /// Unregister does not wait, and DisposeAsync is awaited after the lock.
    /// </summary>
    [Fact]
    public Task Disposing_a_cancellation_registration_under_a_lock_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private CancellationTokenRegistration _registration;
            private int _n;
            public void A() { lock (_gate) { {|HOT207:_registration.Dispose()|}; } }
            public void B() { lock (_gate) { {|HOT207:((IDisposable)_registration).Dispose()|}; } }
            public void D(CancellationToken ct) { lock (_gate) { using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; } }
            public void E(CancellationToken ct) { lock (_gate) { using ({|HOT207:ct.Register(OnCancel)|}) { _n++; } } }
            public void F(CancellationToken ct) { Monitor.Enter(_gate); try { using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; } finally { Monitor.Exit(_gate); } }
            public void G() { lock (_gate) { {|HOT207:Stop()|}; } }
            public void Quiet1() { lock (_gate) { _registration.Unregister(); } }
            public void Quiet2(CancellationToken ct) { using var r = ct.Register(OnCancel); lock (_gate) { _n++; } }
            public void Quiet3(CancellationToken ct) { using (ct.Register(OnCancel)) { lock (_gate) { _n++; } } }
            public void Quiet4(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); _n++; Monitor.Exit(_gate); }
            public async Task Quiet5(CancellationToken ct) { var r = ct.Register(OnCancel); lock (_gate) { _n++; } await r.DisposeAsync(); }
            public void Quiet6() { _registration.Dispose(); lock (_gate) { _n++; } }
            private void Stop() => _registration.Dispose();
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A using declaration's Dispose runs at the end of its block, so a lock taken after it in that block and not released
    /// before the end is held there too. A lock statement, or a Monitor.Enter whose finally exits, after the using releases
    /// on its own; a scope declared after the registration is disposed before it (reverse declaration order), one declared
    /// before it after it. A try-acquire of a lock already held, exited in its own finally, leaves the first hold.
    /// </summary>
    [Fact]
    public Task A_lock_taken_after_a_registration_using_and_held_at_the_end_of_its_block_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A(CancellationToken ct) { using {|HOT207:var r = ct.Register(OnCancel)|}; Monitor.Enter(_gate); _n++; }
            public void B(CancellationToken ct) { using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; if (!Monitor.TryEnter(_gate)) return; _n++; }
            public void D(CancellationToken ct) { using {|HOT207:var r = ct.Register(OnCancel)|}; _rw.EnterWriteLock(); _n++; }
            public void E(CancellationToken ct) { using ({|HOT207:ct.Register(OnCancel)|}) { _lock.Enter(); _n++; } }
            public void F(CancellationToken ct) { using var scope = _lock.EnterScope(); using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; }
            public void G(CancellationToken ct) { lock (_gate) { using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; } }
            public void H(CancellationToken ct) { using {|HOT207:var r = ct.Register(OnCancel)|}; Monitor.Enter(_gate); Monitor.Exit(_gate); Monitor.Enter(_gate); _n++; }
            public void I(CancellationToken ct) { Monitor.Enter(_gate); using {|HOT207:var r = ct.Register(OnCancel)|}; if (Monitor.TryEnter(_gate)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void Quiet1(CancellationToken ct) { using var r = ct.Register(OnCancel); lock (_gate) { _n++; } _n++; }
            public void Quiet2(CancellationToken ct) { using var r = ct.Register(OnCancel); Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void Quiet3(CancellationToken ct) { using var r = ct.Register(OnCancel); using var scope = _lock.EnterScope(); _n++; }
            public void Quiet4(CancellationToken ct) { using var r = ct.Register(OnCancel); Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); }
            public void Quiet5(CancellationToken ct) { using var r = ct.Register(OnCancel); using (_lock.EnterScope()) { _n++; } }
            public void Quiet6(CancellationToken ct) { using var r = ct.Register(OnCancel); if (Monitor.TryEnter(_gate)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void Quiet7(CancellationToken ct) { using var r = ct.Register(OnCancel); _rw.EnterReadLock(); { _n++; _rw.ExitReadLock(); } }
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A release after a registration's using declaration frees the lock where the registration is disposed only when it
    /// runs on every path to the end of the block: a statement of the block, of a nested block, of a try's finally, or
    /// of both branches of an if/else. One under an if alone, a switch or a loop may not run, and the lock is then still
    /// held at the end.
    /// </summary>
    [Fact]
    public Task A_release_after_a_registration_using_counts_only_when_it_runs_on_every_path() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A(CancellationToken ct, bool x) { Monitor.Enter(_gate); using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; if (x) Monitor.Exit(_gate); }
            public void B(CancellationToken ct, bool x) { using {|HOT207:var r = ct.Register(OnCancel)|}; Monitor.Enter(_gate); if (x) { Monitor.Exit(_gate); } }
            public void D(CancellationToken ct, int k) { using {|HOT207:var r = ct.Register(OnCancel)|}; Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; } }
            public void E(CancellationToken ct, int k) { using {|HOT207:var r = ct.Register(OnCancel)|}; Monitor.Enter(_gate); while (k-- > 0) { Monitor.Exit(_gate); Monitor.Enter(_gate); } }
            public void F(CancellationToken ct) { _rw.EnterWriteLock(); using {|HOT207:var r = ct.Register(OnCancel)|}; try { _n++; _rw.ExitWriteLock(); } catch (InvalidOperationException) { } }
            public void G(CancellationToken ct, bool x) { using ({|HOT207:ct.Register(OnCancel)|}) { Monitor.Enter(_gate); if (x) Monitor.Exit(_gate); } }
            public void Quiet1(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); _n++; Monitor.Exit(_gate); }
            public void Quiet2(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); { _n++; Monitor.Exit(_gate); } }
            public void Quiet3(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void Quiet4(CancellationToken ct, bool x) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); if (x) { Monitor.Exit(_gate); return; } Monitor.Exit(_gate); }
            public void Quiet5(CancellationToken ct) { using (ct.Register(OnCancel)) { Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); } }
            public void Quiet6(CancellationToken ct, bool x) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); if (x) { _n++; Monitor.Exit(_gate); } else Monitor.Exit(_gate); }
            public void Quiet7(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); using (var s = new System.IO.MemoryStream()) { _n++; Monitor.Exit(_gate); } }
            public void Quiet8(CancellationToken ct) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); lock (_other) { _n++; Monitor.Exit(_gate); } }
            public void Quiet9(CancellationToken ct) { using var r = ct.Register(OnCancel); var got = Monitor.TryEnter(_gate); if (got) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void Quiet10(CancellationToken ct) { using var r = ct.Register(OnCancel); var got = Monitor.TryEnter(_gate); try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void Quiet11(CancellationToken ct) { using var r = ct.Register(OnCancel); if (!Monitor.TryEnter(_gate)) { return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A release frees the lock for the statements after it only when it runs on every path to them: one under an if
    /// without an else that releases too, a switch, a loop or a catch, or in a try's body, may not run, and a lock then
    /// held on some path is held (they were all taken for a release).
    /// </summary>
    [Fact]
    public Task A_release_that_may_not_run_leaves_the_lock_held_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly Lock _lock = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void B(bool c) { Monitor.Enter(_gate); if (c) { Monitor.Exit(_gate); return; } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void D(int k) { Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void E(int k) { _lock.Enter(); while (k-- > 0) { _lock.Exit(); } {|HOT207:Thread.Sleep(1)|}; }
            public void F() { _rw.EnterWriteLock(); try { _n++; _rw.ExitWriteLock(); } catch (InvalidOperationException) { } {|HOT207:Thread.Sleep(1)|}; }
            public void G() { Monitor.Enter(_gate); try { _n++; } catch (InvalidOperationException) { Monitor.Exit(_gate); throw; } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void H(bool c) { Monitor.Enter(_gate); Monitor.Enter(_other); if (c) { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_other); }
            public void I() { Monitor.Enter(_gate); try { _n++; try { _n++; } finally { Monitor.Exit(_gate); } } catch (InvalidOperationException) { } {|HOT207:Thread.Sleep(1)|}; }
            public void J() { Monitor.Enter(_gate); try { _n++; Monitor.Exit(_gate); } catch (InvalidOperationException) { Monitor.Exit(_gate); } catch (ArgumentException) { } {|HOT207:Thread.Sleep(1)|}; }
            public void K() { var done = _n > 0; Monitor.Enter(_gate); if (done) Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void L() { var got = Monitor.TryEnter(_other); Monitor.Enter(_gate); if (got) { Monitor.Exit(_gate); Monitor.Exit(_other); } {|HOT207:Thread.Sleep(1)|}; }
            public void M() { Monitor.Enter(_gate); Monitor.Enter(_other); if (Monitor.IsEntered(_other)) Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_other); }
        }
        """, "HOT207");

    /// <summary>
    /// A lock a loop's body takes and still holds at a <c>continue</c> or at its end is held in the loop's next round (what
    /// runs there before the body takes it again, the for's increment, the while's condition) and after the loop, which
    /// that round's condition can end; one held at a <c>break</c> is held after the loop.
    /// </summary>
    [Fact]
    public Task A_lock_a_loop_keeps_at_a_continue_a_break_or_its_end_is_held_in_its_next_round_and_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private int _n;
            public void A(int[] items) { foreach (var item in items) { {|HOT207:Thread.Sleep(1)|}; Monitor.Enter(_gate); if (item < 0) continue; _n += item; Monitor.Exit(_gate); } }
            public void B() { for (var i = 0; i < 10; i += {|HOT207:Pause()|}) { Monitor.Enter(_gate); if (_n > i) continue; Monitor.Exit(_gate); } }
            public void D() { while ({|HOT207:Ready()|}) { Monitor.Enter(_gate); if (_n > 0) { continue; } Monitor.Exit(_gate); } }
            public void E() { while (true) { Monitor.Enter(_gate); if (_n > 0) break; Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void F(int k) { while (k-- > 0) { Monitor.Enter(_gate); if (_n > k) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; }
            public void G() { do { _lock.Enter(); if (_n > 0) break; _lock.Exit(); } while (_n < 10); {|HOT207:Thread.Sleep(1)|}; }
            public void H(bool c) { if (c) { for (var i = 0; i < 3; i++) { Monitor.Enter(_gate); if (i == _n) break; Monitor.Exit(_gate); } } {|HOT207:Thread.Sleep(1)|}; }
            public void I(int[][] rows) { foreach (var row in rows) { Monitor.Enter(_gate); foreach (var cell in row) { if (cell < 0) break; } if (row.Length == 0) continue; Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; }
            public void J() { Monitor.Enter(_gate); var taken = false; try { Monitor.Enter(_gate, ref taken); _n++; } finally { if (taken) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void K() { Monitor.Enter(_gate); try { while (_n < 10) { Monitor.Enter(_gate); _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; }
            public void L() { while (_n < 10) { Monitor.Enter(_gate); _n++; if (_n > 5) continue; Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; } }
            public void M(bool c) { Monitor.Enter(_gate); try { Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); _n++; } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void N(bool c) { Monitor.Enter(_gate); try { Monitor.Enter(_gate); Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); else Monitor.Exit(_gate); } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void O() { Monitor.Enter(_gate); try { Monitor.Enter(_gate); while (_n < 3) { Monitor.Exit(_gate); _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void Q(bool c) { Monitor.Enter(_gate); try { try { Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); } finally { _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void R(bool c) { Monitor.Enter(_gate); try { while (_n < 3) { Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void P(ReaderWriterLockSlim rw) { rw.EnterUpgradeableReadLock(); try { rw.EnterUpgradeableReadLock(); rw.EnterWriteLock(); rw.ExitWriteLock(); } finally { rw.ExitUpgradeableReadLock(); } {|HOT207:Thread.Sleep(1)|}; rw.ExitUpgradeableReadLock(); }
            private static int Pause() { Thread.Sleep(1); return 1; }
            private static bool Ready() { Thread.Sleep(1); return true; }
        }
        """, "HOT207");

    /// <summary>
    /// Loops whose rounds each release what they take stay quiet around the lock: a continue or break after the Exit, or
    /// inside a try whose finally exits (the lockTaken pattern's too), a continue or break of a loop or switch inside the
    /// body (it is not this loop's), a lock statement's or scope's own lock, a loop that spins on a try-acquire (held
    /// after it, not in it), and a loop that gives back a lock held before it and takes it again (held once after it, and
    /// released by the finally of a try around the loop).
    /// </summary>
    [Fact]
    public Task Loops_whose_rounds_release_what_they_take_stay_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private int _n;
            public void A(int[] items) { foreach (var item in items) { Thread.Sleep(1); Monitor.Enter(_gate); if (item < 0) { Monitor.Exit(_gate); continue; } _n += item; Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void B(int[] items) { foreach (var item in items) { Thread.Sleep(1); Monitor.Enter(_gate); try { if (item < 0) continue; if (item > 9) break; _n += item; } finally { Monitor.Exit(_gate); } } Thread.Sleep(1); }
            public void D(int[] items) { foreach (var item in items) { Thread.Sleep(1); var taken = false; try { Monitor.Enter(_gate, ref taken); if (item < 0) continue; _n += item; } finally { if (taken) Monitor.Exit(_gate); } } Thread.Sleep(1); }
            public void E(int[][] rows) { foreach (var row in rows) { Thread.Sleep(1); Monitor.Enter(_gate); foreach (var cell in row) { if (cell < 0) break; if (cell == 0) continue; _n += cell; } switch (row.Length) { case 0: break; } Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void F(int[] items) { foreach (var item in items) { Thread.Sleep(1); lock (_gate) { if (item < 0) continue; _n += item; } using (_lock.EnterScope()) { if (item > 9) break; } } Thread.Sleep(1); }
            public void G() { while (!Monitor.TryEnter(_gate)) { Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void H(int[] items) { for (var i = 0; i < items.Length; i++) { Thread.Sleep(1); if (!Monitor.TryEnter(_gate)) continue; _n += items[i]; Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void I() { Monitor.Enter(_gate); while (true) { if (_n > 10) break; Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } Monitor.Exit(_gate); Thread.Sleep(1); }
            public void J() { Monitor.Enter(_gate); try { while (_n < 10) { Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void K() { try { while (true) { Monitor.Enter(_gate); if (_n > 0) break; Monitor.Exit(_gate); Thread.Sleep(1); } _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void L() { Monitor.Enter(_gate); try { Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void M() { Monitor.Enter(_gate); try { for (var i = 0; i < 3; i++) { Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
        }
        """, "HOT207");

    /// <summary>
    /// A try's body is run in order for its finally: an if whose branches each end holding the lock as often as before it
    /// (one gives it back, sleeps and takes it again), and a nested try that takes it again and gives it back in its own
    /// finally, leave the lock taken before the try released by that finally. A body that may end holding it once more
    /// (an if that takes it in one branch only, a nested try whose body may not give it back, a release under an if
    /// before the statement that takes it again, a nested try with a catch) keeps it held after the try. A switch runs each
    /// section up to its break: the sections must end holding it equally often, and as often as before the switch when no
    /// default may skip them all; a section that leaves another way is not followed.
    /// </summary>
    [Fact]
    public Task A_try_body_that_ends_holding_the_lock_as_often_as_it_began_is_released_by_its_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private int _n;
            public void A(bool busy) { Monitor.Enter(_gate); try { if (busy) { Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void B(bool busy) { Monitor.Enter(_gate); try { if (busy) { Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } else { {|HOT207:Thread.Sleep(3)|}; } } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void D() { Monitor.Enter(_gate); try { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void E(bool busy) { Monitor.Enter(_gate); try { Monitor.Enter(_other); try { _n++; } finally { Monitor.Exit(_other); } if (busy) { Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void F(bool busy) { Monitor.Enter(_gate); try { if (busy) { Monitor.Enter(_gate); } else { Monitor.Exit(_gate); Monitor.Enter(_gate); } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
            public void G(bool done) { Monitor.Enter(_gate); try { try { Monitor.Enter(_gate); if (done) Monitor.Exit(_gate); } finally { _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
            public void H(bool busy) { Monitor.Enter(_gate); try { if (busy) { Monitor.Exit(_gate); Thread.Sleep(1); } Monitor.Enter(_gate); } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
            public void I() { Monitor.Enter(_gate); try { try { Monitor.Enter(_gate); _n++; Monitor.Exit(_gate); } catch (InvalidOperationException) { _n--; } finally { _n++; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
            public void SwitchWithDefault(int k) { Monitor.Enter(_gate); try { switch (k) { case 1: Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); break; default: _n++; break; } } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void SwitchWithoutDefault(int k) { Monitor.Enter(_gate); try { switch (k) { case 1: Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); break; case 2: {|HOT207:Thread.Sleep(3)|}; break; } } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void SwitchTakesOnceMore(int k) { Monitor.Enter(_gate); try { switch (k) { case 1: Monitor.Exit(_gate); Monitor.Enter(_gate); break; case 2: Monitor.Enter(_gate); break; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
            public void SwitchSectionReturns(int k) { Monitor.Enter(_gate); try { switch (k) { case 1: Monitor.Enter(_gate); if (k > 0) return; break; } } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(2)|}; }
        }
        """, "HOT207");

    /// <summary>
    /// "Try, then block" (<c>if (!Monitor.TryEnter(g)) { contended++; Monitor.Enter(g); }</c>) holds the lock once after
    /// the if, so the finally of the try after it frees it; the branch runs without it until its Enter. Taking another
    /// lock in the branch keeps that one held. With the try-acquire kept in a flag, only the idiom's own if runs without
    /// the lock where the flag is false: after it the lock is held whatever the flag says, unless the branch sets the flag
    /// again after its Enter (got = true), and a finally may test it.
    /// </summary>
    [Fact]
    public Task Try_then_block_holds_the_lock_once() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n, _contended;
            public void A() { if (!Monitor.TryEnter(_gate)) { _contended++; Thread.Sleep(1); Monitor.Enter(_gate); } try { {|HOT207:Thread.Sleep(2)|}; } finally { Monitor.Exit(_gate); } Thread.Sleep(3); }
            public void B() { Monitor.Enter(_other); try { if (!Monitor.TryEnter(_gate, 10)) Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } } finally { Monitor.Exit(_other); } Thread.Sleep(4); }
            public void D() { if (!_semaphore.Wait(0)) { _contended++; _semaphore.Wait(); } try { _n++; } finally { _semaphore.Release(); } Thread.Sleep(5); }
            public void E() { if (!Monitor.TryEnter(_gate)) { _contended++; Monitor.Enter(_other); } try { _n++; } finally { Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(6)|}; }
            public void F() { var got = Monitor.TryEnter(_gate); if (!got) { _contended++; Thread.Sleep(7); Monitor.Enter(_gate); } try { {|HOT207:Thread.Sleep(8)|}; } finally { Monitor.Exit(_gate); } Thread.Sleep(9); }
            public void G() { var got = Monitor.TryEnter(_gate); if (!got) Monitor.Enter(_gate); else { {|HOT207:Thread.Sleep(10)|}; } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(11); }
            public void H() { var got = Monitor.TryEnter(_gate); if (!got) { _contended++; Monitor.Enter(_gate); } try { if (!got) {|HOT207:Thread.Sleep(12)|}; if (got) {|HOT207:Thread.Sleep(13)|}; } finally { Monitor.Exit(_gate); } if (!got) Thread.Sleep(14); }
            public void FlagGuardedExit() { var got = Monitor.TryEnter(_gate); if (!got) Monitor.Enter(_gate); try { _n++; } finally { if (got) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(12)|}; }
            public void FlagSetAgain() { var got = Monitor.TryEnter(_gate); if (!got) { Thread.Sleep(15); Monitor.Enter(_gate); got = true; } try { {|HOT207:Thread.Sleep(16)|}; } finally { if (got) Monitor.Exit(_gate); } Thread.Sleep(17); }
            public void FlagSetFalse() { var got = Monitor.TryEnter(_gate); if (!got) { Monitor.Enter(_gate); got = false; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(18)|}; }
        }
        """, "HOT207");

    /// <summary>
    /// The else of an if that tests a try-acquire for failure (<c>if (!Monitor.TryEnter(g)) … else { … }</c>) runs when the
    /// try-acquire took the lock: blocking there, or taking another lock there, is under it (HOT208 sees the order).
    /// </summary>
    [Fact]
    public Task The_else_of_a_failed_try_acquire_test_holds_the_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private int _n;
            public void A() { if (!Monitor.TryEnter(_gate)) Monitor.Enter(_gate); else { {|HOT207:Thread.Sleep(1)|}; } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void B() { if (!Monitor.TryEnter(_gate, 10)) { Thread.Sleep(3); return; } else { {|HOT207:Thread.Sleep(4)|}; } Monitor.Exit(_gate); }
            public void D() { if (!Monitor.TryEnter(_gate)) Monitor.Enter(_gate); else { {|HOT208:lock (_other)|} { } } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void E() { lock (_other) { {|HOT208:lock (_gate)|} { } } }
        }
        """, "HOT207", "HOT208");

    /// <summary>
    /// A branch runs holding a try-acquired lock when the condition can come out its way with the lock taken: the else
    /// of <c>!ok || !Monitor.TryEnter(g, 10)</c> or <c>!(ok &amp;&amp; Monitor.TryEnter(g, 10))</c>, both branches of
    /// <c>Monitor.TryEnter(g, 10) &amp;&amp; ok</c> (a false ok leaves it taken), not the else of
    /// <c>ok &amp;&amp; Monitor.TryEnter(g, 10)</c> or of <c>Monitor.TryEnter(g, 10) || ok</c>. A flag kept from the
    /// try-acquire decides its branches too: after <c>if (got) { try … finally { Monitor.Exit(g); } } else { … }</c> the lock
    /// is free, since the else runs only when it was not taken; <c>if (!a &amp;&amp; !b)</c> runs without either lock,
    /// <c>!(got || x)</c> without g, and both branches of <c>got &amp;&amp; x</c> may hold it. The rounds of
    /// <c>while (Monitor.TryEnter(g, 10))</c> hold it; those of <c>while (!Monitor.TryEnter(g, 10))</c> do not, and the
    /// lock is held after that loop.
    /// </summary>
    [Fact]
    public Task A_branch_holds_a_try_acquired_lock_when_the_condition_can_take_that_way_with_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            public void OrBefore(bool ok) { if (!ok || !Monitor.TryEnter(_gate, 10)) { Thread.Sleep(1); } else { try { {|HOT207:Thread.Sleep(2)|}; } finally { Monitor.Exit(_gate); } } Thread.Sleep(3); }
            public void NotAndBefore(bool ok) { if (!(ok && Monitor.TryEnter(_gate, 10))) { Thread.Sleep(4); } else { try { {|HOT207:Thread.Sleep(5)|}; } finally { Monitor.Exit(_gate); } } Thread.Sleep(6); }
            public void AndBefore(bool ok) { if (ok && Monitor.TryEnter(_gate, 10)) { try { {|HOT207:Thread.Sleep(7)|}; } finally { Monitor.Exit(_gate); } } else { Thread.Sleep(8); } }
            public void AndAfter(bool ok) { if (Monitor.TryEnter(_gate, 10) && ok) { {|HOT207:Thread.Sleep(9)|}; Monitor.Exit(_gate); } else { {|HOT207:Thread.Sleep(10)|}; } }
            public void OrAfter(bool ok) { if (Monitor.TryEnter(_gate, 10) || ok) { {|HOT207:Thread.Sleep(11)|}; } else { Thread.Sleep(12); } }
            public void GuardOrBefore(bool ok) { if (!ok || !Monitor.TryEnter(_gate, 10)) { Thread.Sleep(13); return; } try { {|HOT207:Thread.Sleep(14)|}; } finally { Monitor.Exit(_gate); } Thread.Sleep(15); }
            public void FlagWithElse() { var got = Monitor.TryEnter(_gate, 10); if (got) { try { {|HOT207:Thread.Sleep(16)|}; } finally { Monitor.Exit(_gate); } } else { Thread.Sleep(17); } Thread.Sleep(18); }
            public void NegatedFlagWithElse() { var got = Monitor.TryEnter(_gate, 10); if (!got) { Thread.Sleep(19); } else { try { {|HOT207:Thread.Sleep(20)|}; } finally { Monitor.Exit(_gate); } } Thread.Sleep(21); }
            public void TwoFlagsBothFalse() { var a = Monitor.TryEnter(_gate, 10); var b = Monitor.TryEnter(_other, 10); try { if (!a && !b) { Thread.Sleep(25); } else { {|HOT207:Thread.Sleep(26)|}; } } finally { if (a) Monitor.Exit(_gate); if (b) Monitor.Exit(_other); } }
            public void NegatedOr(bool x) { var got = Monitor.TryEnter(_gate, 10); try { if (!(got || x)) { Thread.Sleep(27); } else { {|HOT207:Thread.Sleep(28)|}; } } finally { if (got) Monitor.Exit(_gate); } }
            public void FlagAndMore(bool x) { var got = Monitor.TryEnter(_gate, 10); try { if (got && x) { {|HOT207:Thread.Sleep(29)|}; } else { {|HOT207:Thread.Sleep(30)|}; } } finally { if (got) Monitor.Exit(_gate); } }
            public void EachRoundWhileTaken() { while (Monitor.TryEnter(_gate, 10)) { try { {|HOT207:Thread.Sleep(31)|}; } finally { Monitor.Exit(_gate); } Thread.Sleep(32); } Thread.Sleep(33); }
            public void SpinUntilTaken() { while (!Monitor.TryEnter(_gate, 10)) { Thread.Sleep(34); } try { {|HOT207:Thread.Sleep(35)|}; } finally { Monitor.Exit(_gate); } Thread.Sleep(36); }
            public void ReleasedWhereNotTaken() { var got = Monitor.TryEnter(_gate, 10); if (got) { {|HOT207:Thread.Sleep(22)|}; } else { try { Thread.Sleep(23); } finally { Monitor.Exit(_gate); } } {|HOT207:Thread.Sleep(24)|}; }
        }
        """, "HOT207");

    /// <summary>
    /// A round that leaves before its body's end (a body ending in a break, continue, return or throw, or a block that takes
    /// the lock and then breaks) carries nothing round from there: the lock is held where it leaves (after the loop, for a
    /// break), not at the top of the next round. A body that can reach its end holding the lock still carries it.
    /// </summary>
    [Fact]
    public Task A_round_that_leaves_before_its_body_ends_carries_nothing_round() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private volatile bool _ready;
            private int _n;
            public void A() { while (true) { Thread.Sleep(1); if (!Monitor.TryEnter(_gate)) continue; break; } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void B() { while (true) { Thread.Sleep(1); Monitor.Enter(_gate); if (!_ready) { Monitor.Exit(_gate); continue; } break; } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void D(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); Monitor.Enter(_gate); if (x >= 0) { Monitor.Exit(_gate); continue; } throw new InvalidOperationException(); } }
            public int E(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); Monitor.Enter(_gate); if (x < 0) { Monitor.Exit(_gate); continue; } return x; } return 0; }
            public void F(int[] xs) { var found = false; foreach (var x in xs) { Thread.Sleep(1); if (x == 3) { Monitor.Enter(_gate); found = true; break; } } if (!found) return; try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void G(int x) { if (x == 3) { Monitor.Enter(_gate); return; } Thread.Sleep(1); }
            public void H(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); if (x == 3) { Monitor.Enter(_gate); break; } } {|HOT207:Thread.Sleep(2)|}; Monitor.Exit(_gate); }
            public void I(int[] xs) { foreach (var x in xs) { {|HOT207:Thread.Sleep(1)|}; Monitor.Enter(_gate); if (x < 0) { Monitor.Exit(_gate); } continue; } }
            public void J(int[] xs) { foreach (var x in xs) { {|HOT207:Thread.Sleep(1)|}; try { Monitor.Enter(_gate); throw new InvalidOperationException(); } catch (InvalidOperationException) { } } }
        }
        """, "HOT207");

    /// <summary>
    /// Retry loops around a try-acquire wait without the lock: <c>if (Monitor.TryEnter(g, 10)) break;</c> holds it at the
    /// break only, and a branch where the flag a try-acquire stored says it failed (<c>if (!got)</c>, the else of
    /// <c>if (got)</c>) runs without it. Where it was taken, it is held, and so it may be where the flag was written
    /// with anything else after the try-acquire (<c>got = false;</c>).
    /// </summary>
    [Fact]
    public Task Retry_loops_around_a_try_acquire_wait_without_the_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A() { while (true) { if (Monitor.TryEnter(_gate, 10)) break; Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void B() { for (var i = 0; i < 5; i++) { var got = Monitor.TryEnter(_gate, 100); if (!got) { Thread.Sleep(10); continue; } try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void D() { var got = Monitor.TryEnter(_gate, 100); if (got) { try { _n++; } finally { Monitor.Exit(_gate); } } else { Thread.Sleep(10); } }
            public void E() { for (var i = 0; i < 5; i++) { if (_rw.TryEnterWriteLock(10)) { break; } Thread.Sleep(1); } try { {|HOT207:Thread.Sleep(2)|}; } finally { _rw.ExitWriteLock(); } }
            public void F() { var got = Monitor.TryEnter(_gate, 100); if (got) { {|HOT207:Thread.Sleep(3)|}; Monitor.Exit(_gate); } else { Thread.Sleep(10); } }
            public void G() { var got = Monitor.TryEnter(_gate, 100); if (!got) { Thread.Sleep(10); return; } {|HOT207:Thread.Sleep(4)|}; Monitor.Exit(_gate); }
            public void H() { while (true) { if (Monitor.TryEnter(_gate, 10) && _n > 0) break; {|HOT207:Thread.Sleep(5)|}; } Monitor.Exit(_gate); }
            public void I() { var got = Monitor.TryEnter(_gate, 100); got = false; if (!got) { {|HOT207:Thread.Sleep(6)|}; } Monitor.Exit(_gate); }
            public void J() { var got = Monitor.TryEnter(_gate, 100); got = _n > 0; if (!got) { {|HOT207:Thread.Sleep(7)|}; } Monitor.Exit(_gate); }
            public void K() { var taken = false; for (var i = 0; i < 3; i++) { taken = false; try { Monitor.Enter(_gate, ref taken); if (!taken) { Thread.Sleep(8); } {|HOT207:Thread.Sleep(9)|}; } finally { if (taken) Monitor.Exit(_gate); } } }
            public void L() { bool got; do { got = Monitor.TryEnter(_gate, 10); if (!got) Thread.Sleep(1); } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(2); }
            public void N() { var got = Monitor.TryEnter(_gate, 100); if (!got && _n > 0) { Thread.Sleep(1); return; } if (got || _n > 1) { {|HOT207:Thread.Sleep(2)|}; } else { Thread.Sleep(3); } if (got && _n > 2) { {|HOT207:Thread.Sleep(4)|}; } else { {|HOT207:Thread.Sleep(5)|}; } if (!got || _n > 3) { {|HOT207:Thread.Sleep(6)|}; } if (got) Monitor.Exit(_gate); }
            public void M() { bool got; do { got = Monitor.TryEnter(_gate, 10); if (!got) Thread.Sleep(1); } while (!got); {|HOT207:Thread.Sleep(3)|}; Monitor.Exit(_gate); }
        }
        """, "HOT207");

    /// <summary>
    /// Taking every lock of a collection in one foreach and giving them all back in a foreach over the same collection (in
    /// a finally, or as a statement) releases them: what follows runs without them. A foreach over another collection, or
    /// one that may skip an element or break before its last round, does not, and inside its body the other elements
    /// are still held after it releases its own.
    /// </summary>
    [Fact]
    public Task Every_lock_of_a_collection_taken_in_a_foreach_is_released_by_a_foreach_over_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _shards = { new(), new() };
            private readonly object[] _others = { new(), new() };
            private int _n;
            public void A() { foreach (var shard in _shards) { Monitor.Enter(shard); } try { {|HOT207:Thread.Sleep(1)|}; _n++; } finally { foreach (var shard in _shards) { Monitor.Exit(shard); } } Thread.Sleep(2); }
            public void B() { foreach (var l in _shards) Monitor.Enter(l); _n++; foreach (var x in _shards) Monitor.Exit(x); Thread.Sleep(3); }
            public void D() { foreach (var l in _shards) Monitor.Enter(l); foreach (var x in _others) Monitor.Exit(x); {|HOT207:Thread.Sleep(4)|}; }
            public void E() { foreach (var l in _shards) Monitor.Enter(l); foreach (var x in _shards) { if (_n > 0) Monitor.Exit(x); } {|HOT207:Thread.Sleep(5)|}; }
            public void F() { foreach (var l in _shards) Monitor.Enter(l); foreach (var x in _shards) { Monitor.Exit(x); {|HOT207:Thread.Sleep(6)|}; } Thread.Sleep(7); }
            public void G() { foreach (var l in _shards) Monitor.Enter(l); foreach (var x in _shards) { Monitor.Exit(x); break; } {|HOT207:Thread.Sleep(8)|}; }
        }
        """, "HOT207");

    /// <summary>
    /// The same with for loops: every element of an array or list taken at a for loop's variable is given back by a for
    /// loop (or a foreach) over the same collection that releases its element at its own variable, counting up, down or
    /// only to how many were taken. One over another collection, one that may break before its last round, one that
    /// stops short (below Length - 1, from Length - 2, up to a constant), or a release of a single element does not, and
    /// inside its body the other elements are still held.
    /// </summary>
    [Fact]
    public Task Every_lock_of_a_collection_taken_in_a_for_loop_is_released_by_a_loop_over_it() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections.Generic;
        public sealed class C
        {
            private readonly object[] _shards = { new(), new() };
            private readonly object[] _others = { new(), new() };
            private readonly List<object> _stripes = new() { new(), new() };
            private int _n;
            public void A() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); try { {|HOT207:Thread.Sleep(1)|}; _n++; } finally { for (var j = 0; j < _shards.Length; j++) Monitor.Exit(_shards[j]); } Thread.Sleep(2); }
            public void B() { var taken = 0; try { for (var i = 0; i < _shards.Length; i++) { Monitor.Enter(_shards[i]); taken++; } _n++; } finally { for (var i = 0; i < taken; i++) Monitor.Exit(_shards[i]); } Thread.Sleep(3); }
            public void D() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); try { _n++; } finally { for (var i = _shards.Length - 1; i >= 0; i--) Monitor.Exit(_shards[i]); } Thread.Sleep(4); }
            public void E() { for (var i = 0; i < _stripes.Count; i++) Monitor.Enter(_stripes[i]); try { _n++; } finally { foreach (var stripe in _stripes) Monitor.Exit(stripe); } Thread.Sleep(5); }
            public void F() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _others.Length; j++) Monitor.Exit(_others[j]); {|HOT207:Thread.Sleep(6)|}; }
            public void G(int stop) { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j++) { if (j == stop) break; Monitor.Exit(_shards[j]); } {|HOT207:Thread.Sleep(7)|}; }
            public void H() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j++) { Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(8)|}; } Thread.Sleep(9); }
            public void I() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); Monitor.Exit(_shards[0]); {|HOT207:Thread.Sleep(10)|}; }
            public void J() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length - 1; j++) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(11)|}; }
            public void K() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length - 2; j >= 0; j--) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(12)|}; }
            public void L() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j <= 1; j++) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(13)|}; }
            public void M(int count) { for (var i = 0; i < count; i++) Monitor.Enter(_shards[i]); try { _n++; } finally { for (var i = count - 1; i > -1; i--) Monitor.Exit(_shards[i]); } Thread.Sleep(14); }
        }
        """, "HOT207");

    /// <summary>
    /// A release for loop's count is how many the taking loop took: the collection's own Length or Count (up to it, or up
    /// to and with Length - 1), the taking loop's bound, what its body counted, or a local set once to one of these
    /// (for (int j = 0, n = _shards.Length; j &lt; n; j++)), stepping by one (j++, j += 1, j = j + 1, or j-- &gt; 0 in the condition
    /// from the count). Another collection's Length or a number unrelated to the taking (j &lt; n) may stop short, a step
    /// of two (j += 2, j++, j++) skips locks, and the locks stay held.
    /// </summary>
    [Fact]
    public Task A_release_for_loop_counts_to_how_many_the_taking_loop_took() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _shards = { new(), new() };
            private readonly object[] _others = { new(), new() };
            private int _n;
            public void A() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j <= _shards.Length - 1; j++) Monitor.Exit(_shards[j]); Thread.Sleep(1); }
            public void B(int n) { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < n; j++) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(2)|}; }
            public void D(int n) { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); try { _n++; } finally { for (var j = n - 1; j >= 0; j--) Monitor.Exit(_shards[j]); } {|HOT207:Thread.Sleep(3)|}; }
            public void E() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _others.Length - 1; j >= 0; j--) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(4)|}; }
            public void F() { var taken = 0; try { for (var i = 0; i < _shards.Length; i++) { Monitor.Enter(_shards[i]); taken++; } _n++; } finally { for (var j = taken - 1; j >= 0; j--) Monitor.Exit(_shards[j]); } Thread.Sleep(5); }
            public void G(int count) { for (var i = 0; i < count; i++) { Monitor.Enter(_shards[i]); Monitor.Enter(_others[i]); } for (var j = 0; j < count; j++) { Monitor.Exit(_others[j]); Monitor.Exit(_shards[j]); } Thread.Sleep(6); }
            public void H() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (int j = 0, n = _shards.Length; j < n; j++) Monitor.Exit(_shards[j]); Thread.Sleep(7); }
            public void I() { var m = _shards.Length; m--; for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < m; j++) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(8)|}; }
            public void CountDownInCondition() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length; j-- > 0;) Monitor.Exit(_shards[j]); Thread.Sleep(9); }
            public void PrefixCountDown() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length; --j >= 0;) Monitor.Exit(_shards[j]); Thread.Sleep(10); }
            public void PlusOne() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j += 1) Monitor.Exit(_shards[j]); Thread.Sleep(11); }
            public void PrefixStopsAtOne() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length; --j > 0;) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(12)|}; }
            public void CountDownFromBelow() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length - 1; j-- > 0;) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(13)|}; }
            public void CountedDownTwice() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = _shards.Length; j-- > 0; j--) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(14)|}; }
            public void PlusTwo() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j += 2) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(15)|}; }
            public void SteppedTwice() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j++, j++) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(16)|}; }
            public void AssignedPlusOne() { for (var i = 0; i < _shards.Length; i = i + 1) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j = j + 1) Monitor.Exit(_shards[j]); Thread.Sleep(17); }
            public void AssignedPlusTwo() { for (var i = 0; i < _shards.Length; i++) Monitor.Enter(_shards[i]); for (var j = 0; j < _shards.Length; j = j + 2) Monitor.Exit(_shards[j]); {|HOT207:Thread.Sleep(18)|}; }
        }
        """, "HOT207");

    /// <summary>
    /// One for loop's variable does not make one lock of two collections: _reads[i] and _writes[i] are two locks (a finally
    /// giving back both frees both; giving back the other collection's element frees nothing), and writing _results[i]
    /// does not assign the task at tasks[i]. A release loop gives back every element only when its own variable steps
    /// one by one from the first element (or down to it): one starting at 1, one whose body steps its variable too, or
    /// one releasing at another variable of its initializer leaves locks held.
    /// </summary>
    [Fact]
    public Task Elements_at_one_for_loop_variable_are_one_lock_only_within_one_collection() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _reads = { new(), new() };
            private readonly object[] _writes = { new(), new() };
            private readonly int[] _results = new int[2];
            private int _n;
            public void A() { for (var i = 0; i < _reads.Length; i++) { Monitor.Enter(_reads[i]); Monitor.Enter(_writes[i]); try { _n++; } finally { Monitor.Exit(_writes[i]); Monitor.Exit(_reads[i]); } Thread.Sleep(1); } }
            public void B() { for (var i = 0; i < _reads.Length; i++) { Monitor.Enter(_reads[i]); Monitor.Enter(_writes[i]); } try { _n++; } finally { for (var j = 0; j < _reads.Length; j++) { Monitor.Exit(_writes[j]); Monitor.Exit(_reads[j]); } } Thread.Sleep(2); }
            public void D() { for (var i = 0; i < _reads.Length; i++) { Monitor.Enter(_reads[i]); try { _n++; } finally { Monitor.Exit(_writes[i]); } {|HOT207:Thread.Sleep(3)|}; } }
            public void E(Task<int>[] tasks) { lock (_reads) { for (var i = 0; i < tasks.Length; i++) { if (tasks[i].IsCompleted) { _results[i] = 0; _n += tasks[i].Result; } } } }
            public void F() { for (var i = 0; i < _reads.Length; i++) Monitor.Enter(_reads[i]); try { _n++; } finally { for (var j = 1; j < _reads.Length; j++) Monitor.Exit(_reads[j]); } {|HOT207:Thread.Sleep(4)|}; }
            public void G() { for (var i = 0; i < _reads.Length; i++) Monitor.Enter(_reads[i]); for (var j = 0; j < _reads.Length; j++) { Monitor.Exit(_reads[j]); j++; } {|HOT207:Thread.Sleep(5)|}; }
            public void H() { for (var i = 0; i < _reads.Length; i++) Monitor.Enter(_reads[i]); for (int j = 0, last = _reads.Length - 1; j < _reads.Length; j++) Monitor.Exit(_reads[last]); {|HOT207:Thread.Sleep(6)|}; }
            public void I() { for (var i = 0; i < _reads.Length; i++) Monitor.Enter(_reads[i]); for (var j = _reads.Length - 1; j > -1; j--) Monitor.Exit(_reads[j]); Thread.Sleep(7); }
        }
        """, "HOT207");

    /// <summary>
    /// A switch section's statements run in order, like a block's: after its Exit, a continue (or a blocking call) in the
    /// section holds nothing; before it, the lock is held.
    /// </summary>
    [Fact]
    public Task A_switch_sections_statements_run_in_order() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); Monitor.Enter(_gate); switch (x) { case 0: Monitor.Exit(_gate); continue; default: _n += x; Monitor.Exit(_gate); break; } } Thread.Sleep(1); }
            public void B(int x) { Monitor.Enter(_gate); switch (x) { case 0: Monitor.Exit(_gate); Thread.Sleep(1); break; default: Monitor.Exit(_gate); break; } }
            public void D(int x) { Monitor.Enter(_gate); switch (x) { case 0: {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); break; default: Monitor.Exit(_gate); break; } Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>
    /// A reader-writer lock's write lock taken and given back inside the try of an upgradeable read lock is not the read lock
    /// that try's finally exits: the read lock is released after it, in a loop's round too.
    /// </summary>
    [Fact]
    public Task An_upgradeable_read_lock_around_a_write_lock_is_released_by_its_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A() { _rw.EnterUpgradeableReadLock(); try { _rw.EnterWriteLock(); try { _n++; } finally { _rw.ExitWriteLock(); } } finally { _rw.ExitUpgradeableReadLock(); } Thread.Sleep(1); }
            public void B(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); _rw.EnterUpgradeableReadLock(); try { _rw.EnterWriteLock(); try { _n += x; } finally { _rw.ExitWriteLock(); } } finally { _rw.ExitUpgradeableReadLock(); } Thread.Sleep(1); } }
            public void D(int[] xs) { foreach (var x in xs) { Thread.Sleep(1); _rw.EnterUpgradeableReadLock(); try { if (x < 0) continue; _rw.EnterWriteLock(); try { _n += x; } finally { _rw.ExitWriteLock(); } if (x > 9) break; } finally { _rw.ExitUpgradeableReadLock(); } } Thread.Sleep(1); }
            public void E(int[] xs) { foreach (var x in xs) { {|HOT207:Thread.Sleep(1)|}; _rw.EnterReadLock(); if (x < 0) continue; _rw.ExitReadLock(); } }
        }
        """, "HOT207");

    /// <summary>
    /// Releases that do run on every path to what follows stay releases: an Exit in both branches of an if/else, in a
    /// finally (the lockTaken pattern's too, guarded by the flag that says whether it was taken), after a try-acquire
    /// tested for failure, inside the if of a try-acquire that succeeded, the async-lock shapes of a SemaphoreSlim,
    /// a Monitor.Wait inside the lock (it gives the lock back before it returns), and a try whose body releases where
    /// each catch releases too or ends in a throw or return, or whose body starts with a try that releases in its finally,
    /// and an Exit under an if testing the flag a try-acquire of the lock stored (<c>var got = Monitor.TryEnter(g)</c>) or
    /// whether the thread holds it (<c>Monitor.IsEntered(g)</c>).
    /// </summary>
    [Fact]
    public Task Releases_on_every_path_leave_what_follows_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _sem = new(1, 1);
            private SpinLock _spin = new(false);
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); if (c) { _n++; Monitor.Exit(_gate); } else { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void B(bool c) { Monitor.Enter(_gate); if (c) Monitor.Exit(_gate); else { _n--; Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void D() { bool taken = false; try { Monitor.Enter(_gate, ref taken); _n++; } finally { if (taken) Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void E() { if (Monitor.TryEnter(_gate)) { try { _n++; } finally { Monitor.Exit(_gate); } } Thread.Sleep(1); }
            public void F() { if (!Monitor.TryEnter(_gate)) return; try { _n++; } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public async Task G() { await _sem.WaitAsync(); try { _n++; } finally { _sem.Release(); } Thread.Sleep(1); }
            public async Task H() { if (!await _sem.WaitAsync(0)) return; try { _n++; } finally { _sem.Release(); } Thread.Sleep(1); }
            public void I() { Monitor.Enter(_gate); try { while (_n == 0) Monitor.Wait(_gate); } finally { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void J(bool c) { Monitor.Enter(_gate); if (c) { Monitor.Exit(_gate); return; } Monitor.Exit(_gate); Thread.Sleep(1); }
            public void K(bool c) { Monitor.Enter(_gate); if (!c) { Monitor.Exit(_gate); } else { Monitor.Exit(_gate); return; } Thread.Sleep(1); }
            public void L() { Monitor.Enter(_gate); try { _n++; Monitor.Exit(_gate); } catch (InvalidOperationException) { Monitor.Exit(_gate); throw; } Thread.Sleep(1); }
            public void M() { Monitor.Enter(_gate); try { try { _n++; } finally { Monitor.Exit(_gate); } } catch (InvalidOperationException) { _n = 0; } Thread.Sleep(1); }
            public int N() { Monitor.Enter(_gate); try { _n++; Monitor.Exit(_gate); } catch (InvalidOperationException) { Monitor.Exit(_gate); return -1; } Thread.Sleep(1); return _n; }
            public void O() { var got = Monitor.TryEnter(_gate); if (got) { try { _n++; } finally { Monitor.Exit(_gate); } } Thread.Sleep(1); }
            public void P() { var got = Monitor.TryEnter(_gate, 10); try { _n++; } finally { if (got) Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void Q() { bool taken = false; Monitor.Enter(_gate, ref taken); try { _n++; } finally { if (taken) Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void R() { bool taken = false; _spin.Enter(ref taken); try { _n++; } finally { if (taken) _spin.Exit(); } Thread.Sleep(1); }
            public void S() { Monitor.Enter(_gate); try { _n++; } finally { if (Monitor.IsEntered(_gate)) Monitor.Exit(_gate); } Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>
    /// The body of a lock, using or fixed statement, of a checked or unchecked block and of a plain nested block runs
    /// once when reached: an Exit on every path of it frees the lock for what follows the statement (the lock statement's
    /// own lock is still held in its body).
    /// </summary>
    [Fact]
    public Task An_exit_in_the_body_of_a_lock_or_using_statement_leaves_what_follows_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed unsafe class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly Lock _lock = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly int[] _data = new int[1];
            private int _n;
            public void A() { Monitor.Enter(_gate); lock (_other) { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void B() { Monitor.Enter(_gate); lock (_other) { _n++; Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; } Thread.Sleep(1); }
            public void D() { _rw.EnterWriteLock(); using (var s = new MemoryStream()) { _rw.ExitWriteLock(); } Thread.Sleep(1); }
            public void E() { Monitor.Enter(_gate); using (_lock.EnterScope()) { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void F() { Monitor.Enter(_gate); fixed (int* p = _data) { *p = 1; Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void G() { Monitor.Enter(_gate); checked { _n++; Monitor.Exit(_gate); } unchecked { _n++; } Thread.Sleep(1); }
            public void H(bool c) { Monitor.Enter(_gate); if (c) { lock (_other) { Monitor.Exit(_gate); } } else { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void I() { Monitor.Enter(_gate); try { _n++; } finally { lock (_other) { Monitor.Exit(_gate); } } Thread.Sleep(1); }
            public void J() { Monitor.Enter(_gate); lock (_other) { lock (_lock) { Monitor.Exit(_gate); } } Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>
    /// An Exit in a lock or using body that may not run there (under an if alone, in a loop), or that the body takes the
    /// lock again after, leaves the lock held after the statement.
    /// </summary>
    [Fact]
    public Task An_exit_in_a_lock_body_that_may_not_run_leaves_the_lock_held_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); lock (_other) { if (c) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; }
            public void B(int k) { Monitor.Enter(_gate); lock (_other) { while (k-- > 0) Monitor.Exit(_gate); } {|HOT207:Thread.Sleep(1)|}; }
            public void D(bool c) { Monitor.Enter(_gate); using (var s = new MemoryStream()) { if (c) { Monitor.Exit(_gate); } } {|HOT207:Thread.Sleep(1)|}; }
            public void E() { Monitor.Enter(_gate); lock (_other) { Monitor.Exit(_gate); Monitor.Enter(_gate); } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public void F() { Monitor.Enter(_gate); lock (_other) { _n++; } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
        }
        """, "HOT207");

    /// <summary>
    /// A switch statement releases on every path when each of its sections releases (an Exit before its break, return
    /// or throw) and a default section catches every value the others do not; a registration disposed after it is
    /// disposed without the lock.
    /// </summary>
    [Fact]
    public Task A_switch_whose_every_section_releases_leaves_what_follows_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A(int k) { Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; default: _n++; Monitor.Exit(_gate); break; } Thread.Sleep(1); }
            public void B(int k) { Monitor.Enter(_gate); switch (k) { case 1: case 2: { Monitor.Exit(_gate); break; } default: Monitor.Exit(_gate); break; } Thread.Sleep(1); }
            public int D(object o) { _rw.EnterWriteLock(); switch (o) { case int i when i > 0: _rw.ExitWriteLock(); return i; case string: _rw.ExitWriteLock(); throw new ArgumentException(); default: _rw.ExitWriteLock(); break; } Thread.Sleep(1); return 0; }
            public void E(int k) { Monitor.Enter(_gate); switch (k) { default: if (k > 0) Monitor.Exit(_gate); else Monitor.Exit(_gate); break; } Thread.Sleep(1); }
            public void F(CancellationToken ct, int k) { using var r = ct.Register(OnCancel); Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; default: Monitor.Exit(_gate); break; } }
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A switch with no default section can skip every section, one section that does not release (or breaks before its
    /// Exit) reaches what follows with the lock held, and a switch expression is no statement that releases.
    /// </summary>
    [Fact]
    public Task A_switch_with_a_section_that_may_not_release_leaves_the_lock_held_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(int k) { Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; case 2: Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void B(int k) { Monitor.Enter(_gate); switch (k) { case 1: Monitor.Exit(_gate); break; default: _n++; break; } {|HOT207:Thread.Sleep(1)|}; }
            public void D(int k, bool c) { Monitor.Enter(_gate); switch (k) { case 1: if (c) break; Monitor.Exit(_gate); break; default: Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void E(int k, bool c) { Monitor.Enter(_gate); switch (k) { case 1: if (c) Monitor.Exit(_gate); else break; break; default: Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void F(int k) { Monitor.Enter(_gate); _n = k switch { 1 => Release(), _ => Release() }; {|HOT207:Thread.Sleep(1)|}; }
            private int Release() { Monitor.Exit(_gate); return 0; }
        }
        """, "HOT207");

    /// <summary>
    /// A branch that leaves without releasing (a return, a throw, a break or continue of a loop around the if) never
    /// reaches the statements after it, so an Exit in the other branch frees the lock for them; so does a switch section
    /// that throws, and an Exit after an if that returns.
    /// </summary>
    [Fact]
    public Task An_exit_in_the_branch_that_does_not_leave_leaves_what_follows_quiet() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); if (c) return; else Monitor.Exit(_gate); Thread.Sleep(1); }
            public void B(bool c) { Monitor.Enter(_gate); if (c) { _n++; throw new InvalidOperationException(); } else { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public int D(bool c) { _rw.EnterReadLock(); if (c) { _rw.ExitReadLock(); } else return _n; Thread.Sleep(1); return 0; }
            public void E() { Monitor.Enter(_gate); while (true) { if (_n > 10) break; else Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } Monitor.Exit(_gate); }
            public void F(int k) { Monitor.Enter(_gate); for (var i = 0; i < k; i++) { if (i % 2 == 0) continue; else Monitor.Exit(_gate); Thread.Sleep(1); Monitor.Enter(_gate); } Monitor.Exit(_gate); }
            public void G(int k) { Monitor.Enter(_gate); switch (k) { case 1: _n++; throw new InvalidOperationException(); default: Monitor.Exit(_gate); break; } Thread.Sleep(1); }
            public void H(bool c, bool d) { Monitor.Enter(_gate); if (c) { if (d) return; else Monitor.Exit(_gate); } else Monitor.Exit(_gate); Thread.Sleep(1); }
            public void I(bool c, bool d) { Monitor.Enter(_gate); if (d) { if (c) { _n++; return; } Monitor.Exit(_gate); } else { Monitor.Exit(_gate); } Thread.Sleep(1); }
            public void J(bool c) { Monitor.Enter(_gate); lock (_other) { if (c) { _n++; return; } Monitor.Exit(_gate); } Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>
    /// A branch that falls through to what follows (an empty then-branch, a yield return, a break of a switch inside the
    /// statement) reaches it with the lock held; a registration's using is disposed on a return too, so its Dispose runs
    /// with the lock held when the return does not release.
    /// </summary>
    [Fact]
    public Task A_branch_that_does_not_leave_and_does_not_release_leaves_the_lock_held_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); if (c) { } else Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void B(bool c) { Monitor.Enter(_gate); if (c) { _n++; } else { Monitor.Exit(_gate); return; } {|HOT207:Thread.Sleep(1)|}; Monitor.Exit(_gate); }
            public System.Collections.Generic.IEnumerable<int> D(bool c) { Monitor.Enter(_gate); if (c) yield return 1; else Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void E(int k, bool c) { Monitor.Enter(_gate); switch (k) { default: if (c) break; else Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void F(int k, bool c) { Monitor.Enter(_gate); switch (k) { case 1: if (c) { _n++; break; } throw new InvalidOperationException(); default: Monitor.Exit(_gate); break; } {|HOT207:Thread.Sleep(1)|}; }
            public void G(CancellationToken ct, bool c) { Monitor.Enter(_gate); using {|HOT207:var r = ct.Register(OnCancel)|}; if (c) return; else Monitor.Exit(_gate); }
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A using's Dispose runs on every way out of its scope: a return, a throw or a break before the Exit leaves with the
    /// lock held and disposes the registration under it, unless that statement releases too.
    /// </summary>
    [Fact]
    public Task A_statement_that_can_leave_before_the_exit_disposes_a_registration_under_the_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(CancellationToken ct, bool c) { Monitor.Enter(_gate); using {|HOT207:var r = ct.Register(OnCancel)|}; if (c) return; Monitor.Exit(_gate); }
            public void B(CancellationToken ct, bool c) { Monitor.Enter(_gate); using ({|HOT207:ct.Register(OnCancel)|}) { if (c) throw new InvalidOperationException(); _n++; Monitor.Exit(_gate); } }
            public void D(CancellationToken ct, int k) { while (k-- > 0) { Monitor.Enter(_gate); using ({|HOT207:ct.Register(OnCancel)|}) { if (k == 3) break; Monitor.Exit(_gate); } } }
            public void E(CancellationToken ct, bool c) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); if (c) { Monitor.Exit(_gate); return; } Monitor.Exit(_gate); }
            public void F(CancellationToken ct, bool c) { Monitor.Enter(_gate); using var r = ct.Register(OnCancel); try { if (c) throw new InvalidOperationException(); } catch (InvalidOperationException) { _n++; } Monitor.Exit(_gate); }
            public void G(CancellationToken ct, bool c) { Monitor.Enter(_gate); using {|HOT207:var r = ct.Register(OnCancel)|}; { _n++; if (c) return; Monitor.Exit(_gate); } }
            public void H(CancellationToken ct, bool c) { Monitor.Enter(_gate); using ({|HOT207:ct.Register(OnCancel)|}) { lock (_gate) { if (c) return; } Monitor.Exit(_gate); } }
            private void OnCancel() { lock (_gate) { _n = -1; } }
        }
        """, "HOT207");

    /// <summary>
    /// A throw that a catch inside the statement can take does not leave it: the catch reaches what follows with the lock
    /// held (unless every catch of that try throws or returns too). A throw expression (<c>?? throw</c>) is no branch that
    /// leaves.
    /// </summary>
    [Fact]
    public Task A_throw_a_catch_inside_the_statement_takes_leaves_the_lock_held_after_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A(bool c) { Monitor.Enter(_gate); try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } catch (InvalidOperationException) { } {|HOT207:Thread.Sleep(1)|}; }
            public void B(bool c, bool d) { Monitor.Enter(_gate); if (d) { try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } catch { _n++; } } else Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void D(bool c) { Monitor.Enter(_gate); try { try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } finally { _n++; } } catch { } {|HOT207:Thread.Sleep(1)|}; }
            public void E(bool c) { Monitor.Enter(_gate); try { try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } catch { throw; } } catch { } {|HOT207:Thread.Sleep(1)|}; }
            public void F(bool c, object o) { Monitor.Enter(_gate); if (c) { _ = o ?? throw new InvalidOperationException(); } else Monitor.Exit(_gate); {|HOT207:Thread.Sleep(1)|}; }
            public void G(bool c) { Monitor.Enter(_gate); try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } catch { _n++; throw; } Thread.Sleep(1); }
            public void H(bool c) { Monitor.Enter(_gate); try { if (c) throw new InvalidOperationException(); else Monitor.Exit(_gate); } catch (ArgumentException) { return; } Thread.Sleep(1); }
        }
        """, "HOT207");

    /// <summary>
    /// Awaited, DisposeAsync waits for a callback already running, as Dispose does: under a SemaphoreSlim held as an
    /// async lock, a callback that waits for the semaphore never completes, and neither does the await. Not awaited, or
    /// awaited after the release, it is quiet; an await using whose scope ends after the release too.
    /// </summary>
    [Fact]
    public Task Awaiting_a_cancellation_registration_DisposeAsync_under_a_held_semaphore_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _sem = new(1, 1);
            private CancellationTokenRegistration _registration;
            private int _n;
            public async Task A() { await _sem.WaitAsync(); try { await {|HOT207:_registration.DisposeAsync()|}; } finally { _sem.Release(); } }
            public async Task B() { await _sem.WaitAsync(); try { await {|HOT207:_registration.DisposeAsync()|}.ConfigureAwait(false); } finally { _sem.Release(); } }
            public async Task D(CancellationToken ct) { await _sem.WaitAsync(); try { await using {|HOT207:var r = ct.Register(OnCancel)|}; _n++; } finally { _sem.Release(); } }
            public async Task E(CancellationToken ct) { await _sem.WaitAsync(); try { await using ({|HOT207:ct.Register(OnCancel)|}) { _n++; } } finally { _sem.Release(); } }
            public async Task Quiet1() { await _sem.WaitAsync(); try { _ = _registration.DisposeAsync(); } finally { _sem.Release(); } }
            public async Task Quiet2() { await _sem.WaitAsync(); try { _n++; } finally { _sem.Release(); } await _registration.DisposeAsync(); }
            public async Task Quiet3(CancellationToken ct) { await using var r = ct.Register(OnCancel); await _sem.WaitAsync(); try { _n++; } finally { _sem.Release(); } }
            public async Task Quiet4() { await _sem.WaitAsync(); try { _registration.Unregister(); } finally { _sem.Release(); } }
            public async Task Quiet5() { await _registration.DisposeAsync(); }
            private async void OnCancel() { await _sem.WaitAsync(); try { _n = -1; } finally { _sem.Release(); } }
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_of_a_registration_disposed_under_a_lock_names_the_callback_wait()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _gate = new();
                private CancellationTokenRegistration _registration;
                public void A(CancellationToken ct) { lock (_gate) { _registration.Dispose(); using var r = ct.Register(static () => { }); } }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[]
            {
                "CancellationTokenRegistration.Dispose (waits for a callback already running) while holding a lock: a callback that takes the same lock deadlocks with it; call Unregister() under the lock, or dispose after releasing it",
                "CancellationTokenRegistration.Dispose at the end of the using (waits for a callback already running) while holding a lock: a callback that takes the same lock deadlocks with it; call Unregister() under the lock, or dispose after releasing it",
            },
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// CancellationTokenSource.Cancel runs the token's callbacks on the calling thread before it returns: under a lock they
    /// are unknown code, as an event's handlers are. CancelAsync runs them elsewhere, CancelAfter from a timer, and
    /// Dispose runs none.
    /// </summary>
    [Fact]
    public Task Cancelling_a_token_source_under_a_lock_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly CancellationTokenSource _cts = new();
            public void A() { lock (_gate) { {|HOT207:_cts.Cancel()|}; } }
            public void B() { lock (_gate) { {|HOT207:_cts.Cancel(throwOnFirstException: true)|}; } }
            public void D() { lock (_gate) { {|HOT207:Stop()|}; } }
            public void Quiet1() { lock (_gate) { _ = _cts.CancelAsync(); } }
            public void Quiet2() { lock (_gate) { _cts.CancelAfter(1000); } }
            public void Quiet3() { lock (_gate) { _cts.Dispose(); } }
            public void Quiet4() { lock (_gate) { _ = _cts.IsCancellationRequested; } _cts.Cancel(); }
            private void Stop() => _cts.Cancel();
        }
        """, "HOT207");

    [Fact]
    public async Task The_message_of_a_cancel_under_a_lock_says_it_runs_the_callbacks()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync(Usings + """
            public sealed class C
            {
                private readonly object _gate = new();
                public void A(CancellationTokenSource cts) { lock (_gate) { cts.Cancel(); } }
            }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new BlockingUnderLockAnalyzer() });
        Assert.Equal(
            new[] { "CancellationTokenSource.Cancel (runs the token's callbacks before it returns) while holding a lock: they are unknown code that may block or take other locks" },
            diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
