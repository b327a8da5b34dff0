using System.Diagnostics.Metrics;
using Hotpath.Diagnostics;

namespace Hotpath.Caching;

/// <summary>What the process-wide registry needs from a cache of any key and value type.</summary>
internal interface ICacheMaintenance
{
    string Name { get; }

    CacheStatistics Statistics { get; }

    int Trim(double fraction);
}

/// <summary>
/// The process-wide list of live caches, held weakly (a cache nobody references can still be collected). It backs
/// the <c>hotpath.cache.*</c> observable counters, which read each cache's statistics only when a listener
/// collects (no per-operation cost beyond the counters the statistics already keep), and the one memory-pressure
/// watcher that trims caches after a full GC under high memory load.
/// </summary>
internal static class CacheRegistry
{
    /// <summary>Share of each cache's entries dropped when memory load is high.</summary>
    internal const double PressureTrimFraction = 0.25;

    private static readonly List<Registration> Caches = new();
    private static readonly Dictionary<string, CacheStatistics> Retired = new(StringComparer.Ordinal); // by name, under the Caches lock
    private static ObservableCounter<long>? s_hits; // null until created (see HotpathInstruments)
    private static ObservableCounter<long>? s_misses;
    private static ObservableCounter<long>? s_evictions;
    private static ObservableCounter<long>? s_expirations;
    private static bool s_watcherStarted;
    private static int s_watchersCreated;
    private static long s_watcherRuns;
    private static long s_pressureTrimsQueued;
    private static MemoryReading? s_simulatedReading; // tests only: replaces the GC's reading once

    public static void Register(ICacheMaintenance cache, bool trimOnMemoryPressure)
    {
        lock (Caches)
        {
            Prune();
            // A long weak reference: the cache stays visible here until its finalizer has moved its counts to
            // Retired, so a collection never makes the published sums dip.
            Caches.Add(new Registration(new WeakReference<ICacheMaintenance>(cache, trackResurrection: true), trimOnMemoryPressure));
            // A listener that throws while they are published fails neither this cache nor the instruments: see HotpathInstruments.
            s_hits ??= HotpathInstruments.Create("hotpath.cache.hits", static meter => meter.CreateObservableCounter("hotpath.cache.hits", static () => Observe(static s => s.Hits), "{hit}", "Cache lookups that found a live entry."));
            s_misses ??= HotpathInstruments.Create("hotpath.cache.misses", static meter => meter.CreateObservableCounter("hotpath.cache.misses", static () => Observe(static s => s.Misses), "{miss}", "Cache lookups that found no live entry."));
            s_evictions ??= HotpathInstruments.Create("hotpath.cache.evictions", static meter => meter.CreateObservableCounter("hotpath.cache.evictions", static () => Observe(static s => s.Evictions), "{entry}", "Cache entries evicted for capacity or memory pressure."));
            s_expirations ??= HotpathInstruments.Create("hotpath.cache.expirations", static meter => meter.CreateObservableCounter("hotpath.cache.expirations", static () => Observe(static s => s.Expirations), "{entry}", "Cache entries dropped because their time to live had passed."));

            if (trimOnMemoryPressure && !s_watcherStarted)
            {
                s_watcherStarted = true;
                MemoryPressureWatcher.Start();
            }
        }
    }

    /// <summary>Called by a collected cache's finalizer: its final counts join its name's retired totals.</summary>
    public static void Retire(ICacheMaintenance cache)
    {
        lock (Caches)
        {
            Caches.RemoveAll(r => !r.Cache.TryGetTarget(out var c) || c == cache);
            var final = cache.Statistics;
            Retired[cache.Name] = Retired.TryGetValue(cache.Name, out var sum)
                ? new CacheStatistics(sum.Hits + final.Hits, sum.Misses + final.Misses, sum.Evictions + final.Evictions, sum.Expirations + final.Expirations)
                : final;
        }
    }

    /// <summary>Trims every live cache that opted in by <paramref name="fraction"/>; returns the entries evicted. Never throws.</summary>
    internal static int TrimAll(double fraction)
    {
        var evicted = 0;
        foreach (var cache in TrimmableCaches())
        {
            try
            {
                evicted += cache.Trim(fraction);
            }
            catch (Exception)
            {
                // The cache's TimeProvider threw (read before the trim changes anything): that
                // cache skips this trim, whole. The other caches are still trimmed, and the pressure trim, which runs
                // on the thread pool where an exception would end the process, goes on.
            }
        }

        return evicted;
    }

    /// <summary>Whether the GC's last reading counts as high memory load (90% of the GC's own high-load threshold).</summary>
    internal static bool IsUnderPressure(GCMemoryInfo info) =>
        IsUnderPressure(info.MemoryLoadBytes, info.HighMemoryLoadThresholdBytes);

    /// <summary>The same decision on the reading's two numbers (a GCMemoryInfo cannot be made up, so tests call this).</summary>
    internal static bool IsUnderPressure(long memoryLoadBytes, long highMemoryLoadThresholdBytes) =>
        highMemoryLoadThresholdBytes > 0 && memoryLoadBytes >= highMemoryLoadThresholdBytes * 9 / 10;

    /// <summary>Memory-pressure watchers created in this process (tests: it must stay at most 1).</summary>
    internal static int WatchersCreated => Volatile.Read(ref s_watchersCreated);

    /// <summary>Times the watcher has run, one per collection of its generation (tests).</summary>
    internal static long WatcherRuns => Interlocked.Read(ref s_watcherRuns);

    /// <summary>Trims the watcher has queued because the reading showed pressure (tests).</summary>
    internal static long PressureTrimsQueued => Interlocked.Read(ref s_pressureTrimsQueued);

    /// <summary>Tests: the watcher's next run decides on these numbers instead of the GC's reading, once.</summary>
    internal static void SimulateNextReading(long memoryLoadBytes, long highMemoryLoadThresholdBytes) =>
        Volatile.Write(ref s_simulatedReading, new MemoryReading(memoryLoadBytes, highMemoryLoadThresholdBytes));

    private static List<Measurement<long>> Observe(Func<CacheStatistics, long> select)
    {
        // One series per name: caches that share a name (and collected ones) are summed, so the counter only grows.
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (Caches)
        {
            foreach (var (name, retired) in Retired)
            {
                totals[name] = select(retired);
            }

            foreach (var registration in Caches)
            {
                if (registration.Cache.TryGetTarget(out var cache))
                {
                    totals[cache.Name] = totals.GetValueOrDefault(cache.Name) + select(cache.Statistics);
                }
            }
        }

        var measurements = new List<Measurement<long>>(totals.Count);
        foreach (var (name, value) in totals)
        {
            measurements.Add(new Measurement<long>(value, new KeyValuePair<string, object?>("cache", name)));
        }

        return measurements;
    }

    private static List<ICacheMaintenance> TrimmableCaches()
    {
        var live = new List<ICacheMaintenance>();
        lock (Caches)
        {
            Prune();
            foreach (var registration in Caches)
            {
                if (registration.TrimOnMemoryPressure && registration.Cache.TryGetTarget(out var cache))
                {
                    live.Add(cache);
                }
            }
        }

        return live;
    }

    private static void Prune() => Caches.RemoveAll(static r => !r.Cache.TryGetTarget(out _));

    private sealed record Registration(WeakReference<ICacheMaintenance> Cache, bool TrimOnMemoryPressure);

    private sealed record MemoryReading(long MemoryLoadBytes, long HighMemoryLoadThresholdBytes);

    /// <summary>
    /// An object that resurrects itself in its finalizer: once promoted to generation 2 it is finalized after each
    /// full collection, the moment the GC's memory-load reading is fresh. Trimming runs on the thread pool, never on
    /// the finalizer thread.
    /// </summary>
    private sealed class MemoryPressureWatcher
    {
        public static void Start()
        {
            Interlocked.Increment(ref s_watchersCreated);
            _ = new MemoryPressureWatcher();
        }

        ~MemoryPressureWatcher()
        {
            if (Environment.HasShutdownStarted || AppDomain.CurrentDomain.IsFinalizingForUnload())
            {
                return;
            }

            try
            {
                Interlocked.Increment(ref s_watcherRuns);
                var pressure = Interlocked.Exchange(ref s_simulatedReading, null) is { } simulated
                    ? IsUnderPressure(simulated.MemoryLoadBytes, simulated.HighMemoryLoadThresholdBytes)
                    : IsUnderPressure(GC.GetGCMemoryInfo());
                if (pressure)
                {
                    Interlocked.Increment(ref s_pressureTrimsQueued);
                    ThreadPool.UnsafeQueueUserWorkItem(static _ => TrimAll(PressureTrimFraction), null);
                }
            }
            finally
            {
                GC.ReRegisterForFinalize(this);
            }
        }
    }
}
