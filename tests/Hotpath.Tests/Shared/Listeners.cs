using System.Diagnostics.Metrics;

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
}
