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
}
