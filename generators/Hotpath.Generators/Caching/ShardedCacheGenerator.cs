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

    private static ParsedTarget<ShardedCacheModel> Transform(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        ParsedTarget<ShardedCacheModel>.Parse(context, AttributeNames.ShardedCache, (type, attribute) => ShardedCacheParser.Parse(type, attribute, cancellationToken), cancellationToken);
}
