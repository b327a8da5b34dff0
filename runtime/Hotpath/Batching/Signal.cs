using System.Threading.Tasks.Sources;

namespace Hotpath.Batching;

/// <summary>
/// An auto-reset signal with one async waiter that allocates nothing to set or to wait on (a reusable
/// <see cref="IValueTaskSource"/>). A set with no waiter is remembered, so a wake-up is never missed; extra sets
/// collapse into one.
/// </summary>
internal sealed class Signal : IValueTaskSource
{
#if NET9_0_OR_GREATER
    private readonly Lock _lock = new();
#else
    private readonly object _lock = new();
#endif
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _set;
    private bool _waiting;

    /// <summary>Wakes the waiter, or the next one to wait.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(true);
            }
            else
            {
                _set = true;
            }
        }
    }

    /// <summary>Completes when <see cref="Set"/> is (or was, since the last wait) called. One waiter at a time.</summary>
    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return default;
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
