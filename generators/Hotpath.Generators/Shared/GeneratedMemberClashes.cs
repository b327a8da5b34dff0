using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// A member the generator declares in the attributed type: a method or constructor with its parameter list, or any
/// other member (a property, field or nested type), which clashes with every member of its name.
/// </summary>
/// <param name="Name">The member's name (<c>.ctor</c> for a constructor).</param>
/// <param name="Parameters">For a method or constructor, its parameters; null otherwise.</param>
/// <param name="Returns">
/// A method's return type or a getter-only property's type, for a member that can implement an abstract one of its
/// signature (<c>override</c>); null for the others (fields, constructors).
/// </param>
/// <param name="Arity">
/// A method's number of type parameters: a generic method and a non-generic one of the same parameter types overload each
/// other, and <see cref="TypePattern.MethodTypeParameter"/> stands for one of them in its parameter types.
/// </param>
internal sealed record EmittedMember(string Name, EmittedParameter[]? Parameters, TypePattern? Returns = null, int Arity = 0)
{
    /// <summary>
    /// The member's name, with <c>`arity</c> for a generic method (<c>GetOrAdd`1</c>): what <c>new</c> or <c>override</c> is
    /// decided for, since a generic method hides or implements only a base method of its arity.
    /// </summary>
    public string Key => Arity == 0 ? Name : Name + "`" + Arity.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A parameter of a generated method: its type and how it is passed (ref, out and in do not overload each other, or by value).</summary>
internal sealed record EmittedParameter(TypePattern Type, RefKind RefKind)
{
    public static EmittedParameter ByValue(TypePattern type) => new(type, RefKind.None);
}

/// <summary>
/// A type in a generated member's signature, compared with a user's member as C# compares signatures
/// (<see cref="SignatureTypes"/>): a symbol the parser has, or a type only known by name, like the generated key struct,
/// which the generator's compilation does not hold yet (there a user's reference to it is an error type).
/// </summary>
internal abstract class TypePattern
{
    /// <summary>The type <paramref name="type"/>.</summary>
    public static TypePattern Of(ITypeSymbol type) => new SymbolPattern(type);

    /// <summary>A non-generic type known by its <c>global::</c> name (a runtime type, or the generated key struct).</summary>
    public static TypePattern Named(string fullyQualifiedName) => new NamePattern(fullyQualifiedName);

    /// <summary>
    /// The type parameter at <paramref name="ordinal"/> of the generated generic method itself, whatever its name (C# compares
    /// method type parameters by position); <paramref name="display"/> is the name a message shows.
    /// </summary>
    public static TypePattern MethodTypeParameter(int ordinal, string display) => new MethodTypeParameterPattern(ordinal, display);

    /// <summary>A constructed generic type: its definition by namespace and metadata name (<c>System.Func`2</c>) and its type arguments.</summary>
    public static TypePattern Generic(string metadataName, params TypePattern[] arguments) => new GenericPattern(metadataName, arguments);

    /// <summary>Whether <paramref name="type"/>, in a user's signature, is this type.</summary>
    public abstract bool Matches(ITypeSymbol type);

    /// <summary>The type as a message shows it (<c>int</c>, <c>Func&lt;PodKey, Pod&gt;</c>).</summary>
    public abstract string Display { get; }

    /// <summary>
    /// <see cref="Display"/>, with the generic method's type parameters called by <paramref name="methodTypeParameters"/>
    /// (by position), as a user's declaration of the method names them.
    /// </summary>
    public virtual string DisplayWith(IReadOnlyList<string> methodTypeParameters) => Display;

    /// <summary>Whether two generated signatures name one type here.</summary>
    public abstract bool SameAs(TypePattern other);

    private sealed class SymbolPattern(ITypeSymbol type) : TypePattern
    {
        public override bool Matches(ITypeSymbol candidate) => SignatureTypes.Equal(type, candidate);

        public override string Display => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

        public override bool SameAs(TypePattern other) => other is SymbolPattern symbol && SignatureTypes.Equal(type, symbol.Type);

        private ITypeSymbol Type => type;
    }

    private sealed class NamePattern(string fullyQualifiedName) : TypePattern
    {
        private readonly string _simpleName = fullyQualifiedName.Substring(fullyQualifiedName.LastIndexOfAny(['.', ':']) + 1);

        public override string Display => _simpleName;

        public override bool Matches(ITypeSymbol type) =>
            type.TypeKind == TypeKind.Error
                ? type.Name == _simpleName // the key struct, before the generator has declared it
                : type is INamedTypeSymbol { Arity: 0 } && type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == fullyQualifiedName;

        public override bool SameAs(TypePattern other) => other is NamePattern named && named.FullName == fullyQualifiedName;

        private string FullName => fullyQualifiedName;
    }

    private sealed class MethodTypeParameterPattern(int ordinal, string display) : TypePattern
    {
        public override string Display => display;

        public override string DisplayWith(IReadOnlyList<string> methodTypeParameters) =>
            ordinal < methodTypeParameters.Count ? methodTypeParameters[ordinal] : display;

        public override bool Matches(ITypeSymbol type) =>
            type is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } parameter && parameter.Ordinal == ordinal;

        public override bool SameAs(TypePattern other) => other is MethodTypeParameterPattern parameter && parameter.Ordinal == ordinal;

        private int Ordinal => ordinal;
    }

    private sealed class GenericPattern(string metadataName, TypePattern[] arguments) : TypePattern
    {
        public override string Display => DisplayWith([]);

        public override string DisplayWith(IReadOnlyList<string> methodTypeParameters) =>
            metadataName.Substring(metadataName.LastIndexOf('.') + 1, metadataName.IndexOf('`') - metadataName.LastIndexOf('.') - 1) +
            "<" + string.Join(", ", arguments.Select(a => a.DisplayWith(methodTypeParameters))) + ">";

        public override bool Matches(ITypeSymbol type)
        {
            if (type is not INamedTypeSymbol { TypeKind: not TypeKind.Error, ContainingType: null, TupleUnderlyingType: null } named ||
                named.TypeArguments.Length != arguments.Length ||
                named.ContainingNamespace.ToDisplayString() + "." + named.MetadataName != metadataName)
            {
                return false;
            }

            for (var i = 0; i < arguments.Length; i++)
            {
                if (!arguments[i].Matches(named.TypeArguments[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool SameAs(TypePattern other)
        {
            if (other is not GenericPattern generic || generic.MetadataName != metadataName || generic.Arguments.Length != arguments.Length)
            {
                return false;
            }

            for (var i = 0; i < arguments.Length; i++)
            {
                if (!arguments[i].SameAs(generic.Arguments[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private string MetadataName => metadataName;

        private TypePattern[] Arguments => arguments;
    }
}

/// <summary>
/// The members the [Columnar], [BatchReducer] and [ShardedCache] generators add to a type, checked against what the user
/// declared there: a user member that would make the generated one a second declaration (CS0102 for a name, CS0111 or
/// CS0663 for a method with the same parameter types) is HOT001 at the user's member, and the type gets no code.
/// (An overload with other parameter types or another number of type parameters is legal C# and stays quiet; a generic
/// method clashes with a generated generic one of its arity and parameter types, type parameters compared by position.) [Pooled] has its own check,
/// which also decides how its reset reaches the user's hook (<c>PooledGeneratedMembers</c>).
/// </summary>
internal static class GeneratedMemberClashes
{
    private static readonly SymbolDisplayFormat ShortFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.CSharpShortErrorMessageFormat.MiscellaneousOptions & ~SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

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
                var self = new EmittedParameter(TypePattern.Of(type), RefKind.In);
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
    /// The <see cref="EmittedMember.Key"/>s of <paramref name="emitted"/> (constructors aside) whose generated member hides a member <paramref name="type"/>
    /// inherits and can see, by the same rule (CS0108, CS0114 under TreatWarningsAsErrors), or one in <paramref name="generatedInBases"/>
    /// (what the generator adds to a base in this compilation, which it does not see): the emitter declares those <c>new</c>.
    /// </summary>
    public static string[] HiddenInherited(INamedTypeSymbol type, IReadOnlyList<EmittedMember> emitted, IReadOnlyList<EmittedMember> generatedInBases)
    {
        var hidden = new List<string>();
        foreach (var candidate in emitted)
        {
            if (candidate.Name == WellKnownMemberNames.InstanceConstructorName || hidden.Contains(candidate.Key))
            {
                continue;
            }

            if (generatedInBases.Any(inherited => inherited.Name == candidate.Name && inherited.Name != "_hotpathCache" &&
                                                  (inherited.Parameters is null || candidate.Parameters is null ||
                                                   (inherited.Arity == candidate.Arity && SameParameters(inherited.Parameters, candidate.Parameters)))))
            {
                hidden.Add(candidate.Key);
                continue;
            }

            for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
            {
                if (ancestor.GetMembers(candidate.Name).Any(member => !member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.NotApplicable &&
                                                                      InheritedAccess.IsAccessible(member, type, receiver: null) && Matches(member, candidate)))
                {
                    hidden.Add(candidate.Key);
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
    internal static bool Matches(ISymbol member, EmittedMember candidate)
    {
        if (candidate.Parameters is null || member is not IMethodSymbol method)
        {
            return true; // two members of one name, one of them not a method (CS0102)
        }

        return method.Arity == candidate.Arity && SameParameters(method, candidate.Parameters); // CS0111, or CS0663 when only ref, out or in differ
    }

    /// <summary>Whether <paramref name="method"/> has the parameter types of <paramref name="parameters"/>, each passed by value or by reference alike.</summary>
    private static bool SameParameters(IMethodSymbol method, EmittedParameter[] parameters)
    {
        if (method.Parameters.Length != parameters.Length)
        {
            return false;
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            if ((parameter.RefKind == RefKind.None) != (parameters[i].RefKind == RefKind.None) || !parameters[i].Type.Matches(parameter.Type))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two generated parameter lists are one signature.</summary>
    private static bool SameParameters(EmittedParameter[] a, EmittedParameter[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i].RefKind == RefKind.None) != (b[i].RefKind == RefKind.None) || !a[i].Type.SameAs(b[i].Type))
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

        var name = method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name
            : method.Arity == 0 ? method.Name
            : method.Name + "<" + string.Join(", ", method.TypeParameters.Select(static t => t.Name)) + ">";
        return name + "(" + string.Join(", ", method.Parameters.Select(static p => RefKindText(p.RefKind) + p.Type.ToDisplayString(ShortFormat))) + ")";
    }

    /// <summary>How a parameter is passed, as a signature writes it before the type (<c>out </c>), or empty.</summary>
    internal static string RefKindText(RefKind refKind) => refKind switch
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
