using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// A member the generator declares in the attributed type: a method or constructor with its parameter list, or any
/// other member (a property, field or nested type), which clashes with every member of its name.
/// </summary>
/// <param name="Name">The member's name (<c>.ctor</c> for a constructor).</param>
/// <param name="Parameters">For a method or constructor, its parameters as <see cref="GeneratedMemberClashes.Parameter"/> writes them; null otherwise.</param>
internal sealed record EmittedMember(string Name, string[]? Parameters);

/// <summary>
/// The members the [Columnar], [BatchReducer] and [ShardedCache] generators add to a type, checked against what the user
/// declared there: a user member that would make the generated one a second declaration (CS0102 for a name, CS0111 or
/// CS0663 for a method with the same parameter types) is HOT001 at the user's member, and the type gets no code.
/// (An overload with other parameter types, or a generic one, is legal C# and stays quiet.) [Pooled] has its own check,
/// which also decides how its reset reaches the user's hook (<c>PooledGeneratedMembers</c>).
/// </summary>
internal static class GeneratedMemberClashes
{
    /// <summary>Parameter types compare by their fully qualified name; nullability does not make another signature.</summary>
    /// <summary>Fully qualified, tuples as <c>ValueTuple&lt;…&gt;</c>: element names are no part of a signature (CS0111 ignores them).</summary>
    private static readonly SymbolDisplayFormat SignatureFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

    private static readonly SymbolDisplayFormat ShortFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.CSharpShortErrorMessageFormat.MiscellaneousOptions & ~SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>A parameter as signatures compare it: its type, with <c>&amp;</c> before it when passed by reference (ref, out and in do not overload each other).</summary>
    public static string Parameter(ITypeSymbol type, RefKind refKind) => (refKind == RefKind.None ? string.Empty : "&") + type.ToDisplayString(SignatureFormat);

    /// <summary>A by-value parameter of a type only known by its <c>global::</c> name (the generated key struct).</summary>
    public static string Parameter(string fullyQualifiedName) => fullyQualifiedName;

    /// <summary>
    /// The members the generator of <paramref name="attributeMetadataName"/> always declares in <paramref name="type"/>
    /// ([Columnar], [BatchReducer]); [ShardedCache]'s depend on its key parts, so its parser lists them.
    /// </summary>
    public static IReadOnlyList<EmittedMember> Fixed(INamedTypeSymbol type, string attributeMetadataName)
    {
        switch (attributeMetadataName)
        {
            case AttributeNames.Columnar:
                return GeneratedMembers.Columnar.Select(static name => new EmittedMember(name, null)).ToArray();
            case AttributeNames.BatchReducer:
                var self = "&" + type.ToDisplayString(SignatureFormat);
                return [new EmittedMember("Reducer", null), new EmittedMember("Combine", [self, self])];
            default:
                return [];
        }
    }

    /// <summary>Reports (HOT001) every member the user declared in <paramref name="type"/> that clashes with one in <paramref name="emitted"/> or, for [BatchReducer], starts with its helpers' prefix.</summary>
    public static void Check(INamedTypeSymbol type, string attributeMetadataName, IReadOnlyList<EmittedMember> emitted, ICollection<Diagnostic> errors, CancellationToken cancellationToken)
    {
        var prefix = attributeMetadataName == AttributeNames.BatchReducer ? GeneratedMembers.BatchReducerPrefix : null;
        HashSet<SyntaxNode>? generated = null;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || !Clashes(member, emitted, prefix))
            {
                continue;
            }

            // The companion analyzer sees the generated members too: those in a part of the type the generator wrote
            // (one holding a member marked [GeneratedCode("Hotpath.Generators")]) are not the user's.
            generated ??= GeneratedCodeMarker.GeneratedParts(type.GetMembers(), cancellationToken);
            if (UserLocation(member, generated, cancellationToken) is { } location)
            {
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, type.Name, AttributeNames.ShortName(attributeMetadataName),
                    "it declares '" + Describe(member) + "', which the generator emits; rename or remove it"));
            }
        }
    }

    /// <summary>
    /// The names in <paramref name="emitted"/> (constructors aside) whose generated member hides a member <paramref name="type"/>
    /// inherits and can see, by the same rule (CS0108, CS0114 under TreatWarningsAsErrors), or one in <paramref name="generatedInBases"/>
    /// (what the generator adds to a base in this compilation, which it does not see): the emitter declares those <c>new</c>.
    /// </summary>
    public static string[] HiddenInherited(INamedTypeSymbol type, IReadOnlyList<EmittedMember> emitted, IReadOnlyList<EmittedMember> generatedInBases)
    {
        var hidden = new List<string>();
        foreach (var candidate in emitted)
        {
            if (candidate.Name == WellKnownMemberNames.InstanceConstructorName || hidden.Contains(candidate.Name))
            {
                continue;
            }

            if (generatedInBases.Any(inherited => inherited.Name == candidate.Name && inherited.Name != "_hotpathCache" &&
                                                  (inherited.Parameters is null || candidate.Parameters is null || inherited.Parameters.SequenceEqual(candidate.Parameters))))
            {
                hidden.Add(candidate.Name);
                continue;
            }

            for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
            {
                if (ancestor.GetMembers(candidate.Name).Any(member => !member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.NotApplicable &&
                                                                      InheritedAccess.IsAccessible(member, type, receiver: null) && Matches(member, candidate)))
                {
                    hidden.Add(candidate.Name);
                    break;
                }
            }
        }

        return hidden.ToArray();
    }

    private static bool Clashes(ISymbol member, IReadOnlyList<EmittedMember> emitted, string? prefix)
    {
        if (prefix is not null && member.Name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var candidate in emitted)
        {
            if (string.Equals(candidate.Name, member.Name, StringComparison.Ordinal) && Matches(member, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="member"/>, of the candidate's name, and the generated member could not both be declared in one type.</summary>
    private static bool Matches(ISymbol member, EmittedMember candidate)
    {
        if (candidate.Parameters is null || member is not IMethodSymbol method)
        {
            return true; // two members of one name, one of them not a method (CS0102)
        }

        return method.Arity == 0 && SameParameters(method, candidate.Parameters); // CS0111, or CS0663 when only ref, out or in differ
    }

    private static bool SameParameters(IMethodSymbol method, string[] parameters)
    {
        if (method.Parameters.Length != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if (!string.Equals(Parameter(parameter.Type, parameter.RefKind), parameters[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(ISymbol member)
    {
        if (member is not IMethodSymbol method)
        {
            return member.Name;
        }

        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name : method.Name;
        return name + "(" + string.Join(", ", method.Parameters.Select(static p => RefKindText(p.RefKind) + p.Type.ToDisplayString(ShortFormat))) + ")";
    }

    private static string RefKindText(RefKind refKind) => refKind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        RefKind.None => string.Empty,
        _ => "ref readonly ",
    };

    private static Location? UserLocation(ISymbol member, HashSet<SyntaxNode> generated, CancellationToken cancellationToken)
    {
        foreach (var candidate in member.Locations)
        {
            if (candidate.IsInSource && !GeneratedCodeMarker.InGeneratedPart(candidate, generated, cancellationToken))
            {
                return candidate;
            }
        }

        return null;
    }
}
