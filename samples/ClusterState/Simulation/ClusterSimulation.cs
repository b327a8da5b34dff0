namespace ClusterState.Simulation;

/// <summary>A pod as the API server describes it when it is created: what a loader fetches for an unknown pod.</summary>
/// <param name="Id">Index in <see cref="ClusterSimulation.Pods"/>.</param>
/// <param name="Namespace">Kubernetes namespace.</param>
/// <param name="Name">Pod name, unique within its namespace for the whole run.</param>
/// <param name="Node">Index of the node it is scheduled on (for its whole life).</param>
/// <param name="Containers">Number of containers (1 to 4).</param>
/// <param name="InitialPhase">Phase when first described.</param>
/// <param name="CreatedUnixMs">Creation time (the start of the stream for pods already running).</param>
public sealed record PodInfo(int Id, string Namespace, string Name, int Node, int Containers, PodPhase InitialPhase, long CreatedUnixMs);

/// <summary>
/// A deterministic (seeded) Kubernetes-like cluster: nodes scraped every few seconds (hot nodes more often), pods
/// whose phases change, containers that restart (a few pods crash-loop), pods deleted and replaced, and rollout
/// bursts where one namespace's pods are replaced at ten times the usual rate. Events are time-ordered.
/// </summary>
public sealed class ClusterSimulation
{
    /// <summary>2026-01-01T00:00:00Z: the first event's time.</summary>
    public const long StartUnixMs = 1_767_225_600_000;

    /// <summary>Normal nodes are scraped every 10 s.</summary>
    public const int SampleIntervalMs = 10_000;

    /// <summary>Hot nodes (2% of them, carrying 20% of the pods) are scraped every 2 s.</summary>
    public const int HotSampleIntervalMs = 2_000;

    private static readonly string[] NamespacePrefixes =
    [
        "payments", "checkout", "search", "catalog", "identity", "ingest", "billing", "ledger", "media", "notify",
        "gateway", "orders", "pricing", "ranking", "profile", "support", "metrics", "logging", "tracing", "auth",
    ];

    private static readonly string[] DeploymentNames = ["api", "worker", "cache", "frontend", "scheduler", "consumer"];

    private readonly Dictionary<(string Namespace, string Name), PodInfo> _byName = new();

    private ClusterSimulation(int seed, string[] nodeNames, bool[] hotNodes)
    {
        Seed = seed;
        NodeNames = nodeNames;
        HotNodes = hotNodes;
    }

    /// <summary>The seed the stream was generated from.</summary>
    public int Seed { get; }

    /// <summary>Node names (<c>node-0000</c> …), zero-padded so ordinal order is index order.</summary>
    public string[] NodeNames { get; }

    /// <summary>Which nodes are hot (scraped every 2 s, 20% of the pods).</summary>
    public bool[] HotNodes { get; }

    /// <summary>Every pod that ever existed in the stream, by id.</summary>
    public List<PodInfo> Pods { get; } = new();

    /// <summary>The time-ordered events.</summary>
    public ClusterEvent[] Events { get; private set; } = [];

    /// <summary>How many events are <see cref="EventKind.NodeSample"/>.</summary>
    public int SampleCount { get; private set; }

    /// <summary>The API server: describes a pod by namespace and name (null when it never existed).</summary>
    public PodInfo? Describe(string @namespace, string name) =>
        _byName.TryGetValue((@namespace, name), out var pod) ? pod : null;

    /// <summary>Generates the stream. Same arguments, same events, on every machine.</summary>
    /// <param name="pods">Pods alive at any time (deleted pods are replaced).</param>
    /// <param name="nodes">Nodes in the cluster.</param>
    /// <param name="events">Events to generate.</param>
    /// <param name="seed">Random seed.</param>
    public static ClusterSimulation Generate(int pods, int nodes, int events, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pods);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(events);

        // Random(seed) is the stable seeded algorithm: the stream is the same on every runtime.
        var rng = new Random(seed);
        var nodeNames = new string[nodes];
        var hot = new bool[nodes];
        for (var i = 0; i < nodes; i++)
        {
            nodeNames[i] = $"node-{i:D4}";
        }

        var hotCount = Math.Max(1, nodes / 50);
        var hotList = new int[hotCount];
        for (var i = 0; i < hotCount; i++)
        {
            int n;
            do
            {
                n = rng.Next(nodes);
            }
            while (hot[n] && hotCount < nodes);
            hot[n] = true;
            hotList[i] = n;
        }

        var sim = new ClusterSimulation(seed, nodeNames, hot);
        new Generator(sim, rng, pods, hotList).Run(events);
        return sim;
    }

    private PodInfo AddPod(string @namespace, string name, int node, int containers, PodPhase phase, long createdUnixMs)
    {
        var pod = new PodInfo(Pods.Count, @namespace, name, node, containers, phase, createdUnixMs);
        Pods.Add(pod);
        _byName.Add((@namespace, name), pod);
        return pod;
    }

    private enum SlotState : byte
    {
        Announced,
        New,
        Pending,
        Running,
        Terminating,
    }

    /// <summary>The generator's private state: pod slots (a deleted pod's slot gets its replacement), node usage.</summary>
    private sealed class Generator(ClusterSimulation sim, Random rng, int podSlots, int[] hotNodes)
    {
        private readonly int _nodes = sim.NodeNames.Length;
        private readonly int _namespaces = Math.Clamp(podSlots / 250, 1, 40);
        private readonly int[] _slotPod = new int[podSlots];
        private readonly SlotState[] _slotState = new SlotState[podSlots];
        private readonly bool[] _slotReady = new bool[podSlots];
        private readonly bool[] _crashLoop = new bool[podSlots];
        private readonly int[] _cpu = new int[sim.NodeNames.Length];
        private readonly int[] _cpuCapacity = new int[sim.NodeNames.Length];
        private readonly int[] _memory = new int[sim.NodeNames.Length];
        private readonly string[] _namespaceNames = new string[Math.Clamp(podSlots / 250, 1, 40)];
        private readonly string[] _replicaSets = new string[Math.Clamp(podSlots / 250, 1, 40) * DeploymentNames.Length];

        public void Run(int eventCount)
        {
            for (var i = 0; i < _namespaceNames.Length; i++)
            {
                _namespaceNames[i] = i < NamespacePrefixes.Length ? NamespacePrefixes[i] : $"{NamespacePrefixes[i % NamespacePrefixes.Length]}-{i / NamespacePrefixes.Length}";
            }

            for (var i = 0; i < _replicaSets.Length; i++)
            {
                _replicaSets[i] = $"{DeploymentNames[i % DeploymentNames.Length]}-{Base36(rng.Next(), 9)}";
            }

            for (var slot = 0; slot < podSlots; slot++)
            {
                _crashLoop[slot] = rng.NextDouble() < 0.01;
                _slotPod[slot] = CreatePod(slot, PodPhase.Running, StartUnixMs).Id;
                _slotState[slot] = SlotState.Announced;
                _slotReady[slot] = true;
            }

            var samplesPerSecond = 0.0;
            var schedule = new PriorityQueue<int, long>(_nodes);
            for (var n = 0; n < _nodes; n++)
            {
                var interval = Interval(n);
                samplesPerSecond += 1000.0 / interval;
                _cpuCapacity[n] = sim.HotNodes[n] ? 32_000 : 4_000 * (1 + rng.Next(4));
                _cpu[n] = _cpuCapacity[n] / 4 + rng.Next(_cpuCapacity[n] / 2);
                _memory[n] = 8_192 + rng.Next(24_576);
                schedule.Enqueue(n, StartUnixMs + rng.Next(interval));
            }

            // Pod events are about 40% of the stream: a Poisson process beside the scrape schedule.
            var podEventsPerMs = samplesPerSecond * (0.4 / 0.6) / 1000.0;
            var events = new ClusterEvent[eventCount];
            var nextPodEvent = StartUnixMs + NextGap(podEventsPerMs);
            var burstStart = StartUnixMs + 5 * 60_000 + rng.Next(5 * 60_000);
            var burstNamespace = rng.Next(_namespaceNames.Length);
            var samples = 0;

            for (var i = 0; i < eventCount; i++)
            {
                schedule.TryPeek(out var node, out var sampleAt);
                if (sampleAt <= nextPodEvent)
                {
                    schedule.Dequeue();
                    events[i] = Sample(node, sampleAt);
                    schedule.Enqueue(node, sampleAt + Interval(node));
                    samples++;
                    continue;
                }

                var now = nextPodEvent;
                if (now >= burstStart + 20_000)
                {
                    // The next rollout: every 5 to 15 minutes, one namespace's pods are replaced in 20 s.
                    burstStart = now + 5 * 60_000 + rng.Next(10 * 60_000);
                    burstNamespace = rng.Next(_namespaceNames.Length);
                }

                var inBurst = now >= burstStart;
                events[i] = inBurst && rng.Next(4) != 0 ? RolloutStep(burstNamespace, now, burstStart) : PodStep(rng.Next(podSlots), now, replaceIfBefore: long.MinValue);
                nextPodEvent = now + NextGap(inBurst ? podEventsPerMs * 10 : podEventsPerMs);
            }

            sim.Events = events;
            sim.SampleCount = samples;
        }

        private int Interval(int node) => sim.HotNodes[node] ? HotSampleIntervalMs : SampleIntervalMs;

        private long NextGap(double perMs) => Math.Max(0, (long)(-Math.Log(1.0 - rng.NextDouble()) / perMs));

        private ClusterEvent Sample(int node, long at)
        {
            // Usage drifts: CPU in a random walk (hot nodes are busier: bigger moves per second, though scraped
            // five times as often), memory mostly flat with small moves.
            var step = sim.HotNodes[node] ? 120 : 60;
            _cpu[node] = Math.Clamp(_cpu[node] + rng.Next(-step, step + 1), 50, _cpuCapacity[node]);
            if (rng.Next(10) < 3)
            {
                _memory[node] = Math.Clamp(_memory[node] + rng.Next(-16, 17), 1_024, 65_536);
            }

            return new ClusterEvent(at, EventKind.NodeSample, default, false, 0, -1, node, _cpu[node], _memory[node]);
        }

        private ClusterEvent RolloutStep(int @namespace, long now, long rolloutStart)
        {
            var perNamespace = Math.Max(1, podSlots / _namespaceNames.Length);
            var slot = Math.Min(podSlots - 1, @namespace + _namespaceNames.Length * rng.Next(perNamespace));
            return PodStep(slot, now, replaceIfBefore: rolloutStart);
        }

        // replaceIfBefore: a rollout replaces the running pods created before it started (once each).
        private ClusterEvent PodStep(int slot, long now, long replaceIfBefore)
        {
            var pod = sim.Pods[_slotPod[slot]];
            switch (_slotState[slot])
            {
                case SlotState.Terminating:
                    var deleted = new ClusterEvent(now, EventKind.PodDeleted, default, false, 0, pod.Id, pod.Node, 0, 0);
                    _slotPod[slot] = CreatePod(slot, PodPhase.Pending, now).Id;
                    _slotState[slot] = SlotState.New;
                    return deleted;
                case SlotState.New:
                    _slotState[slot] = SlotState.Pending;
                    _slotReady[slot] = false;
                    return Update(pod, now, PodPhase.Pending, ready: false);
                case SlotState.Pending:
                    _slotState[slot] = SlotState.Running;
                    _slotReady[slot] = rng.Next(5) != 0;
                    return Update(pod, now, PodPhase.Running, _slotReady[slot]);
            }

            // Running (or running when the stream started).
            if (pod.CreatedUnixMs < replaceIfBefore)
            {
                _slotState[slot] = SlotState.Terminating;
                return Update(pod, now, PodPhase.Succeeded, ready: false);
            }

            var roll = rng.Next(100);
            if (_crashLoop[slot] ? roll < 80 : roll < 12)
            {
                return new ClusterEvent(now, EventKind.ContainerRestarted, default, false, (byte)rng.Next(pod.Containers), pod.Id, pod.Node, 0, 0);
            }

            if (roll == 99)
            {
                // Pods live for hours: about one update in a hundred ends the pod (a quarter of them failed).
                _slotState[slot] = SlotState.Terminating;
                return Update(pod, now, rng.Next(4) == 0 ? PodPhase.Failed : PodPhase.Succeeded, ready: false);
            }

            if (roll >= 97)
            {
                // The node missed a heartbeat; the next update brings the pod back.
                _slotState[slot] = SlotState.Pending;
                return Update(pod, now, PodPhase.Unknown, ready: false);
            }

            _slotState[slot] = SlotState.Running;
            _slotReady[slot] = !_slotReady[slot];
            return Update(pod, now, PodPhase.Running, _slotReady[slot]);
        }

        private static ClusterEvent Update(PodInfo pod, long now, PodPhase phase, bool ready) =>
            new(now, EventKind.PodUpdated, phase, ready, 0, pod.Id, pod.Node, 0, 0);

        private PodInfo CreatePod(int slot, PodPhase phase, long now)
        {
            var ns = slot % _namespaceNames.Length;
            var deployment = (slot / _namespaceNames.Length) % DeploymentNames.Length;
            var id = sim.Pods.Count;

            // 2654435761 is odd and not a multiple of 3, so it permutes 0..36^5-1: names never collide.
            var suffix = Base36((long)((ulong)id * 2_654_435_761UL % 60_466_176UL), 5);
            var node = hotNodes.Length > 0 && rng.Next(5) == 0 ? hotNodes[rng.Next(hotNodes.Length)] : rng.Next(_nodes);
            var name = $"{_replicaSets[ns * DeploymentNames.Length + deployment]}-{suffix}";
            return sim.AddPod(_namespaceNames[ns], name, node, 1 + rng.Next(4), phase, now);
        }

        private static string Base36(long value, int length)
        {
            const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
            Span<char> chars = stackalloc char[length];
            for (var i = length - 1; i >= 0; i--)
            {
                chars[i] = digits[(int)(value % 36)];
                value /= 36;
            }

            return new string(chars);
        }
    }
}
