using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Hotpath.Testing;
using Hotpath.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Hotpath.CodeFixes.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of everything the package runs inside a user's build and IDE: the sources of the generator,
/// analyzer and code-fix tests (<see cref="FuzzCorpus"/>) are mutated the way code looks while it is typed
/// (<see cref="SourceMutator"/>), then the four generators run through one driver, every analyzer of
/// Hotpath.Analyzers and Hotpath.Generators runs over the result, and every code fix of Hotpath.CodeFixes is
/// registered for each Hotpath diagnostic in the mutant and its first action applied. Nothing may throw; and a
/// mutant with no errors of its own and no HOT0xx error must not get errors from the generated code. Lives here,
/// the one test project that references all three assemblies. Set HOTPATH_FUZZ_ITERATIONS for a longer run and
/// HOTPATH_FUZZ_SEED to start from a failing seed.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    /// <summary>A mutant takes milliseconds; this long on one is a hang even on a starved CI core.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>At most this many diagnostics of one mutant get their fixes registered (the first by position).</summary>
    private const int FixedPerMutant = 8;

    private static readonly GeneratorDriver s_driver = CSharpGeneratorDriver.Create(
        new IIncrementalGenerator[]
        {
            new Hotpath.Generators.Pooling.PooledGenerator(),
            new Hotpath.Generators.Compression.ColumnarGenerator(),
            new Hotpath.Generators.Batching.BatchReducerGenerator(),
            new Hotpath.Generators.Caching.ShardedCacheGenerator(),
        }.Select(GeneratorExtensions.AsSourceGenerator),
        parseOptions: TestCompilation.ParseOptions);

    private static readonly ImmutableArray<DiagnosticAnalyzer> s_analyzers =
        Exported<DiagnosticAnalyzer, DiagnosticAnalyzerAttribute>(typeof(Hotpath.Analyzers.Locks.HotPathLockAnalyzer).Assembly)
            .Concat(Exported<DiagnosticAnalyzer, DiagnosticAnalyzerAttribute>(typeof(Hotpath.Generators.Pooling.PooledGenerator).Assembly))
            .ToImmutableArray();

    private static readonly ImmutableArray<CodeFixProvider> s_fixes =
        Exported<CodeFixProvider, ExportCodeFixProviderAttribute>(typeof(Hotpath.CodeFixes.Usage.MakePartialCodeFixProvider).Assembly).ToImmutableArray();

    [Fact]
    public void Mutated_sources_never_crash_a_generator_an_analyzer_or_a_code_fix()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("HOTPATH_FUZZ_ITERATIONS"), out var configured) ? configured : 200;
        var firstSeed = int.TryParse(Environment.GetEnvironmentVariable("HOTPATH_FUZZ_SEED"), out var seed) ? seed : 1;
        var summary = StallWatchdog.Run<Progress>(progress => RunMutants(firstSeed, iterations, progress), StallLimit, "mutation fuzz");
        output.WriteLine(summary);
    }

    [Fact]
    public void The_corpus_holds_every_generator_and_analyzer_family()
    {
        var corpus = FuzzCorpus.Sources;
        Assert.True(corpus.Length >= 40, $"The corpus has {corpus.Length} sources.");
        string[] markers = ["[Pooled", "[Columnar", "[BatchReducer", "[ShardedCache", "[HotPath", "lock (", "Monitor.Enter", "Interlocked", ".Pool.Rent(", ".Pool.Return(", ".Pool.Lease(", "ArrayPool<"];
        foreach (var marker in markers)
        {
            Assert.True(corpus.Count(s => s.Text.Contains(marker, StringComparison.Ordinal)) >= 3, $"Fewer than 3 corpus sources contain {marker}.");
        }

        Assert.Contains(corpus, s => s.Origin.StartsWith("samples", StringComparison.Ordinal));
        Assert.True(s_analyzers.Length >= 20, $"Only {s_analyzers.Length} analyzers were found.");
        Assert.True(s_fixes.Length >= 9, $"Only {s_fixes.Length} code fixes were found.");
    }

    [Fact]
    public void A_seed_gives_the_same_mutant_every_time()
    {
        var corpus = FuzzCorpus.Sources;
        for (var seed = 0; seed < 50; seed++)
        {
            var first = Mutate(corpus, seed);
            var second = Mutate(corpus, seed);
            Assert.Equal(first.Source.Origin, second.Source.Origin);
            Assert.Equal(first.Mutant, second.Mutant);
        }
    }

    [Fact]
    public async Task A_throwing_generator_analyzer_or_fix_is_reported_with_its_mutant()
    {
        // The checks themselves can fail: a mutant that makes the analyzers crash is caught, not lost.
        var problems = await CheckAsync(
            "public class C { }",
            s_driver,
            [new ThrowingAnalyzer()],
            []);
        Assert.Contains(problems, p => p.Contains("ThrowingAnalyzer", StringComparison.Ordinal) && p.Contains("fuzz double", StringComparison.Ordinal));

        var generatorProblems = await CheckAsync(
            "public class C { }",
            CSharpGeneratorDriver.Create(new ThrowingGenerator().AsSourceGenerator()),
            [],
            []);
        Assert.Contains(generatorProblems, p => p.Contains("ThrowingGenerator", StringComparison.Ordinal) && p.Contains("fuzz double", StringComparison.Ordinal));

        var fixProblems = await CheckAsync(
            "public class C { }",
            s_driver,
            [new ThrowingAnalyzer(report: true)],
            [new ThrowingFix()]);
        Assert.Contains(fixProblems, p => p.Contains("ThrowingFix", StringComparison.Ordinal) && p.Contains("fuzz double", StringComparison.Ordinal));
    }

    private static (CorpusSource Source, Mutant Mutant) Mutate(ImmutableArray<CorpusSource> corpus, int seed)
    {
        var random = new Random(seed);
        var source = corpus[random.Next(corpus.Length)];
        return (source, SourceMutator.Mutate(source, random));
    }

    private static string RunMutants(int firstSeed, int iterations, Progress progress)
    {
        var corpus = FuzzCorpus.Sources;
        var stopwatch = Stopwatch.StartNew();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var failed = 0;
        var compilerCrashes = 0;
        var stats = new Stats();
        for (var i = 0; i < iterations; i++)
        {
            var seed = firstSeed + i;
            var (source, mutant) = Mutate(corpus, seed);
            progress.Start(seed, source, mutant);
            List<string> problems;
            try
            {
                problems = CheckAsync(mutant.Text, s_driver, s_analyzers, s_fixes, stats).GetAwaiter().GetResult();
            }
            catch (Exception exception) when (!exception.ToString().Split('\n').Any(IsShippedFrame))
            {
                compilerCrashes++; // the compiler itself crashed on the mutant (a Roslyn bug, no Hotpath code on the stack)
                continue;
            }

            if (problems.Count == 0)
            {
                continue;
            }

            failed++;
            foreach (var problem in problems)
            {
                // One report per distinct problem (its first line): the smallest mutant that shows it.
                var key = problem.Split('\n')[0];
                var report = $"seed {seed} ({source.Origin}; {mutant.Description}): {problem}\nMutant:\n{SourceMutator.Numbered(mutant.Text)}";
                if (!failures.TryGetValue(key, out var existing) || existing.Length > report.Length)
                {
                    failures[key] = report;
                }
            }
        }

        if (failures.Count > 0)
        {
            Assert.Fail($"{failed} of {iterations} mutants (seeds {firstSeed}..{firstSeed + iterations - 1}) failed, with {failures.Count} distinct problems " +
                        "(rerun one with HOTPATH_FUZZ_SEED=seed HOTPATH_FUZZ_ITERATIONS=1):\n\n" + string.Join("\n\n", failures.Values.Take(12)));
        }

        return $"{iterations} mutants of {corpus.Length} sources (seeds {firstSeed}..{firstSeed + iterations - 1}) in {stopwatch.ElapsedMilliseconds} ms; {compilerCrashes} crashed the compiler itself; " +
               $"{stats.Generated} got generated code, {stats.Reported} Hotpath diagnostics, {stats.Fixed} fixes applied.";
    }

    /// <summary>Runs the generators, the analyzers and the fixes over <paramref name="source"/>; returns what went wrong.</summary>
    private static async Task<List<string>> CheckAsync(string source, GeneratorDriver driver, ImmutableArray<DiagnosticAnalyzer> analyzers, ImmutableArray<CodeFixProvider> fixes, Stats? stats = null)
    {
        stats ??= new Stats();
        var problems = new List<string>();
        var input = TestCompilation.Create(source, FuzzCorpus.Usings);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var compilation, out var driverDiagnostics);
        var run = driver.GetRunResult();
        stats.Generated += run.Results.Any(static r => !r.GeneratedSources.IsEmpty) ? 1 : 0;
        foreach (var result in run.Results.Where(r => r.Exception is not null))
        {
            problems.Add($"{result.Generator.GetGeneratorType().Name} threw {Describe(result.Exception!)}");
        }

        foreach (var diagnostic in driverDiagnostics.Where(d => d.Id is "CS8784" or "CS8785"))
        {
            problems.Add($"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
        }

        // The analyzers see the generated code, as in a build; the compiler's diagnostics come from the same pass.
        var exceptions = new ConcurrentQueue<string>();
        var diagnostics = analyzers.IsEmpty
            ? compilation.GetDiagnostics()
            : await compilation.WithAnalyzers(
                analyzers,
                new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                    onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name} threw {Describe(exception)}"),
                    concurrentAnalysis: false,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: true)).GetAllDiagnosticsAsync().ConfigureAwait(false);
        problems.AddRange(exceptions.Distinct(StringComparer.Ordinal));
        if (exceptions.IsEmpty)
        {
            problems.AddRange(diagnostics.Where(d => d.Id == "AD0001").Select(d => "AD0001: " + d.GetMessage(CultureInfo.InvariantCulture)));
        }

        // Generated code adds no errors to a mutant that has none and that the generators found nothing wrong with.
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS", StringComparison.Ordinal)).ToArray();
        if (errors.Length > 0 &&
            !driverDiagnostics.Concat(diagnostics).Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("HOT0", StringComparison.Ordinal)) &&
            !input.SyntaxTrees.Any(tree => tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) &&
            !input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            problems.Add("the generated code adds compile errors:\n" + TestCompilation.Format(errors));
        }

        stats.Reported += diagnostics.Count(static d => d.Id.StartsWith("HOT", StringComparison.Ordinal));
        var fixable = diagnostics
            .Where(d => !d.IsSuppressed && d.Location.SourceTree?.FilePath == TestCompilation.SourcePath(0) && fixes.Any(f => f.FixableDiagnosticIds.Contains(d.Id)))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Take(FixedPerMutant)
            .ToArray();
        if (fixable.Length == 0)
        {
            return problems;
        }

        // The same compilation as a workspace project, so the fixes get a real document; the diagnostics move to its trees.
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "FuzzProject", "TestAssembly", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(), parseOptions: TestCompilation.ParseOptions, metadataReferences: ReferenceAssemblies.WithHotpath));
        var solution = project.Solution;
        foreach (var tree in compilation.SyntaxTrees)
        {
            solution = solution.AddDocument(DocumentInfo.Create(
                DocumentId.CreateNewId(project.Id), Path.GetFileName(tree.FilePath),
                loader: TextLoader.From(TextAndVersion.Create(await tree.GetTextAsync().ConfigureAwait(false), VersionStamp.Default)), filePath: tree.FilePath));
        }

        var documents = solution.Projects.Single().Documents.ToArray();
        var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        foreach (var each in documents)
        {
            trees[each.FilePath!] = (await each.GetSyntaxTreeAsync().ConfigureAwait(false))!;
        }

        var document = documents.Single(d => d.FilePath == TestCompilation.SourcePath(0));
        foreach (var diagnostic in fixable.Select(d => MoveTo(d, trees)))
        {
            foreach (var fix in fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                try
                {
                    if (await CodeFixVerifier.ApplyFirstAsync(document, diagnostic, fix).ConfigureAwait(false) is { } changed)
                    {
                        _ = await changed.GetSyntaxRootAsync().ConfigureAwait(false);
                        stats.Fixed++;
                    }
                }
                catch (Exception exception)
                {
                    problems.Add($"{fix.GetType().Name} on {diagnostic.Id} at {diagnostic.Location.SourceSpan} threw {Describe(exception)}");
                }
            }
        }

        return problems;
    }

    /// <summary><paramref name="diagnostic"/> with its locations in the workspace's <paramref name="trees"/> (found by path), as the IDE hands it to a fix.</summary>
    private static Diagnostic MoveTo(Diagnostic diagnostic, Dictionary<string, SyntaxTree> trees)
    {
        Location Move(Location location) =>
            location.SourceTree is { } tree && trees.TryGetValue(tree.FilePath, out var moved) ? Location.Create(moved, location.SourceSpan) : location;

        var descriptor = diagnostic.Descriptor;
        return Diagnostic.Create(
            diagnostic.Id, descriptor.Category, diagnostic.GetMessage(CultureInfo.InvariantCulture), diagnostic.Severity, descriptor.DefaultSeverity,
            descriptor.IsEnabledByDefault, diagnostic.WarningLevel, descriptor.Title, descriptor.Description, descriptor.HelpLinkUri,
            Move(diagnostic.Location), diagnostic.AdditionalLocations.Select(Move), descriptor.CustomTags, diagnostic.Properties);
    }

    /// <summary>What the mutants reached, for the summary: that the fuzz gets past the parser into generation and fixes.</summary>
    private sealed class Stats
    {
        public int Generated { get; set; }

        public int Reported { get; set; }

        public int Fixed { get; set; }
    }

    /// <summary>An exception's type, message and the frames that name Hotpath code (the place to fix).</summary>
    private static string Describe(Exception exception)
    {
        var frames = (exception.StackTrace ?? "").Split('\n')
            .Where(IsShippedFrame)
            .Select(f => f.Trim())
            .Take(4);
        return $"{exception.GetType().Name}: {exception.Message}\n    " + string.Join("\n    ", frames);
    }

    /// <summary>Whether a stack frame is in the generators, analyzers or code fixes (not in these tests).</summary>
    private static bool IsShippedFrame(string frame) =>
        frame.Contains(" at Hotpath.", StringComparison.Ordinal) && !frame.Contains(" at Hotpath.CodeFixes.Tests.", StringComparison.Ordinal);

    private static IEnumerable<T> Exported<T, TAttribute>(Assembly assembly)
        where TAttribute : Attribute =>
        assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(T).IsAssignableFrom(t) && t.GetCustomAttribute<TAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!);

    /// <summary>What the worker is checking, read by the watchdog.</summary>
    private sealed class Progress : WatchedProgress
    {
        private int _seed;
        private string _origin = "";
        private Mutant _mutant = new("", "");

        public void Start(int seed, CorpusSource source, Mutant mutant)
        {
            _seed = seed;
            _origin = source.Origin;
            _mutant = mutant;
            Advance();
        }

        public override string Describe() => $"seed {_seed} ({_origin}; {_mutant.Description})\nMutant:\n{SourceMutator.Numbered(_mutant.Text)}";
    }

    private static readonly DiagnosticDescriptor s_double = new("FUZZ001", "Fuzz double", "Fuzz double", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>Throws from its syntax tree action; with <c>report</c>, reports HOTFUZZ on the first class instead (for <see cref="ThrowingFix"/>).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowingAnalyzer(bool report = false) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor s_hot = new("HOTFUZZ", "Fuzz double", "Fuzz double", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [s_double, s_hot];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxTreeAction(tree =>
            {
                if (!report)
                {
                    throw new InvalidOperationException("fuzz double");
                }

                if (tree.Tree.FilePath == TestCompilation.SourcePath(0))
                {
                    tree.ReportDiagnostic(Diagnostic.Create(s_hot, Location.Create(tree.Tree, new TextSpan(0, 6))));
                }
            });
        }
    }

    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, (_, _) => throw new InvalidOperationException("fuzz double"));
    }

    private sealed class ThrowingFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ["HOTFUZZ"];

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => throw new InvalidOperationException("fuzz double");
    }
}
