using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Generates typed accessors for [ShardedCache] classes and one <c>{Value}Key</c> struct per value type. Reports no
/// diagnostics (<see cref="ShardedCacheDiagnosticsAnalyzer"/> does): invalid types just get no code.
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
                static (context, cancellationToken) => context.TargetSymbol is INamedTypeSymbol type
                    ? ShardedCacheParser.Parse(type, context.Attributes[0], cancellationToken).Model
                    : null)
            .WithTrackingName(TrackingNames.ShardedCacheModels);

        var valid = models
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.ShardedCacheValidModels);

        context.RegisterSourceOutput(valid, static (output, model) =>
            output.AddSource(model.Target.HintName + ".ShardedCache.g.cs", ShardedCacheEmitter.EmitCache(model)));

        // Several caches may share a value type: its key struct is emitted once.
        var keys = valid
            .Select(static (model, _) => model.Key)
            .WithTrackingName(ShardedCacheKeysTrackingName)
            .Collect();

        context.RegisterSourceOutput(keys, static (output, keys) =>
        {
            var emitted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (emitted.Add(key.FullName))
                {
                    output.AddSource(key.HintName, ShardedCacheEmitter.EmitKey(key));
                }
            }
        });
    }

    /// <summary>Tracking name of the key-model step (TrackingNames is shared; this one is local to the capability).</summary>
    internal const string ShardedCacheKeysTrackingName = "ShardedCache.Keys";
}
