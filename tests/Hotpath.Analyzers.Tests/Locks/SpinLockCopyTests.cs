namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT206: SpinLock in a readonly field, copied to a local, passed by value, captured, or in an auto-property.</summary>
public sealed class SpinLockCopyTests
{
    [Fact]
    public Task Readonly_field() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class C
        {
            private readonly SpinLock {|HOT206:_spin|} = new(false);
            private static readonly SpinLock {|HOT206:s_spin|} = new(false);
        }
        """, "HOT206");

    /// <summary>An in or ref readonly parameter is readonly like a readonly field: Enter and Exit run on defensive copies.</summary>
    [Fact]
    public Task In_and_ref_readonly_parameters() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class C
        {
            public void J(in SpinLock {|HOT206:s|}) { bool t = false; try { s.Enter(ref t); } finally { if (t) s.Exit(); } }
            public static void K(ref readonly SpinLock {|HOT206:s|}, int n) { }
            public C(in SpinLock {|HOT206:s|}) { }
            public void L()
            {
                Local(default);
                var a = (in SpinLock {|HOT206:x|}) => { };
                static void Local(in SpinLock {|HOT206:y|}) { }
            }
        }
        """, "HOT206");

    [Fact]
    public Task Auto_property() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class C
        {
            public SpinLock {|HOT206:Spin|} { get; set; }
            private SpinLock {|HOT206:Computed|} => default;
        }
        """, "HOT206");

    [Fact]
    public Task Copied_to_a_local_a_field_or_a_return_value() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class C
        {
            private SpinLock _spin = new(false);
            private SpinLock _other;
            private readonly SpinLock[] _stripes = new SpinLock[4];
            public void A() { var copy = {|HOT206:_spin|}; var taken = false; copy.Enter(ref taken); if (taken) copy.Exit(); }
            public void B() { SpinLock copy; copy = {|HOT206:_spin|}; }
            public void D() { _other = {|HOT206:_spin|}; }
            public SpinLock E() => {|HOT206:_spin|};
            public void F() { var stripe = {|HOT206:_stripes[0]|}; }
        }
        """, "HOT206");

    [Fact]
    public Task Passed_by_value() => LockVerifier.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading;
        public sealed class C
        {
            private SpinLock _spin = new(false);
            public void A() { Use({|HOT206:_spin|}); }
            public void B(List<SpinLock> all) { all.Add({|HOT206:_spin|}); }
            private static void Use(SpinLock spin) { }
        }
        """, "HOT206");

    [Fact]
    public Task Captured_by_a_lambda_or_local_function() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class C
        {
            public Action A()
            {
                var spin = new SpinLock(false);
                return () => { var taken = false; {|HOT206:spin|}.Enter(ref taken); if (taken) spin.Exit(); };
            }

            public void B()
            {
                var spin = new SpinLock(false);
                Run();
                void Run() { var taken = false; {|HOT206:spin|}.Enter(ref taken); if (taken) spin.Exit(); }
            }
        }
        """, "HOT206");

    [Fact]
    public Task Fields_used_in_place_by_ref_and_fresh_values_are_not_reported() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class C
        {
            private SpinLock _spin = new(false);
            private readonly SpinLock[] _stripes = new SpinLock[4];
            public void A() { var taken = false; try { _spin.Enter(ref taken); } finally { if (taken) _spin.Exit(); } }
            public void B() { UseRef(ref _spin); }
            public void D() { ref var spin = ref _spin; var taken = false; spin.Enter(ref taken); if (taken) spin.Exit(); }
            public void E() { var fresh = new SpinLock(false); var taken = false; fresh.Enter(ref taken); if (taken) fresh.Exit(); }
            public void F() { ref var stripe = ref _stripes[0]; var taken = false; stripe.Enter(ref taken); if (taken) stripe.Exit(); }
            public Action G() => () => { var local = new SpinLock(false); var taken = false; local.Enter(ref taken); if (taken) local.Exit(); };
            public ref SpinLock H() => ref _spin;
            private static void UseRef(ref SpinLock spin) { }
        }
        """, "HOT206");
}
