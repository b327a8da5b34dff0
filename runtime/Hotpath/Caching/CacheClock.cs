namespace Hotpath.Caching;

/// <summary>
/// The cheap clock behind time-to-live, in milliseconds. With <see cref="TimeProvider.System"/> it reads
/// <see cref="Environment.TickCount64"/> (a coarse counter, a few nanoseconds, no system call); with any other
/// provider (a fake one in tests) it converts that provider's <see cref="TimeProvider.GetTimestamp"/>.
/// </summary>
internal sealed class CacheClock
{
    private readonly TimeProvider? _provider; // null: the system clock

    public CacheClock(TimeProvider? provider) =>
        _provider = provider is null || ReferenceEquals(provider, TimeProvider.System) ? null : provider;

    public long NowMilliseconds
    {
        get
        {
            if (_provider is null)
            {
                return Environment.TickCount64;
            }

            var timestamp = _provider.GetTimestamp();
            var frequency = _provider.TimestampFrequency;
            return (long)((Int128)timestamp * 1000 / frequency);
        }
    }
}
