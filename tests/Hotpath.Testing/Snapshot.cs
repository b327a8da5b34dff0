using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>
/// Snapshot verification of generated sources, after Verify.SourceGenerators' file naming (that package is
/// not in the registry here). For a test method <c>M</c> in file <c>T.cs</c>:
/// <list type="bullet">
/// <item><c>T.M.verified.txt</c> beside the test: the set of hint names and any generator diagnostics;</item>
/// <item><c>T.M#{hintName}.verified.cs</c>: each generated file, byte for byte (line endings folded).</item>
/// </list>
/// On a mismatch a <c>.received.*</c> file is written next to the verified one and the test fails with a
/// diff. Set <c>HOTPATH_ACCEPT_SNAPSHOTS=1</c> to accept the received output as verified (then review it).
/// </summary>
public static class Snapshot
{
    /// <summary>Environment variable that turns mismatches into accepted snapshots.</summary>
    public const string AcceptVariable = "HOTPATH_ACCEPT_SNAPSHOTS";

    /// <summary>Verifies every file <paramref name="run"/> generated, and the set of their hint names.</summary>
    public static void Verify(GeneratorRun run, [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "", [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        var path = RepoPaths.MapSourcePath(sourceFile);
        VerifyIn(run.Result, Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "." + testName);
    }

    /// <summary>Verifies a single text (e.g. an emitter's output from a hand-built model).</summary>
    public static void VerifyText(string text, string extension = "cs", [System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "", [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        var path = RepoPaths.MapSourcePath(sourceFile);
        var failures = new List<string>();
        Compare(Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "." + testName), extension, text, failures, Accepting);
        Fail(failures);
    }

    /// <summary>
    /// Verifies <paramref name="result"/> against snapshots named <paramref name="name"/> in <paramref name="directory"/>.
    /// <paramref name="accept"/> overrides <see cref="AcceptVariable"/> (the harness's own tests pin it).
    /// </summary>
    public static void VerifyIn(GeneratorDriverRunResult result, string directory, string name, bool? accept = null)
    {
        var accepting = accept ?? Accepting;
        var failures = new List<string>();
        var sources = result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal).ToArray();

        var summary = new StringBuilder();
        summary.Append("Generated files:\n");
        foreach (var source in sources)
        {
            summary.Append("  ").Append(source.HintName).Append('\n');
        }

        var diagnostics = result.Diagnostics;
        summary.Append("Generator diagnostics: ").Append(diagnostics.Length).Append('\n');
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            summary.Append("  ").Append(diagnostic.Id).Append(": ").Append(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        Compare(Path.Combine(directory, name), "txt", summary.ToString(), failures, accepting);

        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var stem = Path.Combine(directory, name + "#" + Path.GetFileNameWithoutExtension(source.HintName));
            expectedFiles.Add(stem + ".verified.cs");
            Compare(stem, "cs", source.SourceText.ToString(), failures, accepting);
        }

        // A verified file for a hint name no longer generated is stale: the generator lost an output.
        foreach (var stale in Directory.EnumerateFiles(directory, name + "#*.verified.cs").Where(f => !expectedFiles.Contains(f)))
        {
            if (accepting)
            {
                File.Delete(stale);
            }
            else
            {
                failures.Add($"{Path.GetFileName(stale)} is verified but no longer generated (delete it if that is intended).");
            }
        }

        Fail(failures);
    }

    private static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true";

    private static void Compare(string stem, string extension, string actual, List<string> failures, bool accepting)
    {
        var verifiedPath = stem + ".verified." + extension;
        var receivedPath = stem + ".received." + extension;
        actual = TextDiff.Normalize(actual);

        if (File.Exists(verifiedPath) && TextDiff.Normalize(File.ReadAllText(verifiedPath)) == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (accepting)
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        failures.Add(File.Exists(verifiedPath)
            ? $"{Path.GetFileName(verifiedPath)} differs from {Path.GetFileName(receivedPath)}:\n{TextDiff.Unified(File.ReadAllText(verifiedPath), actual)}"
            : $"{Path.GetFileName(verifiedPath)} does not exist; the output is in {Path.GetFileName(receivedPath)}. Review it and rename it (or run with {AcceptVariable}=1).");
    }

    private static void Fail(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new XunitException("Snapshot mismatch:\n" + string.Join("\n", failures));
        }
    }
}
