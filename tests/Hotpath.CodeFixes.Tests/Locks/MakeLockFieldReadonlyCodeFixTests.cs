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

    [Fact]
    public Task No_fix_when_the_field_is_reassigned_outside_a_constructor() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate = new();
                public void A() { lock (_gate) { } }
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
                public void A() { lock (_gate) { _gate = new object(); } }
                public void B() { lock (_other) { } Interlocked.Exchange(ref _other, new object()); }
            }
            """);

    [Fact]
    public Task No_fix_for_a_property() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private readonly object _gate = new();
                private object Gate => _gate;
                public void A() { lock (Gate) { } }
            }
            """, Options);
}
