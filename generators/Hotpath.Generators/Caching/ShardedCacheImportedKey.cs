using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Caching;

/// <summary>
/// A cache of a value type from another assembly: a referenced assembly may already hold the <c>{TValue}Key</c> that
/// Hotpath generated for one of its own caches of that value type (found by the <c>[GeneratedCode("Hotpath.Generators", …)]</c>
/// the key carries). Emitting a second one of that name would collide with it, so a key this compilation can see that
/// has the same parts (names, types, order) and a <c>From</c> of this value type is used as it is; one that cannot be is HOT003.
/// Keys the compilation cannot see (internal, no InternalsVisibleTo) do not collide and are left alone.
/// </summary>
internal static class ShardedCacheImportedKey
{
    /// <summary>
    /// The name of the referenced assembly whose generated key this cache uses, or null when none is there (the key is
    /// emitted). <paramref name="found"/>: the generated keys of that name the compilation can see, as
    /// <see cref="ShardedCacheExistingKey.Problem"/> found them. <paramref name="problem"/>: the HOT003 reason when a
    /// generated key is there but cannot be used.
    /// </summary>
    public static string? Reused(INamedTypeSymbol valueType, string keyName, IReadOnlyList<(IAssemblySymbol Assembly, INamedTypeSymbol Key)> found, IReadOnlyList<(string Name, ITypeSymbol Type)> parts, out string? problem)
    {
        problem = null;
        if (found.Count == 0)
        {
            return null;
        }

        var path = ShardedCacheExistingKey.NamespacePath(valueType);
        var display = string.Join(".", path.Concat([keyName]));
        var prefix = "the generated key type '" + display + "' collides with the existing '" + display + "', which Hotpath generated ";
        if (found.Count > 1)
        {
            var names = found.Select(static f => "'" + f.Assembly.Name + "'").ToList();
            problem = prefix + "in each of the referenced assemblies " + string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1] +
                      " (each declares a cache of '" + valueType.Name + "'), and C# cannot tell those apart (CS0433); declare the caches of '" + valueType.Name +
                      "' in one assembly the others reference, best in '" + valueType.ContainingAssembly.Name + "' beside '" + valueType.Name + "', so there is one key";
            return null;
        }

        var (assembly, key) = found[0];
        var from = key.GetMembers("From").OfType<IMethodSymbol>().FirstOrDefault(static m => m.IsStatic && m.Parameters.Length == 1);
        if (from is not null && !SymbolEqualityComparer.Default.Equals(from.Parameters[0].Type, valueType))
        {
            problem = prefix + "for a cache in the referenced assembly '" + assembly.Name + "' as the key of '" + from.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) +
                      "', another type of this name; rename one of the two value types, or cache a type of its own that wraps '" + valueType.Name + "'";
            return null;
        }

        var constructor = key.InstanceConstructors.OrderByDescending(static c => c.Parameters.Length).FirstOrDefault();
        if (from is null || constructor is null || !SameParts(key, constructor, parts))
        {
            problem = prefix + "for a cache in the referenced assembly '" + assembly.Name + "' with other parts: it is " + Shape(keyName, constructor?.Parameters.Select(static p => (p.Name, p.Type)) ?? []) +
                      ", and this cache needs " + Shape(keyName, parts) + "; rebuild '" + assembly.Name + "' against this '" + valueType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) +
                      "', or use the cache declared there";
            return null;
        }

        return assembly.Name;
    }

    /// <summary>The positional parts: constructor parameters and properties of the same names and types, in order.</summary>
    private static bool SameParts(INamedTypeSymbol key, IMethodSymbol constructor, IReadOnlyList<(string Name, ITypeSymbol Type)> parts)
    {
        if (constructor.Parameters.Length != parts.Count)
        {
            return false;
        }

        for (var i = 0; i < parts.Count; i++)
        {
            var (name, type) = parts[i];
            if (constructor.Parameters[i].Name != name || !SymbolEqualityComparer.Default.Equals(constructor.Parameters[i].Type, type) ||
                !key.GetMembers(name).OfType<IPropertySymbol>().Any(p => SymbolEqualityComparer.Default.Equals(p.Type, type)))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shape(string keyName, IEnumerable<(string Name, ITypeSymbol Type)> parts) =>
        keyName + "(" + string.Join(", ", parts.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name)) + ")";
}
