using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>Options of <see cref="CodeFixVerifier"/>.</summary>
public sealed record CodeFixTestOptions
{
    /// <summary>Generators added to the test project (e.g. so <c>T.Pool</c> exists).</summary>
    public ImmutableArray<IIncrementalGenerator> Generators { get; init; } = ImmutableArray<IIncrementalGenerator>.Empty;

    /// <summary>Which registered fix to apply, by equivalence key; <see langword="null"/> takes the first.</summary>
    public string? EquivalenceKey { get; init; }

    /// <summary>Apply the fix to every fixable diagnostic in turn (default), or only to the first.</summary>
    public bool FixAll { get; init; } = true;

    /// <summary>The fixed source must compile without errors (default).</summary>
    public bool FixedMustCompile { get; init; } = true;

    /// <summary>The id <c>[|…|]</c> markers expect.</summary>
    public string? DefaultId { get; init; }

    /// <summary>
    /// Compiler errors in the source do not fail the markup check (<see cref="AnalyzerTestOptions.AllowCompilerErrors"/>):
    /// for a diagnostic that comes with the compiler's own error.
    /// </summary>
    public bool AllowCompilerErrors { get; init; }

    /// <summary>Output kind of the test project (a console application allows top-level statements).</summary>
    public OutputKind OutputKind { get; init; } = OutputKind.DynamicallyLinkedLibrary;

    /// <summary>
    /// More documents of the project (Source1.cs, …), with markup like the first: their diagnostics are checked too,
    /// but only the first document's are fixed (a fix may still change these documents).
    /// </summary>
    public ImmutableArray<string> AdditionalSources { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>What each of <see cref="AdditionalSources"/> reads after the fix; empty: each is left unchanged.</summary>
    public ImmutableArray<string> ExpectedAdditionalSources { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>
    /// The source is given to the workspace with CRLF line endings and the fixed first document must keep them: no lone
    /// LF (the texts are otherwise compared with line endings normalised).
    /// </summary>
    public bool CrLf { get; init; }

    /// <summary>
    /// Runs against the fixed project, emitted and loaded (a compile-and-run check that the fix kept what the code
    /// does); <see langword="null"/>: the fixed code is not run.
    /// </summary>
    public Action<System.Reflection.Assembly>? Run { get; init; }
}

/// <summary>
/// Applies a code fix through an <see cref="AdhocWorkspace"/> and compares the resulting text. The markup of
/// the source must mark exactly the analyzer's diagnostics (checked first, like <see cref="AnalyzerVerifier"/>).
/// </summary>
public static class CodeFixVerifier
{
    private const int MaxIterations = 50;

    /// <summary>Asserts applying <paramref name="fix"/> to <paramref name="markup"/> gives <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, string expected) =>
        VerifyAsync(analyzer, fix, markup, expected, new CodeFixTestOptions());

    /// <summary>Asserts applying <paramref name="fix"/> to <paramref name="markup"/> gives <paramref name="expected"/>.</summary>
    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, string expected, CodeFixTestOptions options)
    {
        var source = await VerifyMarkupAsync(analyzer, fix, markup, options).ConfigureAwait(false);

        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source, options);
        var provider = new AnalyzerDiagnosticProvider(analyzer, fix.FixableDiagnosticIds);
        var applied = 0;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var diagnostics = (await provider.GetDocumentDiagnosticsAsync(document, CancellationToken.None).ConfigureAwait(false))
                .OrderBy(d => d.Location.SourceSpan.Start)
                .ToArray();
            if (diagnostics.Length == 0 || (!options.FixAll && applied > 0))
            {
                break;
            }

            var action = await FindActionAsync(document, fix, diagnostics, options.EquivalenceKey).ConfigureAwait(false);
            if (action is null)
            {
                break; // the remaining diagnostics have no fix of this kind
            }

            document = await ApplyAsync(document, action).ConfigureAwait(false);
            applied++;
        }

        if (applied == 0)
        {
            throw new XunitException("No code fix was offered.");
        }

        await AssertFixedAsync(document, expected, options, "The fixed source").ConfigureAwait(false);
    }

    /// <summary>
    /// Asserts that <paramref name="fix"/>'s Fix All provider, invoked once in document scope from the first diagnostic
    /// (as <c>dotnet format</c> and the IDE's "Fix all in document" do), turns <paramref name="markup"/> into
    /// <paramref name="expected"/>.
    /// </summary>
    public static Task VerifyFixAllAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, string expected, CodeFixTestOptions? options = null) =>
        VerifyFixAllAsync(analyzer, fix, markup, expected, options ?? new CodeFixTestOptions(), FixAllScope.Document);

    /// <summary>
    /// Asserts that <paramref name="fix"/>'s Fix All provider, invoked once in <paramref name="scope"/> from the first
    /// diagnostic of the first document (the document, its project or the solution: all of <see cref="CodeFixTestOptions.AdditionalSources"/>
    /// are in that project), turns <paramref name="markup"/> into <paramref name="expected"/> and the additional sources
    /// into <see cref="CodeFixTestOptions.ExpectedAdditionalSources"/>.
    /// </summary>
    public static async Task VerifyFixAllAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, string expected, CodeFixTestOptions options, FixAllScope scope)
    {
        var source = await VerifyMarkupAsync(analyzer, fix, markup, options).ConfigureAwait(false);
        var fixAll = fix.GetFixAllProvider() ?? throw new XunitException($"{fix.GetType().Name} does not support Fix All.");
        if (!fixAll.GetSupportedFixAllScopes().Contains(scope))
        {
            throw new XunitException($"{fix.GetType().Name}'s Fix All does not support the {scope} scope.");
        }

        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source, options);
        var provider = new AnalyzerDiagnosticProvider(analyzer, fix.FixableDiagnosticIds);
        var diagnostics = await provider.GetDocumentDiagnosticsAsync(document, CancellationToken.None).ConfigureAwait(false);
        var first = await FindActionAsync(document, fix, diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToArray(), options.EquivalenceKey).ConfigureAwait(false)
            ?? throw new XunitException("No code fix was offered.");
        var context = new FixAllContext(document, fix, scope, first.EquivalenceKey, fix.FixableDiagnosticIds, provider, CancellationToken.None);
        var action = await fixAll.GetFixAsync(context).ConfigureAwait(false) ?? throw new XunitException("Fix All offered no action.");
        document = await ApplyAsync(document, action).ConfigureAwait(false);
        await AssertFixedAsync(document, expected, options, "The source fixed by Fix All").ConfigureAwait(false);
    }

    /// <summary>
    /// Asserts that the analyzer reports exactly the fixable diagnostics marked in <paramref name="markup"/> (and in the
    /// markup of <see cref="CodeFixTestOptions.AdditionalSources"/>), at least one, and that <paramref name="fix"/> offers
    /// no fix for any of them: neither a single fix nor its Fix All, which in document scope from each document must
    /// offer nothing or leave every document as it was. A source that marks nothing throws: it would check nothing.
    /// </summary>
    public static async Task VerifyNoFixAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, CodeFixTestOptions? options = null)
    {
        options ??= new CodeFixTestOptions();
        var marks = new[] { markup }.Concat(options.AdditionalSources).Sum(m => DiagnosticMarkup.Parse(m, options.DefaultId).Expected.Length);
        if (marks == 0)
        {
            var reported = await AnalyzerVerifier.GetDiagnosticsAsync(markup, new[] { analyzer }, new AnalyzerTestOptions
            {
                Generators = options.Generators,
                AdditionalSources = options.AdditionalSources,
                OutputKind = options.OutputKind,
                AllowCompilerErrors = true,
            }).ConfigureAwait(false);
            throw new XunitException(
                "VerifyNoFixAsync needs the source to mark at least one diagnostic of " + string.Join("/", fix.FixableDiagnosticIds) +
                " that the fix must not be offered for; a source without marks checks nothing (for a place the analyzer must not report, use AnalyzerVerifier.VerifyAsync).\n" +
                "The analyzer reports, as markup:\n" + AnalyzerVerifier.ToMarkup(markup, reported.Where(d => fix.FixableDiagnosticIds.Contains(d.Id) && d.Location.SourceTree?.FilePath == TestCompilation.SourcePath(0))));
        }

        var source = await VerifyMarkupAsync(analyzer, fix, markup, options).ConfigureAwait(false);
        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source, options);
        var provider = new AnalyzerDiagnosticProvider(analyzer, fix.FixableDiagnosticIds);
        var diagnostics = (await provider.GetAllDiagnosticsAsync(document.Project, CancellationToken.None).ConfigureAwait(false)).ToArray();
        var fixAll = fix.GetFixAllProvider();
        foreach (var each in document.Project.Documents)
        {
            var here = diagnostics.Where(d => d.Location.SourceTree?.FilePath == each.FilePath).OrderBy(d => d.Location.SourceSpan.Start).ToArray();
            if (here.Length == 0)
            {
                continue;
            }

            if (await FindActionAsync(each, fix, here, options.EquivalenceKey).ConfigureAwait(false) is { } action)
            {
                throw new XunitException($"A fix was offered: {action.Title}");
            }

            if (fixAll is null || !fixAll.GetSupportedFixAllScopes().Contains(FixAllScope.Document))
            {
                continue;
            }

            var context = new FixAllContext(each, fix, FixAllScope.Document, options.EquivalenceKey, fix.FixableDiagnosticIds, provider, CancellationToken.None);
            if (await fixAll.GetFixAsync(context).ConfigureAwait(false) is not { } all)
            {
                continue;
            }

            foreach (var operation in await all.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (operation is not ApplyChangesOperation change)
                {
                    continue;
                }

                foreach (var before in document.Project.Documents)
                {
                    var after = change.ChangedSolution.GetDocument(before.Id)!;
                    var text = (await after.GetTextAsync().ConfigureAwait(false)).ToString();
                    if (text != (await before.GetTextAsync().ConfigureAwait(false)).ToString())
                    {
                        throw new XunitException($"Fix All from {each.FilePath} changed {before.FilePath}:\n" + text);
                    }
                }
            }
        }
    }

    /// <summary>Checks that <paramref name="markup"/> marks exactly the analyzer's fixable diagnostics; returns the source without the marks.</summary>
    private static async Task<string> VerifyMarkupAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, CodeFixTestOptions options)
    {
        if (!options.AdditionalSources.IsEmpty)
        {
            return await VerifyMarkupInEveryDocumentAsync(analyzer, fix, markup, options).ConfigureAwait(false);
        }

        // The fix's ids this analyzer reports (a fix may serve several analyzers): an id it cannot report would check nothing.
        var ids = fix.FixableDiagnosticIds.Where(id => analyzer.SupportedDiagnostics.Any(d => d.Id == id)).ToImmutableArray();
        if (ids.IsEmpty)
        {
            throw new XunitException($"{analyzer.GetType().Name} reports none of {fix.GetType().Name}'s ids ({string.Join(", ", fix.FixableDiagnosticIds)}).");
        }

        await AnalyzerVerifier.VerifyAsync(markup, new[] { analyzer }, new AnalyzerTestOptions { Generators = options.Generators, DefaultId = options.DefaultId, OnlyIds = ids, OutputKind = options.OutputKind, AllowCompilerErrors = options.AllowCompilerErrors }).ConfigureAwait(false);
        return DiagnosticMarkup.Parse(markup, options.DefaultId).Source;
    }

    /// <summary><see cref="VerifyMarkupAsync"/> for several documents: each one's markup against the diagnostics in that file.</summary>
    private static async Task<string> VerifyMarkupInEveryDocumentAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string markup, CodeFixTestOptions options)
    {
        var parsed = new[] { markup }.Concat(options.AdditionalSources).Select(m => DiagnosticMarkup.Parse(m, options.DefaultId)).ToArray();
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(parsed[0].Source, new[] { analyzer }, new AnalyzerTestOptions
        {
            Generators = options.Generators,
            AdditionalSources = parsed.Skip(1).Select(p => p.Source).ToImmutableArray(),
            OutputKind = options.OutputKind,
            AllowCompilerErrors = options.AllowCompilerErrors,
        }).ConfigureAwait(false);
        var actual = diagnostics.Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
            .Select(d => (d.Id, d.Location.SourceSpan, d.Location.SourceTree?.FilePath))
            .OrderBy(k => k.FilePath, StringComparer.Ordinal).ThenBy(k => k.SourceSpan.Start).ThenBy(k => k.Id, StringComparer.Ordinal)
            .ToArray();
        var expected = parsed.SelectMany((p, i) => p.Expected.Select(e => (e.Id, e.Span, (string?)TestCompilation.SourcePath(i))))
            .OrderBy(k => k.Item3, StringComparer.Ordinal).ThenBy(k => k.Span.Start).ThenBy(k => k.Id, StringComparer.Ordinal)
            .ToArray();
        if (!actual.SequenceEqual(expected))
        {
            throw new XunitException("Diagnostics differ from the markup.\nExpected:\n  " + string.Join("\n  ", expected) +
                "\nActual:\n  " + string.Join("\n  ", actual));
        }

        return parsed[0].Source;
    }

    /// <summary>
    /// Registers <paramref name="fix"/>'s actions for <paramref name="diagnostic"/> and applies the first, as the IDE's
    /// light bulb does: <paramref name="document"/> as it leaves it; null when no action is offered.
    /// </summary>
    public static async Task<Document?> ApplyFirstAsync(Document document, Diagnostic diagnostic, CodeFixProvider fix) =>
        await FindActionAsync(document, fix, new[] { diagnostic }, equivalenceKey: null).ConfigureAwait(false) is { } action
            ? await ApplyAsync(document, action).ConfigureAwait(false)
            : null;

    /// <summary><paramref name="document"/> as <paramref name="action"/>'s changes leave it.</summary>
    private static async Task<Document> ApplyAsync(Document document, CodeAction action)
    {
        foreach (var operation in await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (operation is ApplyChangesOperation change)
            {
                document = change.ChangedSolution.GetDocument(document.Id)!;
            }
        }

        return document;
    }

    /// <summary>Asserts the fixed <paramref name="document"/> reads <paramref name="expected"/> (and compiles, unless told not to).</summary>
    private static async Task AssertFixedAsync(Document document, string expected, CodeFixTestOptions options, string what)
    {
        await AssertTextAsync(document, expected, what).ConfigureAwait(false);
        if (options.CrLf)
        {
            var lines = (await document.GetTextAsync().ConfigureAwait(false)).ToString().Split('\n');
            var lone = Enumerable.Range(0, lines.Length - 1).Where(i => !lines[i].EndsWith('\r')).Select(i => i + 1).ToArray();
            if (lone.Length > 0)
            {
                throw new XunitException(what + " has lone LF line endings in a CRLF file, on lines " + string.Join(", ", lone) + ".");
            }
        }

        for (var i = 0; i < options.AdditionalSources.Length; i++)
        {
            var path = TestCompilation.SourcePath(i + 1);
            var other = document.Project.Documents.Single(d => d.FilePath == path);
            var otherExpected = options.ExpectedAdditionalSources.IsEmpty
                ? DiagnosticMarkup.Parse(options.AdditionalSources[i], options.DefaultId).Source
                : options.ExpectedAdditionalSources[i];
            await AssertTextAsync(other, otherExpected, what + $" ({path})").ConfigureAwait(false);
        }

        if (options.FixedMustCompile)
        {
            TestCompilation.AssertNoErrors((await document.Project.GetCompilationAsync().ConfigureAwait(false))!);
        }

        if (options.Run is { } run)
        {
            run(TestCompilation.EmitAndLoad((await document.Project.GetCompilationAsync().ConfigureAwait(false))!));
        }
    }

    private static async Task AssertTextAsync(Document document, string expected, string what)
    {
        var actual = TextDiff.Normalize((await document.GetTextAsync().ConfigureAwait(false)).ToString());
        if (actual != TextDiff.Normalize(expected))
        {
            throw new XunitException(what + " differs from the expected source:\n" + TextDiff.Unified(expected, actual) + "\nActual:\n" + actual);
        }
    }

    private static Document CreateDocument(AdhocWorkspace workspace, string source, CodeFixTestOptions options)
    {
        var projectId = ProjectId.CreateNewId();
        var project = workspace.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Default, "TestProject", "TestAssembly", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(options.OutputKind),
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: ReferenceAssemblies.WithHotpath,
            analyzerReferences: options.Generators.IsEmpty ? null : new[] { new GeneratorReference(options.Generators) }));
        var first = workspace.AddDocument(DocumentInfo.Create(
            DocumentId.CreateNewId(project.Id), "Source0.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(options.CrLf ? TextDiff.Normalize(source).Replace("\n", "\r\n") : source), VersionStamp.Default)),
            filePath: TestCompilation.SourcePath(0)));
        for (var i = 0; i < options.AdditionalSources.Length; i++)
        {
            workspace.AddDocument(DocumentInfo.Create(
                DocumentId.CreateNewId(project.Id), $"Source{i + 1}.cs",
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From(DiagnosticMarkup.Parse(options.AdditionalSources[i], options.DefaultId).Source), VersionStamp.Default)),
                filePath: TestCompilation.SourcePath(i + 1)));
        }

        return workspace.CurrentSolution.GetDocument(first.Id)!;
    }

    private static async Task<CodeAction?> FindActionAsync(Document document, CodeFixProvider fix, Diagnostic[] diagnostics, string? equivalenceKey)
    {
        foreach (var diagnostic in diagnostics)
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
            await fix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            var chosen = actions.FirstOrDefault(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey);
            if (chosen is not null)
            {
                return chosen;
            }
        }

        return null;
    }

    /// <summary>The analyzer's fixable diagnostics in the (possibly already changed) project: for Fix All, and for each step of <see cref="VerifyAsync(DiagnosticAnalyzer, CodeFixProvider, string, string, CodeFixTestOptions)"/>.</summary>
    private sealed class AnalyzerDiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly DiagnosticAnalyzer _analyzer;
        private readonly ImmutableArray<string> _ids;

        public AnalyzerDiagnosticProvider(DiagnosticAnalyzer analyzer, ImmutableArray<string> ids)
        {
            _analyzer = analyzer;
            _ids = ids;
        }

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var all = await GetAllDiagnosticsAsync(document.Project, cancellationToken).ConfigureAwait(false);
            return all.Where(d => d.Location.SourceTree?.FilePath == document.FilePath).ToArray();
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = (await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false))!;
            var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(compilation, new[] { _analyzer }).ConfigureAwait(false);
            return diagnostics.Where(d => _ids.Contains(d.Id)).ToArray();
        }
    }

    /// <summary>Hands in-memory generators to a workspace project.</summary>
    private sealed class GeneratorReference : AnalyzerReference
    {
        private readonly ImmutableArray<ISourceGenerator> _generators;

        public GeneratorReference(ImmutableArray<IIncrementalGenerator> generators) =>
            _generators = generators.Select(GeneratorExtensions.AsSourceGenerator).ToImmutableArray();

        public override string? FullPath => null;

        public override object Id => this;

        public override string Display => "Test generators";

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzers(string language) => ImmutableArray<DiagnosticAnalyzer>.Empty;

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzersForAllLanguages() => ImmutableArray<DiagnosticAnalyzer>.Empty;

        public override ImmutableArray<ISourceGenerator> GetGenerators(string language) => _generators;

        public override ImmutableArray<ISourceGenerator> GetGeneratorsForAllLanguages() => _generators;
    }
}
