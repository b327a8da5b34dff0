using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Which constructor <c>new T()</c> binds to, as C# overload resolution decides with no arguments: [Columnar]'s Decode
/// and [Pooled]'s pool create instances that way, from code nested in the type (so every constructor is accessible).
/// </summary>
/// <remarks>
/// The candidates are the constructors whose parameters are all optional or <c>params</c>. A parameterless one wins;
/// else one applicable in its normal form (only optional parameters) beats one applicable only in its expanded form
/// (a <c>params</c> parameter); among expanded forms, the one with more declared parameters wins. What is left tied is
/// ambiguous (CS0121). (The rule that prefers a parameter of a concrete type to one of a type parameter, for two
/// optional-parameter constructors of a generic type, is not modelled: those are reported as ambiguous.)
/// </remarks>
internal static class Construction
{
    /// <summary>What <c>new T()</c> finds in <paramref name="type"/>, among the constructors <paramref name="include"/> accepts (all by default).</summary>
    public static ParameterlessCall FindParameterlessCall(INamedTypeSymbol type, Func<IMethodSymbol, bool>? include = null)
    {
        var best = new List<IMethodSymbol>();
        var bestRank = int.MaxValue;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (include is not null && !include(constructor))
            {
                continue; // overload resolution only sees the accessible ones
            }

            var rank = Rank(constructor);
            if (rank is null || rank > bestRank)
            {
                continue;
            }

            if (rank < bestRank)
            {
                best.Clear();
                bestRank = rank.Value;
            }

            best.Add(constructor);
        }

        return best.Count switch
        {
            0 => new ParameterlessCall(null, []),
            1 => new ParameterlessCall(best[0], []),
            _ => new ParameterlessCall(null, best.ToArray()),
        };
    }

    /// <summary>
    /// How well <paramref name="constructor"/> fits a call without arguments, lower is better, or null when it does
    /// not: 0 parameterless, 1 only optional parameters, then (expanded <c>params</c> forms) 2 + int.MaxValue/2 minus
    /// the declared parameter count, so that more declared parameters rank better.
    /// </summary>
    private static int? Rank(IMethodSymbol constructor)
    {
        var parameters = constructor.Parameters;
        if (parameters.Length == 0)
        {
            return 0;
        }

        var hasParams = false;
        foreach (var parameter in parameters)
        {
            if (parameter.IsParams)
            {
                hasParams = true;
            }
            else if (!parameter.IsOptional)
            {
                return null;
            }
        }

        return hasParams ? 2 + (int.MaxValue / 2) - parameters.Length : 1;
    }

    /// <summary>
    /// The primary constructor of <paramref name="type"/> (a class, struct or record with a parameter list, even an
    /// empty one): the constructor declared by the type declaration itself. A record's copy constructor is implicit.
    /// </summary>
    public static IMethodSymbol? PrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsImplicitlyDeclared)
            {
                continue;
            }

            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax)
                {
                    return constructor;
                }
            }
        }

        return null;
    }

    /// <summary>The constructors as a message lists them: <c>'Row.Row(int)' and 'Row.Row(string)'</c>.</summary>
    public static string Describe(IReadOnlyList<IMethodSymbol> constructors)
    {
        var names = constructors.Select(static c => "'" + c.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) + "'").ToList();
        return names.Count <= 2 ? string.Join(" and ", names) : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
    }
}

/// <summary>The constructor <c>new T()</c> calls, or none (then <see cref="Ambiguous"/> lists the tied candidates, if any).</summary>
internal readonly struct ParameterlessCall
{
    public ParameterlessCall(IMethodSymbol? constructor, IMethodSymbol[] ambiguous)
    {
        Constructor = constructor;
        Ambiguous = ambiguous;
    }

    public IMethodSymbol? Constructor { get; }

    /// <summary>Two or more constructors <c>new T()</c> cannot choose between (CS0121); empty otherwise.</summary>
    public IReadOnlyList<IMethodSymbol> Ambiguous { get; }
}
