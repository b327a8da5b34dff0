using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>Builds C# compilations of test sources against <see cref="ReferenceAssemblies.WithHotpath"/>.</summary>
public static class TestCompilation
{
    /// <summary>Parse options of every test compilation: the newest language version.</summary>
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Compilation options: nullable enabled, unsafe allowed.</summary>
    public static CSharpCompilationOptions Options(OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        new(kind, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true);

    /// <summary>The path of source number <paramref name="index"/> in a test compilation.</summary>
    public static string SourcePath(int index) => $"/src/Source{index}.cs";

    /// <summary>A library compilation of <paramref name="sources"/> (files /src/Source0.cs, Source1.cs, …).</summary>
    public static CSharpCompilation Create(params string[] sources) => Create(sources, OutputKind.DynamicallyLinkedLibrary);

    /// <summary>A compilation of <paramref name="sources"/>.</summary>
    public static CSharpCompilation Create(IEnumerable<string> sources, OutputKind kind, IEnumerable<MetadataReference>? additionalReferences = null, string assemblyName = "TestAssembly")
    {
        var trees = sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, SourcePath(i)));
        var references = additionalReferences is null ? ReferenceAssemblies.WithHotpath : ReferenceAssemblies.WithHotpath.AddRange(additionalReferences);
        return CSharpCompilation.Create(assemblyName, trees, references, Options(kind));
    }

    /// <summary>Fails with every error listed when <paramref name="compilation"/> has compiler errors.</summary>
    public static void AssertNoErrors(Compilation compilation)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw new XunitException("The compilation has errors:" + Environment.NewLine + Format(errors));
        }
    }

    /// <summary>
    /// Emits <paramref name="compilation"/> and loads it into a context of its own, for compile-and-run tests.
    /// Fails with the errors when it does not compile.
    /// </summary>
    /// <remarks>Not collectible: see <see cref="NonCollectible"/>.</remarks>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new XunitException("Emit failed:" + Environment.NewLine + Format(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        stream.Position = 0;
        return NonCollectible(compilation.AssemblyName ?? "TestAssembly").LoadFromStream(stream);
    }

    /// <summary>
    /// A new context for a test's compiled assemblies, never collected. One per test, so that tests whose assemblies
    /// share a name do not meet.
    /// </summary>
    /// <remarks>
    /// With collectible contexts, collected as tests finished, the Generators test host died by SIGSEGV in about half
    /// of the full-solution runs on .NET 10.0.12 (CI's run of 2629a8e among them). The crash dump shows the runtime's
    /// own bookkeeping: the background GC faults on a zeroed object header referenced from the handle array of a
    /// collected context's loader allocator, next to that context's RuntimeAssembly and RuntimeTypes; no Hotpath
    /// object is involved. Other suites that create and drop collectible contexts per test report the same fault on
    /// 10.0.10-10.0.12. Keeping them loaded left the suite's peak working set where it was (about 300 MB).
    /// </remarks>
    public static AssemblyLoadContext NonCollectible(string name) => new(name, isCollectible: false);

    /// <summary>One diagnostic per line: <c>path(line,col): id: message</c>, with the flagged text.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) => string.Join(Environment.NewLine, diagnostics.Select(Format));

    /// <summary>Formats one diagnostic for a failure message.</summary>
    public static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var text = diagnostic.Location.IsInSource ? diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan) : "";
        return $"  {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}  [{text}]";
    }

    internal static ImmutableArray<Diagnostic> Errors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
}
