namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT211: locking on a value type converted to object: a fresh box each time, so nobody is excluded.</summary>
public sealed class BoxedValueLockTests
{
    [Fact]
    public Task Lock_on_an_explicit_box() => LockVerifier.VerifyAsync("""
        public sealed class Counter
        {
            private int _count;
            public void A() { lock ({|HOT211:(object)_count|}) { _count += 2; } }
        }
        """, "HOT211");

    [Fact]
    public Task Monitor_on_a_value_type_boxes_on_every_call() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class Counter
        {
            private int _count;
            private readonly Guid _id = Guid.NewGuid();
            public void A() { Monitor.Enter({|HOT211:_count|}); try { } finally { Monitor.Exit(_count); } }
            public bool B() => Monitor.TryEnter({|HOT211:_id|});
        }
        """, "HOT211");

    [Fact]
    public Task Reference_types_are_not_boxed() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Counter
        {
            private readonly object _gate = new();
            private readonly object _boxedOnce = 42;
            public void A() { lock (_gate) { } lock (_boxedOnce) { } Monitor.Enter(_gate); try { } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT211");
}
