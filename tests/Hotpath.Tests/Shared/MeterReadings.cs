using System.Diagnostics.Metrics;
using Hotpath.Diagnostics;

namespace Hotpath.Tests.Shared;

/// <summary>Reads the <c>Hotpath</c> meter's observable instruments once, as a listener (dotnet-counters, OpenTelemetry) would.</summary>
internal static class MeterReadings
{
    /// <summary>
    /// The value of every instrument named <paramref name="prefix"/>* for the series whose tag
    /// <paramref name="tagKey"/> is <paramref name="tagValue"/>; asserts there is at most one such series per instrument.
    /// </summary>
    public static Dictionary<string, long> Observe(string prefix, string tagKey, string tagValue)
    {
        var seen = new Dictionary<string, long>();
        using var listener = Listeners.Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HotpathMeter.Name && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == tagKey && (string?)tag.Value == tagValue)
                {
                    Assert.False(seen.ContainsKey(instrument.Name), $"two {instrument.Name} series tagged {tagKey}={tagValue}");
                    seen[instrument.Name] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }
}
