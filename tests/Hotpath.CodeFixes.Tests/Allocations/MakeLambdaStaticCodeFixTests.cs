using System.Collections.Immutable;
using Hotpath.Analyzers.Allocations;
using Hotpath.CodeFixes.Allocations;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Allocations;

/// <summary>HOT105's fix: a lambda that captures nothing becomes <c>static</c>.</summary>
public sealed class MakeLambdaStaticCodeFixTests
{
    [Fact]
    public Task A_lambda_in_an_explicit_new_of_its_delegate_becomes_static() =>
        CodeFixVerifier.VerifyAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M() => new Func<int, int>({|HOT105:x => x + 1|})(1);
            }
            """,
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M() => new Func<int, int>(static x => x + 1)(1);
            }
            """);

    [Fact]
    public Task Simple_parenthesized_and_async_lambdas_become_static() =>
        CodeFixVerifier.VerifyAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System;
            using System.Threading.Tasks;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    Func<int, int> a = {|HOT105:x => x + 1|};
                    Func<int, int, int> b = {|HOT105:(x, y) => x * y|};
                    Func<Task> c = {|HOT105:async () => await Task.Yield()|};
                    Func<int> d = {|HOT105:delegate { return 4; }|};
                    return a(1) + b(2, 3) + d();
                }
            }
            """,
            """
            using System;
            using System.Threading.Tasks;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    Func<int, int> a = static x => x + 1;
                    Func<int, int, int> b = static (x, y) => x * y;
                    Func<Task> c = static async () => await Task.Yield();
                    Func<int> d = static delegate { return 4; };
                    return a(1) + b(2, 3) + d();
                }
            }
            """);

    /// <summary>A const or a nameof is not a capture, so such a lambda is HOT105 and can be made static.</summary>
    [Fact]
    public Task Lambdas_using_only_consts_or_nameof_become_static() =>
        CodeFixVerifier.VerifyAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M(int threshold)
                {
                    const int k = 3;
                    Func<int, int> a = {|HOT105:x => x + k|};
                    Func<string> b = {|HOT105:() => nameof(threshold)|};
                    return a(1) + b().Length;
                }
            }
            """,
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M(int threshold)
                {
                    const int k = 3;
                    Func<int, int> a = static x => x + k;
                    Func<string> b = static () => nameof(threshold);
                    return a(1) + b().Length;
                }
            }
            """);

    [Fact]
    public Task A_lambda_passed_as_an_argument_keeps_its_formatting() =>
        CodeFixVerifier.VerifyAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System.Collections.Generic;

            public class C
            {
                [Hotpath.HotPath]
                public int M(List<int> items) => items.FindIndex(
                    {|HOT105:x => x > 0|});
            }
            """,
            """
            using System.Collections.Generic;

            public class C
            {
                [Hotpath.HotPath]
                public int M(List<int> items) => items.FindIndex(
                    static x => x > 0);
            }
            """);

    /// <summary>
    /// A lambda that calls a non-static local function of the method around it stays as it is: a static lambda may not
    /// refer to one (CS8820; it was made static and stopped compiling). A static local function, or one declared in the
    /// lambda itself, is no obstacle.
    /// </summary>
    [Fact]
    public async Task No_fix_for_a_lambda_that_refers_to_a_non_static_local_function_outside_it()
    {
        const string Markup = """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    int Two() => 2;
                    Func<int> calls = {|HOT105:() => Two()|};
                    Func<int> twice = {|HOT105:() => Two() + Two()|};
                    return calls() + twice();
                }
            }
            """;
        await CodeFixVerifier.VerifyNoFixAsync(new ClosureAnalyzer(), new MakeLambdaStaticCodeFixProvider(), Markup);
    }

    [Fact]
    public Task A_lambda_that_refers_to_a_static_local_function_or_its_own_becomes_static() =>
        CodeFixVerifier.VerifyAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    static int Two() => 2;
                    Func<int> calls = {|HOT105:() => Two()|};
                    Func<int> own = {|HOT105:() => { int Three() => 3; return Three(); }|};
                    return calls() + own();
                }
            }
            """,
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public int M()
                {
                    static int Two() => 2;
                    Func<int> calls = static () => Two();
                    Func<int> own = static () => { int Three() => 3; return Three(); };
                    return calls() + own();
                }
            }
            """,
            new CodeFixTestOptions { Run = static assembly => Assert.Equal(5, assembly.GetType("C")!.GetMethod("M")!.Invoke(System.Activator.CreateInstance(assembly.GetType("C")!), null)) });

    [Fact]
    public Task No_fix_for_method_groups_and_events() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new ClosureAnalyzer(),
            new MakeLambdaStaticCodeFixProvider(),
            """
            using System;

            public class C
            {
                public event Action? Changed;

                [Hotpath.HotPath]
                public int M()
                {
                    Func<int> group = {|HOT105:Instance|};
                    {|HOT105:Changed += OnChanged|};
                    return group();
                }

                private int Instance() => 1;
                private static void OnChanged() { }
            }
            """);
}
