namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT203: lock on an object reachable from outside the type (non-private field or property, parameter).</summary>
public sealed class PublicLockTests
{
    [Fact]
    public Task Lock_on_non_private_fields() => LockVerifier.VerifyAsync("""
        public class Account
        {
            public readonly object SyncGate = new();
            internal readonly object InternalGate = new();
            protected readonly object ProtectedGate = new();
            public object MutableGate = new();
            public void A() { lock ({|HOT203:SyncGate|}) { } }
            public void B() { lock ({|HOT203:InternalGate|}) { } }
            public void C() { lock ({|HOT203:ProtectedGate|}) { } }
            public void D() { lock ({|HOT203:MutableGate|}) { } }
        }
        """, "HOT203");

    [Fact]
    public Task Lock_on_a_non_private_property() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            public object SyncRoot { get; } = new();
            public void A() { lock ({|HOT203:SyncRoot|}) { } }
        }
        """, "HOT203");

    /// <summary>
    /// An element of a private field's list or array (striped locks) is as private as the field; an element of a public
    /// field's list is reachable from outside.
    /// </summary>
    [Fact]
    public Task Elements_of_a_private_list_or_array_are_not_reported_and_of_a_public_list_are() => LockVerifier.VerifyAsync("""
        using System.Collections.Generic;
        public sealed class Stripes
        {
            private readonly List<object> _list = new() { new object() };
            private readonly object[] _array = { new object() };
            public readonly List<object> Shared = new() { new object() };
            public void A(int i) { lock (_list[i]) { } lock (_array[i]) { } lock ({|HOT203:Shared[i]|}) { } }
        }
        """, "HOT203");

    [Fact]
    public Task Lock_on_a_parameter() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public static class Locks
        {
            public static void Run(object gate) { lock ({|HOT203:gate|}) { } }
            public static void Enter(object gate) { Monitor.Enter({|HOT203:gate|}); try { } finally { Monitor.Exit(gate); } }
        }
        """, "HOT203");

    [Fact]
    public Task A_parameter_of_a_private_method_or_local_function_that_the_type_passes_its_own_objects_is_not_reported() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Lazy
        {
            private volatile object _state = new();
            private readonly object[] _stripes = { new(), new() };
            public void Create() { if (_state is { } state) { Publish(state); } }
            public void Copy() { var state = _state; Publish(state); }
            private void Publish(object state) { lock (state) { if (ReferenceEquals(_state, state)) { _state = null; } } }
            public void Striped(int i) { Enter(_stripes[i & 1]); Enter(new object()); }
            private void Enter(object state) { Monitor.Enter(state); try { Nested(state); } finally { Monitor.Exit(state); } }
            private static void Nested(object gate) { lock (gate) { } }
            public void Local() { Run(_state); void Run(object gate) { lock (gate) { } } }
        }
        """, "HOT203");

    [Fact]
    public Task A_parameter_of_a_private_method_or_local_function_is_reported_when_a_caller_may_pass_an_outside_object() => LockVerifier.VerifyAsync("""
        using System;
        public sealed class Gates
        {
            private readonly object _own = new();
            public void Forward(object gate) { Locked(gate); Locked(_own); }
            private void Locked(object gate) { lock ({|HOT203:gate|}) { } }
            void Unused(object gate) { lock ({|HOT203:gate|}) { } }
            public Action<object> AsDelegate() => Grouped;
            private void Grouped(object gate) { lock ({|HOT203:gate|}) { } }
            public void Local(object outside) { Run(_own); Run(outside); void Run(object gate) { lock ({|HOT203:gate|}) { } } }
            public void Reassigned(object outside) { var local = _own; local = outside; Locked2(local); }
            private void Locked2(object gate) { lock ({|HOT203:gate|}) { } }
        }
        """, "HOT203");

    /// <summary>
    /// A parameter whose type is a private nested class (SignalR's HubConnection locks the InvocationHandlerList its
    /// ConcurrentDictionary.AddOrUpdate hands an update lambda): only the type can name or make such an object, so it is
    /// as private as a private field. A parameter of a public, internal or base type stays reported.
    /// </summary>
    [Fact]
    public Task A_parameter_of_a_private_nested_type_is_not_reported() => LockVerifier.VerifyAsync("""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        public sealed class HubConnection
        {
            private readonly ConcurrentDictionary<string, HandlerList> _handlers = new();
            public HandlerCount Count() => new HandlerCount();
            public void On(string name, object handler) =>
                _handlers.AddOrUpdate(name, _ => new HandlerList(), (_, invocations) => { lock (invocations) { invocations.Add(handler); } return invocations; });
            private void Nested(Hidden.Deeper deeper) { lock (deeper) { } }
            private void Shared(Friend friend) { lock ({|HOT203:friend|}) { } }
            private void AsObject(object list) { lock ({|HOT203:list|}) { } }
            public Action<object> Locker() => gate => { lock ({|HOT203:gate|}) { } };
            public void Public(HandlerCount count) { lock ({|HOT203:count|}) { } }
            private sealed class HandlerList { private readonly List<object> _items = new(); public void Add(object item) => _items.Add(item); }
            private static class Hidden { public sealed class Deeper { } }
            internal sealed class Friend { }
            public sealed class HandlerCount { }
        }
        """, "HOT203");

    [Fact]
    public Task A_parameter_fed_a_local_written_by_deconstruction_or_through_out_is_reported() => LockVerifier.VerifyAsync("""
        public sealed class Gates
        {
            private readonly object _own = new();
            public void Deconstructed(object outside) { var local = _own; (local, _) = (outside, 0); Locked(local); }
            public void Out(object outside) { var local = _own; Take(outside, out local); LockedToo(local); }
            private static void Take(object from, out object to) => to = from;
            private void Locked(object gate) { lock ({|HOT203:gate|}) { } }
            private void LockedToo(object gate) { lock ({|HOT203:gate|}) { } }
        }
        """, "HOT203");

    [Fact]
    public Task Private_fields_and_locals_are_not_reported() => LockVerifier.VerifyAsync("""
        public sealed class Account
        {
            private readonly object _gate = new();
            public void A(Account other) { lock (_gate) { } lock (other._gate) { } var local = new object(); lock (local) { } }
        }
        """, "HOT203");
}
