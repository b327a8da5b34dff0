using System.Collections.Concurrent;
using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Reports mistakes in [ShardedCache] types at their source locations: HOT001 (not partial), HOT003 (the value type
/// has no readable [CacheKey] member, or its key name is taken by another value type's) and HOT007 (shards not a
/// power of two, capacity ≤ 0, time to live &lt; 0).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShardedCacheDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.ShardedCache;

    private protected override ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics =>
        ImmutableArray.Create(DiagnosticDescriptors.MissingCacheKey, DiagnosticDescriptors.MissingCacheKeyAtCompilationEnd, DiagnosticDescriptors.ArgumentOutOfRange, DiagnosticDescriptors.CacheKeyOnHiddenBackingField);

    // The symbol action (the base class's, which recognises the attribute by its symbol, aliases included) adds each
    // valid cache to a collection made for this analysis (a compilation analyzed twice is not reported twice); the end
    // decides from those alone, so a compilation without caches costs nothing here.
    private protected override object? CreateCompilationState(Compilation compilation) => new ConcurrentBag<AnalyzedCacheKeyUse>();

    private protected override void AnalyzeCompilationEnd(object compilationState, Compilation compilation, INamedTypeSymbol attributeType, Action<Diagnostic> report, CancellationToken cancellationToken) =>
        ShardedCacheKeyCollisions.Report((ConcurrentBag<AnalyzedCacheKeyUse>)compilationState, report); // returns at once with fewer than two caches

    /// <summary>
    /// HOT003 for a <c>[field: CacheKey]</c> that another assembly caching the type would not see: the type and the
    /// property are visible there, its backing field is not (a cache in this assembly sees it; one there does not).
    /// </summary>
    private protected override void AnalyzeAnyType(INamedTypeSymbol type, Compilation compilation, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        foreach (var (property, attribute) in HiddenBackingFieldRoles.Find(type, AttributeNames.CacheKey, cancellationToken))
        {
            if (HiddenBackingFieldRoles.VisibleOutside(property, compilation))
            {
                var order = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value : null;
                var marked = "CacheKey(" + Convert.ToString(order, System.Globalization.CultureInfo.InvariantCulture) + ")";
                report(Diagnostic.Create(DiagnosticDescriptors.CacheKeyOnHiddenBackingField, HiddenBackingFieldRoles.Location(attribute, cancellationToken), DiagnosticDescriptors.HiddenBackingFieldProperties,
                    type.Name, property.Name, HiddenBackingFieldRoles.OnProperty(property, marked, cancellationToken)));
            }
        }
    }

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, object? compilationState, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        // A symbol action has no semantic model; the parser asks for one only to bind the [field: …] attributes of
        // the value type's field-like events, as the generator does.
#pragma warning disable RS1030
        var parsed = ShardedCacheParser.Parse(type, attribute, tree => compilation.GetSemanticModel(tree), cancellationToken);
#pragma warning restore RS1030
        foreach (var diagnostic in parsed.Diagnostics)
        {
            report(diagnostic);
        }

        // A valid cache takes part in the key-name check (its HOT003, if its value type loses the name, comes at the end).
        if (compilationState is ConcurrentBag<AnalyzedCacheKeyUse> uses)
        {
            Collect(type, attribute, parsed, uses, cancellationToken);
        }
    }

    private static void Collect(INamedTypeSymbol type, AttributeData attribute, ParseResult<ShardedCacheModel> parsed, ConcurrentBag<AnalyzedCacheKeyUse> uses, CancellationToken cancellationToken)
    {
        if (parsed.Model is { } model && TypeTargetParser.CheckTarget(type, AttributeNames.ShardedCache, cancellationToken) is null)
        {
            ShardedCacheKeyCollisions.TypeExamined?.Invoke(type);
            uses.Add(new AnalyzedCacheKeyUse(
                type.Name,
                model.Key.Name.Substring(0, model.Key.Name.Length - 3),
                model.ValueTypeFullName,
                model.Key.FullName,
                ShardedCacheKeyCollisions.ValueLocation(type, attribute, cancellationToken)));
        }
    }
}
