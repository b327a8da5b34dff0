using System.Collections.Immutable;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Locks;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Locks;

/// <summary>HOT204's fix for Monitor.Enter: the guarded statements move into try, the exit into finally.</summary>
public sealed class WrapInTryFinallyCodeFixTests
{
    [Fact]
    public Task Wraps_the_statements_up_to_the_matching_exit() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public int Update(int x)
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    _n += x;
                    _n *= 2;
                    Monitor.Exit(_gate);
                    return x;
                }
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public int Update(int x)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _n += x;
                        _n *= 2;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    return x;
                }
            }
            """);

    [Fact]
    public Task Without_an_exit_the_rest_of_the_block_is_guarded() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update()
                {
                    {|HOT204:System.Threading.Monitor.Enter(_gate)|};
                    _n++;
                }
            }
            """, """
            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update()
                {
                    System.Threading.Monitor.Enter(_gate);
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        System.Threading.Monitor.Exit(_gate);
                    }
                }
            }
            """);

    /// <summary>A local declared in the guarded statements and used after the Exit is declared before the Enter, assigned in the try.</summary>
    [Fact]
    public Task Locals_used_after_the_exit_stay_in_scope() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public string Update(int x)
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    var v = Compute(x);
                    int a = 1, b;
                    const int Scale = 2;
                    var inner = v + 1;
                    _n += inner * Scale;
                    b = a;
                    Monitor.Exit(_gate);
                    return (v * Scale + a + b).ToString();
                }

                private static int Compute(int x) => x * 2;
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public string Update(int x)
                {
                    int v;
                    int a, b;
                    const int Scale = 2;
                    Monitor.Enter(_gate);
                    try
                    {
                        v = Compute(x);
                        a = 1;
                        var inner = v + 1;
                        _n += inner * Scale;
                        b = a;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    return (v * Scale + a + b).ToString();
                }

                private static int Compute(int x) => x * 2;
            }
            """);

    /// <summary>
    /// An early exit that already releases (<c>Monitor.Exit(x); return ...;</c>) loses its Exit: the finally releases once
    /// on every path (kept, it released twice and threw SynchronizationLockException). The fixed code is run.
    /// </summary>
    [Fact]
    public Task An_early_return_that_releases_loses_its_exit_so_the_finally_releases_once() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), EarlyExits, EarlyExitsFixed, new CodeFixTestOptions { Run = RunEarlyExits });

    [Fact]
    public Task Fix_All_removes_the_early_exits_of_every_region() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), EarlyExits, EarlyExitsFixed, new CodeFixTestOptions { Run = RunEarlyExits });

    private const string EarlyExits = """
        using System;
        using System.Threading;

        public sealed class Counter
        {
            private readonly object _gate = new();
            private int _n;

            public bool TryAdd(int v)
            {
                {|HOT204:Monitor.Enter(_gate)|};
                if (v < 0)
                {
                    Monitor.Exit(_gate);
                    return false;
                }

                _n += v;
                Monitor.Exit(_gate);
                return true;
            }

            public int Take(int v)
            {
                {|HOT204:Monitor.Enter(this._gate)|};
                switch (v)
                {
                    case 0:
                        Monitor.Exit(_gate); // nothing to take
                        return 0;
                    case < 0:
                        Monitor.Exit(this._gate);
                        throw new ArgumentOutOfRangeException(nameof(v));
                }

                _n -= v;
                Monitor.Exit(this._gate);
                return v;
            }

            public static string Probe()
            {
                var counter = new Counter();
                var results = $"{counter.TryAdd(-1)} {counter.TryAdd(5)} {counter.Take(0)} {counter.Take(2)}";
                try
                {
                    counter.Take(-1);
                }
                catch (ArgumentOutOfRangeException)
                {
                    results += " thrown";
                }

                return $"{results} {counter._n} {Monitor.IsEntered(counter._gate)}";
            }
        }
        """;

    private const string EarlyExitsFixed = """
        using System;
        using System.Threading;

        public sealed class Counter
        {
            private readonly object _gate = new();
            private int _n;

            public bool TryAdd(int v)
            {
                Monitor.Enter(_gate);
                try
                {
                    if (v < 0)
                    {
                        return false;
                    }

                    _n += v;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }

                return true;
            }

            public int Take(int v)
            {
                Monitor.Enter(this._gate);
                try
                {
                    switch (v)
                    {
                        case 0:
                            // nothing to take
                            return 0;
                        case < 0:
                            throw new ArgumentOutOfRangeException(nameof(v));
                    }

                    _n -= v;
                }
                finally
                {
                    Monitor.Exit(this._gate);
                }

                return v;
            }

            public static string Probe()
            {
                var counter = new Counter();
                var results = $"{counter.TryAdd(-1)} {counter.TryAdd(5)} {counter.Take(0)} {counter.Take(2)}";
                try
                {
                    counter.Take(-1);
                }
                catch (ArgumentOutOfRangeException)
                {
                    results += " thrown";
                }

                return $"{results} {counter._n} {Monitor.IsEntered(counter._gate)}";
            }
        }
        """;

    private static void RunEarlyExits(System.Reflection.Assembly assembly) =>
        Assert.Equal("False True 0 2 thrown 3 False", assembly.GetType("Counter")!.GetMethod("Probe")!.Invoke(null, null));

    /// <summary>
    /// In a loop, an early <c>continue</c> or <c>break</c> that already releases leaves the region too: its Exit goes (it
    /// was not offered). A <c>break</c> of a switch inside the region does not leave it (see the no-fix cases).
    /// </summary>
    [Fact]
    public Task An_early_continue_or_break_that_releases_loses_its_exit() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Sums
            {
                private readonly object _gate = new();
                private int _total;

                public int Add(List<int> values)
                {
                    foreach (var v in values)
                    {
                        {|HOT204:Monitor.Enter(_gate)|};
                        if (v == 0)
                        {
                            Monitor.Exit(_gate);
                            continue;
                        }

                        if (v < 0)
                        {
                            Monitor.Exit(_gate);
                            break;
                        }

                        _total += v;
                        Monitor.Exit(_gate);
                    }

                    return _total;
                }

                public static string Probe()
                {
                    var sums = new Sums();
                    return $"{sums.Add(new List<int> { 1, 0, 2, -1, 5 })} {Monitor.IsEntered(sums._gate)}";
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Sums
            {
                private readonly object _gate = new();
                private int _total;

                public int Add(List<int> values)
                {
                    foreach (var v in values)
                    {
                        Monitor.Enter(_gate);
                        try
                        {
                            if (v == 0)
                            {
                                continue;
                            }

                            if (v < 0)
                            {
                                break;
                            }

                            _total += v;
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }
                    }

                    return _total;
                }

                public static string Probe()
                {
                    var sums = new Sums();
                    return $"{sums.Add(new List<int> { 1, 0, 2, -1, 5 })} {Monitor.IsEntered(sums._gate)}";
                }
            }
            """, new CodeFixTestOptions
            {
                Run = static assembly => Assert.Equal("3 False", assembly.GetType("Sums")!.GetMethod("Probe")!.Invoke(null, null)),
            });

    /// <summary>
    /// A path that leaves the statements before their <c>Exit</c> without releasing carries the lock on: a <c>continue</c>
    /// into the next iteration, a <c>break</c> to code after the loop that releases it, a <c>return</c> that hands it to the
    /// caller (also without an Exit once another path releases: a <c>TryAcquire</c>'s <c>return true</c>, or the end of
    /// the statements, was released by the finally), a <c>goto case</c> to another section. The finally would release it there, and the later <c>Exit</c> throw
    /// <c>SynchronizationLockException</c>: no fix (it was offered). Likewise a <c>catch</c> around the region that releases
    /// (the finally, then the catch: two releases), and an <c>await</c> among the statements (Monitor is held by a thread,
    /// and the code after an <c>await</c> may run on another: the finally's <c>Exit</c> would throw there).
    /// </summary>
    [Theory]
    [InlineData("public void Update(int v) { for (var i = 0; i < v; i++) { {|HOT204:Monitor.Enter(_gate)|}; if (i == 1) continue; _n++; Monitor.Exit(_gate); } }")]
    [InlineData("public void Update(int v) { while (true) { {|HOT204:Monitor.Enter(_gate)|}; if (_n > v) break; Monitor.Exit(_gate); _n++; } _n = 0; Monitor.Exit(_gate); }")]
    [InlineData("public bool TryAcquire(bool ok) { {|HOT204:Monitor.Enter(_gate)|}; if (ok) return true; Monitor.Exit(_gate); return false; }")]
    [InlineData("public void Update(int v) { switch (v) { case 1: { {|HOT204:Monitor.Enter(_gate)|}; if (_n > 0) goto case 2; Monitor.Exit(_gate); break; } case 2: _n = 0; break; } }")]
    [InlineData("public void Update(int v) { try { {|HOT204:Monitor.Enter(_gate)|}; _n = checked(_n + v); Monitor.Exit(_gate); } catch (OverflowException) { Monitor.Exit(_gate); throw; } }")]
    [InlineData("public async Task UpdateAsync() { {|HOT204:Monitor.Enter(_gate)|}; await Task.Yield(); _n++; Monitor.Exit(_gate); }")]
    [InlineData("public bool TryAcquire(bool ok) { {|HOT204:Monitor.Enter(_gate)|}; if (!ok) { Monitor.Exit(_gate); return false; } _n++; return true; }")]
    [InlineData("public void Acquire(int v) { {|HOT204:Monitor.Enter(_gate)|}; if (v < 0) { Monitor.Exit(_gate); return; } _n++; }")]
    public Task No_fix_when_a_path_carries_the_lock_past_the_exit_or_an_await_is_among_the_statements(string member) => VerifyReportedWithoutFix($$"""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        public sealed class Store
        {
            private readonly object _gate = new();
            private int _n;
            {{member}}
        }
        """);

    /// <summary>
    /// Without an Exit in the Enter's block, statements that release before every way out of them (here a
    /// <c>throw</c> ends the other path) leave nothing holding the lock on: the fix wraps them, so the <c>throw</c>
    /// releases too (it leaked the lock).
    /// </summary>
    [Fact]
    public Task Without_an_exit_early_exits_that_release_on_every_path_wrap() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System;
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update(int v)
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    if (v > 0)
                    {
                        _n += v;
                        Monitor.Exit(_gate);
                        return;
                    }

                    throw new ArgumentOutOfRangeException(nameof(v));
                }
            }
            """, """
            using System;
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update(int v)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        if (v > 0)
                        {
                            _n += v;
                            return;
                        }

                        throw new ArgumentOutOfRangeException(nameof(v));
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """);

    /// <summary>
    /// A <c>yield return</c> among the statements suspends without leaving them, and a <c>lock</c> nested in them (of
    /// another object or the same one) releases on its own: both wrap, and run as before.
    /// </summary>
    [Fact]
    public Task A_yield_return_or_a_nested_lock_in_the_region_wraps_and_runs_as_before() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private readonly object _other = new();
                private int _n;

                public IEnumerable<string> Snapshot(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        {|HOT204:Monitor.Enter(_gate)|};
                        yield return $"{_n + i}:{Monitor.IsEntered(_gate)}";
                        Monitor.Exit(_gate);
                    }
                }

                public int Add(int[] values)
                {
                    foreach (var v in values)
                    {
                        {|HOT204:Monitor.Enter(_gate)|};
                        lock (_other)
                        {
                            lock (_gate)
                            {
                                _n += v;
                            }
                        }

                        if (v < 0)
                        {
                            Monitor.Exit(_gate);
                            break;
                        }

                        Monitor.Exit(_gate);
                    }

                    return _n;
                }

                public static string Probe()
                {
                    var store = new Store();
                    var added = store.Add(new[] { 1, 2, -1, 5 });
                    var seen = string.Join(" ", store.Snapshot(2));
                    return $"{added} {seen} {Monitor.IsEntered(store._gate)} {Monitor.IsEntered(store._other)}";
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private readonly object _other = new();
                private int _n;

                public IEnumerable<string> Snapshot(int count)
                {
                    for (var i = 0; i < count; i++)
                    {
                        Monitor.Enter(_gate);
                        try
                        {
                            yield return $"{_n + i}:{Monitor.IsEntered(_gate)}";
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }
                    }
                }

                public int Add(int[] values)
                {
                    foreach (var v in values)
                    {
                        Monitor.Enter(_gate);
                        try
                        {
                            lock (_other)
                            {
                                lock (_gate)
                                {
                                    _n += v;
                                }
                            }

                            if (v < 0)
                            {
                                break;
                            }
                        }
                        finally
                        {
                            Monitor.Exit(_gate);
                        }
                    }

                    return _n;
                }

                public static string Probe()
                {
                    var store = new Store();
                    var added = store.Add(new[] { 1, 2, -1, 5 });
                    var seen = string.Join(" ", store.Snapshot(2));
                    return $"{added} {seen} {Monitor.IsEntered(store._gate)} {Monitor.IsEntered(store._other)}";
                }
            }
            """, new CodeFixTestOptions
            {
                Run = static assembly => Assert.Equal("2 2:True 3:True False False", assembly.GetType("Store")!.GetMethod("Probe")!.Invoke(null, null)),
            });

    /// <summary>Asserts the analyzer reports exactly the marked HOT204s of <paramref name="markup"/> and the fix is offered for none.</summary>
    private static Task VerifyReportedWithoutFix(string markup) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), markup);

    /// <summary>
    /// A release of the same lock the finally cannot stand in for (in a lambda, a local function, a loop, a catch, not
    /// right before a return or throw, or under an if without a block) would release twice or at another time: no fix.
    /// </summary>
    [Theory]
    [InlineData("Action a = () => Monitor.Exit(_gate); a(); _n++; Monitor.Exit(_gate);")]
    [InlineData("void Leave() { Monitor.Exit(_gate); } if (v < 0) { Leave(); return; } _n++; Monitor.Exit(_gate);")]
    [InlineData("while (v > 0) { if (v == 3) { Monitor.Exit(_gate); return; } v--; } _n++; Monitor.Exit(_gate);")]
    [InlineData("for (var i = 0; i < v; i++) { if (i == 3) { Monitor.Exit(_gate); break; } } _n++;")]
    [InlineData("try { _n = checked(_n + v); } catch (OverflowException) { Monitor.Exit(_gate); throw; } Monitor.Exit(_gate);")]
    [InlineData("if (v < 0) { Monitor.Exit(_gate); Console.WriteLine(v); return; } _n++; Monitor.Exit(_gate);")]
    [InlineData("if (v < 0) Monitor.Exit(_gate); _n++; Monitor.Exit(_gate);")]
    [InlineData("switch (v) { case 0: Monitor.Exit(_gate); break; } _n++; Monitor.Exit(_gate);")]
    [InlineData("using (new System.IO.MemoryStream()) { if (v < 0) { Monitor.Exit(_gate); return; } } _n++; Monitor.Exit(_gate);")]
    public Task No_fix_when_a_release_inside_the_region_cannot_be_left_to_the_finally(string body) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), $$"""
            using System;
            using System.Threading;
            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;
                public void Update(int v) { {|HOT204:Monitor.Enter(_gate)|}; {{body}} }
            }
            """);

    /// <summary>The comments of a declaration split into a declaration ahead and an assignment stay (the trailing one was dropped).</summary>
    [Fact]
    public Task A_split_declaration_keeps_its_comments() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Journal
            {
                private readonly object _gate = new();
                private readonly List<string> _segments = new();

                public int Append(string record)
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    // the position of the new record
                    var count = _segments.Count; // read under the lock
                    _segments.Add(record);
                    Monitor.Exit(_gate);
                    return count + 1;
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Journal
            {
                private readonly object _gate = new();
                private readonly List<string> _segments = new();

                public int Append(string record)
                {
                    // the position of the new record
                    int count;
                    Monitor.Enter(_gate);
                    try
                    {
                        count = _segments.Count; // read under the lock
                        _segments.Add(record);
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }

                    return count + 1;
                }
            }
            """);

    /// <summary>
    /// An Enter with no Exit in its block, whose lock the member releases after that block: the lock is meant to be held
    /// past the block, and a finally at its end would release it early, then the later Exit a second time: no fix.
    /// </summary>
    [Fact]
    public Task No_fix_when_the_lock_is_released_after_the_enters_block() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;
            public sealed class Store
            {
                private readonly object _gate = new();
                private readonly bool _synchronized = true;
                private int _n;
                public void Update()
                {
                    if (_synchronized)
                    {
                        {|HOT204:Monitor.Enter(_gate)|};
                    }

                    _n++;
                    if (_synchronized)
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
            """);

    /// <summary>
    /// A method that only enters (an <c>Acquire</c> whose <c>Release</c> is another member, in this part of the type or
    /// another) hands the lock on: without an Exit in its block, a finally at the block's end would release it at once,
    /// and the Release would throw <c>SynchronizationLockException</c>. No fix (it was offered).
    /// </summary>
    [Theory]
    [InlineData("public void Acquire() { {|HOT204:Monitor.Enter(_gate)|}; _n++; } public void Release() { Monitor.Exit(_gate); }")]
    [InlineData("public void Acquire() { {|HOT204:Monitor.Enter(this._gate)|}; } public void Release() { if (_n >= 0) Monitor.Exit(_gate); }")]
    [InlineData("public bool TryAcquire(bool ok) { {|HOT204:Monitor.Enter(_gate)|}; if (ok) return true; _n++; return false; } } public sealed partial class Store { public void Release() { Monitor.Exit(_gate); }")]
    public Task No_fix_when_another_member_of_the_type_releases_the_lock_the_block_never_releases(string members) => VerifyReportedWithoutFix($$"""
        using System.Threading;
        public sealed partial class Store
        {
            private readonly object _gate = new();
            private int _n;
            {{members}}
        }
        """);

    /// <summary>
    /// Without an Exit, the fix writes one with the Enter's expression, evaluated again in the finally: when the guarded
    /// statements change what it names (<c>i++</c> under <c>_locks[i]</c>, the local reassigned), it would release
    /// another object than it entered, and throw <c>SynchronizationLockException</c>. No fix (it was offered); a plain
    /// name nothing reassigns keeps it.
    /// </summary>
    [Theory]
    [InlineData("public void Update(int i) { {|HOT204:Monitor.Enter(_locks[i])|}; i++; _n++; }")]
    [InlineData("public void Update() { var gate = _locks[0]; {|HOT204:Monitor.Enter(gate)|}; gate = _locks[1]; _n++; }")]
    [InlineData("public void Update() { {|HOT204:Monitor.Enter(_current)|}; _current = _locks[1]; _n++; }")]
    [InlineData("public void Update() { {|HOT204:Monitor.Enter(Next())|}; _n++; }")]
    public Task No_fix_without_an_exit_when_the_lock_expression_may_name_another_object_at_the_end(string member) => VerifyReportedWithoutFix($$"""
        using System.Threading;
        public sealed class Store
        {
            private readonly object[] _locks = { new(), new() };
            private object _current = new();
            private int _n;
            private object Next() => _locks[_n % 2];
            {{member}}
        }
        """);

    /// <summary>
    /// A <c>using</c> declaration among the guarded statements is disposed at the end of its block, after the Exit and the
    /// statements that follow it; moved into the try it would be disposed before them, and under the lock (a scope of
    /// another lock, <c>_other.EnterScope()</c>, would no longer cover the code after the Exit). No fix (it was offered).
    /// </summary>
    [Fact]
    public Task No_fix_when_a_using_declaration_among_the_statements_would_be_disposed_earlier() => VerifyReportedWithoutFix("""
        using System.Threading;
        public sealed class Store
        {
            private readonly object _gate = new();
            private readonly Lock _other = new();
            private int _n;
            public void Update()
            {
                {|HOT204:Monitor.Enter(_gate)|};
                using var scope = _other.EnterScope();
                _n++;
                Monitor.Exit(_gate);
                _n--;
            }
        }
        """);

    /// <summary>A release in another member that closes an Enter of its own (in its finally) is not a hand-over: the leak is still fixed.</summary>
    [Fact]
    public Task Another_members_own_enter_and_exit_keep_the_fix_of_a_leak() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public int Read()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        return _n;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Update()
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    _n++;
                }

                public static string Probe()
                {
                    var store = new Store();
                    store.Update();
                    return $"{store.Read()} {Monitor.IsEntered(store._gate)}";
                }
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public int Read()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        return _n;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public void Update()
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }

                public static string Probe()
                {
                    var store = new Store();
                    store.Update();
                    return $"{store.Read()} {Monitor.IsEntered(store._gate)}";
                }
            }
            """, new CodeFixTestOptions
            {
                Run = static assembly => Assert.Equal("1 False", assembly.GetType("Store")!.GetMethod("Probe")!.Invoke(null, null)),
            });

    /// <summary>The comments of the Exit move with it into the finally (they were dropped).</summary>
    [Fact]
    public Task The_exits_comments_move_into_the_finally() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update(int x)
                {
                    {|HOT204:Monitor.Enter(_gate)|};
                    _n += x;
                    // readers may go on
                    Monitor.Exit(_gate); // released before the event
                    _n++;
                }
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _gate = new();
                private int _n;

                public void Update(int x)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        _n += x;
                    }
                    finally
                    {
                        // readers may go on
                        Monitor.Exit(_gate); // released before the event
                    }

                    _n++;
                }
            }
            """);

    /// <summary>
    /// No fix: a label among the guarded statements that a goto outside them jumps to could not be reached inside the try
    /// (CS0159); a variable the fix cannot declare ahead (an out variable, an anonymous type) would go out of scope; a
    /// semaphore and the lockTaken pattern are not the Monitor.Enter shape the fix rewrites.
    /// </summary>
    [Theory]
    [InlineData("public void Update(int v) { {|HOT204:Monitor.Enter(_gate)|}; again: _n++; Monitor.Exit(_gate); if (v-- > 0) { {|HOT204:Monitor.Enter(_gate)|}; goto again; } }")]
    [InlineData("public int A(string s) { {|HOT204:Monitor.Enter(_gate)|}; int.TryParse(s, out var n); Monitor.Exit(_gate); return n; }")]
    [InlineData("public object B() { {|HOT204:Monitor.Enter(_gate)|}; var o = new { X = 1 }; Monitor.Exit(_gate); return o; }")]
    [InlineData("public void A() { {|HOT204:_semaphore.Wait()|}; _semaphore.Release(); }")]
    [InlineData("public void B() { var taken = false; try { {|HOT204:Monitor.Enter(_gate, ref taken)|}; } finally { Monitor.Exit(_gate); } }")]
    public Task No_fix_for_a_jump_into_the_region_a_variable_that_cannot_be_declared_ahead_a_semaphore_or_lockTaken(string member) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), $$"""
            using System.Threading;
            public sealed class Store
            {
                private readonly object _gate = new();
                private readonly SemaphoreSlim _semaphore = new(1, 1);
                private int _n;
                {{member}}
            }
            """);

    /// <summary>A one-line body comes out laid out the way it would be written by hand (the Enter stayed on the brace's line).</summary>
    [Fact]
    public Task A_one_line_method_body_is_laid_out_on_lines_of_its_own() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v) { {|HOT204:Monitor.Enter(_stats)|}; _n += v; Monitor.Exit(_stats); }

                public void Other() => _n = 0;
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v)
                {
                    Monitor.Enter(_stats);
                    try
                    {
                        _n += v;
                    }
                    finally
                    {
                        Monitor.Exit(_stats);
                    }
                }

                public void Other() => _n = 0;
            }
            """);

    [Fact]
    public Task A_nested_block_keeps_the_files_four_space_indentation() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v)
                {
                    if (v > 0)
                    {
                        {|HOT204:Monitor.Enter(_stats)|};
                        _n += v;
                        Monitor.Exit(_stats);
                    }

                    if (v < 0) { {|HOT204:Monitor.Enter(_stats)|}; _n -= v; }
                }
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v)
                {
                    if (v > 0)
                    {
                        Monitor.Enter(_stats);
                        try
                        {
                            _n += v;
                        }
                        finally
                        {
                            Monitor.Exit(_stats);
                        }
                    }

                    if (v < 0)
                    {
                        Monitor.Enter(_stats);
                        try
                        {
                            _n -= v;
                        }
                        finally
                        {
                            Monitor.Exit(_stats);
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task A_file_indented_with_tabs_gets_tabs() =>
        CodeFixVerifier.VerifyAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), Tabs("""
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v)
                {
                    {|HOT204:Monitor.Enter(_stats)|};
                    _n += v;
                    Monitor.Exit(_stats);
                }

                public void Nested(int v)
                {
                    if (v > 0)
                    {
                        {|HOT204:Monitor.Enter(_stats)|};
                        _n += v;
                    }
                }

                public void Short(int v) { {|HOT204:Monitor.Enter(_stats)|}; _n += v; Monitor.Exit(_stats); }
            }
            """), Tabs("""
            using System.Threading;

            public sealed class Store
            {
                private readonly object _stats = new();
                private long _n;

                public void Record(int v)
                {
                    Monitor.Enter(_stats);
                    try
                    {
                        _n += v;
                    }
                    finally
                    {
                        Monitor.Exit(_stats);
                    }
                }

                public void Nested(int v)
                {
                    if (v > 0)
                    {
                        Monitor.Enter(_stats);
                        try
                        {
                            _n += v;
                        }
                        finally
                        {
                            Monitor.Exit(_stats);
                        }
                    }
                }

                public void Short(int v)
                {
                    Monitor.Enter(_stats);
                    try
                    {
                        _n += v;
                    }
                    finally
                    {
                        Monitor.Exit(_stats);
                    }
                }
            }
            """));

    /// <summary>Each leading group of four spaces becomes a tab.</summary>
    private static string Tabs(string source) => string.Join("\n", source.Split('\n').Select(static line =>
    {
        var spaces = line.Length - line.TrimStart(' ').Length;
        return new string('\t', spaces / 4) + line.Substring(spaces / 4 * 4);
    }));
}
