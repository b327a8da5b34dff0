namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT202: lock on a field that is not readonly, on a property, or a lock object reassigned while held.</summary>
public sealed class NonReadonlyLockTests
{
    [Fact]
    public Task Lock_on_a_mutable_private_field() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            private object _gate = new();
            private static object s_gate = new();
            public void A() { lock ({|HOT202:_gate|}) { } }
            public void B() { lock ({|HOT202:this._gate|}) { } }
            public static void C() { lock ({|HOT202:s_gate|}) { } }
        }
        """, "HOT202");

    [Fact]
    public Task Monitor_Enter_on_a_mutable_field() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Account
        {
            private object _gate = new();
            public void A() { Monitor.Enter({|HOT202:_gate|}); try { } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT202");

    [Fact]
    public Task Lock_on_a_private_property() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            private object _mutable = new();
            private readonly object _gate = new();
            private object Gate => _mutable;
            private object Fresh => new object();
            private object Chosen => _mutable ?? _gate;
            private object Settable { get; set; } = new();
            public void A() { lock ({|HOT202:Gate|}) { } }
            public void B() { lock ({|HOT202:Fresh|}) { } }
            public void C() { lock ({|HOT202:Chosen|}) { } }
            public void D() { lock ({|HOT202:Settable|}) { } }
        }
        """, "HOT202");

    [Fact]
    public Task Lock_on_a_private_property_that_returns_a_readonly_field_is_stable() => LockVerifier.VerifyAllRulesAsync("""
        using System.Collections.Concurrent;
        public sealed class Channel
        {
            private readonly ConcurrentQueue<int> _items = new();
            private static readonly object s_gate = new();
            private readonly object _other = new();
            private int _n, _m;
            private object SyncObj => _items;
            private object ThisSyncObj => this._items;
            private static object StaticGate => s_gate;
            private object Block { get { return _other; } }
            private object Auto { get; } = new();
            public void A(Channel parent) { lock (SyncObj) { _n++; _m++; } lock (parent.SyncObj) { _n--; _m--; } lock (ThisSyncObj) { _n++; _m++; } }
            public void B() { lock (StaticGate) { _n++; _m++; } lock (Block) { _n--; _m--; } lock (Auto) { _n++; _m++; } }
        }
        """);

    /// <summary>
    /// ManualResetEventSlim's lazily made lock object: the field starts null and is only ever set by
    /// <c>Interlocked.CompareExchange(ref field, value, null)</c>, so once set it never changes and every thread locks the
    /// same object. Any other write (a reset to null, an exchange from another value) keeps it reported.
    /// </summary>
    [Fact]
    public Task A_field_published_once_by_CompareExchange_from_null_is_not_reported() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Event
        {
            private volatile object? _lock;
            private object? _plain = null;
            private object? _reset;
            private object? _swapped;
            private void EnsureLock() { if (_lock is null) { Interlocked.CompareExchange(ref _lock, new object(), null); } }
            public void Set() { EnsureLock(); lock (_lock!) { Monitor.PulseAll(_lock!); } }
            public void Plain() { Interlocked.CompareExchange(ref _plain, new object(), null); lock (this._plain!) { } }
            public void Reset() { Interlocked.CompareExchange(ref _reset, new object(), null); lock ({|HOT202:_reset|}!) { } _reset = null; }
            public void Swap(object old) { Interlocked.CompareExchange(ref _swapped, new object(), old); lock ({|HOT202:_swapped|}!) { } }
        }
        """, "HOT202");

    [Fact]
    public Task Lock_object_reassigned_while_held() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            private object _gate = new();
            public void Field() { lock ({|HOT202:_gate|}) { {|HOT202:_gate = new object()|}; } }
            public void Local()
            {
                var gate = new object();
        #pragma warning disable CS0728
                lock (gate) { {|HOT202:gate = new object()|}; }
        #pragma warning restore CS0728
            }
        }
        """, "HOT202");

    [Fact]
    public Task Reassignment_in_a_lambda_inside_the_lock_is_not_while_held() => LockVerifier.VerifyAsync("""
        using System;
        public sealed class Account
        {
            public Action A()
            {
                var gate = new object();
                lock (gate) { return () => gate = new object(); }
            }
        }
        """, "HOT202");

    [Fact]
    public Task Readonly_fields_constants_and_locals_are_not_reported() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Account
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private static readonly object s_gate = new();
            public void A()
            {
                lock (_gate) { }
                lock (_lock) { }
                lock (s_gate) { }
                var local = _gate;
                lock (local) { }
            }
        }
        """, "HOT202");

    /// <summary>
    /// Writing another collection's element at the same for loop variable (_totals[i] beside _stripes[i]) does not
    /// reassign the lock; writing the locked list's own element does.
    /// </summary>
    [Fact]
    public Task Writing_another_collection_at_the_loop_variable_is_not_reassigning_the_lock() => LockVerifier.VerifyAsync("""
        using System.Collections.Generic;
        public sealed class Stripes
        {
            private readonly List<object> _stripes = new() { new object() };
            private readonly int[] _totals = new int[1];
            public void A() { for (var i = 0; i < _stripes.Count; i++) { lock (_stripes[i]) { _totals[i] = 0; } } }
            public void B() { for (var i = 0; i < _stripes.Count; i++) { lock (_stripes[i]) { {|HOT202:_stripes[i] = new object()|}; } } }
        }
        """, "HOT202");
}
