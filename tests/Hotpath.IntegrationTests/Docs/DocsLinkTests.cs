using System.Text;
using System.Text.RegularExpressions;
using Hotpath.Testing;

namespace Hotpath.IntegrationTests.Docs;

/// <summary>
/// Every relative link in README.md and docs/**/*.md resolves: the file or folder exists, and an anchor names a
/// heading of the target page as GitHub spells it (lower case, punctuation dropped, spaces as dashes, -1, -2 … for
/// repeats). Links inside fenced code are not links; absolute URLs are not checked.
/// </summary>
public sealed partial class DocsLinkTests
{
    public static TheoryData<string> Pages
    {
        get
        {
            var pages = new TheoryData<string>();
            pages.Add("README.md");
            foreach (var path in Directory.EnumerateFiles(RepoPaths.Docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                pages.Add(Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/'));
            }

            return pages;
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_and_anchor_resolves(string page)
    {
        var path = Path.Combine(RepoPaths.Root, page);
        var broken = new List<string>();
        foreach (Match match in Link().Matches(WithoutFences(File.ReadAllText(path))))
        {
            var link = match.Groups["target"].Value;
            if (Scheme().IsMatch(link))
            {
                continue;
            }

            var hash = link.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? link : link[..hash];
            var anchor = hash < 0 ? "" : link[(hash + 1)..];
            var target = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                broken.Add($"{link}: no file {target}");
            }
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(target).Contains(anchor))
            {
                broken.Add($"{link}: no heading with the anchor '{anchor}' in {Path.GetFileName(target)}");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Anchors_are_spelled_as_GitHub_spells_them() =>
        Assert.Equal(
            new[] { "how-the-encoder-chooses-not-part-of-the-format", "after-the-patched-integer-modes-2026-11-23", "cache", "cache-1" },
            Anchors("# How the encoder chooses (not part of the format)\n## After the patched integer modes, 2026-11-23\n## Cache\n```\n# not a heading\n```\n### `Cache`\n".Split('\n')));

    private static HashSet<string> Anchors(string markdownPath) => Anchors(File.ReadAllLines(markdownPath)).ToHashSet(StringComparer.Ordinal);

    private static List<string> Anchors(IEnumerable<string> lines)
    {
        var anchors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            var heading = Heading().Match(line);
            if (inFence || !heading.Success)
            {
                continue;
            }

            var text = LinkText().Replace(heading.Groups["text"].Value.Replace("`", "", StringComparison.Ordinal), "$1");
            var slug = new StringBuilder();
            foreach (var c in text.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            var anchor = slug.ToString();
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            anchors.Add(count == 0 ? anchor : $"{anchor}-{count}");
        }

        return anchors;
    }

    private static string WithoutFences(string markdown) => Fence().Replace(markdown, "");

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkText();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
