using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Reports mistakes in [ShardedCache] types at their source locations: HOT001 (not partial), HOT003 (the value type
/// has no readable [CacheKey] member) and HOT007 (shards not a power of two, capacity ≤ 0, time to live &lt; 0).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShardedCacheDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.ShardedCache;

    private protected override ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics =>
        ImmutableArray.Create(DiagnosticDescriptors.MissingCacheKey, DiagnosticDescriptors.ArgumentOutOfRange);

    private protected override void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        var parsed = ShardedCacheParser.Parse(type, attribute, cancellationToken);
        foreach (var diagnostic in parsed.Diagnostics)
        {
            report(diagnostic);
        }

        // A valid cache whose value type lost its key name to another value type (see ShardedCacheKeyCollisions).
        if (parsed.Model is { } model &&
            TypeTargetParser.CheckTarget(type, AttributeNames.ShardedCache, cancellationToken) is null &&
            ShardedCacheKeyCollisions.WinnerOver(ShardedCacheKeyCollisions.LosersOf(type), model.ValueTypeFullName) is { } winner)
        {
            report(ShardedCacheKeyCollisions.Diagnostic(
                ShardedCacheKeyCollisions.ValueLocation(type, attribute, cancellationToken),
                model.Key.Name.Substring(0, model.Key.Name.Length - 3),
                type.Name,
                model.Key.FullName,
                winner));
        }
    }
}
