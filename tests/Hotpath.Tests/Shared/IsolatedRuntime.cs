using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.Loader;

namespace Hotpath.Tests.Shared;

/// <summary>
/// A second copy of Hotpath.dll, loaded into an <see cref="AssemblyLoadContext"/> of its own: its statics are fresh, so its
/// <c>Hotpath</c> meter (another <see cref="System.Diagnostics.Metrics.Meter"/> of the same name) has no instruments until
/// a component of this copy is made. Tests of what happens when the instruments are created use it: the process's own
/// instruments were created by whichever test ran first, and a listener that misbehaves only for this copy's meter
/// cannot disturb other tests. Its components are reached through <c>dynamic</c>; everything else (the test's own
/// types, delegates) is shared with the test.
/// </summary>
internal sealed class IsolatedRuntime
{
    private readonly Assembly _hotpath;

    public IsolatedRuntime()
    {
        var context = new AssemblyLoadContext($"Hotpath.Tests.IsolatedRuntime.{Guid.NewGuid():N}");
        _hotpath = context.LoadFromAssemblyPath(typeof(Pool<>).Assembly.Location);
        Meter = (Meter)Type("Hotpath.Diagnostics.HotpathMeter").GetProperty("Meter")!.GetValue(null)!;
        Assert.NotSame(global::Hotpath.Diagnostics.HotpathMeter.Meter, Meter);
    }

    /// <summary>This copy's <c>Hotpath</c> meter.</summary>
    public Meter Meter { get; }

    /// <summary>A new <c>Pool&lt;T&gt;</c> of this copy.</summary>
    public dynamic Pool<T>(Func<T> factory)
        where T : class =>
        Create(Type("Hotpath.Pool`1").MakeGenericType(typeof(T)), factory, null, 16, 0, null);

    /// <summary>A new <c>ShardedCache&lt;TKey, TValue&gt;</c> of this copy, named <paramref name="name"/>.</summary>
    public dynamic Cache<TKey, TValue>(string name)
        where TKey : notnull
    {
        dynamic options = Create(Type("Hotpath.Caching.ShardedCacheOptions"));
        options.Capacity = 64;
        options.Shards = 1;
        options.Name = name;
        options.TrimOnMemoryPressure = false;
        return Create(Type("Hotpath.Caching.ShardedCache`2").MakeGenericType(typeof(TKey), typeof(TValue)), (object)options);
    }

    /// <summary>A new <c>BatchEngine&lt;T&gt;</c> of this copy: batches of <paramref name="maxBatchSize"/>, no retries.</summary>
    public dynamic BatchEngine<T>(int maxBatchSize, Func<ReadOnlyMemory<T>, CancellationToken, ValueTask> handler)
    {
        dynamic options = Create(Type("Hotpath.Batching.BatchEngineOptions"));
        options.MaxBatchSize = maxBatchSize;
        options.MaxDelay = TimeSpan.FromHours(1);
        options.MaxRetries = 0;
        return Create(Type("Hotpath.Batching.BatchEngine`1").MakeGenericType(typeof(T)), (object)options, handler, null);
    }

    /// <summary>The instruments named <paramref name="prefix"/>* on this copy's meter, as a listener started now is told of them.</summary>
    public List<string> Published(string prefix)
    {
        var names = new List<string>();
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter == Meter && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                names.Add(instrument.Name);
            }
        };
        listener.Start();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// A started listener on this copy's <paramref name="prefix"/>* instruments: <see cref="Recorder.Totals"/> sums every
    /// measurement by instrument name (observable ones included, so read those after one collection).
    /// </summary>
    public Recorder Record(string prefix) => new(Meter, prefix);

    private Type Type(string name) => _hotpath.GetType(name, throwOnError: true)!;

    private static object Create(Type type, params object?[] arguments) =>
        Activator.CreateInstance(type, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DoNotWrapExceptions, null, arguments, null)!;

    /// <summary>A listener on some of one meter's instruments that sums their measurements by instrument name.</summary>
    internal sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = Listeners.Create();

        public Recorder(Meter meter, string prefix)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
            _listener.Start();
        }

        public ConcurrentDictionary<string, long> Totals { get; } = new();

        /// <summary>Forgets the totals and collects the observable instruments once.</summary>
        public ConcurrentDictionary<string, long> Observe()
        {
            Totals.Clear();
            _listener.RecordObservableInstruments();
            return Totals;
        }

        public void Dispose() => _listener.Dispose();
    }
}
