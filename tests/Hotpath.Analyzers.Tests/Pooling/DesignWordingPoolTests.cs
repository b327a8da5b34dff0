using System.Collections.Immutable;
using Hotpath.Analyzers.Pooling;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Pooling;

/// <summary>
/// HOT301–HOT303 as someone who only read DESIGN.md section 1 and the pool issue would test them: the natural
/// snippet for each rule on <c>Pool&lt;T&gt;</c>, a <c>[Pooled]</c> type's <c>T.Pool</c> and
/// <c>ArrayPool&lt;T&gt;.Shared</c>, the quiet hand-over cases the issue lists, and the severities.
/// </summary>
public sealed class DesignWordingPoolTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new PoolMisuseAnalyzer() };

    private static readonly AnalyzerTestOptions s_options = new()
    {
        Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()),
    };

    private const string Prelude = """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using Hotpath;

        [Pooled(MaxRetained = 100)]
        public sealed partial class PodState
        {
            public string Namespace = "";
            public int Restarts;
            public List<int> Containers { get; } = new();
        }

        """;

    private static Task Verify(string markup) => AnalyzerVerifier.VerifyAsync(Prelude + markup, s_analyzer, s_options);

    // ---- HOT301: a pooled object used after it was returned ----

    [Fact]
    public Task HOT301_T_Pool_read_after_return() => Verify("""
        public static class Handler
        {
            public static string Handle()
            {
                var state = PodState.Pool.Rent();
                state.Namespace = "default";
                PodState.Pool.Return(state);
                return {|HOT301:state|}.Namespace;
            }
        }
        """);

    [Fact]
    public Task HOT301_Pool_of_T_instance_written_after_return() => Verify("""
        public sealed class Handler
        {
            private readonly Pool<PodState> _pool = new Pool<PodState>(() => new PodState());
            public void Handle()
            {
                var state = _pool.Rent();
                _pool.Return(state);
                {|HOT301:state|}.Restarts++;
            }
        }
        """);

    [Fact]
    public Task HOT301_ArrayPool_Shared_written_after_return() => Verify("""
        public static class Handler
        {
            public static void Handle()
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(1024);
                buffer[0] = 1;
                ArrayPool<byte>.Shared.Return(buffer);
                {|HOT301:buffer|}[1] = 2;
            }
        }
        """);

    [Fact]
    public Task HOT301_passed_to_a_method_after_return() => Verify("""
        public static class Handler
        {
            public static void Handle()
            {
                var state = PodState.Pool.Rent();
                PodState.Pool.Return(state);
                Console.WriteLine({|HOT301:state|});
            }
        }
        """);

    [Fact]
    public Task HOT301_quiet_when_used_before_return() => Verify("""
        public static class Handler
        {
            public static int Handle()
            {
                var state = PodState.Pool.Rent();
                state.Restarts = 3;
                var restarts = state.Restarts;
                PodState.Pool.Return(state);
                var buffer = ArrayPool<int>.Shared.Rent(8);
                buffer[0] = restarts;
                var first = buffer[0];
                ArrayPool<int>.Shared.Return(buffer);
                return first;
            }
        }
        """);

    // ---- HOT302: a pooled object returned twice ----

    [Fact]
    public Task HOT302_T_Pool_returned_twice() => Verify("""
        public static class Handler
        {
            public static void Handle()
            {
                var state = PodState.Pool.Rent();
                PodState.Pool.Return(state);
                {|HOT302:PodState.Pool.Return(state)|};
            }
        }
        """);

    [Fact]
    public Task HOT302_Pool_of_T_and_ArrayPool_returned_twice() => Verify("""
        public sealed class Handler
        {
            private readonly Pool<PodState> _pool = new Pool<PodState>(() => new PodState());
            public void A()
            {
                var state = _pool.Rent();
                _pool.Return(state);
                {|HOT302:_pool.Return(state)|};
            }
            public void B()
            {
                var buffer = ArrayPool<char>.Shared.Rent(16);
                ArrayPool<char>.Shared.Return(buffer);
                {|HOT302:ArrayPool<char>.Shared.Return(buffer)|};
            }
        }
        """);

    [Fact]
    public Task HOT302_returned_in_the_try_and_again_in_the_finally() => Verify("""
        public static class Handler
        {
            public static void Handle()
            {
                var state = PodState.Pool.Rent();
                try
                {
                    state.Restarts++;
                    PodState.Pool.Return(state);
                }
                finally
                {
                    {|HOT302:PodState.Pool.Return(state)|};
                }
            }
        }
        """);

    [Fact]
    public Task HOT302_quiet_when_each_branch_returns_once() => Verify("""
        public static class Handler
        {
            public static int Handle(bool ok)
            {
                var state = PodState.Pool.Rent();
                if (ok)
                {
                    PodState.Pool.Return(state);
                    return 1;
                }
                PodState.Pool.Return(state);
                return 0;
            }
        }
        """);

    [Fact]
    public Task HOT302_quiet_when_returned_in_the_try_and_in_a_rethrowing_catch() => Verify("""
        public static class Handler
        {
            public static void Handle()
            {
                var state = PodState.Pool.Rent();
                try
                {
                    state.Restarts++;
                    PodState.Pool.Return(state);
                }
                catch
                {
                    PodState.Pool.Return(state);
                    throw;
                }
            }
        }
        """);

    // ---- HOT303: a rented object neither returned nor handed on ----

    [Fact]
    public Task HOT303_rented_and_dropped_from_each_pool() => Verify("""
        public sealed class Handler
        {
            private readonly Pool<PodState> _pool = new Pool<PodState>(() => new PodState());
            public void A()
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                state.Restarts = 1;
            }
            public void B()
            {
                var state = {|HOT303:_pool.Rent()|};
                state.Namespace = "kube-system";
            }
            public int C()
            {
                var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(4096)|};
                return buffer.Length;
            }
        }
        """);

    [Fact]
    public Task HOT303_returned_on_one_branch_only() => Verify("""
        public static class Handler
        {
            public static void A(bool ok)
            {
                var state = {|HOT303:PodState.Pool.Rent()|};
                state.Restarts++;
                if (ok)
                {
                    PodState.Pool.Return(state);
                }
            }
            public static int B(int size)
            {
                var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(size)|};
                if (size > 1024)
                {
                    return -1;
                }
                ArrayPool<byte>.Shared.Return(buffer);
                return size;
            }
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_returned_in_finally() => Verify("""
        public static class Handler
        {
            public static int A()
            {
                var state = PodState.Pool.Rent();
                try
                {
                    state.Restarts++;
                    return state.Restarts;
                }
                finally
                {
                    PodState.Pool.Return(state);
                }
            }
            public static void B(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    buffer[0] = 1;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            public static void C(int size)
            {
                byte[]? buffer = null;
                try
                {
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                    buffer[0] = 1;
                }
                finally
                {
                    if (buffer != null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
            public static void D(int size)
            {
                byte[]? buffer = null;
                try
                {
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                    buffer[0] = 1;
                }
                finally
                {
                    if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_returned_on_every_path() => Verify("""
        public static class Handler
        {
            public static int A(bool ok)
            {
                var state = PodState.Pool.Rent();
                if (!ok)
                {
                    PodState.Pool.Return(state);
                    return 0;
                }
                state.Restarts++;
                PodState.Pool.Return(state);
                return 1;
            }
            public static void B()
            {
                var state = PodState.Pool.Rent();
                state.Restarts = 2;
                PodState.Pool.Return(state);
            }
            public static void C(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var buffer = ArrayPool<int>.Shared.Rent(16);
                    buffer[0] = i;
                    ArrayPool<int>.Shared.Return(buffer);
                }
            }
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_handed_on() => Verify("""
        public sealed class Handler
        {
            private PodState? _current;
            private byte[]? _buffer;
            private readonly List<PodState> _all = new();
            public static PodState Returned()
            {
                var state = PodState.Pool.Rent();
                state.Namespace = "default";
                return state;
            }
            public void StoredInAField()
            {
                var state = PodState.Pool.Rent();
                _current = state;
            }
            public void StoredBuffer() { var buffer = ArrayPool<byte>.Shared.Rent(64); _buffer = buffer; }
            public void RentedStraightIntoAField() { _current = PodState.Pool.Rent(); }
            public void PassedAsAnArgument()
            {
                var state = PodState.Pool.Rent();
                Process(state);
            }
            public void AddedToAList() { var state = PodState.Pool.Rent(); _all.Add(state); }
            public static byte[] ReturnedBuffer() => ArrayPool<byte>.Shared.Rent(32);
            private static void Process(PodState state) { }
        }
        """);

    [Fact]
    public Task HOT303_quiet_with_a_lease() => Verify("""
        public static class Handler
        {
            public static int A()
            {
                using var lease = PodState.Pool.Lease(out var state);
                state.Restarts++;
                return state.Restarts;
            }
            public static void B(Pool<PodState> pool)
            {
                using (pool.Lease(out var state))
                {
                    state.Namespace = "x";
                }
            }
        }
        """);

    // ---- Severities ----

    [Fact]
    public async Task All_three_rules_are_warnings()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(Prelude + """
            public static class Handler
            {
                public static int Misuse()
                {
                    var state = PodState.Pool.Rent();
                    PodState.Pool.Return(state);
                    PodState.Pool.Return(state);
                    return state.Restarts;
                }
                public static void Leak() { var buffer = ArrayPool<byte>.Shared.Rent(8); buffer[0] = 1; }
            }
            """, s_analyzer, s_options);

        Assert.Equal(new[] { "HOT301", "HOT302", "HOT303" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToArray());
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.All(s_analyzer[0].SupportedDiagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity));
    }
}
