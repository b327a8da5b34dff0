using System.Collections.Immutable;
using System.Composition.Hosting;
using Hotpath.Generators.Pooling;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.RoslynCompatTests;

/// <summary>
/// The code fixes (built against Workspaces 4.5) composed through MEF, as an IDE does, into Workspaces 4.8: each
/// one offers and applies its fix to a violation of its rule.
/// </summary>
public sealed class CodeFixTests
{
    private static readonly string[] s_fixableRules = ["HOT001", "HOT003", "HOT006", "HOT102", "HOT105", "HOT106", "HOT201", "HOT202", "HOT203", "HOT204", "HOT205", "HOT303"];

    [Fact]
    public async Task Every_code_fix_loads_and_fixes_its_rule_in_Workspaces_4_8()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        Assert.Equal(Roslyn48.ShippedVersion, new Version(typeof(Workspace).Assembly.GetName().Version!.ToString(2)));

        using var container = new ContainerConfiguration().WithAssembly(typeof(Hotpath.CodeFixes.Usage.MakePartialCodeFixProvider).Assembly).CreateContainer();
        var providers = container.GetExports<CodeFixProvider>().OrderBy(p => p.GetType().Name, StringComparer.Ordinal).ToArray();
        Assert.Equal(10, providers.Length);
        Assert.Equal(s_fixableRules, providers.SelectMany(p => p.FixableDiagnosticIds).Distinct().OrderBy(id => id, StringComparer.Ordinal));

        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Violations", "Violations48", LanguageNames.CSharp,
            compilationOptions: Roslyn48.Compilation("Options").Options,
            parseOptions: Roslyn48.ParseOptions,
            metadataReferences: Roslyn48.References,
            analyzerReferences: [Roslyn48.AnalyzerReference(typeof(PooledGenerator).Assembly.Location)]));
        var document = workspace.AddDocument(DocumentInfo.Create(
            DocumentId.CreateNewId(project.Id), "Violations.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(Sources.Violations), VersionStamp.Default)),
            filePath: "/src/Violations.cs"));

        var compilation = (await document.Project.GetCompilationAsync())!;
        var analyzers = Roslyn48.LoadAsCompilerWould(typeof(Hotpath.Analyzers.Pooling.PoolMisuseAnalyzer).Assembly.Location).Analyzers
            .AddRange(Roslyn48.LoadAsCompilerWould(typeof(PooledGenerator).Assembly.Location).Analyzers);
        var diagnostics = await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id is "AD0001" or "AD0002");
        var original = Sources.Violations;

        foreach (var provider in providers)
        {
            var fixedOnce = false;
            foreach (var diagnostic in diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree?.FilePath == document.FilePath))
            {
                var actions = new List<CodeAction>();
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                if (actions.Count == 0)
                {
                    continue; // this occurrence has no fix of this kind; another one of the rule has
                }

                var change = Assert.Single((await actions[0].GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
                var changed = change.ChangedSolution.GetDocument(document.Id)!;
                var text = (await changed.GetTextAsync()).ToString();
                Assert.NotEqual(original, text);
                // Compiler errors only: the generators in this project report HOT0xx themselves (no build property here).
                var errors = (await changed.Project.GetCompilationAsync())!.GetDiagnostics()
                    .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS", StringComparison.Ordinal)).ToArray();
                Assert.True(errors.Length == 0, $"{provider.GetType().Name} on {diagnostic.Id} broke the code:\n" + Roslyn48.Format(errors));
                fixedOnce = true;
                break;
            }

            Assert.True(fixedOnce, $"{provider.GetType().Name} offered no fix for any of {string.Join(", ", provider.FixableDiagnosticIds)}.");
        }
    }
}
