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
    /// Emits <paramref name="compilation"/> and loads it into a collectible context, for compile-and-run tests.
    /// Fails with the errors when it does not compile.
    /// </summary>
    public static Assembly EmitAndLoad(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new XunitException("Emit failed:" + Environment.NewLine + Format(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        return context.LoadFromStream(stream);
    }

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
