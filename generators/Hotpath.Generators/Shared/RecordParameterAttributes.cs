using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Role attributes written on a record's positional parameter without a target (<c>record Pod([NoReset] long Generation)</c>).
/// The compiler puts them on the parameter, where they are not valid (CS0592: the attributes are for fields and
/// properties), and the property the record makes of the parameter has none, so a generator would take it for unmarked.
/// The C# way to mark that property is the <c>property:</c> target (<c>[property: NoReset]</c>; <c>field:</c>, on its
/// backing field, works too), as for any property-only attribute (<c>[property: JsonPropertyName("id")]</c>); honouring
/// the bare form would need the attributes to be valid on every parameter, where they mean nothing. So each generator
/// reports it with its own rule, naming the fix.
/// </summary>
internal static class RecordParameterAttributes
{
    /// <summary>
    /// Each attribute on a positional parameter of the record <paramref name="type"/> whose metadata name
    /// <paramref name="isRole"/> accepts, with the parameter, where the attribute is written and the reason to report.
    /// </summary>
    public static IEnumerable<(IParameterSymbol Parameter, Location Location, string Reason)> Find(INamedTypeSymbol type, Func<string, bool> isRole, CancellationToken cancellationToken)
    {
        if (!type.IsRecord || Construction.PrimaryConstructor(type, cancellationToken) is not { } constructor)
        {
            yield break;
        }

        foreach (var parameter in constructor.Parameters)
        {
            foreach (var attribute in parameter.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (attribute.AttributeClass?.ToDisplayString() is not { } name || !isRole(name))
                {
                    continue;
                }

                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                var written = syntax?.ToString() ?? AttributeNames.ShortName(name);
                yield return (
                    parameter,
                    syntax?.GetLocation() ?? parameter.Locations.FirstOrDefault() ?? Location.None,
                    $"[{written}] on the record parameter '{parameter.Name}' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: {written}]");
            }
        }
    }
}
