using Xunit.Sdk;

namespace Hotpath.Generators.Tests.Docs;

/// <summary>
/// The C# blocks of README.md and docs/**/*.md marked <c>&lt;!-- snippet: compile … --&gt;</c> compile with the
/// four generators, Hotpath.dll and the analyzers, and get exactly the HOT ids their marker expects (see
/// <see cref="DocsSnippet"/> for the marker). A rule page's example marks the rule's id, its fix marks none.
/// </summary>
public sealed class DocsSnippetTests
{
    public static TheoryData<string> Snippets => new(DocsSnippets.All().Select(snippet => snippet.Name));

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Marked_block_compiles_with_the_ids_its_marker_expects(string name)
    {
        var snippet = DocsSnippets.All().Single(s => s.Name == name);
        var failure = await DocsSnippets.CheckAsync(snippet);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void Every_marker_stands_before_a_csharp_block_and_says_what_it_knows()
    {
        var problems = new List<string>();
        foreach (var page in DocsSnippets.Pages())
        {
            DocsSnippets.Parse(page, File.ReadAllLines(Path.Combine(Hotpath.Testing.RepoPaths.Root, page)), problems);
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_broken_block_fails_with_its_page_line_and_errors()
    {
        var page = """
            # Page

            <!-- snippet: compile, wrap in a method
            partial class Snippet { private int _count; }
            -->
            ```csharp
            _count++;
            var n = Missing();
            ```
            """.Split('\n');

        var snippet = Assert.Single(DocsSnippets.Parse("docs/page.md", page, problems: null));
        var failure = await DocsSnippets.CheckAsync(snippet);

        Assert.NotNull(failure);
        Assert.Contains("The C# block at docs/page.md:6 does not compile", failure);
        Assert.Contains("docs/page.md(8,9): error CS0103", failure);
    }

    [Fact]
    public async Task A_block_without_the_expected_id_fails_and_one_with_it_passes()
    {
        var lines = """
            <!-- snippet: compile, wrap in a class, expect HOT101 -->
            ```csharp
            [HotPath] public object Make() => new object();
            ```
            <!-- snippet: compile, wrap in a class, expect HOT101 -->
            ```csharp
            [HotPath] public int Make() => 1;
            ```
            """.Split('\n');

        var snippets = DocsSnippets.Parse("docs/page.md", lines, problems: null);

        Assert.Null(await DocsSnippets.CheckAsync(snippets[0]));
        var failure = await DocsSnippets.CheckAsync(snippets[1]);
        Assert.Equal("The C# block at docs/page.md:6 gets no HOT diagnostic, not HOT101 as its marker says:\n", failure);
    }

    [Fact]
    public void A_marker_away_from_a_csharp_fence_is_a_problem()
    {
        var problems = new List<string>();

        DocsSnippets.Parse("docs/page.md", ["<!-- snippet: compile -->", "", "```csharp", "```", "<!-- snippet: compile, wrap it -->", "```csharp", "```"], problems);

        Assert.Equal(
            ["docs/page.md:1: a snippet marker must stand on the line just before a ```csharp fence", "docs/page.md:5: unknown snippet option 'wrap it'"],
            problems);
    }
}
