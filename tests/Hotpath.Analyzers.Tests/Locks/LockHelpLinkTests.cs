using Hotpath.Testing;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>Every HOT2xx descriptor the lock analyzers report has a help link to an existing docs/rules page.</summary>
public sealed class LockHelpLinkTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var id in LockVerifier.AllIds)
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_points_at_an_existing_rule_page(string id)
    {
        var descriptor = LockVerifier.Analyzers().SelectMany(a => a.SupportedDiagnostics).First(d => d.Id == id);

        Assert.Equal($"https://github.com/hotpath-dev/hotpath/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);
        var page = Path.Combine(RepoPaths.Docs, "rules", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}", text, StringComparison.Ordinal);
        Assert.Contains("## How to fix", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lock_analyzers_support_exactly_the_HOT2xx_rules()
    {
        var ids = LockVerifier.Analyzers().SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal);

        Assert.Equal(LockVerifier.AllIds, ids);
    }
}
