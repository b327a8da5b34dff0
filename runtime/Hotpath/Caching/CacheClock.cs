using System.Diagnostics.CodeAnalysis;
using Hotpath.Threading;

namespace Hotpath.Caching;

/// <summary>
/// The cheap clock behind time-to-live, in units of its own (<see cref="ToUnits"/> converts a duration).
/// With <see cref="TimeProvider.System"/> it reads <see cref="Environment.TickCount64"/> in milliseconds (a coarse
/// counter, a few nanoseconds, no system call). Any other provider (a fake one in tests) is read exactly, in its own
/// units: its <see cref="TimeProvider.GetTimestamp"/> when it overrides it, else its
/// <see cref="TimeProvider.GetUtcNow"/> in ticks, since a fake that only overrides <c>GetUtcNow</c> would otherwise
/// leave the cache on the real stopwatch, where its time never moves.
/// </summary>
internal sealed class CacheClock
{
    private readonly TimeProvider? _provider; // null: the system clock
    private readonly bool _readUtcNow;
    private readonly long _unitsPerSecond;

    public CacheClock(TimeProvider? provider)
    {
        if (provider is null || ReferenceEquals(provider, TimeProvider.System))
        {
            _unitsPerSecond = 1000;
            return;
        }

        _provider = provider;
        _readUtcNow = !OverridesGetTimestamp(provider);
        _unitsPerSecond = _readUtcNow ? TimeSpan.TicksPerSecond : provider.TimestampFrequency;
        if (_unitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(provider), _unitsPerSecond, "The TimeProvider's TimestampFrequency must be positive.");
        }
    }

    /// <summary>The current time in this clock's units.</summary>
    public long Now
    {
        get
        {
            if (_provider is null)
            {
                return Environment.TickCount64;
            }

            return _readUtcNow ? _provider.GetUtcNow().UtcTicks : _provider.GetTimestamp();
        }
    }

    /// <summary><paramref name="duration"/> (positive) in this clock's units, rounded up, at least 1.</summary>
    public long ToUnits(TimeSpan duration) => ClockUnits.FromDuration(duration, _unitsPerSecond);

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "GetTimestamp is a public virtual of TimeProvider that the cache calls, so the trimmer keeps every override of it; a method it removed could not be called either.")]
    private static bool OverridesGetTimestamp(TimeProvider provider) =>
        provider.GetType().GetMethod(nameof(TimeProvider.GetTimestamp), Type.EmptyTypes)?.DeclaringType != typeof(TimeProvider);
}
