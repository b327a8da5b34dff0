using System.Runtime.CompilerServices;
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

/// <summary>A valid cache as the key-name check sees it: its value type, its key's name and where to report.</summary>
internal sealed record CacheKeyUse(string CacheName, string ValueTypeName, string ValueTypeFullName, string KeyFullName, ValueArgumentLocation Location);

/// <summary>
/// DESIGN fixes the key struct's name, <c>{TValue}Key</c> in the value type's namespace, so two value types with one
/// simple name in one namespace (nested in different types, or two constructions of one generic type) would get one
/// key struct. The value type whose full name sorts first (ordinal) keeps the name; every cache of another gets
/// HOT003 and no code. The choice depends on the set of valid caches only, never on file or declaration order, and
/// the generator (over its collected models) and the analyzer (over the compilation) make the same one.
/// </summary>
internal static class ShardedCacheKeyCollisions
{
    private static readonly ConditionalWeakTable<IAssemblySymbol, Lazy<EquatableArray<KeyLoser>>> s_losersByAssembly = new();

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

    /// <summary>The HOT003 for a cache of <paramref name="valueTypeName"/> whose key name is taken by <paramref name="winnerFullName"/>.</summary>
    public static Diagnostic Diagnostic(Location location, string valueTypeName, string cacheName, string keyFullName, string winnerFullName) =>
        Microsoft.CodeAnalysis.Diagnostic.Create(
            DiagnosticDescriptors.MissingCacheKey,
            location,
            valueTypeName,
            cacheName,
            "its key struct would be '" + Display(keyFullName) + "', the name already given to the key of '" + Display(winnerFullName) +
            "': two value types with one name in one namespace (nested in different types, or constructions of one generic type) cannot both have a {TValue}Key there; rename one, or cache a type of its own that wraps it");

    /// <summary>
    /// For the analyzer: the losing value types of <paramref name="cacheType"/>'s compilation, found once per
    /// compilation by walking its types for valid [ShardedCache] classes (as the generator collects them).
    /// </summary>
    public static EquatableArray<KeyLoser> LosersOf(INamedTypeSymbol cacheType) =>
        s_losersByAssembly.GetValue(cacheType.ContainingAssembly, static assembly => new Lazy<EquatableArray<KeyLoser>>(() => Collect(assembly))).Value;

    /// <summary>Where diagnostics about the value type go: the <c>typeof(...)</c> argument, else the attribute, else the type's name.</summary>
    public static Location ValueLocation(INamedTypeSymbol cacheType, AttributeData attribute, CancellationToken cancellationToken)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        return syntax?.ArgumentList is { Arguments.Count: > 0 } list
            ? list.Arguments[0].GetLocation()
            : syntax?.GetLocation() ?? TypeTargetParser.NameLocation(cacheType, cancellationToken);
    }

    private static EquatableArray<KeyLoser> Collect(IAssemblySymbol assembly)
    {
        var uses = new List<(string, string)>();
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var current = pending.Pop();

            // Namespaces hold namespaces and types; of a type only its nested types matter (GetMembers would build
            // every method, field and property symbol of the assembly).
            var members = current is INamespaceSymbol container ? container.GetMembers() : ((INamedTypeSymbol)current).GetTypeMembers().CastArray<INamespaceOrTypeSymbol>();
            foreach (var member in members)
            {
                if (member is INamespaceSymbol ns)
                {
                    pending.Push(ns);
                }
                else if (member is INamedTypeSymbol type)
                {
                    pending.Push(type);
                    if (!MayHaveAttributes(type))
                    {
                        continue; // binding attributes is the costly part: only types written with some are asked
                    }

                    foreach (var attribute in type.GetAttributes())
                    {
                        if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.ShardedCache)
                        {
                            if (TypeTargetParser.CheckTarget(type, AttributeNames.ShardedCache, CancellationToken.None) is null &&
                                ShardedCacheParser.Parse(type, attribute, CancellationToken.None).Model is { } model)
                            {
                                uses.Add((model.Key.FullName, model.ValueTypeFullName));
                            }

                            break;
                        }
                    }
                }
            }
        }

        return Losers(uses);
    }

    /// <summary>Whether a declaration of <paramref name="type"/> has an attribute list (always true for a type without source).</summary>
    private static bool MayHaveAttributes(INamedTypeSymbol type)
    {
        var references = type.DeclaringSyntaxReferences;
        if (references.IsEmpty)
        {
            return true;
        }

        foreach (var reference in references)
        {
            if (reference.GetSyntax() is not MemberDeclarationSyntax declaration || declaration.AttributeLists.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string Display(string fullName) => fullName.Replace("global::", string.Empty);
}
