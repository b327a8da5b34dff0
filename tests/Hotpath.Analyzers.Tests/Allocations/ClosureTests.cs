namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT104: closures (capturing lambdas and local functions turned into delegates).</summary>
public sealed class ClosureTests
{
    [Fact]
    public Task Lambdas_capturing_locals_parameters_or_this_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private int _field;

            [HotPath]
            public int M(int parameter, List<int> items)
            {
                var local = 1;
                Func<int> a = {|HOT104:() => local|};
                Func<int> b = {|HOT104:() => parameter|};
                Func<int> c = {|HOT104:() => _field|};
                var count = items.Count({|HOT104:x => x > local|});
                return a() + b() + c() + count;
            }
        }
        """, "HOT104");

    [Fact]
    public Task Local_functions_turned_into_delegates_capture_but_direct_calls_do_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int x)
            {
                Func<int> viaDelegate = {|HOT104:Capturing|};
                Func<int> viaLambda = {|HOT104:() => Capturing()|};
                return Capturing() + viaDelegate() + viaLambda();

                int Capturing() => x + 1;
            }
        }
        """, "HOT104");

    [Fact]
    public Task Non_capturing_and_static_functions_are_not_closures() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> items)
            {
                Func<int, int> a = static x => x + 1;
                Func<int, int> b = x => { var y = x * 2; return y; };
                Func<int> c = static () => Twice(2);
                return a(1) + b(1) + c() + items.Count(static x => x > 0);

                static int Twice(int v) => v * 2;
            }
        }
        """, "HOT104");

    /// <summary>
    /// A lambda that calls a local function captures what that function captures from outside it, not the function's own
    /// parameters and locals: calling one that uses only those (not marked static, as most are) captures nothing, and the
    /// compiler caches the lambda (found in the real-code corpus: SignalR's HubConnection registers
    /// <c>state =&gt; _ = OnStreamCanceled((InvocationRequest)state!)</c>, reported as capturing OnStreamCanceled's own
    /// parameter).
    /// </summary>
    [Fact]
    public Task A_lambda_calling_a_local_function_does_not_capture_its_parameters_and_locals() => Alloc.VerifyAsync("""
        public class C
        {
            private int _field;

            [HotPath]
            public int M(List<int> items)
            {
                Func<int, int> a = x => Twice(x);
                Func<int, int> b = x => Outer(x);
                Func<int, int> c = {|HOT104:x => ReadsField(x)|};
                return a(1) + b(2) + c(3) + items.Count(x => Twice(x) > 0);

                int Twice(int v) { var w = v * 2; return w; }
                int Outer(int u) { var t = u + 1; return Twice(t); }
                int ReadsField(int r) { var q = r; return q + _field; }
            }
        }
        """, "HOT104");

    /// <summary>DESIGN.md traps: constants and nameof are not captured, and static functions capture nothing.</summary>
    [Fact]
    public Task Consts_nameof_and_static_functions_are_not_captures() => Alloc.VerifyAsync("""
        public class C
        {
            private int _field;

            [HotPath]
            public int A() { const int k = 3; Func<int, int> f = static x => x + k; return f(1); }

            [HotPath]
            public int B(int threshold) { Func<string> f = static () => nameof(threshold); return f().Length; }

            [HotPath]
            public int C2() { const int k = 2; Func<int, int> f = Mul; return f(3); static int Mul(int x) => x * k; }

            [HotPath]
            public int D(int threshold) { const int k = 1; Func<int, int> f = {|HOT105:x => x + k|}; Func<string> g = {|HOT105:() => nameof(threshold) + nameof(_field)|}; return f(1) + g().Length; }

            [HotPath]
            public int E(int threshold) { const int k = 1; Func<int, int> f = {|HOT104:x => x + k + threshold|}; return f(1); }
        }
        """, "HOT104", "HOT105");

    [Fact]
    public async Task Message_for_a_primary_constructor_parameter_says_the_lambda_captures_this()
    {
        var message = await Alloc.MessageAsync("""
            public class C(int seed)
            {
                [HotPath]
                public Func<int> M() => () => seed + 1;
            }
            """, "HOT104");

        Assert.Equal(
            "The lambda captures 'this' (the primary-constructor parameter 'seed' is stored in a field of it): "
            + "a new delegate bound to 'this' is allocated each time it is created (no closure object)", message);
    }

    [Fact]
    public async Task Message_for_a_primary_constructor_parameter_and_a_local_keeps_the_closure_object()
    {
        var message = await Alloc.MessageAsync("""
            public class C(int seed)
            {
                [HotPath]
                public Func<int> M(int p) => () => seed + p;
            }
            """, "HOT104");

        Assert.Equal(
            "The lambda captures 'this' (the primary-constructor parameter 'seed' is stored in a field of it) and 'p': "
            + "a closure object is allocated when its scope is entered", message);
    }

    [Fact]
    public async Task Message_for_a_lambda_capturing_only_this_names_the_delegate_not_a_closure_object()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                private int _f;

                [HotPath]
                public Func<int> M() => () => _f;
            }
            """, "HOT104");

        Assert.Contains("captures 'this': a new delegate bound to 'this' is allocated each time it is created (no closure object)", message);
    }

    /// <summary>In a field initialiser the primary-constructor parameter is still the constructor's parameter: a real closure.</summary>
    [Fact]
    public async Task Message_for_a_primary_constructor_parameter_in_an_initialiser_names_the_parameter()
    {
        var message = await Alloc.MessageAsync("""
            [HotPath]
            public class C(int seed)
            {
                public Func<int> F { get; } = () => seed;
            }
            """, "HOT104");

        Assert.Equal("The lambda captures 'seed': a closure object is allocated when its scope is entered", message);
    }

    [Fact]
    public async Task Message_names_the_captures_and_the_scope_entry()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                private int _f;

                [HotPath]
                public Func<int> M(int p) => () => p + _f;
            }
            """, "HOT104");

        Assert.Contains("'p' and 'this'", message);
        Assert.Contains("when its scope is entered", message);
    }

    /// <summary>The closure of a parameter is allocated at the method's entry, not in the throw: reported (it was taken as cold before).</summary>
    [Fact]
    public Task A_lambda_in_a_throw_capturing_a_parameter_allocates_on_every_call() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public void M(int x)
            {
                if (x < 0) throw new ArgumentException(Describe({|HOT104:() => x|}));
            }

            private static string Describe(Func<int> f) => "";
        }
        """, "HOT104", "HOT105");

    /// <summary>
    /// A lambda in the body of a local throw helper (one that can only end by throwing, or [DoesNotReturn]) that captures
    /// a parameter of the method around it: that parameter lives in a closure object allocated when the method is
    /// entered, on every call (24 bytes per call measured on .NET 10 on the path that does not throw). Capturing only
    /// the helper's own locals stays quiet: the helper runs only to throw.
    /// </summary>
    [Fact]
    public Task A_lambda_in_a_local_throw_helper_capturing_an_outer_parameter_is_reported() => Alloc.VerifyAsync("""
        using System.Diagnostics.CodeAnalysis;
        public class C
        {
            [HotPath]
            public int M(int x, int y)
            {
                if (x < 0) Fail();
                if (y < 0) FailMarked();
                if (x > 1000) FailOwn(x);
                return x + y;

                void Fail() { Func<int> f = {|HOT104:() => x|}; var m = "bad " + f(); throw new ArgumentException(m); }

                [DoesNotReturn]
                void FailMarked() { Func<int> f = {|HOT104:() => y|}; throw new ArgumentException("bad " + f()); }

                static void FailOwn(int value) { var v = value * 2; Func<int> f = () => v; throw new ArgumentException("bad " + f()); }
            }
        }
        """);

    /// <summary>
    /// A lambda in a throw or a catch that captures a parameter or a local declared before it: the compiler allocates
    /// the closure object where that variable's scope begins, on every call (24 bytes measured on .NET 10 on the path
    /// that does not throw). Capturing only what the throw or catch declares (the exception, a local in the catch), a
    /// local of a block that only ends by throwing (its closure is allocated when that block is entered: 0 bytes measured
    /// on the path that does not throw), only 'this', or a lambda in a Debug.Assert (left out by the compiler with its
    /// closure) stays quiet.
    /// </summary>
    [Fact]
    public Task A_lambda_in_a_throw_or_catch_capturing_an_outer_variable_is_reported() => Alloc.VerifyAsync("""
        using System.Diagnostics.CodeAnalysis;
        public static class Text
        {
            public static string Describe(Func<int> f) => "value";
            public static string Describe(Func<Exception> f) => "error";
            [DoesNotReturn] public static void Fail(Func<int> f) => throw new InvalidOperationException();
        }
        public class C
        {
            private int _field;

            [HotPath]
            public int M(int x, int y)
            {
                var z = x + 1;
                if (x < 0) throw new InvalidOperationException(Text.Describe({|HOT104:() => x|}));
                if (y < 0) throw new InvalidOperationException(Text.Describe({|HOT104:() => z|}));
                if (z < 0) Text.Fail({|HOT104:() => y|});
                if (z > 100) throw new InvalidOperationException(Text.Describe(() => _field));
                if (z > 200)
                {
                    var m = z * 2;
                    throw new InvalidOperationException(Text.Describe(() => m));
                }

                if (z > 300)
                {
                    var n = z * 3;
                    if (n > 1000) return 0;
                    throw new InvalidOperationException(Text.Describe({|HOT104:() => n|}));
                }

                Debug.Assert(x < 1000, Text.Describe(() => x));
                try { return 100 / y; }
                catch (DivideByZeroException e)
                {
                    var local = 3;
                    _ = Text.Describe(() => e) + Text.Describe(() => local);
                    return Text.Describe({|HOT104:() => y|}).Length;
                }
            }
        }
        """, "HOT104");

    [Fact]
    public async Task Message_for_a_capture_in_a_throw_says_where_the_closure_is_allocated()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                private static string Describe(Func<int> f) => "value";
                [HotPath]
                public int M(int x) => x >= 0 ? x : throw new InvalidOperationException(Describe(() => x));
            }
            """, "HOT104");

        Assert.Contains("captures 'x'", message);
        Assert.Contains("before the throw", message);
    }
}
