// Written for Hotpath's analyzer tests after NLog/NLog src/NLog/Targets/Wrappers/ConcurrentRequestQueue.cs (BSD-3):
// a ConcurrentQueue whose length is a long counted with Interlocked (Increment, Decrement, Add, Read, Exchange) and also
// read plainly; a request limit grown with CompareExchange; writers over the limit that spin with SpinWait and then
// block in Monitor.Wait on the queue object inside lock (queue), with the count given back before each wait and taken
// again after it; readers that lower the count and Monitor.PulseAll under the same lock. Excerpt: see README.md.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace RealCode.Logging;

public enum QueueOverflow
{
    Grow,
    Discard,
    Block,
}

public readonly struct QueuedLogEvent
{
    public QueuedLogEvent(string message) => Message = message;

    public string Message { get; }
}

public sealed class OverflowRequestQueue
{
    private readonly ConcurrentQueue<QueuedLogEvent> _logEventInfoQueue = new ConcurrentQueue<QueuedLogEvent>();
    private int _requestLimit;
    private long _count;

    public OverflowRequestQueue(int requestLimit, QueueOverflow overflowAction)
    {
        _requestLimit = requestLimit;
        OnOverflow = overflowAction;
    }

    public event Action<QueuedLogEvent>? LogEventDropped;

    public event Action<long>? LogEventQueueGrow;

    public QueueOverflow OnOverflow { get; }

    public bool IsEmpty => _logEventInfoQueue.IsEmpty && Interlocked.Read(ref _count) == 0;

    public int Count => (int)_count;

    public bool Enqueue(QueuedLogEvent logEventInfo)
    {
        var currentRequestLimit = _requestLimit;
        var currentCount = Interlocked.Increment(ref _count);
        var queueWasEmpty = currentCount == 1;
        if (currentCount > currentRequestLimit)
        {
            switch (OnOverflow)
            {
                case QueueOverflow.Discard:
                    {
                        queueWasEmpty = DequeueUntilBelowRequestLimit();
                    }

                    break;
                case QueueOverflow.Block:
                    {
                        queueWasEmpty = WaitForBelowRequestLimit();
                    }

                    break;
                case QueueOverflow.Grow:
                    {
                        Interlocked.CompareExchange(ref _requestLimit, currentRequestLimit * 2, currentRequestLimit);
                        LogEventQueueGrow?.Invoke(currentCount);
                    }

                    break;
            }
        }

        _logEventInfoQueue.Enqueue(logEventInfo);
        return queueWasEmpty;
    }

    private bool DequeueUntilBelowRequestLimit()
    {
        long currentCount;
        var queueWasEmpty = false;

        do
        {
            if (_logEventInfoQueue.TryDequeue(out var lostItem))
            {
                queueWasEmpty = Interlocked.Decrement(ref _count) == 1 || queueWasEmpty;
                LogEventDropped?.Invoke(lostItem);
                break;
            }

            currentCount = Interlocked.Read(ref _count);
            queueWasEmpty = true;
        }
        while (currentCount > _requestLimit);

        return queueWasEmpty;
    }

    private bool WaitForBelowRequestLimit()
    {
        var currentCount = TrySpinWaitForLowerCount();

        if (currentCount > _requestLimit)
        {
            lock (_logEventInfoQueue)
            {
                currentCount = Interlocked.Read(ref _count);
                while (currentCount > _requestLimit)
                {
                    Interlocked.Decrement(ref _count);
                    Monitor.Wait(_logEventInfoQueue);
                    currentCount = Interlocked.Increment(ref _count);
                }
            }
        }

        return true;
    }

    private long TrySpinWaitForLowerCount()
    {
        long currentCount = 0;
        var spinWait = new SpinWait();
        for (var i = 0; i < 15; ++i)
        {
            spinWait.SpinOnce();
            currentCount = Interlocked.Read(ref _count);
            if (currentCount <= _requestLimit)
            {
                break;
            }
        }

        return currentCount;
    }

    public QueuedLogEvent[] DequeueBatch(int count)
    {
        if (_logEventInfoQueue.IsEmpty)
        {
            return Array.Empty<QueuedLogEvent>();
        }

        if (_count < count)
        {
            count = Math.Min(count, Count);
        }

        var resultEvents = new List<QueuedLogEvent>(count);

        DequeueBatch(count, resultEvents);

        if (resultEvents.Count == 0)
        {
            return Array.Empty<QueuedLogEvent>();
        }

        return resultEvents.ToArray();
    }

    public void DequeueBatch(int count, IList<QueuedLogEvent> result)
    {
        var dequeueBatch = OnOverflow == QueueOverflow.Block;

        for (var i = 0; i < count; ++i)
        {
            if (_logEventInfoQueue.TryDequeue(out var item))
            {
                if (!dequeueBatch)
                {
                    Interlocked.Decrement(ref _count);
                }

                result.Add(item);
            }
            else
            {
                count = i;
                break;
            }
        }

        if (dequeueBatch)
        {
            lock (_logEventInfoQueue)
            {
                Interlocked.Add(ref _count, -count);
                Monitor.PulseAll(_logEventInfoQueue);
            }
        }
    }

    public void Clear()
    {
        while (!_logEventInfoQueue.IsEmpty)
        {
            _logEventInfoQueue.TryDequeue(out _);
        }

        Interlocked.Exchange(ref _count, 0);

        if (OnOverflow == QueueOverflow.Block)
        {
            lock (_logEventInfoQueue)
            {
                Monitor.PulseAll(_logEventInfoQueue);
            }
        }
    }
}

// After NLog's earlier AsyncRequestQueue-T.cs: a Queue<T> under lock (this), writers over the limit waiting with
// Monitor.Wait(this) in a loop and raising the overflow event under the lock, readers that Monitor.PulseAll(this).
public delegate void QueueOverflowHandler(QueueOverflow action, int requestLimit, int count, QueuedLogEvent logEvent);

internal sealed class LockedRequestQueue
{
    private readonly Queue<QueuedLogEvent> _logEventInfoQueue = new Queue<QueuedLogEvent>();

    public LockedRequestQueue(int requestLimit, QueueOverflow overflowAction)
    {
        RequestLimit = requestLimit;
        OnOverflow = overflowAction;
    }

    public event QueueOverflowHandler? BufferOverflowed;

    public int RequestLimit { get; set; }

    public QueueOverflow OnOverflow { get; set; }

    public int RequestCount
    {
        get
        {
            lock (this)
            {
                return _logEventInfoQueue.Count;
            }
        }
    }

    public bool Enqueue(QueuedLogEvent logEventInfo)
    {
        lock (this)
        {
            if (_logEventInfoQueue.Count >= RequestLimit)
            {
                switch (OnOverflow)
                {
                    case QueueOverflow.Discard:
                        var dequeued = _logEventInfoQueue.Dequeue();
                        BufferOverflowed?.Invoke(OnOverflow, RequestLimit, _logEventInfoQueue.Count, dequeued);
                        break;

                    case QueueOverflow.Grow:
                        BufferOverflowed?.Invoke(OnOverflow, RequestLimit, _logEventInfoQueue.Count, logEventInfo);
                        break;

                    case QueueOverflow.Block:
                        while (_logEventInfoQueue.Count >= RequestLimit)
                        {
                            BufferOverflowed?.Invoke(OnOverflow, RequestLimit, _logEventInfoQueue.Count, logEventInfo);
                            Monitor.Wait(this);
                        }

                        break;
                }
            }

            _logEventInfoQueue.Enqueue(logEventInfo);
            return _logEventInfoQueue.Count == 1;
        }
    }

    public QueuedLogEvent[] DequeueBatch(int count)
    {
        QueuedLogEvent[] resultEvents;

        lock (this)
        {
            if (_logEventInfoQueue.Count < count)
            {
                count = _logEventInfoQueue.Count;
            }

            if (count == 0)
            {
                return Array.Empty<QueuedLogEvent>();
            }

            resultEvents = new QueuedLogEvent[count];
            for (var i = 0; i < count; ++i)
            {
                resultEvents[i] = _logEventInfoQueue.Dequeue();
            }

            if (OnOverflow == QueueOverflow.Block)
            {
                Monitor.PulseAll(this);
            }
        }

        return resultEvents;
    }

    public void Clear()
    {
        lock (this)
        {
            _logEventInfoQueue.Clear();
        }
    }
}
