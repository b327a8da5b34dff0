using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// Primary-constructor parameters of a [Pooled] type that its members capture: the compiler keeps each in a field it
/// names itself, which the generated reset cannot reach, so a captured list is never cleared and a captured counter
/// never starts over (HOT006 at the parameter). A parameter only read by initializers and the base-type arguments is
/// not captured; a captured one of an immutable type that no member writes never changes, like a readonly field.
/// </summary>
internal static class PooledPrimaryConstructor
{
    /// <summary>Reports every captured primary-constructor parameter of <paramref name="type"/> the reset would miss.</summary>
    public static void Check(
        INamedTypeSymbol type,
        Func<SyntaxTree, SemanticModel?> semanticModels,
        List<Diagnostic> errors,
        CancellationToken cancellationToken)
    {
        foreach (var (parameter, written) in PrimaryConstructorCaptures.Find(type, semanticModels, cancellationToken))
        {
            if (written || !PooledParser.IsImmutable(parameter.Type))
            {
                var location = parameter.Locations.FirstOrDefault() ?? Location.None;
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.MemberCannotBeReset, location, "Primary-constructor parameter '" + parameter.Name + "'", type.Name,
                    "members capture it, so the compiler keeps it in a hidden field the generated reset cannot reach; copy it into a field or property (mark that [NoReset] to keep it across resets) and use that instead"));
            }
        }
    }
}
