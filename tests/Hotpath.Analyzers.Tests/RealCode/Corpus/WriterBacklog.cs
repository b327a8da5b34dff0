// Written for Hotpath's analyzer tests after the idioms of StackExchange/StackExchange.Redis
// src/StackExchange.Redis/PhysicalBridge.cs and ConnectionMultiplexer.cs (MIT): a single-writer SemaphoreSlim(1, 1)
// tried at once, then waited with a timeout inside the try whose finally releases only if the wait's result says so;
// a backlog queue locked only to peek-and-dequeue timed-out items; a dedicated backlog thread; a synchronous call
// that writes while holding its pooled result box's monitor and Monitor.Waits on it for the reply. Not a copy: see
// README.md.
using System;
using System.Collections.Concurrent;
using System.Threading;

namespace RealCode.Net;

internal sealed class Request
{
    public readonly int Start = Environment.TickCount;

    public bool TimedOut(int now, int timeout) => unchecked(now - Start) >= timeout;
}

internal sealed class ReplyBox
{
    [ThreadStatic]
    private static ReplyBox? t_spare;

    public object? Value;

    public static ReplyBox Rent()
    {
        var box = t_spare ?? new ReplyBox();
        t_spare = null;
        return box;
    }

    public void Complete(object? value)
    {
        lock (this)
        {
            Value = value;
            Monitor.PulseAll(this);
        }
    }
}

internal sealed class Connection
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentQueue<Request> _backlog = new();
    private readonly AutoResetEvent _backlogSignal = new(false);
    private readonly int _timeout = 5000;
    private int _backlogRunning;

    public bool Write(Request request)
    {
        var gotLock = false;
        try
        {
            gotLock = _writer.Wait(0);
            if (!gotLock)
            {
                _backlog.Enqueue(request);
                StartBacklog();
                gotLock = _writer.Wait(_timeout);
                if (!gotLock)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (gotLock)
            {
                _writer.Release();
            }
        }
    }

    private void StartBacklog()
    {
        if (Interlocked.CompareExchange(ref _backlogRunning, 1, 0) == 0)
        {
            var thread = new Thread(state => ((Connection)state!).RunBacklog()) { IsBackground = true };
            thread.Start(this);
        }
        else
        {
            _backlogSignal.Set();
        }
    }

    private void RunBacklog()
    {
        while (_backlogSignal.WaitOne(_timeout) || !_backlog.IsEmpty)
        {
            DropTimedOut();
        }
    }

    private void DropTimedOut()
    {
        var now = Environment.TickCount;
        while (_backlog.TryPeek(out var request) && request.TimedOut(now, _timeout))
        {
            lock (_backlog)
            {
                if (!_backlog.TryPeek(out request) || !request.TimedOut(now, _timeout))
                {
                    break;
                }

                _backlog.TryDequeue(out _);
            }
        }
    }
}

public sealed class Client
{
    private readonly Connection _connection = new();
    private int _timeouts;

    public object? Execute()
    {
        var box = ReplyBox.Rent();
        var timedOut = false;
        lock (box)
        {
            if (!_connection.Write(new Request()))
            {
                throw new InvalidOperationException("No connection is available.");
            }

            if (!Monitor.Wait(box, 5000))
            {
                timedOut = true;
            }
        }

        if (timedOut)
        {
            Interlocked.Increment(ref _timeouts);
            throw new TimeoutException();
        }

        return box.Value;
    }
}
