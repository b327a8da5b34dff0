namespace Hotpath.Threading;

/// <summary>Durations in a clock's own units, shared by the cache's time-to-live and the batch engine's <c>MaxDelay</c>.</summary>
internal static class ClockUnits
{
    /// <summary><paramref name="duration"/> (positive) in units of a clock with <paramref name="unitsPerSecond"/> a
    /// second, rounded up (a wait is never cut short, nor to 0), at most <see cref="long.MaxValue"/>.</summary>
    public static long FromDuration(TimeSpan duration, long unitsPerSecond)
    {
        var units = (((Int128)duration.Ticks * unitsPerSecond) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return (long)Int128.Clamp(units, 1, long.MaxValue);
    }
}
