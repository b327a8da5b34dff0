using System.Diagnostics.Metrics;
using Hotpath.Diagnostics;

namespace Hotpath.Tests.Shared;

/// <summary>Meter listeners for tests.</summary>
internal static class Listeners
{
    /// <summary>
    /// A new <see cref="MeterListener"/> that stops receiving measurements when disposed, on .NET 8 too: there a disposed
    /// listener without a <see cref="MeterListener.MeasurementsCompleted"/> callback stayed subscribed to the instruments
    /// it had enabled (dotnet/runtime#102465, fixed in .NET 9), so a finished test's callback kept running, and
    /// allocating, on every later measurement in the process.
    /// </summary>
    public static MeterListener Create() => new() { MeasurementsCompleted = static (_, _) => { } };

    /// <summary>
    /// A started listener on the <c>Hotpath</c> meter's <paramref name="prefix"/>* instruments whose measurement callback
    /// throws <see cref="InvalidOperationException"/> for the series tagged <paramref name="tagKey"/> =
    /// <paramref name="tagValue"/> (only those: other tests' series run meanwhile), after counting the throw in
    /// <paramref name="throws"/>[0].
    /// </summary>
    public static MeterListener Throwing(string prefix, string tagKey, string tagValue, int[] throws)
    {
        var listener = Create();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HotpathMeter.Name && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == tagKey && (string?)tag.Value == tagValue)
                {
                    Interlocked.Increment(ref throws[0]);
                    throw new InvalidOperationException("a buggy listener");
                }
            }
        });
        listener.Start();
        return listener;
    }
}
