using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Generates typed accessors for [ShardedCache] classes and one <c>{Value}Key</c> struct per value type. Invalid types
/// get no code; their diagnostics come from <see cref="ShardedCacheDiagnosticsAnalyzer"/> in a build, or from here when
/// run on its own (see <see cref="GeneratorDiagnostics"/>).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ShardedCacheGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.ShardedCache,
                static (_, _) => true,
                static (context, cancellationToken) => Transform(context, cancellationToken))
            .WithTrackingName(TrackingNames.ShardedCacheModels);

        var valid = models
            .Where(static target => target.Model is not null)
            .Select(static (target, _) => target.Model!)
            .WithTrackingName(TrackingNames.ShardedCacheValidModels);
        GeneratorDiagnostics.Register(context, models, TrackingNames.ShardedCacheDiagnostics);

        // Two value types may want one key name (DESIGN fixes it: {TValue}Key in the value type's namespace). The
        // collected uses decide, whatever the file order, which value type keeps it; caches of the others get
        // HOT003 and no code, so the output always compiles.
        var uses = valid
            .Select(static (target, _) => new CacheKeyUse(target.Model.Target.Name, target.Model.Key.Name.Substring(0, target.Model.Key.Name.Length - 3), target.Model.ValueTypeFullName, target.Model.Key.FullName, target.ValueArgument))
            .Collect();

        // Decided once over all valid caches; equal from run to run unless a value type or key name changes.
        var losers = uses.Select(static (uses, _) => ShardedCacheKeyCollisions.Losers(uses.Select(static u => (u.KeyFullName, u.ValueTypeFullName))));

        var caches = valid
            .Select(static (target, _) => target.Model)
            .Combine(losers)
            .Where(static pair => ShardedCacheKeyCollisions.WinnerOver(pair.Right, pair.Left.ValueTypeFullName) is null)
            .Select(static (pair, _) => pair.Left);
        var named = HintNames.Unique(caches, static model => model.Target.HintName, TrackingNames.ShardedCacheHintClashes);
        context.RegisterSourceOutput(named, static (output, item) =>
            output.AddSource(item.Stem + ".ShardedCache.g.cs", ShardedCacheEmitter.EmitCache(item.Model)));

        // Several caches may share a value type: its key struct is emitted once, and not at all when a referenced
        // assembly has it (ShardedCacheImportedKey).
        var keys = valid
            .Select(static (target, _) => target.Model.Key)
            .WithTrackingName(ShardedCacheKeysTrackingName)
            .Collect();

        context.RegisterSourceOutput(keys.Combine(losers), static (output, pair) =>
        {
            var emitted = new HashSet<string>(StringComparer.Ordinal);
            var kept = pair.Left.Where(key => key.ImportedFrom is null && ShardedCacheKeyCollisions.WinnerOver(pair.Right, key.ValueTypeFullName) is null && emitted.Add(key.FullName)).ToArray();
            var clashing = HintNames.Clashing(kept.Select(static key => key.HintStem)); // App.Io.PodKey and App.IO.PodKey
            foreach (var key in kept)
            {
                output.AddSource(HintNames.Disambiguate(key.HintStem, clashing) + ".CacheKey.g.cs", ShardedCacheEmitter.EmitKey(key));
            }
        });

        context.RegisterSourceOutput(uses.Combine(losers).Combine(GeneratorDiagnostics.ReportHere(context)), static (output, pair) =>
        {
            if (!pair.Right)
            {
                return; // the companion analyzer reports it at the same place
            }

            var (uses, losers) = pair.Left;
            foreach (var use in uses)
            {
                if (ShardedCacheKeyCollisions.WinnerOver(losers, use.ValueTypeFullName) is { } winner)
                {
                    output.ReportDiagnostic(ShardedCacheKeyCollisions.Diagnostic(DiagnosticDescriptors.MissingCacheKey, use.Location.ToLocation(), use.ValueTypeName, use.CacheName, use.KeyFullName, winner));
                }
            }
        });
    }

    /// <summary>Tracking name of the key-model step (TrackingNames is shared; this one is local to the capability).</summary>
    internal const string ShardedCacheKeysTrackingName = "ShardedCache.Keys";

    private static ParsedTarget<ShardedCacheTarget> Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        ParsedTarget<ShardedCacheTarget>.Parse(context, AttributeNames.ShardedCache, (type, attribute, found) =>
        {
            var parsed = ShardedCacheParser.Parse(type, attribute, SemanticModels.Around(context.SemanticModel), cancellationToken);
            found.AddRange(parsed.Diagnostics);
            return parsed.Model is null
                ? null
                : new ShardedCacheTarget(parsed.Model, ValueArgumentLocation.From(ShardedCacheKeyCollisions.ValueLocation(type, attribute, cancellationToken)));
        }, cancellationToken);
}
