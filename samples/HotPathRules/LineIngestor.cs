using System.Buffers.Text;
using Hotpath;

namespace HotPathRules;

/// <summary>One parsed log line: <c>node=N latencyMicros=L</c>.</summary>
public readonly record struct Sample(int Node, long LatencyMicros);

/// <summary>
/// Counts and sums latencies per node from raw UTF-8 log lines. The hot path parses spans, updates arrays
/// with Interlocked and never allocates; everything that allocates (errors, reporting) is cold.
/// </summary>
public sealed class LineIngestor
{
    private readonly long[] _counts;
    private readonly long[] _latencySums;
    private readonly Lock _resizeGate = new();
    private long _rejected;

    public LineIngestor(int nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nodes);
        _counts = new long[nodes];
        _latencySums = new long[nodes];
    }

    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Parses and records one line; false (and counted) when it is malformed.</summary>
    [HotPath]
    public bool Ingest(ReadOnlySpan<byte> line)
    {
        if (!TryParse(line, out var sample) || (uint)sample.Node >= (uint)_counts.Length)
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        Interlocked.Increment(ref _counts[sample.Node]);
        Interlocked.Add(ref _latencySums[sample.Node], sample.LatencyMicros);
        return true;
    }

    /// <summary>Mean latency of a node in microseconds (0 when it has no samples).</summary>
    [HotPath]
    public double MeanLatency(int node)
    {
        var count = Volatile.Read(ref _counts[node]);
        return count == 0 ? 0 : (double)Volatile.Read(ref _latencySums[node]) / count;
    }

    /// <summary>Cold: a report for people, allocation is fine here.</summary>
    public string Report(int node)
    {
        lock (_resizeGate)
        {
            return $"node {node}: {Volatile.Read(ref _counts[node])} samples, mean {MeanLatency(node):F1} µs";
        }
    }

    [HotPath]
    private static bool TryParse(ReadOnlySpan<byte> line, out Sample sample)
    {
        sample = default;
        var space = line.IndexOf((byte)' ');
        if (space < 0 || !line.StartsWith("node="u8) || !line[(space + 1)..].StartsWith("latencyMicros="u8))
        {
            return false;
        }

        if (!Utf8Parser.TryParse(line[5..space], out int node, out _) ||
            !Utf8Parser.TryParse(line[(space + 1 + "latencyMicros=".Length)..], out long latency, out _))
        {
            return false;
        }

        sample = new Sample(node, latency);
        return true;
    }
}
