using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.Generators.Caching;

/// <summary>Where a cache's <c>typeof(TValue)</c> argument is: path and spans only, so it caches (no <see cref="Location"/>).</summary>
internal sealed record ValueArgumentLocation(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static ValueArgumentLocation From(Location location)
    {
        var lineSpan = location.GetLineSpan();
        return new ValueArgumentLocation(lineSpan.Path ?? string.Empty, location.SourceSpan, lineSpan.Span);
    }

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A value type that loses its key name, and the value type that keeps it (full names).</summary>
internal sealed record KeyLoser(string ValueTypeFullName, string WinnerFullName);

/// <summary>A valid cache as the analyzer's key-name check sees it: the same, with the source location to report at.</summary>
internal sealed record AnalyzedCacheKeyUse(string CacheName, string ValueTypeName, string ValueTypeFullName, string KeyFullName, Location Location);

/// <summary>A valid cache as the key-name check sees it: its value type, its key's name and where to report.</summary>
internal sealed record CacheKeyUse(string CacheName, string ValueTypeName, string ValueTypeFullName, string KeyFullName, ValueArgumentLocation Location);

/// <summary>
/// DESIGN fixes the key struct's name, <c>{TValue}Key</c> in the value type's namespace, so two value types with one
/// simple name in one namespace (nested in different types, or two constructions of one generic type) would get one
/// key struct. The value type whose full name sorts first (ordinal) keeps the name; every cache of another gets
/// HOT003 and no code. The choice depends on the set of valid caches only, never on file or declaration order, and
/// the generator (over its collected models) and the analyzer (over the caches its symbol action met) make the same one.
/// </summary>
internal static class ShardedCacheKeyCollisions
{
    /// <summary>Test hook: called for every type the analyzer's key-name check looks at (each valid cache, nothing else).</summary>
    internal static Action<INamedTypeSymbol>? TypeExamined;

    /// <summary>Each losing value type with the value type that keeps its key name, sorted (equatable, so the step caches).</summary>
    public static EquatableArray<KeyLoser> Losers(IEnumerable<(string KeyFullName, string ValueTypeFullName)> uses)
    {
        var losers = new List<KeyLoser>();
        foreach (var group in uses.GroupBy(static u => u.KeyFullName, StringComparer.Ordinal))
        {
            var values = group.Select(static u => u.ValueTypeFullName).Distinct(StringComparer.Ordinal).OrderBy(static v => v, StringComparer.Ordinal).ToList();
            for (var i = 1; i < values.Count; i++)
            {
                losers.Add(new KeyLoser(values[i], values[0]));
            }
        }

        return losers.OrderBy(static l => l.ValueTypeFullName, StringComparer.Ordinal).ToEquatableArray();
    }

    /// <summary>The value type that keeps the key name <paramref name="valueTypeFullName"/> wanted, or null when it keeps it.</summary>
    public static string? WinnerOver(EquatableArray<KeyLoser> losers, string valueTypeFullName)
    {
        foreach (var loser in losers)
        {
            if (loser.ValueTypeFullName == valueTypeFullName)
            {
                return loser.WinnerFullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The HOT003 for a cache of <paramref name="valueTypeName"/> whose key name is taken by <paramref name="winnerFullName"/>:
    /// under <paramref name="descriptor"/>, the generator's plain HOT003 or the analyzer's compilation-end one.
    /// </summary>
    public static Diagnostic Diagnostic(DiagnosticDescriptor descriptor, Location location, string valueTypeName, string cacheName, string keyFullName, string winnerFullName) =>
        Microsoft.CodeAnalysis.Diagnostic.Create(
            descriptor,
            location,
            valueTypeName,
            cacheName,
            "its key struct would be '" + Display(keyFullName) + "', the name already given to the key of '" + Display(winnerFullName) +
            "': two value types with one name in one namespace (nested in different types, or constructions of one generic type) cannot both have a {TValue}Key there; rename one, or cache a type of its own that wraps it");

    /// <summary>
    /// For the analyzer, at the end of a compilation: the HOT003 (tagged CompilationEnd) of every cache in <paramref name="uses"/> (the valid
    /// caches it met) whose value type loses its key name. Nothing to do, and nothing walked, without caches.
    /// </summary>
    public static void Report(IReadOnlyCollection<AnalyzedCacheKeyUse> uses, Action<Diagnostic> report)
    {
        if (uses.Count < 2)
        {
            return; // one cache cannot collide
        }

        var losers = Losers(uses.Select(static u => (u.KeyFullName, u.ValueTypeFullName)));
        if (losers.Count == 0)
        {
            return;
        }

        foreach (var use in uses)
        {
            if (WinnerOver(losers, use.ValueTypeFullName) is { } winner)
            {
                report(Diagnostic(DiagnosticDescriptors.MissingCacheKeyAtCompilationEnd, use.Location, use.ValueTypeName, use.CacheName, use.KeyFullName, winner));
            }
        }
    }

    /// <summary>Where diagnostics about the value type go: the <c>typeof(...)</c> argument, else the attribute, else the type's name.</summary>
    public static Location ValueLocation(INamedTypeSymbol cacheType, AttributeData attribute, CancellationToken cancellationToken)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        return syntax?.ArgumentList is { Arguments.Count: > 0 } list
            ? list.Arguments[0].GetLocation()
            : syntax?.GetLocation() ?? TypeTargetParser.NameLocation(cacheType, cancellationToken);
    }

    private static string Display(string fullName) => fullName.Replace("global::", string.Empty);
}
