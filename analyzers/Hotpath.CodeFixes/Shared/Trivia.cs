using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.CodeFixes.Shared;

/// <summary>
/// The file's own layout, for fixes that write new lines without the formatter: its line break, a line's
/// indentation, its comments (so a rewrite keeps a CRLF file CRLF, a tab-indented one tabbed, and no comment is lost).
/// </summary>
internal static class Trivia
{
    /// <summary>A <c>//</c> or <c>/* */</c> comment.</summary>
    public static bool IsComment(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia);

    /// <summary>Whether <paramref name="node"/>'s leading or trailing trivia holds a comment.</summary>
    public static bool HasComments(SyntaxNode node) =>
        node.GetLeadingTrivia().Any(IsComment) || node.GetTrailingTrivia().Any(IsComment);

    /// <summary>The line break <paramref name="node"/> is written with (its first one); LF when it has none.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode node) =>
        node.DescendantTrivia().FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.EndOfLine("\n");

    /// <summary>
    /// The indentation of the line a token with the <paramref name="leading"/> trivia starts: the whitespace that trivia
    /// ends with (none when it ends otherwise), its comments and blank lines left out.
    /// </summary>
    public static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        var start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }

        return SyntaxFactory.TriviaList(leading.Skip(start));
    }
}
