using System.Diagnostics.Metrics;
using Hotpath.Diagnostics;

namespace ClusterState.Reporting;

/// <summary>One instrument of the <c>Hotpath</c> meter (one tag set), as read at the end of the run.</summary>
/// <param name="Instrument">Instrument name.</param>
/// <param name="Kind">Counter, UpDownCounter, Histogram, ObservableCounter, ObservableGauge …</param>
/// <param name="Unit">Unit, if declared.</param>
/// <param name="Tags">Tags as <c>key=value</c> pairs.</param>
/// <param name="Value">Counters: the sum of what was added during the measured runs; observable counters: the
/// cumulative total since the process started (instances with the same tags summed); gauges: the last value;
/// histograms: the mean.</param>
/// <param name="Measurements">How many measurements were recorded.</param>
/// <param name="Max">The largest single measurement.</param>
public sealed record MetricReading(string Instrument, string Kind, string? Unit, string Tags, double Value, long Measurements, double Max);

/// <summary>
/// Listens to every instrument of the <c>Hotpath</c> meter (<see cref="HotpathMeter.Name"/>) with a
/// <see cref="MeterListener"/>, the way dotnet-counters or OpenTelemetry would, and keeps totals per tag set.
/// </summary>
public sealed class HotpathMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _gate = new();
    private readonly List<InstrumentState> _instruments = new();

    /// <summary>Starts listening.</summary>
    public HotpathMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HotpathMeter.Name)
            {
                var state = new InstrumentState(instrument);
                lock (_gate)
                {
                    _instruments.Add(state);
                }

                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Forgets what was recorded so far (after the warm-up).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (var instrument in _instruments)
            {
                instrument.Reset();
            }
        }
    }

    /// <summary>Reads the observable instruments now (each observation replaces the previous one).</summary>
    public void Collect()
    {
        lock (_gate)
        {
            foreach (var instrument in _instruments)
            {
                if (instrument.IsObservable)
                {
                    instrument.Reset();
                }
            }
        }

        _listener.RecordObservableInstruments();
    }

    /// <summary>Every reading, sorted by instrument then tags.</summary>
    public IReadOnlyList<MetricReading> Readings()
    {
        var readings = new List<MetricReading>();
        lock (_gate)
        {
            foreach (var instrument in _instruments)
            {
                instrument.AddReadings(readings);
            }
        }

        readings.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Instrument, b.Instrument);
            return byName != 0 ? byName : string.CompareOrdinal(a.Tags, b.Tags);
        });
        return readings;
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private sealed class InstrumentState(Instrument instrument)
    {
        private readonly object _gate = new();
        private readonly List<Series> _series = new();
        private readonly string _kind = KindOf(instrument);

        public bool IsObservable => instrument.IsObservable;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_gate)
            {
                // Find the series of this tag set without allocating; a new tag set is rare.
                Series? series = null;
                foreach (var candidate in _series)
                {
                    if (candidate.Matches(tags))
                    {
                        series = candidate;
                        break;
                    }
                }

                if (series is null)
                {
                    series = new Series(tags.ToArray());
                    _series.Add(series);
                }

                series.Count++;
                series.Sum += value;
                series.Last = value;
                series.Max = series.Count == 1 ? value : Math.Max(series.Max, value);
            }
        }

        public void Reset()
        {
            lock (_gate)
            {
                _series.Clear();
            }
        }

        public void AddReadings(List<MetricReading> readings)
        {
            lock (_gate)
            {
                if (_series.Count == 0)
                {
                    readings.Add(new MetricReading(instrument.Name, _kind, instrument.Unit, "", 0, 0, 0));
                }

                foreach (var series in _series)
                {
                    var value = _kind switch
                    {
                        "Counter" or "UpDownCounter" or "ObservableCounter" or "ObservableUpDownCounter" => series.Sum,
                        "Histogram" => series.Count == 0 ? 0 : series.Sum / series.Count,
                        _ => series.Last,
                    };
                    readings.Add(new MetricReading(instrument.Name, _kind, instrument.Unit, series.TagText(), value, series.Count, series.Max));
                }
            }
        }

        private static string KindOf(Instrument instrument)
        {
            var name = instrument.GetType().Name;
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            return tick < 0 ? name : name[..tick];
        }
    }

    private sealed class Series(KeyValuePair<string, object?>[] tags)
    {
        public long Count;
        public double Sum;
        public double Last;
        public double Max;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (tags[i].Key != other[i].Key || !Equals(tags[i].Value, other[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        public string TagText() => string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"));
    }
}
