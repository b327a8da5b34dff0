using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Shared;

/// <summary>
/// The oldest C# each generator's output compiles as. A project compiling an older one (its LangVersion, read from
/// the attributed file's parse options, which are the project's) would get compiler errors inside generated files
/// (CS8400, CS8773, CS8936), so the type gets a HOT0xx at its attribute instead, and no code. Each parser runs its
/// check last, on a valid model, so the generator and its companion analyzer both get it from the parse.
/// </summary>
internal static class MinimumLanguageVersion
{
    /// <summary>[Pooled]: target-typed <c>new</c> and other C# 9 syntax.</summary>
    public const LanguageVersion Pooled = LanguageVersion.CSharp9;

    /// <summary>[Columnar]: nullable annotations (<c>#nullable enable</c>, <c>T?</c>).</summary>
    public const LanguageVersion Columnar = LanguageVersion.CSharp8;

    /// <summary>[BatchReducer]: native-sized integers, target-typed <c>new</c>.</summary>
    public const LanguageVersion BatchReducer = LanguageVersion.CSharp9;

    /// <summary>[BatchReducer] integer [Sum]/[Count] of <c>Int128</c>/<c>UInt128</c>: their checked operators.</summary>
    public const LanguageVersion WideIntegerSums = LanguageVersion.CSharp11;

    /// <summary>[ShardedCache]: the key is a <c>readonly record struct</c>.</summary>
    public const LanguageVersion ShardedCache = LanguageVersion.CSharp10;

    /// <summary>HOT001 for a [Pooled] type in a project below <see cref="Pooled"/>.</summary>
    public static Diagnostic? CheckPooled(INamedTypeSymbol type, AttributeData attribute) =>
        Shortfall(attribute, Pooled, "the generated pool") is { } why
            ? Diagnostic.Create(DiagnosticDescriptors.NotPartial, At(attribute, type), type.Name, "Pooled", why)
            : null;

    /// <summary>HOT002 for a [Columnar] type in a project below <see cref="Columnar"/>.</summary>
    public static Diagnostic? CheckColumnar(INamedTypeSymbol type, AttributeData attribute) =>
        Shortfall(attribute, Columnar, "the generated codec") is { } why
            ? Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, At(attribute, type), "'" + type.Name + "'", why)
            : null;

    /// <summary>HOT004 for a [BatchReducer] struct in a project below <see cref="BatchReducer"/>, or with an Int128/UInt128 sum below <see cref="WideIntegerSums"/>.</summary>
    public static Diagnostic? CheckBatchReducer(INamedTypeSymbol type, AttributeData attribute, BatchReducerModel model)
    {
        if (Shortfall(attribute, BatchReducer, "the generated reducer") is { } why)
        {
            return Diagnostic.Create(DiagnosticDescriptors.InvalidReducerInput, At(attribute, type), "[BatchReducer]", type.Name, why);
        }

        foreach (var member in model.Members)
        {
            if (member.Kind == ValueKind.WideInteger && member.Role is ReducerRole.Sum or ReducerRole.Count &&
                Shortfall(attribute, WideIntegerSums, "its checked " + (member.Role == ReducerRole.Sum ? "[Sum]" : "[Count]") + " of " + member.Type.Replace("global::System.", string.Empty) + " (the type's checked operators)") is { } wide)
            {
                return Diagnostic.Create(DiagnosticDescriptors.InvalidReducerInput, At(attribute, type), "Member '" + member.Name + "'", type.Name, wide);
            }
        }

        return null;
    }

    /// <summary>HOT003 for a [ShardedCache] class in a project below <see cref="ShardedCache"/>.</summary>
    public static Diagnostic? CheckShardedCache(INamedTypeSymbol type, AttributeData attribute, ShardedCacheModel model) =>
        Shortfall(attribute, ShardedCache, "the generated key, a 'readonly record struct',") is { } why
            ? Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, At(attribute, type), model.Key.Name.Substring(0, model.Key.Name.Length - 3), type.Name, why)
            : null;

    /// <summary>Why the attribute's file compiles too old a C# for <paramref name="what"/>, or null when it does not.</summary>
    private static string? Shortfall(AttributeData attribute, LanguageVersion required, string what)
    {
        if (attribute.ApplicationSyntaxReference?.SyntaxTree.Options is not CSharpParseOptions options || options.LanguageVersion >= required)
        {
            return null;
        }

        return what + " needs C# " + required.ToDisplayString() + " or later, and this project compiles C# " + options.LanguageVersion.ToDisplayString() +
               "; set <LangVersion>" + required.ToDisplayString() + "</LangVersion> (or later) in the project";
    }

    private static Location At(AttributeData attribute, INamedTypeSymbol type) =>
        attribute.ApplicationSyntaxReference is { } reference
            ? Location.Create(reference.SyntaxTree, reference.Span)
            : type.Locations.FirstOrDefault() ?? Location.None;
}
