using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using Hotpath.Testing;
using Hotpath.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Hotpath.CodeFixes.Tests.RealCode;

/// <summary>
/// Every code fix on the analyzers' real-code corpus (tests/Hotpath.Analyzers.Tests/RealCode/Corpus), as written and
/// with every type [HotPath]: for each Hotpath diagnostic a fix is offered for, the first action applied leaves the
/// corpus with no compiler error it did not have and one diagnostic of that rule fewer in that file.
/// </summary>
public sealed class RealCodeFixTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers = RealCodeCorpus.Analyzers();

    private static readonly ImmutableArray<CodeFixProvider> s_fixes =
        typeof(Hotpath.CodeFixes.Usage.MakePartialCodeFixProvider).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_fix_on_the_real_code_corpus_removes_its_diagnostic_and_adds_no_error(bool hot)
    {
        using var workspace = new AdhocWorkspace();
        var project = CreateProject(workspace, hot);
        var before = await DiagnosticsAsync(project);
        var errorsBefore = await ErrorsAsync(project);
        var failures = new StringBuilder();
        var applied = 0;
        foreach (var diagnostic in before.Where(d => d.Id.StartsWith("HOT", StringComparison.Ordinal)))
        {
            var document = project.Documents.Single(d => d.FilePath == diagnostic.Location.SourceTree!.FilePath);
            foreach (var fix in s_fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var fixedDocument = await CodeFixVerifier.ApplyFirstAsync(document, diagnostic, fix);
                if (fixedDocument is null)
                {
                    continue;
                }

                applied++;
                var where = $"{fix.GetType().Name} on {TestCompilation.Format(diagnostic).Trim()}";
                var newErrors = (await ErrorsAsync(fixedDocument.Project)).Except(errorsBefore).ToArray();
                if (newErrors.Length > 0)
                {
                    failures.Append(where).Append(" adds errors:\n  ").Append(string.Join("\n  ", newErrors)).Append('\n');
                }

                var after = await DiagnosticsAsync(fixedDocument.Project);
                int Count(IEnumerable<Diagnostic> ds) => ds.Count(d => d.Id == diagnostic.Id && d.Location.SourceTree!.FilePath == document.FilePath);
                if (Count(after) >= Count(before))
                {
                    failures.Append(where).Append(" leaves as many ").Append(diagnostic.Id).Append(" in the file\n");
                }
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(applied > 0, "No fix was offered on the corpus.");
    }

    private static Project CreateProject(AdhocWorkspace workspace, bool hot)
    {
        var compilation = RealCodeCorpus.Compile(hot);
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "RealCode", "RealCode", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(),
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: ReferenceAssemblies.WithHotpath));
        foreach (var tree in compilation.SyntaxTrees)
        {
            workspace.AddDocument(DocumentInfo.Create(
                DocumentId.CreateNewId(project.Id), tree.FilePath,
                loader: TextLoader.From(TextAndVersion.Create(tree.GetText(), VersionStamp.Default)),
                filePath: tree.FilePath));
        }

        return workspace.CurrentSolution.GetProject(project.Id)!;
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project) =>
        await AnalyzerVerifier.RunAnalyzersAsync((await project.GetCompilationAsync())!, s_analyzers);

    private static async Task<string[]> ErrorsAsync(Project project) =>
        (await project.GetCompilationAsync())!.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}")
            .ToArray();
}
