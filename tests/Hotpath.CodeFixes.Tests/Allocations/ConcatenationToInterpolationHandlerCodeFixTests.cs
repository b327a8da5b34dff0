using Hotpath.Analyzers.Allocations;
using Hotpath.CodeFixes.Allocations;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Allocations;

/// <summary>HOT106's fix: a concatenation argument becomes an interpolated string bound to a handler overload.</summary>
public sealed class ConcatenationToInterpolationHandlerCodeFixTests
{
    [Fact]
    public Task StringBuilder_Append_gets_an_interpolated_string() =>
        CodeFixVerifier.VerifyAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, int n, bool ok)
                {
                    sb.Append({|HOT106:"count: " + i + " of {" + n + "}"|});
                    sb.Append({|HOT106:"ok=" + (ok ? 1 : 0) + "\t" + sb.Length|});
                }
            }
            """,
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, int n, bool ok)
                {
                    sb.Append($"count: {i} of {{{n}}}");
                    sb.Append($"ok={(ok ? 1 : 0)}\t{sb.Length}");
                }
            }
            """);

    private const string NestedConcatenations = """
        using System.Text;

        public static class C
        {
            [Hotpath.HotPath]
            public static string M(int i, int n)
            {
                var sb = new StringBuilder();
                var inner = new StringBuilder();
                sb.Append({|HOT106:"a" + inner.Append({|HOT106:"b" + i|}).Length|}).Append({|HOT106:"c" + n|});
                return Join(sb, inner);
            }

            private static string Join(StringBuilder sb, StringBuilder inner) => sb + "|" + inner;
        }
        """;

    private const string NestedConcatenationsFixed = """
        using System.Text;

        public static class C
        {
            [Hotpath.HotPath]
            public static string M(int i, int n)
            {
                var sb = new StringBuilder();
                var inner = new StringBuilder();
                sb.Append($"a{inner.Append($"b{i}").Length}").Append($"c{n}");
                return Join(sb, inner);
            }

            private static string Join(StringBuilder sb, StringBuilder inner) => sb + "|" + inner;
        }
        """;

    private static readonly CodeFixTestOptions s_nestedRun = new()
    {
        Run = static assembly => Assert.Equal("a2c3|b1", assembly.GetType("C")!.GetMethod("M")!.Invoke(null, new object[] { 1, 3 })),
    };

    /// <summary>A concatenation nested in another's piece, and two in one statement, are all fixed by single fixes one by one.</summary>
    [Fact]
    public Task Nested_concatenations_and_two_in_one_statement_are_each_fixed() =>
        CodeFixVerifier.VerifyAsync(new StringAnalyzer(), new ConcatenationToInterpolationHandlerCodeFixProvider(), NestedConcatenations, NestedConcatenationsFixed, s_nestedRun);

    /// <summary>Fix All gives what the single fixes give one by one (the batch fixer merged the outer and inner fixes' overlapping edits and lost one).</summary>
    [Fact]
    public Task Fix_All_fixes_nested_concatenations_like_the_single_fixes() =>
        CodeFixVerifier.VerifyFixAllAsync(new StringAnalyzer(), new ConcatenationToInterpolationHandlerCodeFixProvider(), NestedConcatenations, NestedConcatenationsFixed, s_nestedRun);

    [Fact]
    public Task Only_string_additions_are_split_a_numeric_sum_stays_one_hole() =>
        CodeFixVerifier.VerifyAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int a, int b, char c, char d, object o)
                {
                    sb.Append({|HOT106:a + b + " total"|});
                    sb.Append({|HOT106:c + d + "|"|});
                    sb.Append({|HOT106:"n=" + (a + b) + "!" + a * b|});
                    sb.Append({|HOT106:"x" + (a + "y" + b) + c + 1.5|});
                    sb.Append({|HOT106:'c' + "s" + null + (string)null + (object)a + o|});
                    sb.Append({|HOT106:"(" + (a - b) + ")" + -a + (long)c|});
                }
            }
            """,
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int a, int b, char c, char d, object o)
                {
                    sb.Append($"{(a + b)} total");
                    sb.Append($"{(c + d)}|");
                    sb.Append($"n={(a + b)}!{(a * b)}");
                    sb.Append($"x{a}y{b}{c}{1.5}");
                    sb.Append($"{'c'}s{((object)a)}{o}");
                    sb.Append($"({(a - b)}){(-a)}{((long)c)}");
                }
            }
            """);

    [Fact]
    public Task No_fix_onto_a_conditional_handler_when_a_piece_has_side_effects() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System.Runtime.CompilerServices;

            public sealed class Tracer
            {
                public bool Enabled;
                public void Write(string text) { }
                public void Write([InterpolatedStringHandlerArgument("")] TraceHandler handler) { }
            }

            [InterpolatedStringHandler]
            public struct TraceHandler
            {
                public TraceHandler(int literalLength, int formattedCount, Tracer tracer, out bool enabled) => enabled = tracer.Enabled;
                public void AppendLiteral(string s) { }
                public void AppendFormatted<T>(T value) { }
            }

            public class C
            {
                private int _calls;
                private int[] _items = new int[4];

                private int Expensive(int a) => ++_calls;

                [Hotpath.HotPath]
                public void M(Tracer tracer, int a, string s, int i)
                {
                    tracer.Write({|HOT106:"trace " + Expensive(a)|});
                    tracer.Write({|HOT106:"n=" + a++|});
                    tracer.Write({|HOT106:"s=" + s + $"{_calls = 2}"|});
                    tracer.Write({|HOT106:"at " + _items[i] + s.Length|});
                }
            }
            """);

    [Fact]
    public Task A_conditional_handler_gets_the_fix_when_the_pieces_are_locals_parameters_fields_and_constants() =>
        CodeFixVerifier.VerifyAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System.Runtime.CompilerServices;

            public sealed class Tracer
            {
                public bool Enabled;
                public void Write(string text) { }
                public void Write([InterpolatedStringHandlerArgument("")] TraceHandler handler) { }
            }

            [InterpolatedStringHandler]
            public struct TraceHandler
            {
                public TraceHandler(int literalLength, int formattedCount, Tracer tracer, out bool enabled) => enabled = tracer.Enabled;
                public void AppendLiteral(string s) { }
                public void AppendFormatted<T>(T value) { }
            }

            public class C
            {
                private const int Limit = 3;
                private int _calls;

                [Hotpath.HotPath]
                public void M(Tracer tracer, int a, string s)
                {
                    var local = a;
                    tracer.Write({|HOT106:"a=" + a + " s=" + s + " calls=" + this._calls + "/" + Limit + local|});
                }
            }
            """,
            """
            using System.Runtime.CompilerServices;

            public sealed class Tracer
            {
                public bool Enabled;
                public void Write(string text) { }
                public void Write([InterpolatedStringHandlerArgument("")] TraceHandler handler) { }
            }

            [InterpolatedStringHandler]
            public struct TraceHandler
            {
                public TraceHandler(int literalLength, int formattedCount, Tracer tracer, out bool enabled) => enabled = tracer.Enabled;
                public void AppendLiteral(string s) { }
                public void AppendFormatted<T>(T value) { }
            }

            public class C
            {
                private const int Limit = 3;
                private int _calls;

                [Hotpath.HotPath]
                public void M(Tracer tracer, int a, string s)
                {
                    var local = a;
                    tracer.Write($"a={a} s={s} calls={this._calls}/{Limit}{local}");
                }
            }
            """);

    [Fact]
    public Task Nested_interpolated_strings_are_flattened_with_their_alignment_and_format() =>
        CodeFixVerifier.VerifyAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, string s)
                {
                    sb.Append({|HOT106:"a" + $"{i}" + s|});
                    sb.Append({|HOT106:"{" + $"{i,5:X2} {{x}}" + "}" + $"\t{s}"|});
                }
            }
            """,
            """
            using System.Text;

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, int i, string s)
                {
                    sb.Append($"a{i}{s}");
                    sb.Append($"{{{i,5:X2} {{x}}}}\t{s}");
                }
            }
            """);

    /// <summary>
    /// No fix for an operand that reaches the string through a user-defined conversion (the hole would call ToString
    /// instead), nor for a nested verbatim interpolated string (its text would be read again as a regular one).
    /// </summary>
    [Theory]
    [InlineData("\"a\" + n + i")]
    [InlineData("\"a\" + $@\"\\{i}\"")]
    public Task No_fix_for_a_user_defined_conversion_or_a_nested_verbatim_interpolated_string(string argument) =>
        CodeFixVerifier.VerifyNoFixAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            $$"""
            using System.Text;

            public sealed class Name
            {
                public static implicit operator string(Name n) => "name";
                public override string ToString() => "ToString";
            }

            public class C
            {
                [Hotpath.HotPath]
                public void M(StringBuilder sb, Name n, int i)
                {
                    sb.Append({|HOT106:{{argument}}|});
                }
            }
            """);

    [Fact]
    public Task No_fix_without_a_handler_overload_or_outside_an_argument() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new StringAnalyzer(),
            new ConcatenationToInterpolationHandlerCodeFixProvider(),
            """
            using System;

            public class C
            {
                [Hotpath.HotPath]
                public string M(string s, int i)
                {
                    Console.WriteLine({|HOT106:"value " + s|});
                    var local = {|HOT106:"a" + i|};
                    return {|HOT106:local + @"\verbatim" + i|};
                }
            }
            """);
}
