using Hotpath.Analyzers.Locks;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT208: two locks taken in opposite orders anywhere in the compilation; both sites are reported.</summary>
public sealed class LockOrderInversionTests
{
    [Fact]
    public Task Nested_lock_statements_in_opposite_orders() => LockVerifier.VerifyAsync("""
        public static class Transfer
        {
            private static readonly object s_from = new();
            private static readonly object s_to = new();
            public static void Forward() { lock (s_from) { {|HOT208:lock (s_to)|} { } } }
            public static void Backward() { lock (s_to) { {|HOT208:lock (s_from)|} { } } }
        }
        """, "HOT208");

    /// <summary>
    /// A lock a loop's round keeps at a continue is held when the next round takes another; one a round keeps at a break
    /// is held after the loop. Taking every lock of a set in one loop (the same lock expression each round) is one lock.
    /// </summary>
    [Fact]
    public Task A_lock_a_loop_keeps_into_its_next_round_or_past_its_end() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Shards
        {
            private readonly object _index = new();
            private readonly object _journal = new();
            private readonly object _stats = new();
            private readonly object _log = new();
            private readonly object[] _shards = { new(), new() };
            private int _n;
            public void Rounds() { for (var i = 0; i < 3; i++) { if (i > 0) { {|HOT208:lock (_journal)|} { _n++; } } Monitor.Enter(_index); if (_n > i) continue; Monitor.Exit(_index); } }
            public void Journal() { lock (_journal) { {|HOT208:lock (_index)|} { _n++; } } }
            public void Breaks() { while (true) { Monitor.Enter(_stats); if (_n > 0) break; Monitor.Exit(_stats); } {|HOT208:lock (_log)|} { _n++; } Monitor.Exit(_stats); }
            public void Log() { lock (_log) { {|HOT208:lock (_stats)|} { _n++; } } }
            public void All() { foreach (var shard in _shards) { Monitor.Enter(shard); } foreach (var shard in _shards) { Monitor.Exit(shard); } }
        }
        """, "HOT208");

    /// <summary>
    /// The elements of a field's collection (a foreach variable over it, an element of its array, its list's element at a
    /// for loop's variable) are one lock class:
    /// taking one while holding another lock, and that lock while holding one of them elsewhere, is an inversion. Two
    /// elements taken together are one class, never an inversion of each other.
    /// </summary>
    [Fact]
    public Task The_elements_of_a_fields_collection_are_one_lock() => LockVerifier.VerifyAsync("""
        public sealed class Shards
        {
            private readonly object _index = new();
            private readonly object _log = new();
            private readonly object[] _shards = { new(), new() };
            private readonly object[] _buckets = { new(), new() };
            private readonly System.Collections.Generic.List<object> _stripes = new() { new(), new() };
            private readonly object _meta = new();
            private int _n;
            public void Rebuild() { foreach (var shard in _shards) { lock (shard) { {|HOT208:lock (_index)|} { _n++; } } } }
            public void Lookup() { lock (_index) { foreach (var shard in _shards) { {|HOT208:lock (shard)|} { _n++; } } } }
            public void Append() { lock (_buckets[0]) { {|HOT208:lock (_log)|} { _n++; } } }
            public void Flush() { lock (_log) { foreach (var bucket in _buckets) { {|HOT208:lock (bucket)|} { _n++; } } } }
            public void Pairs() { lock (_shards[0]) { lock (_shards[1]) { _n++; } } lock (_shards[1]) { lock (_shards[0]) { _n++; } } }
            public void All() { foreach (var a in _shards) { foreach (var b in _shards) { lock (a) { lock (b) { _n++; } } } } }
            public void Grow() { for (var i = 0; i < _stripes.Count; i++) { lock (_stripes[i]) { {|HOT208:lock (_meta)|} { _n++; } } } }
            public void Stats() { lock (_meta) { for (var i = 0; i < _stripes.Count; i++) { {|HOT208:lock (_stripes[i])|} { _n++; } } } }
        }
        """, "HOT208");

    [Fact]
    public Task Through_direct_calls_made_while_holding_a_lock() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _accounts = new();
            private readonly object _journal = new();
            public void Post() { lock (_accounts) { {|HOT208:AppendJournal()|}; } }
            private void AppendJournal() { lock (_journal) { } }
            public void Replay() { lock (_journal) { {|HOT208:Helper()|}; } }
            private void Helper() => Inner();
            private void Inner() { Monitor.Enter(_accounts); try { } finally { Monitor.Exit(_accounts); } }
        }
        """, "HOT208");

    [Fact]
    public Task Across_types_and_lock_kinds() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Cache
        {
            internal static readonly Lock Gate = new();
            public static void Evict() { using (Gate.EnterScope()) { {|HOT208:Store.Flush()|}; } }
        }
        public static class Store
        {
            private static readonly ReaderWriterLockSlim s_rw = new();
            public static void Flush() { s_rw.EnterWriteLock(); try { } finally { s_rw.ExitWriteLock(); } }
            public static void Load()
            {
                s_rw.EnterReadLock();
                try { {|HOT208:Cache.Gate.Enter()|}; try { } finally { Cache.Gate.Exit(); } }
                finally { s_rw.ExitReadLock(); }
            }
        }
        """, "HOT208");

    [Fact]
    public async Task The_message_names_both_locks_and_the_opposite_site()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync("""
            public static class Transfer
            {
                private static readonly object s_from = new();
                private static readonly object s_to = new();
                public static void Forward() { lock (s_from) { lock (s_to) { } } }
                public static void Backward() { lock (s_to) { lock (s_from) { } } }
            }
            """, new DiagnosticAnalyzer[] { new LockOrderAnalyzer() });

        Assert.Equal(2, diagnostics.Length);
        var messages = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal("'Transfer.s_to' is taken while holding 'Transfer.s_from' here, but in the opposite order at Source0.cs(6,51): deadlock risk", messages[0]);
        Assert.Equal("'Transfer.s_from' is taken while holding 'Transfer.s_to' here, but in the opposite order at Source0.cs(5,52): deadlock risk", messages[1]);
        Assert.All(diagnostics, d => Assert.Single(d.AdditionalLocations));
    }

    [Fact]
    public Task Same_order_everywhere_recursion_and_unknown_identities_are_not_reported() => LockVerifier.VerifyAsync("""
        using System;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            public void One() { lock (_a) { lock (_b) { } } }
            public void Two() { lock (_a) { Inner(); } }
            private void Inner() { lock (_b) { } }
            public void Reentrant() { lock (_a) { lock (_a) { } Reentrant(); } }
            public void Locals(object x, object y) { lock (x) { lock (y) { } } }
            public void Reversed(object x, object y) { lock (y) { lock (x) { } } }
            public Action Deferred() { lock (_b) { return () => { lock (_a) { } }; } }
            public void Sequential() { lock (_b) { } lock (_a) { } }
        }
        """, "HOT208");

    /// <summary>
    /// A lock still held on some path when another is taken orders the two on that path: a thread taking them the
    /// other way round can deadlock with it (a release that may not run was taken as releasing it). A release on every
    /// path, both branches of an if/else included, leaves no order.
    /// </summary>
    [Fact]
    public Task A_lock_held_on_some_path_orders_the_next_one() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            public void One(bool early) { Monitor.Enter(_a); if (early) Monitor.Exit(_a); {|HOT208:lock (_b)|} { } if (!early) Monitor.Exit(_a); }
            public void Two() { lock (_b) { {|HOT208:lock (_a)|} { } } }
            public void Three(bool early) { Monitor.Enter(_c); if (early) { Monitor.Exit(_c); } else { Monitor.Exit(_c); } lock (_d) { } }
            public void Four() { lock (_d) { lock (_c) { } } }
        }
        """, "HOT208");

    /// <summary>
    /// A field's list element at a constant index is in the same class as its element at a for loop's variable, as an
    /// array's is: taking the list's first element and then another lock inverts the order of taking that lock and then
    /// every element in a for loop.
    /// </summary>
    [Fact]
    public Task A_lists_element_at_any_index_is_in_its_element_class() => LockVerifier.VerifyAsync("""
        using System.Collections.Generic;
        public sealed class Stripes
        {
            private readonly List<object> _stripes = new() { new(), new() };
            private readonly object _meta = new();
            private int _n;
            public void Head() { lock (_stripes[0]) { {|HOT208:lock (_meta)|} { _n++; } } }
            public void Stats() { lock (_meta) { for (var i = 0; i < _stripes.Count; i++) { {|HOT208:lock (_stripes[i])|} { _n++; } } } }
            public void Pairs() { lock (_stripes[0]) { lock (_stripes[1]) { _n++; } } lock (_stripes[1]) { lock (_stripes[0]) { _n++; } } }
        }
        """, "HOT208");

    /// <summary>
    /// The finally of a try whose body gives the lock back and takes it again in one branch of an if frees it for what
    /// follows the try (no order with a lock taken after it); a branch that takes it once more keeps it held there.
    /// </summary>
    [Fact]
    public Task A_finally_after_a_body_that_ends_as_it_began_frees_the_lock_for_what_follows() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            public void One(bool busy) { Monitor.Enter(_a); try { if (busy) { Monitor.Exit(_a); Thread.Sleep(1); Monitor.Enter(_a); } } finally { Monitor.Exit(_a); } lock (_b) { } }
            public void Two() { lock (_b) { lock (_a) { } } }
            public void Three(bool busy) { Monitor.Enter(_c); try { if (busy) { Monitor.Enter(_c); } } finally { Monitor.Exit(_c); } {|HOT208:lock (_d)|} { } }
            public void Four() { lock (_d) { {|HOT208:lock (_c)|} { } } }
        }
        """, "HOT208");

    /// <summary>
    /// An Exit on every path of a later lock statement's body frees the lock for what follows that statement, so a lock
    /// taken after it is not ordered after the first (the lock statement itself still is); one under an if in that body
    /// may not run and still orders the two.
    /// </summary>
    [Fact]
    public Task An_exit_in_a_lock_body_frees_the_lock_for_what_follows() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            private readonly object _e = new();
            public void One() { Monitor.Enter(_a); lock (_e) { Monitor.Exit(_a); } lock (_b) { } }
            public void Two() { lock (_b) { lock (_a) { } } }
            public void Three(bool early) { Monitor.Enter(_c); lock (_e) { if (early) Monitor.Exit(_c); } {|HOT208:lock (_d)|} { } Monitor.Exit(_c); }
            public void Four() { lock (_d) { {|HOT208:lock (_c)|} { } } }
        }
        """, "HOT208");

    /// <summary>
    /// A switch whose every section releases and that has a default section frees the lock for what follows; without
    /// the default section a value can skip every section, and the lock taken after it is ordered after the first.
    /// </summary>
    [Fact]
    public Task A_switch_releasing_in_every_section_frees_the_lock_only_with_a_default_section() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            public void One(int k) { Monitor.Enter(_a); switch (k) { case 1: Monitor.Exit(_a); break; default: Monitor.Exit(_a); break; } lock (_b) { } }
            public void Two() { lock (_b) { lock (_a) { } } }
            public void Three(int k) { Monitor.Enter(_c); switch (k) { case 1: Monitor.Exit(_c); break; case 2: Monitor.Exit(_c); break; } {|HOT208:lock (_d)|} { } }
            public void Four() { lock (_d) { {|HOT208:lock (_c)|} { } } }
        }
        """, "HOT208");

    /// <summary>
    /// A branch that returns never reaches a lock taken after the if, so an Exit in the other branch leaves no order; an
    /// empty branch falls through with the lock held and orders the two.
    /// </summary>
    [Fact]
    public Task An_exit_in_the_branch_that_does_not_return_frees_the_lock_for_what_follows() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            public void One(bool early) { Monitor.Enter(_a); if (early) return; else Monitor.Exit(_a); lock (_b) { } }
            public void Two() { lock (_b) { lock (_a) { } } }
            public void Three(bool early) { Monitor.Enter(_c); if (early) { } else Monitor.Exit(_c); {|HOT208:lock (_d)|} { } }
            public void Four() { lock (_d) { {|HOT208:lock (_c)|} { } } }
        }
        """, "HOT208");

    /// <summary>
    /// A try-acquire that gives up (<c>Monitor.TryEnter(a)</c>, with a finite timeout, <c>TryEnterWriteLock(10)</c>,
    /// <c>SemaphoreSlim.Wait(10)</c>), directly or in a method called under the lock, cannot wait for good, so it orders
    /// nothing: taking a lock out of order that way is how code backs off. One with an infinite timeout waits like Enter,
    /// so does the Enter of "try, then block", and what is taken while the try-acquired lock is held is ordered after it.
    /// </summary>
    [Fact]
    public Task A_try_acquire_that_gives_up_orders_nothing() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Ledger
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            private readonly object _e = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly SemaphoreSlim _s = new(1, 1);
            private int _n;
            public void Forward() { lock (_a) { lock (_b) { _n++; } } }
            public void Back() { lock (_b) { if (Monitor.TryEnter(_a)) { try { _n++; } finally { Monitor.Exit(_a); } } } }
            public void BackWithTimeout() { lock (_b) { if (Monitor.TryEnter(_a, 100)) { try { _n++; } finally { Monitor.Exit(_a); } } } }
            public void BackWithFlag() { lock (_b) { var taken = false; try { Monitor.TryEnter(_a, 10, ref taken); } finally { if (taken) Monitor.Exit(_a); } } }
            public void BackThroughACall() { lock (_b) { TryA(); } }
            private void TryA() { if (Monitor.TryEnter(_a)) { try { _n++; } finally { Monitor.Exit(_a); } } }
            public void ReaderWriter() { _rw.EnterWriteLock(); try { lock (_a) { } } finally { _rw.ExitWriteLock(); } }
            public void ReaderWriterBack() { lock (_a) { if (_rw.TryEnterWriteLock(10)) { try { _n++; } finally { _rw.ExitWriteLock(); } } } }
            public void Semaphore() { _s.Wait(); try { lock (_a) { } } finally { _s.Release(); } }
            public void SemaphoreBack() { lock (_a) { if (_s.Wait(10)) { try { _n++; } finally { _s.Release(); } } } }
            public void C() { lock (_c) { {|HOT208:lock (_d)|} { } } }
            public void Infinite() { lock (_d) { if ({|HOT208:Monitor.TryEnter(_c, Timeout.Infinite)|}) { try { _n++; } finally { Monitor.Exit(_c); } } } }
            public void D() { lock (_d) { {|HOT208:lock (_e)|} { } } }
            public void TryThenBlock() { lock (_e) { if (!Monitor.TryEnter(_d)) { _n++; {|HOT208:Monitor.Enter(_d)|}; } try { _n++; } finally { Monitor.Exit(_d); } } }
            public void HeldAfterTheTry() { lock (_c) { {|HOT208:lock (_e)|} { } } }
            public void TakenUnderTheTry() { if (Monitor.TryEnter(_e)) { try { {|HOT208:lock (_c)|} { } } finally { Monitor.Exit(_e); } } }
        }
        """, "HOT208");

    /// <summary>
    /// A try-acquire tried again until it succeeds waits for good as Enter does, so it orders as Enter does: a loop that goes
    /// round only while it failed (<c>while (!Monitor.TryEnter(b, 10)) Thread.Yield();</c>, <c>do … while (!got)</c> over
    /// its result or the flag it sets by <c>ref</c>), or an endless loop whose only way out is <c>if (Monitor.TryEnter(b, 10)) break;</c>. One that may stop
    /// trying (<c>while (!stop &amp;&amp; !Monitor.TryEnter(b, 10))</c>, a <c>break</c> or <c>return</c> out of the loop) or the rounds of <c>while (Monitor.TryEnter(b, 10))</c>
    /// still give up.
    /// </summary>
    [Fact]
    public Task A_try_acquire_retried_until_taken_orders_as_enter() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Spinner
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private readonly object _d = new();
            private readonly object _e = new();
            private readonly object _f = new();
            private readonly object _g = new();
            private readonly SemaphoreSlim _s = new(1, 1);
            private volatile bool _stop;
            public void Forward() { lock (_a) { {|HOT208:lock (_b)|} { } } }
            public void Spin() { lock (_b) { while (!{|HOT208:Monitor.TryEnter(_a, 10)|}) Thread.Yield(); try { } finally { Monitor.Exit(_a); } } }
            public void ForwardC() { lock (_c) { {|HOT208:lock (_b)|} { } } }
            public void SpinAndBreak() { lock (_b) { while (true) { if ({|HOT208:Monitor.TryEnter(_c, 10)|}) break; Thread.Yield(); } try { } finally { Monitor.Exit(_c); } } }
            public void ForwardD() { lock (_d) { {|HOT208:lock (_b)|} { } } }
            public void SpinOnAFlag() { lock (_b) { bool got; do { got = {|HOT208:Monitor.TryEnter(_d, 10)|}; } while (!got); try { } finally { Monitor.Exit(_d); } } }
            public void SpinOnARefFlag() { lock (_b) { var taken = false; do { {|HOT208:Monitor.TryEnter(_d, 10, ref taken)|}; } while (!taken); try { } finally { Monitor.Exit(_d); } } }
            public void RefFlagBreaksOff() { lock (_g) { var taken = false; var tries = 0; while (!taken) { Monitor.TryEnter(_f, 10, ref taken); if (!taken && ++tries > 3) break; } if (taken) { try { } finally { Monitor.Exit(_f); } } } }
            public void Semaphore() { _s.Wait(); try { {|HOT208:lock (_e)|} { } } finally { _s.Release(); } }
            public void SpinOnASemaphore() { lock (_e) { while (!{|HOT208:_s.Wait(10)|}) { } try { } finally { _s.Release(); } } }
            public void ForwardF() { lock (_f) { lock (_g) { } } }
            public void MayStop() { lock (_g) { var got = false; while (!_stop && !(got = Monitor.TryEnter(_f, 10))) { } if (got) { try { } finally { Monitor.Exit(_f); } } } }
            public void Rounds() { lock (_g) { while (Monitor.TryEnter(_f, 10)) { try { } finally { Monitor.Exit(_f); } } } }
            public bool BreaksOff() { lock (_g) { var tries = 0; while (!Monitor.TryEnter(_f, 10)) { if (++tries > 3) return false; } try { return true; } finally { Monitor.Exit(_f); } } }
            public void FlagBreaksOff() { lock (_g) { bool got; var tries = 0; do { got = Monitor.TryEnter(_f, 10); if (!got && ++tries > 3) break; } while (!got); if (got) { try { } finally { Monitor.Exit(_f); } } } }
        }
        """, "HOT208");

    /// <summary>
    /// Two collections' elements taken in turn by one loop (a[0], b[0], a[1], b[1]): b[0] is held when a[1] is taken, an
    /// inversion of the two lock classes (a kernel lock checker reports it too; give the pairs one order or one lock
    /// class). Each site is reported once, though later rounds hold more elements of the class and take it again.
    /// </summary>
    [Fact]
    public Task Elements_of_two_collections_taken_in_turn_are_reported_once_a_site() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Pairs
        {
            private readonly object[] _a = { new(), new() };
            private readonly object[] _b = { new(), new() };
            private int _n;
            public void Both()
            {
                for (var i = 0; i < _a.Length; i++) { {|HOT208:Monitor.Enter(_a[i])|}; {|HOT208:Monitor.Enter(_b[i])|}; }
                try { _n++; } finally { for (var j = 0; j < _a.Length; j++) { Monitor.Exit(_b[j]); Monitor.Exit(_a[j]); } }
            }
        }
        """, "HOT208");
}
