using System.Globalization;
using System.IO.Compression;
using Hotpath.Caching;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace Hotpath.Benchmarks.Caching;

/// <summary>
/// Replays key traces single-threaded through Hotpath's <see cref="ShardedCache{TKey, TValue}"/>, plain LRU,
/// <see cref="MemoryCache"/> (SizeLimit = capacity) and reference W-TinyLFU / S3-FIFO policies, and prints the
/// hit ratios as a Markdown table. Hit ratios are deterministic, so unlike timings they may be measured anywhere.
/// Run: <c>dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- hitratio [trace-folder]</c>.
/// </summary>
internal static class HitRatioSimulator
{
    private static readonly string[] Columns = ["Hotpath", "LRU", "MemoryCache", "W-TinyLFU (ref.)", "S3-FIFO (ref.)"];

    public static int Run(string[] args)
    {
        var folder = args.Length > 1 ? args[1] : FindTraceFolder();
        var traces = new List<(string Name, long[] Keys, int[] Capacities)>();
        if (folder is null)
        {
            Console.WriteLine("cache-traces folder not found (looked for ../shared/data/cache-traces above the current directory): skipping the ARC and LIRS traces.");
        }
        else
        {
            var arc = Path.Combine(folder, "arc-p3.gz");
            var lirs = Path.Combine(folder, "lirs-gli.gz");
            if (File.Exists(arc))
            {
                traces.Add(("ARC P3", ReadArc(arc), [25_000, 50_000, 100_000, 200_000, 400_000]));
            }
            else
            {
                Console.WriteLine($"{arc} not found: skipping.");
            }

            if (File.Exists(lirs))
            {
                traces.Add(("LIRS gli", ReadLirs(lirs), [250, 500, 1_000, 1_500, 2_000]));
            }
            else
            {
                Console.WriteLine($"{lirs} not found: skipping.");
            }
        }

        traces.Add(("Zipf(0.9), 100k keys, 1M accesses", Zipf(100_000, 0.9, 1_000_000, seed: 42), [500, 1_000, 2_500, 5_000, 10_000]));

        // The long ARC trace last, so the quick tables print first.
        traces.Sort(static (a, b) => a.Keys.Length.CompareTo(b.Keys.Length));
        foreach (var (name, keys, capacities) in traces)
        {
            Console.WriteLine();
            Console.WriteLine($"### {name} ({keys.Length:N0} accesses, {keys.Distinct().Count():N0} distinct keys)");
            Console.WriteLine();
            Console.WriteLine("| capacity | " + string.Join(" | ", Columns) + " |");
            Console.WriteLine("|---:|" + string.Concat(Enumerable.Repeat("---:|", Columns.Length)));
            foreach (var capacity in capacities)
            {
                var ratios = new[]
                {
                    Replay(keys, new HotpathReplay(capacity)),
                    Replay(keys, new LruPolicy(capacity)),
                    Replay(keys, new MemoryCacheReplay(capacity)),
                    Replay(keys, new WTinyLfuPolicy(capacity)),
                    Replay(keys, new S3FifoPolicy(capacity)),
                };
                Console.Out.Flush();
                Console.WriteLine($"| {capacity:N0} | " + string.Join(" | ", ratios.Select(static r => (r * 100).ToString("F2", CultureInfo.InvariantCulture) + "%")) + " |");
            }
        }

        return 0;
    }

    private static double Replay(long[] keys, IReplayPolicy policy)
    {
        long hits = 0;
        foreach (var key in keys)
        {
            if (policy.Access(key))
            {
                hits++;
            }
        }

        return (double)hits / keys.Length;
    }

    /// <summary>The repository's ../shared/data/cache-traces, searched upward from the working directory and the binary.</summary>
    private static string? FindTraceFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "cache-traces");
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>ARC format: each line <c>start count x y</c> stands for the keys start … start+count-1.</summary>
    private static long[] ReadArc(string path)
    {
        var keys = new List<long>();
        foreach (var line in ReadLines(path))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            var start = long.Parse(parts[0], CultureInfo.InvariantCulture);
            var count = int.Parse(parts[1], CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                keys.Add(start + i);
            }
        }

        return keys.ToArray();
    }

    /// <summary>LIRS format: one integer key a line.</summary>
    private static long[] ReadLirs(string path)
    {
        var keys = new List<long>();
        foreach (var line in ReadLines(path))
        {
            if (long.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var key))
            {
                keys.Add(key);
            }
        }

        return keys.ToArray();
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    /// <summary>A Zipf(<paramref name="exponent"/>) trace over <paramref name="distinct"/> keys, by inverse CDF with a fixed seed.</summary>
    internal static long[] Zipf(int distinct, double exponent, int length, int seed)
    {
        var cdf = new double[distinct];
        double sum = 0;
        for (var i = 0; i < distinct; i++)
        {
            sum += 1 / Math.Pow(i + 1, exponent);
            cdf[i] = sum;
        }

        var random = new Random(seed);
        var keys = new long[length];
        for (var i = 0; i < length; i++)
        {
            var index = Array.BinarySearch(cdf, random.NextDouble() * sum);
            keys[i] = Math.Min(index < 0 ? ~index : index, distinct - 1);
        }

        return keys;
    }

    private sealed class HotpathReplay(int capacity) : IReplayPolicy
    {
        private readonly ShardedCache<long, long> _cache = new(new ShardedCacheOptions { Capacity = capacity, TrimOnMemoryPressure = false, Name = "hitratio" });

        public bool Access(long key)
        {
            if (_cache.TryGet(key, out _))
            {
                return true;
            }

            _cache.Set(key, key);
            return false;
        }
    }

    /// <summary>
    /// MemoryCache with SizeLimit = capacity (each entry size 1). Its own compaction runs asynchronously on the thread
    /// pool and, until it finishes, rejects new entries, which makes replays nondeterministic. So the replay compacts
    /// synchronously the way MemoryCache would (<see cref="MemoryCache.Compact(double)"/> with its default 5%) just
    /// before an insert would exceed the limit, and gives it a clock that ticks once per access so that its
    /// least-recently-used ordering is exact rather than tied within one DateTime tick.
    /// </summary>
    private sealed class MemoryCacheReplay : IReplayPolicy
    {
        private readonly int _capacity;
        private readonly TickingClock _clock = new();
        private readonly MemoryCache _cache;
        private readonly MemoryCacheEntryOptions _entryOptions = new() { Size = 1 };

        public MemoryCacheReplay(int capacity)
        {
            _capacity = capacity;
#pragma warning disable CS0618 // ISystemClock is the only clock MemoryCacheOptions accepts
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, Clock = _clock, CompactionPercentage = 0.05 });
#pragma warning restore CS0618
        }

        public bool Access(long key)
        {
            _clock.Advance();
            if (_cache.TryGetValue(key, out _))
            {
                return true;
            }

            if (_cache.Count >= _capacity)
            {
                _cache.Compact(0.05);
            }

            _cache.Set(key, key, _entryOptions);
            return false;
        }
    }

#pragma warning disable CS0618
    private sealed class TickingClock : ISystemClock
#pragma warning restore CS0618
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public DateTimeOffset UtcNow => _now;

        public void Advance() => _now = _now.AddTicks(1);
    }
}
