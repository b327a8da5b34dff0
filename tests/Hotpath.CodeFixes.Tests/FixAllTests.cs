using System.Collections.Immutable;
using Hotpath.Analyzers.Allocations;
using Hotpath.Analyzers.Locks;
using Hotpath.Analyzers.Pooling;
using Hotpath.CodeFixes.Allocations;
using Hotpath.CodeFixes.Locks;
using Hotpath.CodeFixes.Pooling;
using Hotpath.CodeFixes.Usage;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.CodeFixes.Tests;

/// <summary>
/// Fix All in document scope (what <c>dotnet format analyzers --diagnostics HOTxxx</c> and the IDE's "Fix all in
/// document" run) for every code-fix provider: each diagnostic fixed once, fixes that share what they introduce
/// agreeing on it. HOT205's is in <see cref="Locks.UseInterlockedCodeFixTests"/>.
/// </summary>
public sealed class FixAllTests
{
    [Fact]
    public Task HOT201_and_HOT203_sites_of_one_type_share_one_new_lock_object() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Account
            {
                private int _balance;

                public void Deposit(int amount)
                {
                    lock ({|HOT201:this|}) { _balance += amount; }
                }

                public void Withdraw(int amount)
                {
                    lock ({|HOT201:this|}) { _balance -= amount; }
                }
            }

            public static class Registry
            {
                private static int s_count;

                public static void Reset()
                {
                    lock ({|HOT201:typeof(Registry)|}) { s_count = 0; }
                }

                public static void Add()
                {
                    lock ({|HOT201:typeof(Registry)|}) { s_count++; s_count *= 2; }
                }
            }
            """, """
            using System.Threading;

            public class Account
            {
                private readonly Lock _lock = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_lock) { _balance += amount; }
                }

                public void Withdraw(int amount)
                {
                    lock (_lock) { _balance -= amount; }
                }
            }

            public static class Registry
            {
                private static readonly Lock s_lock = new();
                private static int s_count;

                public static void Reset()
                {
                    lock (s_lock) { s_count = 0; }
                }

                public static void Add()
                {
                    lock (s_lock) { s_count++; s_count *= 2; }
                }
            }
            """);

    [Fact]
    public Task HOT202_two_locks_on_one_field_make_it_readonly_once() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new MakeLockFieldReadonlyCodeFixProvider(), """
            public sealed class Store
            {
                private object _gate = new();
                private object _other = new();
                private int _n;

                public void A() { lock ({|HOT202:_gate|}) { _n++; _n--; } }
                public void B() { lock ({|HOT202:_gate|}) { _n--; _n++; } }
                public void C() { lock ({|HOT202:_other|}) { _n *= 2; } }
            }
            """, """
            public sealed class Store
            {
                private readonly object _gate = new();
                private readonly object _other = new();
                private int _n;

                public void A() { lock (_gate) { _n++; _n--; } }
                public void B() { lock (_gate) { _n--; _n++; } }
                public void C() { lock (_other) { _n *= 2; } }
            }
            """);

    [Fact]
    public Task HOT204_two_Monitor_regions_of_one_block_are_both_wrapped() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockReleaseAnalyzer(), new WrapInTryFinallyCodeFixProvider(), """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _a = new();
                private readonly object _b = new();
                private int _n, _m;

                public void Update()
                {
                    {|HOT204:Monitor.Enter(_a)|};
                    _n++;
                    Monitor.Exit(_a);
                    {|HOT204:Monitor.Enter(_b)|};
                    _m++;
                    Monitor.Exit(_b);
                }
            }
            """, """
            using System.Threading;

            public sealed class Store
            {
                private readonly object _a = new();
                private readonly object _b = new();
                private int _n, _m;

                public void Update()
                {
                    Monitor.Enter(_a);
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        Monitor.Exit(_a);
                    }

                    Monitor.Enter(_b);
                    try
                    {
                        _m++;
                    }
                    finally
                    {
                        Monitor.Exit(_b);
                    }
                }
            }
            """);

    [Fact]
    public Task HOT102_each_hoisted_array_gets_a_field_of_its_own() =>
        CodeFixVerifier.VerifyFixAllAsync(new ArrayAllocationAnalyzer(), new HoistConstantArrayCodeFixProvider(), """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public bool IsSeparator(char c) => Array.IndexOf({|HOT102:new[] { ',', ';', ' ' }|}, c) >= 0;

                [Hotpath.HotPath]
                public bool IsQuote(char c) => Array.IndexOf({|HOT102:new[] { '"', '\'' }|}, c) >= 0;
            }
            """, """
            using System;

            public class C
            {
                private static readonly char[] s_values = new[] { ',', ';', ' ' };
                private static readonly char[] s_values2 = new[] { '"', '\'' };

                [Hotpath.HotPath]
                public bool IsSeparator(char c) => Array.IndexOf(s_values, c) >= 0;

                [Hotpath.HotPath]
                public bool IsQuote(char c) => Array.IndexOf(s_values2, c) >= 0;
            }
            """);

    [Fact]
    public Task HOT105_every_non_capturing_lambda_becomes_static() =>
        CodeFixVerifier.VerifyFixAllAsync(new ClosureAnalyzer(), new MakeLambdaStaticCodeFixProvider(), """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    Func<int, int> a = {|HOT105:x => x + 1|};
                    Func<int, int, int> b = {|HOT105:(x, y) => x * y|};
                    return a(1) + b(2, 3);
                }
            }
            """, """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    Func<int, int> a = static x => x + 1;
                    Func<int, int, int> b = static (x, y) => x * y;
                    return a(1) + b(2, 3);
                }
            }
            """);

    [Fact]
    public Task HOT106_every_concatenation_argument_becomes_interpolated() =>
        CodeFixVerifier.VerifyFixAllAsync(new StringAnalyzer(), new ConcatenationToInterpolationHandlerCodeFixProvider(), """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, int n)
                {
                    sb.Append({|HOT106:"count: " + i + " of " + n|});
                    sb.Append({|HOT106:"n=" + n|});
                }
            }
            """, """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, int n)
                {
                    sb.Append($"count: {i} of {n}");
                    sb.Append($"n={n}");
                }
            }
            """);

    [Fact]
    public Task HOT001_two_nested_types_make_their_shared_container_partial_once() =>
        CodeFixVerifier.VerifyFixAllAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), """
            namespace App;

            public static class Outer
            {
                [Hotpath.Pooled]
                public sealed class {|HOT001:PodState|}
                {
                    public string Name = "";
                }

                [Hotpath.Pooled]
                public sealed partial class {|HOT001:NodeState|}
                {
                    public string Name = "";
                }
            }
            """, """
            namespace App;

            public static partial class Outer
            {
                [Hotpath.Pooled]
                public sealed partial class PodState
                {
                    public string Name = "";
                }

                [Hotpath.Pooled]
                public sealed partial class NodeState
                {
                    public string Name = "";
                }
            }
            """);

    [Fact]
    public Task HOT001_types_nested_over_several_lines_are_all_made_partial_with_their_containers() =>
        CodeFixVerifier.VerifyFixAllAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), """
            using System;
            using Hotpath;

            namespace Ops.State;

            public static class Containers
            {
                /// <summary>Pod state, pooled.</summary>
                [Pooled(MaxRetained = 8)]
                public sealed class {|HOT001:PodState|}
                {
                    public string Name = "";
                    public int Restarts;
                }

                internal static unsafe class Native
                {
                    [Pooled]
                    internal sealed record class {|HOT001:Probe|}
                    {
                        public int Code;
                    }
                }
            }

            [Pooled]
            public sealed class {|HOT001:Lease2|}<T> where T : class
            {
                public T? Value;
            }

            public sealed partial class Ranker
            {
                private int _calls;

                [HotPath]
                public int Rank(int x)
                {
                    var order = new[] { 3, 1, 2 };
                    Array.Sort(order);
                    _calls++;
                    return order[0] * 100 + x;
                }
            }
            """, """
            using System;
            using Hotpath;

            namespace Ops.State;

            public static partial class Containers
            {
                /// <summary>Pod state, pooled.</summary>
                [Pooled(MaxRetained = 8)]
                public sealed partial class PodState
                {
                    public string Name = "";
                    public int Restarts;
                }

                internal static unsafe partial class Native
                {
                    [Pooled]
                    internal sealed partial record class Probe
                    {
                        public int Code;
                    }
                }
            }

            [Pooled]
            public sealed partial class Lease2<T> where T : class
            {
                public T? Value;
            }

            public sealed partial class Ranker
            {
                private int _calls;

                [HotPath]
                public int Rank(int x)
                {
                    var order = new[] { 3, 1, 2 };
                    Array.Sort(order);
                    _calls++;
                    return order[0] * 100 + x;
                }
            }
            """, new CodeFixTestOptions { FixedMustCompile = false });

    [Fact]
    public Task HOT303_two_leaked_rents_of_one_method_get_leases_of_their_own() =>
        CodeFixVerifier.VerifyFixAllAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), """
            namespace App;
            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }

            public static class Handler
            {
                public static int Handle(int kind)
                {
                    var first = {|HOT303:PodState.Pool.Rent()|};
                    var second = {|HOT303:PodState.Pool.Rent()|};
                    switch (kind)
                    {
                        case 1:
                            var third = {|HOT303:PodState.Pool.Rent()|};
                            var fourth = {|HOT303:PodState.Pool.Rent()|};
                            return third.Restarts + fourth.Restarts;
                        default:
                            return first.Restarts + second.Restarts;
                    }
                }
            }
            """, """
            namespace App;
            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }

            public static class Handler
            {
                public static int Handle(int kind)
                {
                    using var lease = PodState.Pool.Lease(out var first);
                    using var lease2 = PodState.Pool.Lease(out var second);
                    switch (kind)
                    {
                        case 1:
                            {
                                using var lease3 = PodState.Pool.Lease(out var third);
                                using var lease4 = PodState.Pool.Lease(out var fourth);
                                return third.Restarts + fourth.Restarts;
                            }
                        default:
                            return first.Restarts + second.Restarts;
                    }
                }
            }
            """, new CodeFixTestOptions { Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()) });

    [Fact]
    public Task HOT303_every_leaked_rent_gets_a_lease() =>
        CodeFixVerifier.VerifyFixAllAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), """
            namespace App;
            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }

            public static class Handler
            {
                public static int Handle()
                {
                    var state = {|HOT303:PodState.Pool.Rent()|};
                    state.Restarts++;
                    return state.Restarts;
                }

                public static int Other()
                {
                    var state = {|HOT303:PodState.Pool.Rent()|};
                    return state.Restarts;
                }
            }
            """, """
            namespace App;
            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }

            public static class Handler
            {
                public static int Handle()
                {
                    using var lease = PodState.Pool.Lease(out var state);
                    state.Restarts++;
                    return state.Restarts;
                }

                public static int Other()
                {
                    using var lease = PodState.Pool.Lease(out var state);
                    return state.Restarts;
                }
            }
            """, new CodeFixTestOptions { Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()) });
}
