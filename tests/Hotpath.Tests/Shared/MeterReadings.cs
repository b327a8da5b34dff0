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
        using var listener = Listeners.Tagged(prefix, tagKey, tagValue, (instrument, value) =>
        {
            Assert.False(seen.ContainsKey(instrument), $"two {instrument} series tagged {tagKey}={tagValue}");
            seen[instrument] = value;
        });
        listener.RecordObservableInstruments();
        return seen;
    }
}
