using System.Collections.Immutable;
using Hotpath.Analyzers.Allocations;
using Hotpath.CodeFixes.Allocations;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

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
    public Task The_field_name_is_free_in_every_part_of_a_partial_type_and_its_base_types() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            using System;

            public sealed partial class Ranker : RankerBase
            {
                private int _calls;

                [Hotpath.HotPath]
                public int Rank(int i)
                {
                    var order = {|HOT102:new[] { 3, 1, 2 }|};
                    return order[i] + Array.IndexOf({|HOT102:new[] { 4, 5 }|}, i) + _calls;
                }
            }
            """,
            """
            using System;

            public sealed partial class Ranker : RankerBase
            {
                private int _calls;
                private static readonly int[] s_order2 = new[] { 3, 1, 2 };
                private static readonly int[] s_values2 = new[] { 4, 5 };

                [Hotpath.HotPath]
                public int Rank(int i)
                {
                    var order = s_order2;
                    return order[i] + Array.IndexOf(s_values2, i) + _calls;
                }
            }
            """,
            new CodeFixTestOptions
            {
                AdditionalSources = ImmutableArray.Create("""
                    public partial class Ranker
                    {
                        private static readonly int[] s_order = { 9 };
                    }

                    public class RankerBase
                    {
                        protected static readonly int[] s_values = { 0 };
                    }
                    """),
            });

    [Fact]
    public Task The_new_field_takes_the_indentation_of_the_last_field_but_not_its_comment_or_blank_line() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            public class C
            {
                private int _a;

                /// <summary>Calls so far.</summary>
                private int _calls;

                [Hotpath.HotPath]
                public int M(int i) => System.Array.IndexOf({|HOT102:new[] { 1, 2 }|}, i) + _calls + _a;
            }
            """,
            """
            public class C
            {
                private int _a;

                /// <summary>Calls so far.</summary>
                private int _calls;
                private static readonly int[] s_values = new[] { 1, 2 };

                [Hotpath.HotPath]
                public int M(int i) => System.Array.IndexOf(s_values, i) + _calls + _a;
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
                    var sized = {|HOT102:new int[n]|};
                    var variable = {|HOT102:new[] { x, 2 }|};
                    var mutated = {|HOT102:new[] { 1, 2 }|};
                    mutated[0] = x;
                    return sized.Length + variable[0] + mutated[0];
                }
            }
            """);

    [Fact]
    public Task No_fix_when_the_member_may_write_the_array_or_lets_it_escape() =>
        CodeFixVerifier.VerifyNoFixAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            using System;

            public class C
            {
                private int[] _kept = Array.Empty<int>();

                [Hotpath.HotPath]
                public int M(int x)
                {
                    var order = {|HOT102:new[] { 3, 1, 2 }|};
                    Array.Sort(order);
                    var steps = {|HOT102:new int[] { 1, 2 }|};
                    steps[1]++;
                    var sums = {|HOT102:new[] { 1, 2 }|};
                    sums[0] += 3;
                    var table = Table({|HOT102:new[] { 10, 20 }|});
                    var kept = {|HOT102:new[] { 5, 6 }|};
                    _kept = kept;
                    var span = {|HOT102:new[] { 7, 8 }|};
                    Span<int> s = span;
                    s[0] = x;
                    var viaAsSpan = {|HOT102:new[] { 9, 10 }|};
                    viaAsSpan.AsSpan()[0] = x;
                    var byRef = {|HOT102:new[] { 11, 12 }|};
                    Bump(ref byRef[0]);
                    var refLocal = {|HOT102:new[] { 13, 14 }|};
                    ref var r = ref refLocal[1];
                    r = x;
                    var aliased = {|HOT102:new[] { 15, 16 }|};
                    var alias = aliased;
                    alias[0] = x;
                    var tuple = {|HOT102:new[] { 17, 18 }|};
                    (tuple[0], tuple[1]) = (x, x);
                    Action later = () => Table(tuple);
                    return order[0] + steps[1] + sums[0] + table + span[0] + viaAsSpan[0] + byRef[0] + refLocal[1] + aliased[0] + tuple[0] + _kept[0] + Returned()[0];
                }

                private static int Table(int[] t) => t[0]++;

                private static void Bump(ref int i) => i++;

                [Hotpath.HotPath]
                private static int[] Returned() => {|HOT102:new[] { 19, 20 }|};
            }
            """);

    [Fact]
    public Task An_array_only_read_is_hoisted() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            using System;
            using System.Collections.Generic;

            public class C
            {
                [Hotpath.HotPath]
                public int M(int i)
                {
                    var weights = {|HOT102:new[] { 3, 1, 2 }|};
                    var total = 0;
                    foreach (var w in weights)
                    {
                        total += w;
                    }

                    ref readonly var first = ref weights[0];
                    return total + first + weights[i] + weights.Length + weights[^1] + Array.IndexOf(weights, i) + Sum(weights) + Count(weights) + Peek(in weights[0]);
                }

                private static int Sum(ReadOnlySpan<int> values) => values.Length;

                private static int Count(IReadOnlyList<int> values) => values.Count;

                private static int Peek(in int value) => value;
            }
            """,
            """
            using System;
            using System.Collections.Generic;

            public class C
            {
                private static readonly int[] s_weights = new[] { 3, 1, 2 };

                [Hotpath.HotPath]
                public int M(int i)
                {
                    var weights = s_weights;
                    var total = 0;
                    foreach (var w in weights)
                    {
                        total += w;
                    }

                    ref readonly var first = ref weights[0];
                    return total + first + weights[i] + weights.Length + weights[^1] + Array.IndexOf(weights, i) + Sum(weights) + Count(weights) + Peek(in weights[0]);
                }

                private static int Sum(ReadOnlySpan<int> values) => values.Length;

                private static int Count(IReadOnlyList<int> values) => values.Count;

                private static int Peek(in int value) => value;
            }
            """);

    /// <summary><c>names[0]!</c> and <c>(names[1])</c> only read the element (the <c>!</c> counted as a write: no fix).</summary>
    [Fact]
    public Task An_element_read_through_a_null_forgiving_use_or_parentheses_is_hoisted() =>
        CodeFixVerifier.VerifyAsync(
            new ArrayAllocationAnalyzer(),
            new HoistConstantArrayCodeFixProvider(),
            """
            public static class C
            {
                [Hotpath.HotPath]
                public static int M()
                {
                    string?[] names = {|HOT102:{ "ab", "c" }|};
                    return names[0]!.Length + (names[1])!.Length;
                }
            }
            """,
            """
            public static class C
            {
                private static readonly string?[] s_names = { "ab", "c" };

                [Hotpath.HotPath]
                public static int M()
                {
                    string?[] names = s_names;
                    return names[0]!.Length + (names[1])!.Length;
                }
            }
            """,
            new CodeFixTestOptions { Run = assembly => Assert.Equal(3, assembly.GetType("C")!.GetMethod("M")!.Invoke(null, null)) });

    private const string SeveralArrays = """
        using System;

        public class C
        {
            [Hotpath.HotPath]
            public int M(char c)
            {
                var separators = {|HOT102:new[] { ',', ';' }|};
                var mutated = {|HOT102:new[] { 1, 2 }|};
                mutated[0] = c;
                var order = {|HOT102:new[] { 3, 1, 2 }|};
                Array.Sort(order);
                return Array.IndexOf(separators, c) + Array.IndexOf({|HOT102:new[] { 'a', 'b' }|}, c) + Sum({|HOT102:1, 2, 3|}) + Rows({|HOT102:{|HOT102:new[] { 4, 5 }|}|}) + mutated[0] + order[0];
            }

            private static int Sum(params int[] values) => values.Length;

            private static int Rows(params int[][] rows) => rows.Length;
        }
        """;

    private const string SeveralArraysFixed = """
        using System;

        public class C
        {
            private static readonly char[] s_separators = new[] { ',', ';' };
            private static readonly char[] s_values = new[] { 'a', 'b' };

            [Hotpath.HotPath]
            public int M(char c)
            {
                var separators = s_separators;
                var mutated = new[] { 1, 2 };
                mutated[0] = c;
                var order = new[] { 3, 1, 2 };
                Array.Sort(order);
                return Array.IndexOf(separators, c) + Array.IndexOf(s_values, c) + Sum(1, 2, 3) + Rows(new[] { 4, 5 }) + mutated[0] + order[0];
            }

            private static int Sum(params int[] values) => values.Length;

            private static int Rows(params int[][] rows) => rows.Length;
        }
        """;

    /// <summary>
    /// Each hoist moves every later array (a field is inserted above them): Fix All finds them by the spans they had
    /// when reported, and fixes what the single fixes, applied one by one to the changing document, fix. A params array
    /// of several elements (its span is no one node) has no fix either way.
    /// </summary>
    [Fact]
    public async Task Fix_all_gives_what_fixing_one_by_one_gives()
    {
        await CodeFixVerifier.VerifyAsync(new ArrayAllocationAnalyzer(), new HoistConstantArrayCodeFixProvider(), SeveralArrays, SeveralArraysFixed);
        await CodeFixVerifier.VerifyFixAllAsync(new ArrayAllocationAnalyzer(), new HoistConstantArrayCodeFixProvider(), SeveralArrays, SeveralArraysFixed);
    }

    /// <summary>
    /// A diagnostic whose span is not exactly an array's (here one that starts inside <c>new[] { 1, 2, 3 }</c>, as a
    /// span left over from an earlier version of the document would) is fixed by neither the single fix nor Fix All:
    /// both locate the node with the same exact-span check (Fix All took the innermost node around any span).
    /// </summary>
    [Fact]
    public async Task A_span_that_is_not_exactly_an_array_is_fixed_neither_alone_nor_by_fix_all()
    {
        const string source = """
            public class C
            {
                [Hotpath.HotPath]
                public int M() => System.Array.IndexOf(new[] { 1, 2, 3 }, 2);
            }
            """;
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "TestProject", "TestAssembly", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(),
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: ReferenceAssemblies.WithHotpath));
        var document = workspace.AddDocument(project.Id, "Source0.cs", SourceText.From(source));
        var tree = (await document.GetSyntaxTreeAsync())!;
        var array = source.IndexOf("new[]", StringComparison.Ordinal);
        var stale = Diagnostic.Create(
            new DiagnosticDescriptor("HOT102", "Array allocation", "Array allocation", "Hotpath.Performance", DiagnosticSeverity.Warning, isEnabledByDefault: true),
            Location.Create(tree, TextSpan.FromBounds(array + 3, source.IndexOf('}', array) + 1)));
        var fix = new HoistConstantArrayCodeFixProvider();

        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, stale, (action, _) => actions.Add(action), CancellationToken.None));
        Assert.Empty(actions);

        var context = new FixAllContext(document, fix, FixAllScope.Document, "Hoist the constant array to a static readonly field",
            fix.FixableDiagnosticIds, new FixedDiagnostics(stale), CancellationToken.None);
        var fixAll = await fix.GetFixAllProvider().GetFixAsync(context);
        var text = source;
        if (fixAll is not null)
        {
            var change = (await fixAll.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
            text = (await change.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();
        }

        Assert.Equal(source, text);
    }

    /// <summary>Hands Fix All the given diagnostics, whatever the document holds.</summary>
    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly Diagnostic[] _diagnostics;

        public FixedDiagnostics(params Diagnostic[] diagnostics) => _diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
    }

    /// <summary>
    /// A field cannot be declared in a C# 14 extension block (CS9282): it goes to the enclosing static class, where the
    /// extension member still sees it by its simple name.
    /// </summary>
    [Fact]
    public async Task In_an_extension_block_the_field_goes_to_the_enclosing_static_class()
    {
        var actual = await ApplyWithCSharp14Async("""
            public class Foo { public int Value; }

            public static class FooExtensions
            {
                private const int Unused = 0;

                extension(Foo f)
                {
                    [Hotpath.HotPath]
                    public int Weighted => f.Value * System.Array.IndexOf(new[] { 1, 2, 3 }, f.Value);
                }
            }
            """);

        Assert.Equal(TextDiff.Normalize("""
            public class Foo { public int Value; }

            public static class FooExtensions
            {
                private const int Unused = 0;
                private static readonly int[] s_values = new[] { 1, 2, 3 };

                extension(Foo f)
                {
                    [Hotpath.HotPath]
                    public int Weighted => f.Value * System.Array.IndexOf(s_values, f.Value);
                }
            }
            """), actual);
    }

    /// <summary>
    /// Applies the one HOT102 fix with C# 14 syntax. The test Roslyn (4.14) parses extension blocks only as a preview
    /// feature, which <see cref="CodeFixVerifier"/> (LanguageVersion.Latest) does not enable; the fixed source must compile.
    /// </summary>
    private static async Task<string> ApplyWithCSharp14Async(string source)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "TestProject", "TestAssembly", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(),
            parseOptions: new CSharpParseOptions(LanguageVersion.Preview),
            metadataReferences: ReferenceAssemblies.WithHotpath));
        var document = workspace.AddDocument(project.Id, "Source0.cs", SourceText.From(source));
        var compilation = (await document.Project.GetCompilationAsync())!;
        TestCompilation.AssertNoErrors(compilation);

        var diagnostic = Assert.Single((await AnalyzerVerifier.RunAnalyzersAsync(compilation, new[] { new ArrayAllocationAnalyzer() })).Where(d => d.Id == "HOT102"));
        var actions = new List<CodeAction>();
        await new HoistConstantArrayCodeFixProvider().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        if (actions.Count == 0)
        {
            throw new XunitException("No code fix was offered.");
        }

        var change = (await actions[0].GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
        var fixedDocument = change.ChangedSolution.GetDocument(document.Id)!;
        TestCompilation.AssertNoErrors((await fixedDocument.Project.GetCompilationAsync())!);
        return TextDiff.Normalize((await fixedDocument.GetTextAsync()).ToString());
    }
}
