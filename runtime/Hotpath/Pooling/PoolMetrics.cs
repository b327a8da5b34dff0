using System.Diagnostics.Metrics;
using System.Text;
using Hotpath.Diagnostics;

namespace Hotpath;

/// <summary>
/// Publishes every pool's counters on the shared <c>Hotpath</c> meter. Observable counters read the
/// statistics only when a listener collects, so renting and returning pay nothing for metrics.
/// </summary>
internal static class PoolMetrics
{
    public const string RentsInstrument = "hotpath.pool.rents";
    public const string MissesInstrument = "hotpath.pool.misses";
    public const string DropsInstrument = "hotpath.pool.drops";
    public const string TypeTag = "type";
    public const string PoolTag = "pool";

    private static readonly object s_sync = new();
    private static readonly List<WeakReference<PoolCore>> s_pools = new();
    private static readonly Dictionary<(string Type, string? Name), PoolStatistics> s_retired = new(); // collected pools' final counts
    private static ObservableCounter<long>? s_rents; // null until created (see HotpathInstruments)
    private static ObservableCounter<long>? s_misses;
    private static ObservableCounter<long>? s_drops;

    public static void Register(PoolCore core)
    {
        lock (s_sync)
        {
            s_pools.Add(new WeakReference<PoolCore>(core));
            // A listener that throws while they are published fails neither this pool nor the instruments: see HotpathInstruments.
            s_rents ??= HotpathInstruments.Create(RentsInstrument, static meter => meter.CreateObservableCounter(RentsInstrument, static () => Observe(static s => s.Rents), "{rent}", "Objects rented from Hotpath pools."));
            s_misses ??= HotpathInstruments.Create(MissesInstrument, static meter => meter.CreateObservableCounter(MissesInstrument, static () => Observe(static s => s.Misses), "{rent}", "Rents that found the pool empty and created a new object."));
            s_drops ??= HotpathInstruments.Create(DropsInstrument, static meter => meter.CreateObservableCounter(DropsInstrument, static () => Observe(static s => s.Drops), "{return}", "Returned objects dropped because the pool was full."));
        }
    }

    /// <summary>Called when a pool is collected: its final counts join its series' retired totals, so the sums never go down.</summary>
    public static void Retire(PoolCore core)
    {
        lock (s_sync)
        {
            s_pools.RemoveAll(r => !r.TryGetTarget(out var c) || c == core);
            var key = (core.TypeName, core.Name);
            var final = core.GetStatistics();
            s_retired[key] = s_retired.TryGetValue(key, out var sum)
                ? new PoolStatistics(sum.Rents + final.Rents, sum.Hits + final.Hits, sum.Misses + final.Misses, sum.Returns + final.Returns, sum.Drops + final.Drops)
                : final;
        }
    }

    private static List<Measurement<long>> Observe(Func<PoolStatistics, long> select)
    {
        // Pools of one type and name are summed into one series, collected pools included.
        var totals = new Dictionary<(string Type, string? Name), long>();
        lock (s_sync)
        {
            foreach (var (key, retired) in s_retired)
            {
                totals[key] = select(retired);
            }

            for (var i = s_pools.Count - 1; i >= 0; i--)
            {
                if (!s_pools[i].TryGetTarget(out var core))
                {
                    s_pools.RemoveAt(i);
                    continue;
                }

                var key = (core.TypeName, core.Name);
                totals.TryGetValue(key, out var sum);
                totals[key] = sum + select(core.GetStatistics());
            }
        }

        var measurements = new List<Measurement<long>>(totals.Count);
        foreach (var ((type, name), value) in totals)
        {
            measurements.Add(name is null
                ? new Measurement<long>(value, new KeyValuePair<string, object?>(TypeTag, type))
                : new Measurement<long>(value, new KeyValuePair<string, object?>(TypeTag, type), new KeyValuePair<string, object?>(PoolTag, name)));
        }

        return measurements;
    }
}

/// <summary>C#-style type names for metric tags and messages: <c>PodState</c>, <c>Wrapper&lt;Int32&gt;</c> (no namespace or containing type; generic arguments by their simple CLR names, so <c>Wrapper&lt;int&gt;</c> is <c>Wrapper&lt;Int32&gt;</c>).</summary>
internal static class TypeNames
{
    public static string Display(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        builder.Append(tick < 0 ? name : name.AsSpan(0, tick));
        if (type.IsGenericType)
        {
            builder.Append('<');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }

                Append(builder, arguments[i]);
            }

            builder.Append('>');
        }
    }
}
