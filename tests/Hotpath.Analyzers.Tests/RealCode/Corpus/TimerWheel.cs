// Written for Hotpath's analyzer tests after dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Threading/Timer.cs (MIT): timer queues partitioned per processor,
// each locked with lock (this) while firing and by its timers with lock (_associatedTimerQueue); doubly linked short
// and long lists picked through a ref conditional; the first due timer fired on this thread after the lock, the others
// queued to the thread pool; a callbacks-running count changed under the lock around the user callback (which runs
// outside it), volatile cancel and notify fields, and close paths that signal a wait handle or complete a Task<bool>.
// Excerpt: see README.md.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Timers;

internal sealed class WheelQueue
{
    private const int ShortTimersThresholdMilliseconds = 333;

    private WheelTimer? _shortTimers;
    private WheelTimer? _longTimers;
    private long _currentAbsoluteThreshold = Environment.TickCount64 + ShortTimersThresholdMilliseconds;
    private bool _isTimerScheduled;
    private long _currentTimerStartTicks;
    private uint _currentTimerDuration;

    public static WheelQueue[] Instances { get; } = CreateTimerQueues();

    public long ActiveCount { get; private set; }

    private static WheelQueue[] CreateTimerQueues()
    {
        var queues = new WheelQueue[Environment.ProcessorCount];
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = new WheelQueue();
        }

        return queues;
    }

    private bool EnsureTimerFiresBy(uint requestedDuration)
    {
        const uint maxPossibleDuration = 0x0fffffff;
        var actualDuration = Math.Min(requestedDuration, maxPossibleDuration);

        if (_isTimerScheduled)
        {
            var elapsed = Environment.TickCount64 - _currentTimerStartTicks;
            if (elapsed >= _currentTimerDuration)
            {
                return true;
            }

            var remainingDuration = _currentTimerDuration - (uint)elapsed;
            if (actualDuration >= remainingDuration)
            {
                return true;
            }
        }

        _isTimerScheduled = true;
        _currentTimerStartTicks = Environment.TickCount64;
        _currentTimerDuration = actualDuration;
        return true;
    }

    public void FireNextTimers()
    {
        WheelTimer? timerToFireOnThisThread = null;

        lock (this)
        {
            _isTimerScheduled = false;
            var haveTimerToSchedule = false;
            var nextTimerDuration = uint.MaxValue;

            var nowTicks = Environment.TickCount64;

            var timer = _shortTimers;
            for (var listNum = 0; listNum < 2; listNum++)
            {
                while (timer is not null)
                {
                    var next = timer._next;

                    var elapsed = nowTicks - timer._startTicks;
                    var remaining = timer._dueTime - elapsed;
                    if (remaining <= 0)
                    {
                        if (timer._period != Timeout.UnsignedInfinite)
                        {
                            timer._startTicks = nowTicks;
                            var elapsedForNextDueTime = elapsed - timer._dueTime;
                            timer._dueTime = (elapsedForNextDueTime < timer._period) ?
                                timer._period - (uint)elapsedForNextDueTime :
                                1;

                            if (timer._dueTime < nextTimerDuration)
                            {
                                haveTimerToSchedule = true;
                                nextTimerDuration = timer._dueTime;
                            }

                            var targetShortList = (nowTicks + timer._dueTime) - _currentAbsoluteThreshold <= 0;
                            if (timer._short != targetShortList)
                            {
                                MoveTimerToCorrectList(timer, targetShortList);
                            }
                        }
                        else
                        {
                            DeleteTimer(timer);
                        }

                        if (timerToFireOnThisThread is null)
                        {
                            timerToFireOnThisThread = timer;
                        }
                        else
                        {
                            ThreadPool.UnsafeQueueUserWorkItem(timer, preferLocal: false);
                        }
                    }
                    else
                    {
                        if (remaining < nextTimerDuration)
                        {
                            haveTimerToSchedule = true;
                            nextTimerDuration = (uint)remaining;
                        }

                        if (!timer._short && remaining <= ShortTimersThresholdMilliseconds)
                        {
                            MoveTimerToCorrectList(timer, shortList: true);
                        }
                    }

                    timer = next;
                }

                if (listNum == 0)
                {
                    var remaining = _currentAbsoluteThreshold - nowTicks;
                    if (remaining > 0)
                    {
                        if (_shortTimers is null && _longTimers is not null)
                        {
                            nextTimerDuration = (uint)remaining + 1;
                            haveTimerToSchedule = true;
                        }

                        break;
                    }

                    timer = _longTimers;
                    _currentAbsoluteThreshold = nowTicks + ShortTimersThresholdMilliseconds;
                }
            }

            if (haveTimerToSchedule)
            {
                EnsureTimerFiresBy(nextTimerDuration);
            }
        }

        timerToFireOnThisThread?.Fire();
    }

    public bool UpdateTimer(WheelTimer timer, uint dueTime, uint period)
    {
        var nowTicks = Environment.TickCount64;
        var absoluteDueTime = nowTicks + dueTime;
        var shouldBeShort = _currentAbsoluteThreshold - absoluteDueTime >= 0;

        if (timer._dueTime == Timeout.UnsignedInfinite)
        {
            timer._short = shouldBeShort;
            LinkTimer(timer);
            ++ActiveCount;
        }
        else if (timer._short != shouldBeShort)
        {
            UnlinkTimer(timer);
            timer._short = shouldBeShort;
            LinkTimer(timer);
        }

        timer._dueTime = dueTime;
        timer._period = (period == 0) ? Timeout.UnsignedInfinite : period;
        timer._startTicks = nowTicks;
        return EnsureTimerFiresBy(dueTime);
    }

    public void MoveTimerToCorrectList(WheelTimer timer, bool shortList)
    {
        UnlinkTimer(timer);
        timer._short = shortList;
        LinkTimer(timer);
    }

    private void LinkTimer(WheelTimer timer)
    {
        ref var listHead = ref timer._short ? ref _shortTimers : ref _longTimers;
        timer._next = listHead;
        if (timer._next is not null)
        {
            timer._next._prev = timer;
        }

        timer._prev = null;
        listHead = timer;
    }

    private void UnlinkTimer(WheelTimer timer)
    {
        var t = timer._next;
        if (t is not null)
        {
            t._prev = timer._prev;
        }

        if (_shortTimers == timer)
        {
            _shortTimers = t;
        }
        else if (_longTimers == timer)
        {
            _longTimers = t;
        }

        t = timer._prev;
        if (t is not null)
        {
            t._next = timer._next;
        }
    }

    public void DeleteTimer(WheelTimer timer)
    {
        if (timer._dueTime != Timeout.UnsignedInfinite)
        {
            --ActiveCount;
            UnlinkTimer(timer);
            timer._prev = null;
            timer._next = null;
            timer._dueTime = Timeout.UnsignedInfinite;
            timer._period = Timeout.UnsignedInfinite;
            timer._startTicks = 0;
            timer._short = false;
        }
    }
}

internal sealed class WheelTimer : IThreadPoolWorkItem
{
    private static readonly ContextCallback s_callCallbackInContext = static state =>
    {
        var t = (WheelTimer)state!;
        t._timerCallback(t._state);
    };

    private readonly WheelQueue _associatedTimerQueue;

    internal WheelTimer? _next;
    internal WheelTimer? _prev;
    internal bool _short;
    internal long _startTicks;
    internal uint _dueTime;
    internal uint _period;

    private readonly TimerCallback _timerCallback;
    private readonly object? _state;
    private readonly ExecutionContext? _executionContext;

    private int _callbacksRunning;
    private volatile bool _canceled;
    private volatile object? _notifyWhenNoCallbacksRunning;

    internal WheelTimer(TimerCallback timerCallback, object? state, uint dueTime, uint period, bool flowExecutionContext)
    {
        _timerCallback = timerCallback;
        _state = state;
        _dueTime = Timeout.UnsignedInfinite;
        _period = Timeout.UnsignedInfinite;
        if (flowExecutionContext)
        {
            _executionContext = ExecutionContext.Capture();
        }

        _associatedTimerQueue = WheelQueue.Instances[Thread.GetCurrentProcessorId() % WheelQueue.Instances.Length];

        if (dueTime != Timeout.UnsignedInfinite)
        {
            Change(dueTime, period);
        }
    }

    internal bool Change(uint dueTime, uint period)
    {
        bool success;

        lock (_associatedTimerQueue)
        {
            if (_canceled)
            {
                throw new ObjectDisposedException(null, "Cannot access a disposed object.");
            }

            _period = period;

            if (dueTime == Timeout.UnsignedInfinite)
            {
                _associatedTimerQueue.DeleteTimer(this);
                success = true;
            }
            else
            {
                success = _associatedTimerQueue.UpdateTimer(this, dueTime, period);
            }
        }

        return success;
    }

    public void Close()
    {
        lock (_associatedTimerQueue)
        {
            if (!_canceled)
            {
                _canceled = true;
                _associatedTimerQueue.DeleteTimer(this);
            }
        }
    }

    public bool Close(WaitHandle toSignal)
    {
        bool success;
        var shouldSignal = false;

        lock (_associatedTimerQueue)
        {
            if (_canceled)
            {
                success = false;
            }
            else
            {
                _canceled = true;
                _notifyWhenNoCallbacksRunning = toSignal;
                _associatedTimerQueue.DeleteTimer(this);
                shouldSignal = _callbacksRunning == 0;
                success = true;
            }
        }

        if (shouldSignal)
        {
            SignalNoCallbacksRunning();
        }

        return success;
    }

    public ValueTask CloseAsync()
    {
        lock (_associatedTimerQueue)
        {
            var notifyWhenNoCallbacksRunning = _notifyWhenNoCallbacksRunning;

            if (_canceled)
            {
                if (notifyWhenNoCallbacksRunning is WaitHandle)
                {
                    var e = new InvalidOperationException("The timer was already closed using an incompatible method.");
                    return ValueTask.FromException(e);
                }
            }
            else
            {
                _canceled = true;
                _associatedTimerQueue.DeleteTimer(this);
            }

            if (_callbacksRunning == 0)
            {
                return default;
            }

            if (notifyWhenNoCallbacksRunning is null)
            {
                var t = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _notifyWhenNoCallbacksRunning = t;
                return new ValueTask(t.Task);
            }

            return new ValueTask(((TaskCompletionSource<bool>)notifyWhenNoCallbacksRunning).Task);
        }
    }

    void IThreadPoolWorkItem.Execute() => Fire(isThreadPool: true);

    internal void Fire(bool isThreadPool = false)
    {
        var canceled = false;

        lock (_associatedTimerQueue)
        {
            canceled = _canceled;
            if (!canceled)
            {
                _callbacksRunning++;
            }
        }

        if (canceled)
        {
            return;
        }

        CallCallback(isThreadPool);

        var shouldSignal = false;
        lock (_associatedTimerQueue)
        {
            _callbacksRunning--;
            if (_canceled && _callbacksRunning == 0 && _notifyWhenNoCallbacksRunning is not null)
            {
                shouldSignal = true;
            }
        }

        if (shouldSignal)
        {
            SignalNoCallbacksRunning();
        }
    }

    internal void SignalNoCallbacksRunning()
    {
        var toSignal = _notifyWhenNoCallbacksRunning;

        if (toSignal is EventWaitHandle wh)
        {
            wh.Set();
        }
        else
        {
            ((TaskCompletionSource<bool>)toSignal!).TrySetResult(true);
        }
    }

    internal void CallCallback(bool isThreadPool)
    {
        var context = _executionContext;
        if (context is null)
        {
            _timerCallback(_state);
        }
        else
        {
            ExecutionContext.Run(context, s_callCallbackInContext, this);
        }
    }
}

/// <summary>Stand-in for the runtime's internal <c>Timeout.UnsignedInfinite</c> (System.Threading.Timeout's public members lack it).</summary>
internal static class Timeout
{
    public const uint UnsignedInfinite = unchecked((uint)-1);
}
