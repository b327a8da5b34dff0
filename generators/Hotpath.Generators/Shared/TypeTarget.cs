namespace Hotpath.Generators.Shared;

/// <summary>
/// Where generated members go: the attributed type, its namespace and the partial types it nests in.
/// Strings only, so it is equatable and safe to cache.
/// </summary>
/// <param name="Namespace">Containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="Name">Type name without type parameters.</param>
/// <param name="Keyword">Declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c> or <c>record struct</c>.</param>
/// <param name="TypeParameters">Type parameter list as written, e.g. <c>&lt;T&gt;</c>, or empty.</param>
/// <param name="FullyQualifiedName">The type as <c>global::</c> name with its type parameters.</param>
/// <param name="ContainingTypes">The types it nests in, outermost first.</param>
/// <param name="HintName">Deterministic hint-name stem, e.g. <c>Ns.Outer.Name`1</c>.</param>
/// <param name="IsValueType">Whether the type is a struct.</param>
/// <param name="IsSealed">Whether the type is sealed (always true for structs).</param>
internal sealed record TypeTarget(
    string? Namespace,
    string Name,
    string Keyword,
    string TypeParameters,
    string FullyQualifiedName,
    EquatableArray<ContainingType> ContainingTypes,
    string HintName,
    bool IsValueType,
    bool IsSealed)
{
    /// <summary>The name as an identifier in generated code (<c>@class</c> for a type named <c>class</c>).</summary>
    public string EscapedName => Identifiers.Escape(Name);

    /// <summary>The name with type parameters, as written in a declaration.</summary>
    public string NameWithTypeParameters => EscapedName + TypeParameters;
}

/// <summary>A type an attributed type nests in: its declaration keyword and its name with type parameters.</summary>
internal sealed record ContainingType(string Keyword, string NameWithTypeParameters);
