using System.Text.RegularExpressions;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Abstract members of a [ShardedCache] class's base classes that a generated member meets. One with exactly the
/// generated member's signature (kind, return type, parameter types and how each is passed, accessibility; a
/// getter-only property) is what the user means the cache to implement: the generated member is declared
/// <c>override</c>. One the generated member would hide without implementing it (another return type, a setter,
/// another accessibility or ref kind; CS0534 on the cache class, which cannot implement it itself since the generated
/// member takes the name) is HOT001 at the base type. An abstract overload with other parameters is not hidden, and
/// stays the user's to implement.
/// </summary>
internal static class ShardedCacheAbstractMembers
{
    private static readonly SymbolDisplayFormat MemberFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat
        .WithMemberOptions(SymbolDisplayMemberOptions.IncludeContainingType);

    /// <summary>The <see cref="EmittedMember.Key"/>s of the <paramref name="emitted"/> members that override an abstract base member; HOT001 into <paramref name="errors"/> for the ones that cannot.</summary>
    public static string[] Implemented(
        INamedTypeSymbol cacheType,
        IReadOnlyList<EmittedMember> emitted,
        Func<string, Accessibility> accessibility,
        ICollection<Diagnostic> errors,
        CancellationToken cancellationToken)
    {
        var overrides = new List<string>();
        var implemented = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var ancestor = cacheType.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            foreach (var member in ancestor.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var overridden = Overridden(member); overridden is not null; overridden = Overridden(overridden))
                {
                    implemented.Add(overridden.OriginalDefinition); // implemented further down, so no longer abstract here
                }

                if (!member.IsAbstract || implemented.Contains(member.OriginalDefinition) || member is not (IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.Ordinary }))
                {
                    continue;
                }

                foreach (var candidate in emitted)
                {
                    if (candidate.Name != member.Name || candidate.Returns is null || !GeneratedMemberClashes.Matches(member, candidate))
                    {
                        continue; // another name, or an overload the generated member does not hide
                    }

                    if (Overrides(member, candidate, accessibility(candidate.Name)))
                    {
                        overrides.Add(candidate.Key);
                    }
                    else
                    {
                        errors.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, ShardedCacheConstruction.BaseTypeLocation(cacheType, cacheType.BaseType!, cancellationToken), cacheType.Name, "ShardedCache",
                            $"its base class '{cacheType.BaseType!.Name}' declares the abstract member '{member.ToDisplayString(MemberFormat)}', which the generated '{candidate.Name}' would hide without implementing it (CS0534); " +
                            $"give it the generated member's signature ('{Signature(candidate, accessibility(candidate.Name), member)}'), so the generated member overrides it, or rename it"));
                    }
                }
            }
        }

        return overrides.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static ISymbol? Overridden(ISymbol member) => member switch
    {
        IMethodSymbol method => method.OverriddenMethod,
        IPropertySymbol property => property.OverriddenProperty,
        _ => null,
    };

    /// <summary>Whether the generated <paramref name="candidate"/>, declared <c>override</c>, implements <paramref name="member"/>.</summary>
    private static bool Overrides(ISymbol member, EmittedMember candidate, Accessibility generated)
    {
        if (member.DeclaredAccessibility != generated)
        {
            return false;
        }

        switch (member)
        {
            case IPropertySymbol property:
                return candidate.Parameters is null && !property.IsIndexer && property.RefKind == RefKind.None &&
                       property.GetMethod is not null && property.SetMethod is null && candidate.Returns!.Matches(property.Type);
            case IMethodSymbol method:
                if (candidate.Parameters is null || method.Arity != candidate.Arity || method.RefKind != RefKind.None || !candidate.Returns!.Matches(method.ReturnType))
                {
                    return false;
                }

                for (var i = 0; i < method.Parameters.Length; i++)
                {
                    if (method.Parameters[i].RefKind != candidate.Parameters[i].RefKind)
                    {
                        return false; // ref for out: hidden (CS0663 aside), never overridden
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>The abstract declaration the generated member would override, for the message (<c>public abstract int Count { get; }</c>).</summary>
    private static string Signature(EmittedMember candidate, Accessibility accessibility, ISymbol member)
    {
        var access = accessibility == Accessibility.Internal ? "internal" : "public";
        if (candidate.Parameters is null)
        {
            return access + " abstract " + candidate.Returns!.Display + " " + candidate.Name + " { get; }";
        }

        // A generic method keeps the user's names for its type parameters: they already compile in that base class
        // (which may have a type parameter of the generated name), and the message then asks only for what differs.
        // Not when one of them is also the name of a type the signature shows (a type parameter V beside the cached V):
        // there it would name another type.
        var method = member as IMethodSymbol;
        IReadOnlyList<string> generatedNames = Enumerable.Range(0, candidate.Arity).Select(static _ => ShardedCacheParser.ArgumentTypeParameter).ToArray(); // the generated generic ones have one
        IReadOnlyList<string> names = method is not null && method.Arity == candidate.Arity && !method.TypeParameters.Any(t => ShowsType(candidate, t.Name))
            ? method.TypeParameters.Select(static t => t.Name).ToArray()
            : generatedNames;
        var parameters = method is not null && method.Parameters.Length == candidate.Parameters.Length
            ? method.Parameters.Select((p, i) => GeneratedMemberClashes.RefKindText(candidate.Parameters[i].RefKind) + candidate.Parameters[i].Type.DisplayWith(names) + " " + p.Name)
            : candidate.Parameters.Select(p => GeneratedMemberClashes.RefKindText(p.RefKind) + p.Type.DisplayWith(names));
        var typeParameters = candidate.Arity == 0 ? string.Empty : "<" + string.Join(", ", names) + ">";
        return access + " abstract " + candidate.Returns!.DisplayWith(names) + " " + candidate.Name + typeParameters + "(" + string.Join(", ", parameters) + ");";
    }

    /// <summary>Whether <paramref name="name"/> names a type (not a type parameter) in the return or parameter types of <paramref name="candidate"/>.</summary>
    private static bool ShowsType(EmittedMember candidate, string name)
    {
        // The method's type parameters shown as a character no name holds, so only the other types' names remain.
        var placeholders = Enumerable.Repeat("\u0001", candidate.Arity).ToArray();
        var shown = candidate.Returns!.DisplayWith(placeholders) + " " + string.Join(" ", (candidate.Parameters ?? []).Select(p => p.Type.DisplayWith(placeholders)));
        return Regex.Split(shown, @"\W+").Contains(name, StringComparer.Ordinal);
    }
}
