using Microsoft.CodeAnalysis;

namespace Hotpath.CodeFixes.Shared;

/// <summary>
/// The reason a generators' companion analyzer gives a HOT0xx diagnostic, which decides whether a fix applies: the
/// value of Hotpath.Generators' <c>DiagnosticDescriptors.ReasonProperty</c> (this assembly does not reference it).
/// </summary>
internal static class GeneratorReasons
{
    private const string ReasonProperty = "Reason";

    /// <summary>Whether <paramref name="diagnostic"/> is reported for <paramref name="reason"/>.</summary>
    public static bool Is(Diagnostic diagnostic, string reason) =>
        diagnostic.Properties.TryGetValue(ReasonProperty, out var value) && value == reason;
}
