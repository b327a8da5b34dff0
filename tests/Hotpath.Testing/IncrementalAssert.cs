using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>
/// Incremental-generator caching checks: run a generator, edit the compilation, run the same driver again,
/// and assert the run reason of each named step (Cached/Unchanged after an unrelated edit, Modified after
/// a relevant one, New for a new annotated type).
/// </summary>
public static class IncrementalAssert
{
    /// <summary>Runs <paramref name="generator"/> on <paramref name="sources"/>, applies <paramref name="edit"/>, and runs again.</summary>
    public static (GeneratorRun First, GeneratorRun Second) RunTwice(IIncrementalGenerator generator, string[] sources, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = TestCompilation.Create(sources);
        var first = GeneratorRunner.Run(GeneratorRunner.CreateDriver(generator), compilation);
        var second = GeneratorRunner.Run(first.Driver, edit(compilation));
        return (first, second);
    }

    /// <summary>Every output of each named step is Cached or Unchanged (and each step ran at least once).</summary>
    public static void CachedOrUnchanged(GeneratorRun run, params string[] trackingNames)
    {
        foreach (var name in trackingNames)
        {
            foreach (var (reason, value) in Outputs(run, name))
            {
                if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                {
                    throw new XunitException($"Step '{name}' produced an output with reason {reason} (expected Cached or Unchanged): {value}");
                }
            }
        }
    }

    /// <summary>Every generated-source output of the run is Cached or Unchanged.</summary>
    public static void SourceOutputsCachedOrUnchanged(GeneratorRun run)
    {
        foreach (var result in run.Result.Results)
        {
            foreach (var step in result.TrackedOutputSteps.SelectMany(s => s.Value))
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    {
                        throw new XunitException($"Source output step produced an output with reason {reason}: {value}");
                    }
                }
            }
        }
    }

    /// <summary>At least one output of the named step has <paramref name="reason"/>.</summary>
    public static void HasReason(GeneratorRun run, string trackingName, IncrementalStepRunReason reason)
    {
        var reasons = Outputs(run, trackingName).Select(o => o.Reason).ToArray();
        if (!reasons.Contains(reason))
        {
            throw new XunitException($"Step '{trackingName}' has no output with reason {reason}; reasons: {string.Join(", ", reasons)}");
        }
    }

    /// <summary>The (reason, value) of every output of the named step across all its runs; fails if the step never ran.</summary>
    public static IReadOnlyList<(IncrementalStepRunReason Reason, object Value)> Outputs(GeneratorRun run, string trackingName)
    {
        var steps = run.Result.Results
            .SelectMany(r => r.TrackedSteps.TryGetValue(trackingName, out var s) ? s : Enumerable.Empty<IncrementalGeneratorRunStep>())
            .ToArray();
        if (steps.Length == 0)
        {
            var known = run.Result.Results.SelectMany(r => r.TrackedSteps.Keys).Distinct();
            throw new XunitException($"No step named '{trackingName}' ran. Named steps: {string.Join(", ", known)}");
        }

        return steps.SelectMany(s => s.Outputs).Select(o => (o.Reason, o.Value)).ToArray();
    }

    /// <summary>
    /// Fails when an output of a named step holds (directly or nested) an <see cref="ISymbol"/>,
    /// <see cref="Compilation"/>, <see cref="SemanticModel"/>, <see cref="SyntaxNode"/>, <see cref="SyntaxTree"/> or
    /// <see cref="Location"/>: such models keep compilations alive and defeat caching.
    /// </summary>
    public static void ModelsArePure(GeneratorRun run, params string[] trackingNames)
    {
        foreach (var name in trackingNames)
        {
            foreach (var (_, value) in Outputs(run, name))
            {
                var path = FindRoslynObject(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), depth: 0);
                if (path is not null)
                {
                    throw new XunitException($"The model of step '{name}' holds a Roslyn object at {path}.");
                }
            }
        }
    }

    private static readonly Type[] s_forbidden =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location),
    };

    private static string? FindRoslynObject(object? value, string path, HashSet<object> visited, int depth)
    {
        if (value is null || depth > 32)
        {
            return null;
        }

        var type = value.GetType();
        if (s_forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            return $"{path} ({type.Name})";
        }

        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal || (!type.IsValueType && !visited.Add(value)))
        {
            return null;
        }

        if (value is IEnumerable items && value is not string)
        {
            var index = 0;
            foreach (var item in items)
            {
                var found = FindRoslynObject(item, $"{path}[{index++}]", visited, depth + 1);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var found = FindRoslynObject(field.GetValue(value), $"{path}.{field.Name}", visited, depth + 1);
                if (found is not null)
                {
                    return found;
                }
            }
        }

        return null;
    }
}

/// <summary>Common compilation edits for caching tests.</summary>
public static class CompilationEdits
{
    /// <summary>Adds a file that has nothing to do with any generator.</summary>
    public static CSharpCompilation AddUnrelatedFile(CSharpCompilation compilation) =>
        compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Unrelated { internal static class Edit { public static int Value => 42; } }",
            TestCompilation.ParseOptions,
            "/src/Unrelated.cs"));

    /// <summary>Replaces the text of source number <paramref name="index"/>.</summary>
    public static CSharpCompilation ReplaceSource(CSharpCompilation compilation, int index, string newText)
    {
        var path = TestCompilation.SourcePath(index);
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(newText, TestCompilation.ParseOptions, path));
    }

    /// <summary>Adds a new source file.</summary>
    public static CSharpCompilation AddSource(CSharpCompilation compilation, string text, string path = "/src/Added.cs") =>
        compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions, path));
}
