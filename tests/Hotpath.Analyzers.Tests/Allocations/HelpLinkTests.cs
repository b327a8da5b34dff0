using System.Reflection;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>Every HOT1xx descriptor links to an existing docs/rules/ID.md page that covers what/why/fix/example/traps.</summary>
public sealed class HelpLinkTests
{
    public static TheoryData<string> AllocationIds() => new(Alloc.AllIds);

    private static DiagnosticDescriptor[] Descriptors() => typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .Where(d => d.Id.StartsWith("HOT1", StringComparison.Ordinal))
        .ToArray();

    [Fact]
    public void Every_allocation_descriptor_is_supported_by_an_analyzer()
    {
        var supported = Alloc.All().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        Assert.Equal(Alloc.AllIds, Descriptors().Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(Alloc.AllIds, id => Assert.Contains(id, supported));
    }

    [Theory]
    [MemberData(nameof(AllocationIds))]
    public void Help_link_points_to_an_existing_rule_page(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);

        Assert.EndsWith("/docs/rules/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        var page = Path.Combine(RepoPaths.Docs, "rules", id + ".md");
        Assert.True(File.Exists(page), page + " is missing");

        var text = File.ReadAllText(page);
        Assert.StartsWith("# " + id, text, StringComparison.Ordinal);
        foreach (var section in new[] { "## What", "## Why", "## How to fix", "## Example", "## Traps" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }
    }
}
