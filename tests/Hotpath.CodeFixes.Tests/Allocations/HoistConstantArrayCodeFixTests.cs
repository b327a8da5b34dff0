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
