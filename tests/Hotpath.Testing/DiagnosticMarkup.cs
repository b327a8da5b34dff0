using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.Testing;

/// <summary>An expected diagnostic: its id and the span it covers in the cleaned source.</summary>
public readonly record struct ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Parses diagnostic markup: <c>{|HOT101:new object()|}</c> expects HOT101 on exactly that text, and
/// <c>[|text|]</c> expects the default id. Markers nest.
/// </summary>
public static class DiagnosticMarkup
{
    /// <summary>The source without markers and the diagnostics the markers expect.</summary>
    public static (string Source, ImmutableArray<ExpectedDiagnostic> Expected) Parse(string markup, string? defaultId = null)
    {
        var output = new StringBuilder(markup.Length);
        var open = new Stack<(string? Id, int Start, bool Brace)>();
        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();

        for (var i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                if (colon < 0)
                {
                    throw new FormatException($"'{{|' at {i} has no ':' after its diagnostic id.");
                }

                open.Push((markup.Substring(i + 2, colon - i - 2), output.Length, true));
                i = colon;
            }
            else if (Starts(markup, i, "[|"))
            {
                open.Push((defaultId, output.Length, false));
                i++;
            }
            else if (Starts(markup, i, "|}") || Starts(markup, i, "|]"))
            {
                var brace = markup[i + 1] == '}';
                if (open.Count == 0 || open.Peek().Brace != brace)
                {
                    throw new FormatException($"Unbalanced diagnostic marker at {i}.");
                }

                var (id, start, _) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id ?? throw new FormatException("'[|…|]' needs a default diagnostic id."), TextSpan.FromBounds(start, output.Length)));
                i++;
            }
            else
            {
                output.Append(markup[i]);
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException("A diagnostic marker is not closed.");
        }

        return (output.ToString(), expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal).ToImmutableArray());
    }

    private static bool Starts(string text, int index, string token) => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
