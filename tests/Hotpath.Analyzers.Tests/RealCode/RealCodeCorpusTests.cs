using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hotpath.Testing;
using Hotpath.TestSources;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace Hotpath.Analyzers.Tests.RealCode;

/// <summary>
/// Every Hotpath analyzer over the corpus of expert concurrent code in RealCode/Corpus (see its README), twice: as
/// written, and with every class and struct marked [HotPath]. No analyzer may throw, and the diagnostics found must be
/// exactly the reviewed list in RealCode/Expected.txt, each with the reason it is a true positive. A finding missing
/// from the list is a false positive to fix in the analyzer (or, once read and found true, a line to add).
/// </summary>
public sealed class RealCodeCorpusTests
{
    private static readonly Lazy<Task<ImmutableArray<Finding>>> s_findings = new(FindAsync);

    private static string ExpectedPath =>
        Environment.GetEnvironmentVariable("HOTPATH_REALCODE_EXPECTED") is { Length: > 0 } path
            ? path
            : Path.Combine(RepoPaths.Root, "tests", "Hotpath.Analyzers.Tests", "RealCode", "Expected.txt");

    [Fact]
    public async Task Every_analyzer_finds_exactly_the_reviewed_diagnostics_in_real_code()
    {
        var actual = await s_findings.Value;
        var expected = Expected.Read(ExpectedPath);

        // A multiset: one line can hold two findings of one rule, listed twice.
        var left = expected.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var unexpected = new List<Finding>();
        foreach (var finding in actual)
        {
            if (left.TryGetValue(finding.Key, out var count) && count > 0)
            {
                left[finding.Key] = count - 1;
            }
            else
            {
                unexpected.Add(finding);
            }
        }

        var missing = left.Where(p => p.Value > 0).SelectMany(p => Enumerable.Repeat(p.Key, p.Value)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || unexpected.Count > 0)
        {
            var message = new StringBuilder("The analyzers' findings on the real-code corpus differ from Expected.txt.\n");
            message.Append("Reviewed but not found (").Append(missing.Length).Append("):\n");
            foreach (var key in missing)
            {
                message.Append("  ").Append(key).Append('\n');
            }

            message.Append("Found but not reviewed (").Append(unexpected.Count).Append("): a false positive to fix, or a true positive to add with its reason\n");
            foreach (var finding in unexpected)
            {
                message.Append("  ").Append(finding.Key).Append("  |  ").Append(finding.Message).Append("  [").Append(finding.Text).Append("]\n");
            }

            throw new XunitException(message.ToString());
        }
    }

    [Fact]
    public void Every_reviewed_diagnostic_says_why_it_is_a_true_positive()
    {
        foreach (var (key, reason) in Expected.Read(ExpectedPath))
        {
            Assert.True(reason.StartsWith("true positive: ", StringComparison.Ordinal) && reason.Length > "true positive: ".Length + 10, $"{key}: \"{reason}\"");
        }
    }

    /// <summary>
    /// The corpus compiles, as written and marked hot: on code with errors the analyzers bind other operations (invalid
    /// ones, missing conversions), so their findings there would say nothing of the real code.
    /// </summary>
    [Fact]
    public void The_corpus_compiles_without_errors()
    {
        foreach (var hot in new[] { false, true })
        {
            var errors = RealCodeCorpus.Compile(hot).GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => d.ToString())
                .ToArray();
            Assert.True(errors.Length == 0, $"{(hot ? "hot" : "cold")}:\n" + string.Join("\n", errors));
        }
    }

    [Fact]
    public void The_corpus_is_real_concurrent_code_with_its_origin()
    {
        var files = RealCodeCorpus.Files();
        Assert.True(files.Length >= 6, $"The corpus has {files.Length} files.");
        var readme = File.ReadAllText(Path.Combine(RealCodeCorpus.Folder, "README.md"));
        foreach (var file in files)
        {
            Assert.Contains(Path.GetFileName(file), readme, StringComparison.Ordinal);
        }
    }

    private static async Task<ImmutableArray<Finding>> FindAsync()
    {
        var analyzers = RealCodeCorpus.Analyzers();
        var findings = ImmutableArray.CreateBuilder<Finding>();
        foreach (var hot in new[] { false, true })
        {
            // RunAnalyzersAsync fails on any AD0001 or analyzer exception.
            var diagnostics = await AnalyzerVerifier.RunAnalyzersAsync(RealCodeCorpus.Compile(hot), analyzers);
            foreach (var d in diagnostics.Where(d => d.Id.StartsWith("HOT", StringComparison.Ordinal)))
            {
                var line = d.Location.GetLineSpan();
                findings.Add(new Finding(
                    $"{(hot ? "hot" : "cold")} {d.Id} {line.Path}:{line.StartLinePosition.Line + 1}",
                    d.GetMessage(CultureInfo.InvariantCulture),
                    d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan).ReplaceLineEndings(" ")));
            }
        }

        return findings.OrderBy(f => f.Key, StringComparer.Ordinal).ToImmutableArray();
    }

    internal sealed record Finding(string Key, string Message, string Text);
}

/// <summary>RealCode/Expected.txt: one reviewed diagnostic a line, "cold|hot ID File.cs:line  reason" (twice for two findings on one line); # starts a comment.</summary>
internal static class Expected
{
    public static List<(string Key, string Reason)> Read(string path)
    {
        var reviewed = new List<(string Key, string Reason)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4)
            {
                throw new XunitException($"Expected.txt: \"{line}\" is not \"cold|hot ID File.cs:line reason\".");
            }

            reviewed.Add(($"{parts[0]} {parts[1]} {parts[2]}", parts[3].Trim()));
        }

        return reviewed;
    }
}
