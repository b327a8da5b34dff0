using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers;

/// <summary>
/// Decides whether code is hot: its member, an accessor's property or event, a local function, or any
/// containing type carries <c>[Hotpath.HotPath]</c>. On a type, static constructors and static field or
/// property initialisers stay cold (they run once). Instance initialisers follow their type only: a
/// <c>[HotPath]</c> on a property marks its accessors, not its initialiser. Lambdas and local functions inherit
/// from their containing member, unless they are marked themselves.
/// </summary>
internal sealed class HotPathScope
{
    public const string AttributeMetadataName = "Hotpath.HotPathAttribute";

    private readonly INamedTypeSymbol _attribute;

    private HotPathScope(INamedTypeSymbol attribute) => _attribute = attribute;

    /// <summary>The scope for a compilation, or <see langword="null"/> when Hotpath.dll is not referenced.</summary>
    /// <remarks>
    /// Looks in the assembly named Hotpath (referenced, or being compiled) rather than calling
    /// <see cref="Compilation.GetTypeByMetadataName"/>, whose first call scans every reference: measured with
    /// <c>-p:ReportAnalyzer=true</c>, that scan was nearly all of the analyzers' cost on projects without hot code.
    /// </remarks>
    public static HotPathScope? Create(Compilation compilation)
    {
        var attribute = compilation.Assembly.GetTypeByMetadataName(AttributeMetadataName);
        if (attribute is null)
        {
            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (assembly.Name == "Hotpath" && assembly.GetTypeByMetadataName(AttributeMetadataName) is { } referenced)
                {
                    attribute = referenced;
                    break;
                }
            }
        }

        return attribute is null ? null : new HotPathScope(attribute);
    }

    /// <summary>
    /// Whether code whose innermost containing symbol is <paramref name="containingSymbol"/> (an operation's
    /// <c>ContainingSymbol</c>: a method, local function, lambda, field or property) is hot.
    /// </summary>
    public bool IsHot(ISymbol? containingSymbol)
    {
        for (var symbol = containingSymbol; symbol is not null; symbol = symbol.ContainingSymbol)
        {
            switch (symbol)
            {
                case IFieldSymbol or IPropertySymbol or IEventSymbol when symbol.IsStatic:
                    return false; // static initialiser: runs once
                case IFieldSymbol or IPropertySymbol or IEventSymbol:
                    // An instance initialiser runs in the constructors, not in the accessors that a [HotPath] on the
                    // property marks: only a hot type makes it hot. (Accessors are methods: they never get here.)
                    return IsHotType(symbol.ContainingType);
            }

            if (HasAttribute(symbol))
            {
                return true;
            }

            switch (symbol)
            {
                case IMethodSymbol { MethodKind: MethodKind.StaticConstructor }:
                    return false; // runs once: cold even in a [HotPath] type
                case IMethodSymbol { AssociatedSymbol: { } associated } when HasAttribute(associated):
                    return true; // accessor of a hot property or event
                case INamedTypeSymbol type:
                    return IsHotType(type);
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="symbol"/> itself is marked [HotPath].</summary>
    public bool HasAttribute(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _attribute))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsHotType(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.ContainingType)
        {
            if (HasAttribute(type))
            {
                return true;
            }
        }

        return false;
    }
}
