using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The names of the members each generator declares in its attributed type (nested members of a generated class,
/// like the codec's <c>Decode</c> or the reducer's <c>Add</c>, are not listed: they live in another type). A member
/// cannot have the name of its enclosing type (CS0542), so a type with one of these names is HOT001. A test
/// generates every shape and checks the emitters declare no other name.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>[Pooled]'s members; <c>Pool</c>, <c>ResetCore</c> and <c>OnResetCore</c> only for some types (see <see cref="Of"/>).</summary>
    public static readonly string[] Pooled = ["Pool", "Reset", "ResetCore", "OnResetCore", "OnReset", "__HotpathResetInPlace"];

    /// <summary>[Columnar]'s members: the codec property and its nested class.</summary>
    public static readonly string[] Columnar = ["Codec", "__HotpathColumnarCodec"];

    /// <summary>[BatchReducer]'s members; its hidden per-member fields all start with <see cref="BatchReducerPrefix"/>.</summary>
    public static readonly string[] BatchReducer = ["Reducer", "Combine"];

    /// <summary>The prefix of [BatchReducer]'s private helpers and hidden state (<c>__hp_SameGroup</c>, <c>__hp_Cpu_Sum</c>).</summary>
    public const string BatchReducerPrefix = "__hp_";

    /// <summary>[ShardedCache]'s members (its constructors have the type's name, as they must).</summary>
    public static readonly string[] ShardedCache = ["_hotpathCache", "Count", "Statistics", "TryGet", "GetOrAdd", "GetOrAddAsync", "Set", "Remove", "Clear"];

    /// <summary>
    /// HOT001 when <paramref name="type"/> has the name of a member the generator of <paramref name="attributeMetadataName"/>
    /// declares in it; <see langword="null"/> otherwise.
    /// </summary>
    public static Diagnostic? CheckName(INamedTypeSymbol type, string attributeMetadataName, Location location)
    {
        var name = type.Name;
        string? member = null;
        foreach (var candidate in Of(type, attributeMetadataName))
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                member = candidate;
                break;
            }
        }

        if (member is null && attributeMetadataName == AttributeNames.BatchReducer && name.StartsWith(BatchReducerPrefix, StringComparison.Ordinal))
        {
            member = name;
        }

        return member is null
            ? null
            : Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, name, AttributeNames.ShortName(attributeMetadataName),
                $"it has the name of the member '{member}' the generator adds to it, and a member cannot have the name of its enclosing type (CS0542); rename the type");
    }

    /// <summary>The names the generator of <paramref name="attributeMetadataName"/> declares in <paramref name="type"/>.</summary>
    public static IEnumerable<string> Of(INamedTypeSymbol type, string attributeMetadataName)
    {
        switch (attributeMetadataName)
        {
            case AttributeNames.Pooled:
                // Pool: not on an abstract (or static) type. Reset: not on a type with a [Pooled] base, which inherits
                // it. ResetCore, OnResetCore: the virtuals of an unsealed root, the overrides of a derived type.
                var pooledBase = HasPooledBase(type);
                if (!type.IsAbstract && !type.IsStatic)
                {
                    yield return "Pool";
                }

                if (!pooledBase)
                {
                    yield return "Reset";
                }

                if (pooledBase || !type.IsSealed)
                {
                    yield return "ResetCore";
                    yield return "OnResetCore";
                }

                yield return "OnReset";
                yield return "__HotpathResetInPlace";
                break;
            case AttributeNames.Columnar:
                foreach (var name in Columnar)
                {
                    yield return name;
                }

                break;
            case AttributeNames.BatchReducer:
                foreach (var name in BatchReducer)
                {
                    yield return name;
                }

                break;
            case AttributeNames.ShardedCache:
                foreach (var name in ShardedCache)
                {
                    yield return name;
                }

                break;
        }
    }

    /// <summary>Whether a base type of <paramref name="type"/> is marked [Pooled].</summary>
    public static bool HasPooledBase(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            foreach (var attribute in ancestor.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.Pooled)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
