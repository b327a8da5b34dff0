using System.Collections.Immutable;
using Hotpath.Analyzers.Pooling;
using Hotpath.CodeFixes.Pooling;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.CodeFixes.Tests.Pooling;

/// <summary>HOT303's fix: rent through a lease so the instance goes back on every path.</summary>
public sealed class UsePoolLeaseCodeFixTests
{
    private const string Types = """
        namespace App;
        [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }
        """;

    private static readonly CodeFixTestOptions s_options = new()
    {
        Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()),
    };

    private static Task Verify(string markup, string expected) =>
        CodeFixVerifier.VerifyAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), Types + "\n" + markup, Types + "\n" + expected, s_options);

    /// <summary>Asserts the analyzer reports exactly the marked HOT303s of <paramref name="markup"/> and the fix is offered for none.</summary>
    private static Task VerifyReportedWithoutFix(string markup) =>
        CodeFixVerifier.VerifyNoFixAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), Types + "\n" + markup, s_options);

    [Fact]
    public Task Wraps_a_leaked_rent_in_a_lease() => Verify(
        """
        public static class Handler
        {
            public static int Handle()
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                state.Restarts++;
                return state.Restarts;
            }
        }
        """,
        """
        public static class Handler
        {
            public static int Handle()
            {
                using var lease = PodState.Pool.Lease(out var state);
                state.Restarts++;
                return state.Restarts;
            }
        }
        """);

    [Fact]
    public Task Removes_the_partial_returns_the_lease_replaces_and_keeps_an_explicit_type() => Verify(
        """
        public static class Handler
        {
            public static int Handle(bool fast, int lease)
            {
                PodState state = {|HOT303:PodState.Pool.Rent()|};
                if (fast)
                {
                    PodState.Pool.Return(state);
                    return lease;
                }

                return state.Restarts;
            }
        }
        """,
        """
        public static class Handler
        {
            public static int Handle(bool fast, int lease)
            {
                using var lease2 = PodState.Pool.Lease(out PodState state);
                if (fast)
                {
                    return lease;
                }

                return state.Restarts;
            }
        }
        """);

    [Fact]
    public Task Removes_a_return_embedded_in_an_if_or_else_so_the_lease_does_not_return_twice() => Verify(
        """
        public static class Handler
        {
            public static void Handle(bool done, int mode)
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                state.Restarts++;
                if (done) PodState.Pool.Return(state);
                if (mode > 2) state.Restarts = 0; else PodState.Pool.Return(state);
                if (Check(mode)) PodState.Pool.Return(state);
            }

            private static bool Check(int mode) => mode == 1;
        }
        """,
        """
        public static class Handler
        {
            public static void Handle(bool done, int mode)
            {
                using var lease = PodState.Pool.Lease(out var state);
                state.Restarts++;
                if (mode > 2) state.Restarts = 0;
                if (Check(mode)) { }
            }

            private static bool Check(int mode) => mode == 1;
        }
        """);

    [Fact]
    public Task Works_on_an_instance_pool() => Verify(
        """
        public sealed class Handler
        {
            private readonly Hotpath.Pool<PodState> _pool = new(static () => new PodState());

            public void Handle()
            {
                var state = {|HOT303:_pool.Rent()|};
                state.Restarts = 1;
            }
        }
        """,
        """
        public sealed class Handler
        {
            private readonly Hotpath.Pool<PodState> _pool = new(static () => new PodState());

            public void Handle()
            {
                using var lease = _pool.Lease(out var state);
                state.Restarts = 1;
            }
        }
        """);

    /// <summary>A lease never disposed is HOT303 too, but it is a lease already: rewriting it would dispose it twice beside its Dispose calls.</summary>
    [Fact]
    public Task Not_offered_for_a_lease_that_is_never_disposed() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static void Handle(bool done)
                {
                    var lease = {|HOT303:PodState.Pool.Lease(out var state)|};
                    state.Restarts++;
                    if (done) return;
                    lease.Dispose();
                }

                public static void Discarded()
                {
                    {|HOT303:PodState.Pool.Lease(out var state)|};
                    state.Restarts++;
                }
            }
            """,
            s_options);

    [Fact]
    public Task A_rent_declared_in_a_switch_section_gets_the_section_wrapped_in_a_block() =>
        CodeFixVerifier.VerifyAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), Types + "\n" + SwitchSection, Types + "\n" + SwitchSectionFixed, s_options);

    /// <summary>The block's new lines are the file's: a CRLF file gets no lone LF (the formatter wrote its own).</summary>
    [Fact]
    public Task A_switch_section_wrapped_in_a_CRLF_file_keeps_CRLF() =>
        CodeFixVerifier.VerifyAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), Types + "\n" + SwitchSection, Types + "\n" + SwitchSectionFixed, s_options with { CrLf = true });

    private const string SwitchSection = """
        public static class Handler
        {
            public static int Handle(int kind)
            {
                switch (kind)
                {
                    case 1:
                        var state = {|HOT303:PodState.Pool.Rent()|};
                        state.Restarts++;
                        if (state.Restarts > kind)
                        {
                            PodState.Pool.Return(state);
                        }

                        return state.Restarts;
                    default:
                        return 0;
                }
            }
        }
        """;

    private const string SwitchSectionFixed = """
        public static class Handler
        {
            public static int Handle(int kind)
            {
                switch (kind)
                {
                    case 1:
                        {
                            using var lease = PodState.Pool.Lease(out var state);
                            state.Restarts++;
                            if (state.Restarts > kind)
                            {
                            }

                            return state.Restarts;
                        }
                    default:
                        return 0;
                }
            }
        }
        """;

    /// <summary>
    /// A section that starts inside a <c>#region</c> and an <c>#if</c> is wrapped one level deeper than its label, by the
    /// statements' own indentation (the whitespace before the directives once counted twice), the directives kept where
    /// they were, in an LF and in a CRLF file alike; the program returns what it did.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task A_switch_section_inside_a_region_and_an_if_directive_keeps_its_indentation(bool crLf) =>
        CodeFixVerifier.VerifyAsync(new PoolMisuseAnalyzer(), new UsePoolLeaseCodeFixProvider(), Types + """

            public static class Handler
            {
                public static int Handle(int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            #region rent
            #if DEBUG
                            var state = new PodState();
            #else
                            var state = {|HOT303:PodState.Pool.Rent()|};
            #endif
                            state.Restarts = kind + 1;
                            return state.Restarts;
                            #endregion
                        default:
                            return 0;
                    }
                }
            }
            """, Types + """

            public static class Handler
            {
                public static int Handle(int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            {
                                #region rent
            #if DEBUG
                                var state = new PodState();
            #else
                                using var lease = PodState.Pool.Lease(out var state);
            #endif
                                state.Restarts = kind + 1;
                                return state.Restarts;
                            }
                            #endregion
                        default:
                            return 0;
                    }
                }
            }
            """, s_options with
            {
                CrLf = crLf,
                Run = static assembly => Assert.Equal(2, assembly.GetType("App.Handler")!.GetMethod("Handle")!.Invoke(null, new object[] { 1 })),
            });

    [Fact]
    public Task Not_offered_in_a_switch_section_whose_locals_another_section_uses() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static int Handle(int kind)
                {
                    switch (kind)
                    {
                        case 1:
                            var state = {|HOT303:PodState.Pool.Rent()|};
                            int count = state.Restarts;
                            return count;
                        default:
                            count = 2;
                            return count;
                    }
                }
            }
            """,
            s_options);

    [Fact]
    public Task A_local_of_another_type_keeps_its_type_and_takes_the_leased_instance() => Verify(
        """
        public interface IPodLike { }
        public sealed partial class PodState : IPodLike { }

        public static class Handler
        {
            public static int Handle(int rented)
            {
                IPodLike like = {|HOT303:PodState.Pool.Rent()|};
                object boxed = {|HOT303:PodState.Pool.Rent()|};
                return like.GetHashCode() + boxed.GetHashCode() + rented;
            }
        }
        """,
        """
        public interface IPodLike { }
        public sealed partial class PodState : IPodLike { }

        public static class Handler
        {
            public static int Handle(int rented)
            {
                using var lease = PodState.Pool.Lease(out var rented2);
                IPodLike like = rented2;
                using var lease2 = PodState.Pool.Lease(out var rented3);
                object boxed = rented3;
                return like.GetHashCode() + boxed.GetHashCode() + rented;
            }
        }
        """);

    [Fact]
    public Task A_return_of_the_local_cast_back_to_the_pooled_type_is_removed_too() => Verify(
        """
        public static class Handler
        {
            public static int Handle(bool done)
            {
                object boxed = {|HOT303:PodState.Pool.Rent()|};
                if (done)
                {
                    PodState.Pool.Return((PodState)boxed);
                    return 0;
                }

                return boxed.GetHashCode();
            }
        }
        """,
        """
        public static class Handler
        {
            public static int Handle(bool done)
            {
                using var lease = PodState.Pool.Lease(out var rented);
                object boxed = rented;
                if (done)
                {
                    return 0;
                }

                return boxed.GetHashCode();
            }
        }
        """);

    [Fact]
    public Task Not_offered_for_ArrayPool_which_has_no_lease() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static int Handle()
                {
                    var buffer = {|HOT303:System.Buffers.ArrayPool<byte>.Shared.Rent(8)|};
                    return buffer.Length;
                }
            }
            """,
            s_options);

    [Fact]
    public Task Not_offered_when_the_local_is_assigned_again() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static void Handle(int n)
                {
                    var state = {|HOT303:PodState.Pool.Rent()|};
                    for (var i = 0; i < n; i++)
                    {
                        state = PodState.Pool.Rent();
                        state.Restarts++;
                        PodState.Pool.Return(state);
                    }
                }
            }
            """,
            s_options);

    [Theory]
    [InlineData("(state) = PodState.Pool.Rent();")]
    [InlineData("((state)) = PodState.Pool.Rent();")]
    [InlineData("(state, _) = (PodState.Pool.Rent(), 0);")]
    public Task Not_offered_when_the_local_is_written_in_any_shape(string write) => VerifyReportedWithoutFix(
        """
        public static class Handler
        {
            public static void Handle()
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                WRITE
                PodState.Pool.Return(state);
            }
        }
        """.Replace("WRITE", write, StringComparison.Ordinal));

    /// <summary>
    /// A <c>goto</c> after the rent back to a label at or before it would jump before the <c>using</c> declaration the
    /// fix writes (CS8649; it was offered and stopped compiling). No fix.
    /// </summary>
    [Theory]
    [InlineData("retry:\n        var state = {|HOT303:PodState.Pool.Rent()|};\n        state.Restarts++;\n        if (++tries < n) goto retry;")]
    [InlineData("again:\n        tries++;\n        var state = {|HOT303:PodState.Pool.Rent()|};\n        if (state.Restarts++ < n) { goto again; }")]
    public Task Not_offered_when_a_goto_jumps_back_over_the_rent(string statements) => VerifyReportedWithoutFix(
        """
        public static class Handler
        {
            public static int Handle(int n)
            {
                var tries = 0;
                STATEMENTS
                return tries;
            }
        }
        """.Replace("STATEMENTS", statements, StringComparison.Ordinal));

    /// <summary>
    /// A <c>goto</c> before the rent forward to a label after it in the same block would jump past the <c>using</c>
    /// declaration the fix writes (CS8648; it was offered and stopped compiling). No fix.
    /// </summary>
    [Fact]
    public Task Not_offered_when_a_goto_jumps_forward_over_the_rent() => VerifyReportedWithoutFix(
        """
        public static class Handler
        {
            public static int Handle(int n)
            {
                if (n == 0) goto done;
                var state = {|HOT303:PodState.Pool.Rent()|};
                state.Restarts++;
            done:
                return n;
            }
        }
        """);

    /// <summary>A <c>goto</c> after the rent forward, or to a label outside the rent's block, jumps over no <c>using</c>.</summary>
    [Fact]
    public Task Offered_when_a_goto_leaves_the_rent_forward_or_jumps_to_a_label_outside_its_block() => Verify(
        """
        public static class Handler
        {
            public static int Handle(int n)
            {
                if (n < 0) goto done;
                {
                    var state = {|HOT303:PodState.Pool.Rent()|};
                    if (n == 0) goto done;
                    state.Restarts++;
                }
            done:
                return n;
            }
        }
        """,
        """
        public static class Handler
        {
            public static int Handle(int n)
            {
                if (n < 0) goto done;
                {
                    using var lease = PodState.Pool.Lease(out var state);
                    if (n == 0) goto done;
                    state.Restarts++;
                }
            done:
                return n;
            }
        }
        """);

    /// <summary>
    /// The lease gives the instance back to the pool it was rented from: a <c>Return</c> to another pool, which the fix
    /// removed, sent it there (offered, and changed which pool the instance went back to). No fix.
    /// </summary>
    [Fact]
    public Task Not_offered_when_the_local_is_returned_to_another_pool() => VerifyReportedWithoutFix(
        """
        public sealed class Handler
        {
            private readonly Hotpath.Pool<PodState> _spare = new(static () => new PodState());

            public void Handle(bool done)
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                if (done) return;
                _spare.Return(state);
            }
        }
        """);

    /// <summary>The same pool reached another way (<c>this._pool</c> and <c>_pool</c>) is the pool it came from.</summary>
    [Fact]
    public Task Offered_when_the_return_names_the_same_pool_another_way() => Verify(
        """
        public sealed class Handler
        {
            private readonly Hotpath.Pool<PodState> _pool = new(static () => new PodState());

            public void Handle(bool done)
            {
                var state = {|HOT303:this._pool.Rent()|};
                if (done) return;
                _pool.Return(state);
            }
        }
        """,
        """
        public sealed class Handler
        {
            private readonly Hotpath.Pool<PodState> _pool = new(static () => new PodState());

            public void Handle(bool done)
            {
                using var lease = this._pool.Lease(out var state);
                if (done) return;
            }
        }
        """);

    [Fact]
    public Task Offered_when_the_local_is_only_read_through_parentheses_or_a_null_forgiving_use() => CodeFixVerifier.VerifyAsync(
        new PoolMisuseAnalyzer(),
        new UsePoolLeaseCodeFixProvider(),
        Types + """

        public static class Handler
        {
            public static int Handle()
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                (state).Restarts = 2;
                return (state).Restarts + state!.Restarts;
            }
        }
        """,
        Types + """

        public static class Handler
        {
            public static int Handle()
            {
                using var lease = PodState.Pool.Lease(out var state);
                (state).Restarts = 2;
                return (state).Restarts + state!.Restarts;
            }
        }
        """,
        s_options with { Run = assembly => Assert.Equal(4, assembly.GetType("App.Handler")!.GetMethod("Handle")!.Invoke(null, null)) });

    [Fact]
    public Task Not_offered_for_a_rent_overwritten_by_a_deconstruction_or_held_in_a_tuple() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static void Overwritten(int n)
                {
                    var state = {|HOT303:PodState.Pool.Rent()|};
                    (state, n) = (PodState.Pool.Rent(), 0);
                    PodState.Pool.Return(state);
                }

                public static int Deconstructed()
                {
                    var (state, n) = ({|HOT303:PodState.Pool.Rent()|}, 1);
                    return state.Restarts + n;
                }

                public static int InATuple()
                {
                    var pair = ({|HOT303:PodState.Pool.Rent()|}, 1);
                    return pair.Item2;
                }
            }
            """,
            s_options);

    [Fact]
    public Task Not_offered_when_the_rent_is_not_a_local_initializer() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            Types + """

            public static class Handler
            {
                public static void Handle() => {|HOT303:PodState.Pool.Rent()|}.Restarts = 1;
            }
            """,
            s_options);

    [Fact]
    public Task Wraps_a_leaked_rent_in_top_level_statements_and_removes_its_returns_in_later_statements() =>
        CodeFixVerifier.VerifyAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            """
            var state = {|HOT303:PodState.Pool.Rent()|};
            state.Restarts++;
            if (args.Length > 0)
            {
                return;
            }

            PodState.Pool.Return(state);

            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }
            """,
            """
            using var lease = PodState.Pool.Lease(out var state);
            state.Restarts++;
            if (args.Length > 0)
            {
                return;
            }

            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }
            """,
            s_options with { OutputKind = OutputKind.ConsoleApplication });

    [Fact]
    public Task Removes_a_conditional_return_that_is_a_top_level_statement() =>
        CodeFixVerifier.VerifyAsync(
            new PoolMisuseAnalyzer(),
            new UsePoolLeaseCodeFixProvider(),
            """
            var state = {|HOT303:PodState.Pool.Rent()|};
            state.Restarts = args.Length;
            if (args.Length == 0) PodState.Pool.Return(state);
            System.Console.WriteLine("done");

            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }
            """,
            """
            using var lease = PodState.Pool.Lease(out var state);
            state.Restarts = args.Length;
            System.Console.WriteLine("done");

            [Hotpath.Pooled] public sealed partial class PodState { public int Restarts; }
            """,
            s_options with { OutputKind = OutputKind.ConsoleApplication });
}
