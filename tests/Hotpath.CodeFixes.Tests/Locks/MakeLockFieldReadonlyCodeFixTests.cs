using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Locks;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Locks;

/// <summary>HOT202's fix: the lock field becomes readonly when nothing reassigns it.</summary>
public sealed class MakeLockFieldReadonlyCodeFixTests
{
    private static readonly CodeFixTestOptions Options = new();

    [Fact]
    public Task Makes_a_never_reassigned_field_readonly() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate = new();
                private static object s_gate;
                private int _n;

                static Store() { s_gate = new object(); }

                public Store() { _gate = new object(); }

                public void A() { lock ({|HOT202:_gate|}) { _n++; _n--; } }
                public static void B() { lock ({|HOT202:s_gate|}) { } }
            }
            """, """
            public sealed class Store
            {
                private readonly object _gate = new();
                private static readonly object s_gate;
                private int _n;

                static Store() { s_gate = new object(); }

                public Store() { _gate = new object(); }

                public void A() { lock (_gate) { _n++; _n--; } }
                public static void B() { lock (s_gate) { } }
            }
            """);

    /// <summary>
    /// A <c>ref readonly</c> local bound to the field, or a <c>ref readonly</c> return of it, cannot write it and compiles
    /// with the field readonly (Writes.IsWritten, as the analyzers' LockOperations.IsWritten): the fix is offered (it was
    /// refused, every <c>ref</c> taken counting as a write).
    /// </summary>
    [Fact]
    public Task A_ref_readonly_alias_of_the_field_keeps_the_fix() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate = new();
                public void A() { lock ({|HOT202:_gate|}) { } }
                public bool Same(object other) { ref readonly var gate = ref _gate; return gate == other; }
                public ref readonly object View() => ref _gate;
            }
            """, """
            public sealed class Store
            {
                private readonly object _gate = new();
                public void A() { lock (_gate) { } }
                public bool Same(object other) { ref readonly var gate = ref _gate; return gate == other; }
                public ref readonly object View() => ref _gate;
            }
            """);

    [Fact]
    public Task No_fix_when_the_field_is_reassigned_outside_a_constructor() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate = new();
                public void A() { lock ({|HOT202:_gate|}) { } }
                public void Reset() { _gate = new object(); }
            }
            """);

    [Fact]
    public Task No_fix_when_the_field_is_reassigned_while_held_or_passed_by_ref() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            using System.Threading;
            public sealed class Store
            {
                private object _gate = new();
                private object _other = new();
                public void A() { lock ({|HOT202:_gate|}) { {|HOT202:_gate = new object()|}; } }
                public void B() { lock ({|HOT202:_other|}) { } Interlocked.Exchange(ref _other, new object()); }
            }
            """);

    /// <summary>A deconstruction into the field through this in its own constructor is still a constructor write.</summary>
    [Fact]
    public Task A_deconstruction_in_the_constructor_keeps_the_fix() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate;
                private int _n;

                public Store() { (this._gate, _n) = (new object(), 1); }

                public void A() { lock ({|HOT202:_gate|}) { _n++; } }
            }
            """, """
            public sealed class Store
            {
                private readonly object _gate;
                private int _n;

                public Store() { (this._gate, _n) = (new object(), 1); }

                public void A() { lock (_gate) { _n++; } }
            }
            """);

    /// <summary>
    /// Every write a readonly field forbids outside its constructors (CS0191 after the fix): deconstruction (it was
    /// missed), ref and out arguments, ref locals, ??=, a lambda or local function in the constructor, another
    /// instance's field in the constructor or an init accessor (also one set by an object initialiser there), the wrong kind
    /// of constructor, another part of the type.
    /// </summary>
    [Theory]
    [InlineData("public void Swap() { (_gate, _other) = (_other, _gate); }")]
    [InlineData("public void Set() { (_gate, var n) = (new object(), 1); }")]
    [InlineData("public void Set() { ((_gate)) = new object(); }")]
    [InlineData("public void Set() { (this._gate, _) = (new object(), 1); }")]
    [InlineData("public Store(int n) { _ = new Store { _gate = new object() }; }")]
    [InlineData("public object Other { init => new Store()._gate = value; }")]
    [InlineData("public void Set() { Volatile.Write(ref _gate, new object()); }")]
    [InlineData("public void Set() { Interlocked.Exchange(ref this._gate, new object()); }")]
    [InlineData("public void Set() { Init(out _gate); } private static void Init(out object o) => o = new object();")]
    [InlineData("public void Set() { ref object r = ref _gate; r = new object(); }")]
    [InlineData("public void Set() { _gate ??= new object(); }")]
    [InlineData("public Store(bool b) { Action a = () => _gate = new object(); a(); }")]
    [InlineData("public Store(bool b) { void Set() => _gate = new object(); Set(); }")]
    [InlineData("public Store(Store other) { other._gate = new object(); }")]
    [InlineData("static Store() { new Store()._gate = new object(); }")]
    [InlineData("} public sealed partial class Store { public void Reset() { _gate = new object(); }")]
    public Task No_fix_when_the_field_is_written_where_readonly_forbids_it(string member) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), $$"""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            public sealed partial class Store
            {
                private object _gate = new();
                private object _other = new();
                public Store() { }
                public void A() { lock ({|HOT202:_gate|}) { } }
                {{member}}
            }
            """);

    /// <summary>
    /// <c>_gate!</c> only reads the field (it counted as a write), and an <c>init</c> accessor of the type may set its own
    /// readonly field (it kept the fix away).
    /// </summary>
    [Fact]
    public Task A_null_forgiving_use_and_an_init_accessor_write_keep_the_fix() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object? _gate = new();
                private int _n;

                public object Gate { get => _gate!; init => this._gate = value; }
                public object Other { init { (_gate) = value; } }

                public int A() { lock ({|HOT202:_gate|}!) { return ++_n; } }
            }
            """, """
            public sealed class Store
            {
                private readonly object? _gate = new();
                private int _n;

                public object Gate { get => _gate!; init => this._gate = value; }
                public object Other { init { (_gate) = value; } }

                public int A() { lock (_gate!) { return ++_n; } }
            }
            """,
            Options with { Run = assembly =>
            {
                var store = System.Activator.CreateInstance(assembly.GetType("Store")!)!;
                Assert.Equal(1, store.GetType().GetMethod("A")!.Invoke(store, null));
            } });

    /// <summary>A write to the field of another construction of a generic type is a write to the field too (it was missed).</summary>
    [Fact]
    public Task No_fix_when_the_field_is_written_through_another_construction_of_its_generic_type() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store<T>
            {
                private object _gate = new();
                public void A() { lock ({|HOT202:_gate|}) { } }
                public static void Reset(Store<int> other) { other._gate = new object(); }
            }
            """);

    /// <summary>A static lock field written in an instance constructor is not a constructor write for readonly purposes.</summary>
    [Fact]
    public Task No_fix_when_a_static_field_is_written_in_an_instance_constructor() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private static object s_gate = new();
                public Store() { s_gate = new object(); }
                public static void A() { lock ({|HOT202:s_gate|}) { } }
            }
            """);

    /// <summary>
    /// A lock on a property that may return another object is HOT202 too, but there is no field of the lock to make
    /// readonly. (A property that only returns a readonly field, which this test once used, is no HOT202 at all; the
    /// analyzer's tests cover that quiet case.)
    /// </summary>
    [Fact]
    public Task No_fix_for_a_property() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object Gate { get; set; } = new();
                public void A() { lock ({|HOT202:Gate|}) { } }
            }
            """, Options);
}
