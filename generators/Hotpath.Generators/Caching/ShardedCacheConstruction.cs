using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Caching;

/// <summary>
/// How a [ShardedCache] class gets its cache. Without a primary constructor the generator declares the <c>()</c> and
/// <c>(ShardedCacheOptions)</c> constructors, which call the base class's constructor without arguments, so a base
/// without one they can call is HOT001 at the base type (CS7036 in generated code otherwise). With a primary
/// constructor every other constructor must call it (CS8862), so the generator declares none and creates the cache in
/// the field's initializer, which the primary constructor runs: from its <c>ShardedCacheOptions</c> parameter when it
/// has one (a null one, if nullable, falls back to the attribute's values), from the attribute's values otherwise.
/// </summary>
internal static class ShardedCacheConstruction
{
    private const string OptionsMetadataName = "Hotpath.Caching.ShardedCacheOptions";

    /// <summary>What the parser found; null parameter when the cache is built from the attribute's values.</summary>
    public readonly struct Result
    {
        public Result(bool hasPrimaryConstructor, string? optionsParameter, bool optionsMayBeNull)
        {
            HasPrimaryConstructor = hasPrimaryConstructor;
            OptionsParameter = optionsParameter;
            OptionsMayBeNull = optionsMayBeNull;
        }

        public bool HasPrimaryConstructor { get; }

        /// <summary>The primary constructor's <c>ShardedCacheOptions</c> parameter, as an identifier.</summary>
        public string? OptionsParameter { get; }

        /// <summary>Whether that parameter is annotated nullable (null then means the attribute's values).</summary>
        public bool OptionsMayBeNull { get; }
    }

    /// <summary>Reads how <paramref name="cacheType"/> is constructed; adds HOT001 to <paramref name="diagnostics"/> when the generated code could not construct it.</summary>
    public static Result Parse(INamedTypeSymbol cacheType, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (Construction.PrimaryConstructor(cacheType, cancellationToken) is { } primary)
        {
            IParameterSymbol? options = null;
            foreach (var parameter in primary.Parameters)
            {
                if (!IsOptions(parameter.Type))
                {
                    continue;
                }

                if (options is null)
                {
                    options = parameter;
                    continue;
                }

                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, parameter.Locations.FirstOrDefault() ?? Location.None, cacheType.Name, "ShardedCache",
                    $"its primary constructor takes two ShardedCacheOptions parameters, '{options.Name}' and '{parameter.Name}', and the generated cache field is created from one; keep one"));
            }

            return new Result(true, options is null ? null : Identifiers.Escape(options.Name), options?.NullableAnnotation == NullableAnnotation.Annotated);
        }

        if (cacheType.TypeKind == TypeKind.Class && cacheType.BaseType is { SpecialType: SpecialType.None, TypeKind: TypeKind.Class } baseType &&
            !CallableWithoutArguments(baseType, cacheType, cancellationToken))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, BaseTypeLocation(cacheType, baseType, cancellationToken), cacheType.Name, "ShardedCache",
                $"its base class '{baseType.Name}' has no constructor the generated constructors can call without arguments; give '{cacheType.Name}' a primary constructor " +
                $"that passes the base its arguments ('partial class {cacheType.Name}(...) : {baseType.Name}(...)'): the generator then declares no constructors and creates the cache in a field initializer"));
        }

        UnchainedConstructors(cacheType, diagnostics, cancellationToken);
        return new Result(false, null, false);
    }

    /// <summary>
    /// Reports (HOT001) each constructor the user declared that calls neither generated constructor, directly or through
    /// another of theirs (<c>: this(…)</c>): only those create the cache, which would stay null.
    /// </summary>
    private static void UnchainedConstructors(INamedTypeSymbol cacheType, ICollection<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        HashSet<SyntaxNode>? generated = null;
        foreach (var constructor in cacheType.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared || constructor.Parameters.Length == 0 ||
                (constructor.Parameters.Length == 1 && IsOptions(constructor.Parameters[0].Type)))
            {
                continue; // one of the generated constructors' signatures: the member-clash check reports it
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not ConstructorDeclarationSyntax declaration ||
                    declaration.Initializer?.ThisOrBaseKeyword.ValueText == "this")
                {
                    continue;
                }

                // The companion analyzer sees the generated (ShardedCacheOptions) constructor, which creates the cache.
                generated ??= GeneratedCodeMarker.GeneratedParts(cacheType.GetMembers(), cancellationToken);
                var location = declaration.Identifier.GetLocation();
                if (GeneratedCodeMarker.InGeneratedPart(location, generated, cancellationToken))
                {
                    continue;
                }

                var parameters = string.Join(", ", constructor.Parameters.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
                var declared = string.Join(", ", declaration.ParameterList.Parameters.Select(static p => p.WithoutTrivia().ToString()));
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, cacheType.Name, "ShardedCache",
                    $"its constructor '{cacheType.Name}({parameters})' calls neither this() nor this(options), the generated constructors that create the cache, so the cache would be null; " +
                    $"add ': this()' (the attribute's values) or ': this(options)', or make it the primary constructor ('partial class {cacheType.Name}({declared})')"));
            }
        }
    }

    private static bool IsOptions(ITypeSymbol type) => type.ToDisplayString() is OptionsMetadataName or OptionsMetadataName + "?";

    /// <summary>
    /// Whether a constructor of <paramref name="derived"/> without a constructor initializer compiles against
    /// <paramref name="baseType"/>: the implicit <c>base()</c> finds an accessible constructor callable without arguments.
    /// A [ShardedCache] base of this compilation without a primary constructor gets a generated <c>()</c> one, which
    /// the generator does not see.
    /// </summary>
    private static bool CallableWithoutArguments(INamedTypeSymbol baseType, INamedTypeSymbol derived, CancellationToken cancellationToken)
    {
        if (baseType.TypeKind == TypeKind.Error)
        {
            return true; // the compiler reports the base type
        }

        if (baseType.DeclaringSyntaxReferences.Length > 0 && Construction.PrimaryConstructor(baseType, cancellationToken) is null &&
            baseType.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == AttributeNames.ShardedCache))
        {
            return true;
        }

        return Construction.FindParameterlessCall(baseType, constructor => InheritedAccess.IsAccessible(constructor, derived, receiver: null)).Constructor is not null;
    }

    /// <summary>The base class in the base list of one of <paramref name="type"/>'s declarations, else the type's name.</summary>
    internal static Location BaseTypeLocation(INamedTypeSymbol type, INamedTypeSymbol baseType, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { BaseList.Types: { Count: > 0 } types } &&
                RightmostName(types[0].Type) == baseType.Name)
            {
                return types[0].Type.GetLocation();
            }
        }

        return TypeTargetParser.NameLocation(type, cancellationToken);
    }

    private static string? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        _ => null,
    };
}
