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
    /// A started listener on the <c>Hotpath</c> meter's <paramref name="prefix"/>* instruments that hands
    /// <paramref name="measured"/> the instrument's name and value of each measurement of the series tagged
    /// <paramref name="tagKey"/> = <paramref name="tagValue"/> (only those: other tests' series run meanwhile).
    /// </summary>
    public static MeterListener Tagged(string prefix, string tagKey, string tagValue, Action<string, long> measured)
    {
        var listener = Create();
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
                    measured(instrument.Name, value);
                }
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>
    /// A started <see cref="Tagged"/> listener whose measurement callback throws <see cref="InvalidOperationException"/>
    /// for the series tagged <paramref name="tagKey"/> = <paramref name="tagValue"/>, after counting the throw in
    /// <paramref name="throws"/>[0].
    /// </summary>
    public static MeterListener Throwing(string prefix, string tagKey, string tagValue, int[] throws) =>
        Tagged(prefix, tagKey, tagValue, (_, _) =>
        {
            Interlocked.Increment(ref throws[0]);
            throw new InvalidOperationException("a buggy listener");
        });
}
