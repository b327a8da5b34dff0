using System.Runtime.InteropServices;

namespace ClusterState.Simulation;

/// <summary>What a <see cref="ClusterEvent"/> reports.</summary>
public enum EventKind : byte
{
    /// <summary>A pod's phase or readiness changed (the first one for a new pod is <see cref="PodPhase.Pending"/>).</summary>
    PodUpdated,

    /// <summary>One container of a pod restarted.</summary>
    ContainerRestarted,

    /// <summary>A pod was deleted: it leaves the cluster state.</summary>
    PodDeleted,

    /// <summary>A node's CPU/memory usage sample (the kubelet's summary API, scraped every few seconds).</summary>
    NodeSample,
}

/// <summary>The Kubernetes pod phases.</summary>
public enum PodPhase : byte
{
    /// <summary>Accepted, containers not all running yet.</summary>
    Pending,

    /// <summary>Bound to a node, at least one container running.</summary>
    Running,

    /// <summary>All containers terminated successfully.</summary>
    Succeeded,

    /// <summary>All containers terminated, at least one failed.</summary>
    Failed,

    /// <summary>The node stopped reporting.</summary>
    Unknown,
}

/// <summary>
/// One decoded event of the watch stream, as both pipelines receive it. Strings are not here: the event names its
/// pod or node by index into <see cref="ClusterSimulation.Pods"/>/<see cref="ClusterSimulation.NodeNames"/>, so
/// two million events fit in 48 MB and both pipelines read exactly the same input.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct ClusterEvent(
    long UnixMs,
    EventKind Kind,
    PodPhase Phase,
    bool Ready,
    byte Container,
    int Pod,
    int Node,
    int CpuMillicores,
    int MemoryMiB);
