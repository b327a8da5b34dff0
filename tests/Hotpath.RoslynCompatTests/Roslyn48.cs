using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Hotpath.TestSources;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Hotpath.RoslynCompatTests;

/// <summary>
/// What a user of the first .NET 8 SDK (8.0.100, Roslyn 4.8) has: C# 12, the .NET 8 reference assemblies and the
/// package's lib/net8.0/Hotpath.dll. Compilations here are built for that, by the Roslyn this process hosts.
/// </summary>
internal static class Roslyn48
{
    /// <summary>The Roslyn the shipped generators, analyzers and code fixes are built against (RoslynShippedVersion).</summary>
    public static readonly Version ShippedVersion = new(4, 8);

    /// <summary>C# 12: the newest language version of Roslyn 4.8, and the default of a net8.0 project.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.CSharp12);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The .NET 8 reference assemblies, the net8.0 Hotpath.dll and the two packages it depends on.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>The repository root (assembly metadata from tests/Directory.Build.props).</summary>
    public static string RepoRoot => Metadata("HotpathRepoRoot");

    /// <summary>The net8.0 build of Hotpath.dll (the project file passes its path as assembly metadata).</summary>
    public static string HotpathNet8Assembly
    {
        get
        {
            var path = Metadata("HotpathNet8Assembly");
            Assert.True(File.Exists(path), $"The net8.0 Hotpath.dll was not found at '{path}'; building this project builds it.");
            return path;
        }
    }

    private static string Metadata(string key) =>
        typeof(Roslyn48).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>Fails unless the Roslyn loaded in this process is <see cref="ShippedVersion"/> (4.8.x).</summary>
    public static void AssertHostedRoslynIsShippedVersion()
    {
        foreach (var assembly in new[] { typeof(Compilation).Assembly, typeof(CSharpCompilation).Assembly })
        {
            var version = assembly.GetName().Version!;
            Assert.True(version.Major == ShippedVersion.Major && version.Minor == ShippedVersion.Minor,
                $"{assembly.GetName().Name} {version} is loaded from {assembly.Location}; this project must host Roslyn {ShippedVersion}.x.");
        }
    }

    /// <summary>A library compilation of <paramref name="sources"/> (files /src/Source0.cs, …) with nullable enabled.</summary>
    public static CSharpCompilation Compilation(string assemblyName, params string[] sources) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, $"/src/Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Runs <paramref name="generators"/> through <see cref="CSharpGeneratorDriver"/>; fails when one threw (the
    /// driver turns that into CS8784/CS8785) or reported any diagnostic.
    /// </summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) RunGenerators(Compilation input, params IIncrementalGenerator[] generators)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators.Select(GeneratorExtensions.AsSourceGenerator), parseOptions: ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult();
        var exceptions = result.Results.Where(r => r.Exception is not null).Select(r => r.Generator.GetGeneratorType().Name + ": " + r.Exception).ToArray();
        Assert.True(exceptions.Length == 0, "A generator threw under Roslyn 4.8:\n" + string.Join("\n", exceptions));
        Assert.True(driverDiagnostics.IsEmpty && result.Diagnostics.IsEmpty,
            "The generator run reported diagnostics:\n" + Format(driverDiagnostics.AddRange(result.Diagnostics)));
        return (result, output);
    }

    /// <summary>Fails with every error (and warning) listed unless <paramref name="compilation"/> is clean.</summary>
    public static void AssertNoErrorsOrWarnings(Compilation compilation)
    {
        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, "The compilation is not clean under Roslyn 4.8 / C# 12 / net8.0:\n" + Format(problems));
    }

    /// <summary>
    /// Emits <paramref name="compilation"/> and loads it into a context of its own that also holds the net8.0
    /// Hotpath.dll it was compiled against. Not collectible, as in the other test projects (see
    /// <c>TestCompilation.NonCollectible</c>): collected contexts crash .NET 10.0.12's GC now and then.
    /// </summary>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, "Emit failed:\n" + Format(emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new Net8Context(compilation.AssemblyName!);
        return context.LoadFromStream(stream);
    }

    /// <summary>Calls <c>public static string Probe.Run()</c> of <paramref name="assembly"/> (test code compiled with the generated code).</summary>
    public static string RunProbe(Assembly assembly, string typeName)
    {
        var run = assembly.GetType(typeName, throwOnError: true)!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // the probes format numbers
        try
        {
            return (string)run.Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new XunitException($"{typeName}.Run threw: {e.InnerException}");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    /// <summary>One diagnostic per line, with the flagged source text.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Select(d =>
    {
        var text = d.Location.IsInSource ? d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan) : "";
        var span = d.Location.GetLineSpan();
        return $"  {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)} [{text}]";
    }));

    /// <summary>
    /// The analyzer and generator instances a compiler would create from <paramref name="assemblyPath"/>: loaded
    /// through <see cref="AnalyzerFileReference"/>, which finds them by their [DiagnosticAnalyzer] and [Generator]
    /// attributes. Fails when the reference reports a load failure.
    /// </summary>
    public static (ImmutableArray<DiagnosticAnalyzer> Analyzers, ImmutableArray<ISourceGenerator> Generators) LoadAsCompilerWould(string assemblyPath)
    {
        var reference = AnalyzerReference(assemblyPath);
        var failures = new List<string>();
        reference.AnalyzerLoadFailed += (_, e) => failures.Add($"{e.ErrorCode} {e.TypeName}: {e.Message} {e.Exception}");
        var analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
        var generators = reference.GetGenerators(LanguageNames.CSharp);
        Assert.True(failures.Count == 0, $"Loading {Path.GetFileName(assemblyPath)} under Roslyn 4.8 failed:\n" + string.Join("\n", failures));
        return (analyzers, generators);
    }

    /// <summary>An analyzer reference to <paramref name="assemblyPath"/>, as a project file's Analyzer item gives a workspace.</summary>
    public static AnalyzerFileReference AnalyzerReference(string assemblyPath) => new(assemblyPath, AnalyzerLoader.Instance);

    /// <summary>The .NET 8 reference pack, the net8.0 Hotpath.dll and its dependencies.</summary>
    private static ImmutableArray<MetadataReference> LoadReferences() => Net8References.Load().AddRange(
        new[]
        {
            HotpathNet8Assembly,
            typeof(Microsoft.Extensions.ObjectPool.IResettable).Assembly.Location,
            typeof(CommunityToolkit.HighPerformance.Buffers.StringPool).Assembly.Location,
        }.Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path)));

    /// <summary>A context resolving Hotpath to its net8.0 build; everything else comes from the test's own context.</summary>
    private sealed class Net8Context(string name) : AssemblyLoadContext(name, isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == "Hotpath" ? LoadFromAssemblyPath(HotpathNet8Assembly) : null;
    }

    /// <summary>The simplest analyzer loader: the assemblies are already beside the tests, in the default context.</summary>
    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public static readonly AnalyzerLoader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}
