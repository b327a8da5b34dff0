using System.Diagnostics.Metrics;

namespace Hotpath.Diagnostics;

/// <summary>
/// The one <see cref="Meter"/> every Hotpath runtime component publishes on, named <c>Hotpath</c>, so
/// <c>dotnet-counters monitor --name YourApp --counters Hotpath</c> and OpenTelemetry (<c>AddMeter("Hotpath")</c>) see
/// pools, caches and batch engines without extra code.
/// </summary>
public static class HotpathMeter
{
    /// <summary>The meter name: <c>Hotpath</c>.</summary>
    public const string Name = "Hotpath";

    /// <summary>The shared meter instance.</summary>
    public static Meter Meter { get; } = new(Name, typeof(HotpathMeter).Assembly.GetName().Version?.ToString(3));
}
