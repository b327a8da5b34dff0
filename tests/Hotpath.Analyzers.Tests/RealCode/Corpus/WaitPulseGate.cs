// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Threading/SemaphoreSlim.cs and ManualResetEventSlim.cs (MIT): a
// Monitor.Enter(ref taken) inside an empty try's finally released by an outer finally, Monitor.Wait/Pulse under the
// lock, a lock object made on first need with Interlocked.CompareExchange from null, a lazily made event locked on
// itself, cached Task<bool> results. Not a copy: see README.md.
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Threading;

public sealed class CountGate
{
    private readonly StrongBox<bool> _gate = new();
    private volatile int _count;
    private int _waiters;
    private int _pulsed;

    public CountGate(int count) => _count = count;

    public bool Wait(int timeout)
    {
        var taken = false;
        try
        {
            // Entered where a thread abort could not split the enter from the count (the BCL's shape).
            try { }
            finally
            {
                Monitor.Enter(_gate, ref taken);
                if (taken)
                {
                    _waiters++;
                }
            }

            while (_count == 0)
            {
                if (!Monitor.Wait(_gate, timeout))
                {
                    return false;
                }

                if (_pulsed > 0)
                {
                    _pulsed--;
                }
            }

            _count--;
            return true;
        }
        finally
        {
            if (taken)
            {
                _waiters--;
                Monitor.Exit(_gate);
            }
        }
    }

    public Task<bool> TryTakeAsync()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                _count--;
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _count++;
            if (_waiters > _pulsed)
            {
                _pulsed++;
                Monitor.Pulse(_gate);
            }
        }
    }
}

public sealed class SlimEvent
{
    private volatile object? _lock;
    private volatile ManualResetEvent? _event;
    private volatile bool _set;
    private int _waiters;

    public WaitHandle Handle
    {
        get
        {
            if (_event is null)
            {
                var made = new ManualResetEvent(_set);
                if (Interlocked.CompareExchange(ref _event, made, null) is not null)
                {
                    made.Dispose();
                }
            }

            return _event!;
        }
    }

    private void EnsureLock()
    {
        if (_lock is null)
        {
            Interlocked.CompareExchange(ref _lock, new object(), null);
        }
    }

    public void Set()
    {
        _set = true;
        if (Volatile.Read(ref _waiters) > 0)
        {
            lock (_lock!)
            {
                Monitor.PulseAll(_lock!);
            }
        }

        var handle = _event;
        if (handle is not null)
        {
            lock (handle)
            {
                handle.Set();
            }
        }
    }

    public bool Wait(int timeout)
    {
        if (_set)
        {
            return true;
        }

        EnsureLock();
        lock (_lock!)
        {
            while (!_set)
            {
                _waiters++;
                try
                {
                    if (!Monitor.Wait(_lock!, timeout))
                    {
                        return false;
                    }
                }
                finally
                {
                    _waiters--;
                }
            }
        }

        return true;
    }
}
