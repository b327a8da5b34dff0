using System.Text;

namespace Hotpath.Testing;

/// <summary>A small line diff (longest common subsequence) for readable snapshot and code-fix failures.</summary>
public static class TextDiff
{
    /// <summary>Lines of <paramref name="expected"/> and <paramref name="actual"/> that differ, as <c>-</c>/<c>+</c> lines with line numbers.</summary>
    public static string Unified(string expected, string actual, int maxLines = 60)
    {
        var a = Normalize(expected).Split('\n');
        var b = Normalize(actual).Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        var written = 0;
        int x = 0, y = 0;
        while ((x < a.Length || y < b.Length) && written < maxLines)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("+ ").Append(y + 1).Append(": ").Append(b[y]).Append('\n');
                y++;
                written++;
            }
            else
            {
                output.Append("- ").Append(x + 1).Append(": ").Append(a[x]).Append('\n');
                x++;
                written++;
            }
        }

        if (written == maxLines)
        {
            output.Append("… (diff cut at ").Append(maxLines).Append(" lines)\n");
        }

        return output.ToString();
    }

    /// <summary>Line endings folded to <c>\n</c>.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n");
}
