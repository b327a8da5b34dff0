using ClusterState.Simulation;

namespace ClusterState.Pipelines;

/// <summary>Creates the Hotpath pipeline.</summary>
public static class HotpathPipelineFactory
{
    /// <summary>The Hotpath pipeline over <paramref name="simulation"/>.</summary>
    public static IClusterPipeline Create(ClusterSimulation simulation) =>
        throw new NotSupportedException("The Hotpath pipeline needs the pooling, caching, batching and compression runtimes, not merged yet.");
}
