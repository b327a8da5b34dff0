using Hotpath.Analyzers.Allocations;
using Hotpath.CodeFixes.Allocations;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Allocations;

/// <summary>HOT102's fix: a constant array initialiser moves to a <c>static readonly</c> field.</summary>
public sealed class HoistConstantArrayCodeFixTests
{
    [Fact]
    public Task An_array_argument_is_hoisted() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public bool IsSeparator(char c) => Array.IndexOf({|HOT102:new[] { ',', ';', ' ' }|}, c) >= 0;
            }
            """,
            """
            using System;

            public class C
            {
                private static readonly char[] s_values = new[] { ',', ';', ' ' };

                [Hotpath.HotPath]
                public bool IsSeparator(char c) => Array.IndexOf(s_values, c) >= 0;
            }
            """);

    [Fact]
    public Task Local_initialisers_and_collection_expressions_take_the_local_name() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            public class C
            {
                private static readonly int[] s_limits = { 0 };

                [Hotpath.HotPath]
                public int M()
                {
                    int[] limits = {|HOT102:{ 1, 2, 3 }|};
                    string[] names = {|HOT102:["a", "b"]|};
                    return limits.Length + names.Length + s_limits.Length;
                }
            }
            """,
            """
            public class C
            {
                private static readonly int[] s_limits = { 0 };
                private static readonly int[] s_limits2 = { 1, 2, 3 };
                private static readonly string[] s_names = ["a", "b"];

                [Hotpath.HotPath]
                public int M()
                {
                    int[] limits = s_limits2;
                    string[] names = s_names;
                    return limits.Length + names.Length + s_limits.Length;
                }
            }
            """);

    [Fact]
    public Task No_fix_for_non_constant_sized_or_mutated_arrays() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            public class C
            {
                [Hotpath.HotPath]
                public int M(int n, int x)
                {
                    var sized = new int[n];
                    var variable = new[] { x, 2 };
                    var mutated = new[] { 1, 2 };
                    mutated[0] = x;
                    return sized.Length + variable[0] + mutated[0];
                }
            }
            """);
}
