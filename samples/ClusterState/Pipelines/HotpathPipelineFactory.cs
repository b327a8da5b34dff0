using ClusterState.Pipelines.Hotpath;
using ClusterState.Simulation;

namespace ClusterState.Pipelines;

/// <summary>Creates the Hotpath pipeline.</summary>
public static class HotpathPipelineFactory
{
    /// <summary>The Hotpath pipeline over <paramref name="simulation"/>.</summary>
    public static IClusterPipeline Create(ClusterSimulation simulation) =>
        new HotpathPipeline(simulation);
}
