using System.Reflection;
using System.Text.RegularExpressions;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Docs;

/// <summary>
/// The rule catalogue stays in one piece: every id of DESIGN.md is implemented by a shipped analyzer, every
/// descriptor links to its page, every page belongs to a rule, and the release-tracking files agree.
/// </summary>
public sealed class RuleCatalogueTests
{
    // DESIGN.md §5: the whole catalogue.
    private static readonly string[] s_designIds =
        Enumerable.Range(1, 7).Select(i => $"HOT00{i}")
        .Concat(Enumerable.Range(101, 11).Select(i => $"HOT{i}"))
        .Concat(Enumerable.Range(201, 11).Select(i => $"HOT{i}"))
        .Concat(Enumerable.Range(301, 3).Select(i => $"HOT{i}"))
        .ToArray();

    private static readonly Assembly[] s_shipped =
    {
        typeof(Hotpath.Analyzers.HotPathScope).Assembly,
        typeof(Hotpath.Generators.Pooling.PooledDiagnosticsAnalyzer).Assembly,
    };

    public static TheoryData<string> DesignIds => new(s_designIds);

    // Every descriptor of each id: an id may have several (HOT003's at compilation end and for a hidden backing field),
    // and each of them must follow the design, not only the first one found.
    private static ILookup<string, DiagnosticDescriptor> Supported { get; } = s_shipped
        .SelectMany(a => a.GetTypes())
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
        .Distinct()
        .ToLookup(d => d.Id);

    [Theory]
    [MemberData(nameof(DesignIds))]
    public void Every_rule_of_the_design_is_reported_by_a_shipped_analyzer(string id) =>
        Assert.True(Supported.Contains(id), $"No shipped analyzer supports {id}.");

    [Theory]
    [MemberData(nameof(DesignIds))]
    public void Every_rule_links_to_its_page_and_the_page_exists(string id)
    {
        Assert.All(Supported[id], descriptor =>
            Assert.Equal($"https://github.com/hotpath-dev/hotpath/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri));

        var page = Path.Combine(RepoPaths.Docs, "rules", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing.");
        Assert.StartsWith($"# {id}: ", File.ReadAllText(page));
    }

    [Theory]
    [MemberData(nameof(DesignIds))]
    public void Severity_follows_the_design(string id)
    {
        var expected = id switch
        {
            _ when id.StartsWith("HOT0", StringComparison.Ordinal) => DiagnosticSeverity.Error,
            "HOT111" or "HOT210" => DiagnosticSeverity.Info,
            _ => DiagnosticSeverity.Warning,
        };

        Assert.NotEmpty(Supported[id]);
        Assert.All(Supported[id], descriptor =>
        {
            Assert.True(expected == descriptor.DefaultSeverity, $"{id} '{descriptor.Title}' is {descriptor.DefaultSeverity}, the design says {expected}.");
            Assert.True(descriptor.IsEnabledByDefault, $"{id} '{descriptor.Title}' is not enabled by default.");
        });
    }

    [Fact]
    public void Every_page_belongs_to_a_rule()
    {
        var pages = Directory.GetFiles(Path.Combine(RepoPaths.Docs, "rules"), "*.md").Select(Path.GetFileNameWithoutExtension);

        Assert.All(pages, page => Assert.Contains(page, s_designIds));
    }

    [Fact]
    public void Release_tracking_lists_every_rule_with_its_category_and_severity()
    {
        var rows = new[] { "generators/Hotpath.Generators", "analyzers/Hotpath.Analyzers" }
            .SelectMany(p => File.ReadAllLines(Path.Combine(RepoPaths.Root, p, "AnalyzerReleases.Unshipped.md")))
            .Select(line => Regex.Match(line, @"^(HOT\d{3})\s*\|\s*(\S+)\s*\|\s*(\w+)"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => (Category: m.Groups[2].Value, Severity: m.Groups[3].Value));

        Assert.Equal(s_designIds.Order(), rows.Keys.Order());
        foreach (var (id, row) in rows)
        {
            Assert.All(Supported[id], descriptor =>
            {
                Assert.Equal(descriptor.Category, row.Category);
                Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
            });
        }
    }
}
