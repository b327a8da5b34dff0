// Written for Hotpath's analyzer tests after npgsql/npgsql src/Npgsql/PoolingDataSource.cs (PostgreSQL licence):
// volatile counters changed with Interlocked (a compare-exchange loop reserving a slot below the maximum, undone in a
// catch), connectors published into a slot array with Interlocked.CompareExchange on its elements, idle connectors
// handed over through an unbounded channel (nulls wake waiters), a synchronous wait on a ManualResetEventSlim set by an
// awaiter callback, a clearing flag taken with CompareExchange and reset in finally, and a pruning timer whose state
// is guarded by lock (_pruningTimer) in an instance method and in its static callback. Excerpt: see README.md.
#pragma warning disable CS0420 // Npgsql passes its volatile counters to Interlocked by ref
using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace RealCode.Data;

public sealed class PooledConnector
{
    public PooledConnector(int clearCounter) => ClearCounter = clearCounter;

    public int ClearCounter { get; }

    public bool IsBroken { get; set; }

    public DateTime OpenTimestamp { get; private set; }

    public Task Open(TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        OpenTimestamp = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public void Close() => IsBroken = true;
}

public sealed class IdleConnectorPool
{
    private static readonly TimerCallback PruningTimerCallback = PruneIdleConnectors;

    private readonly int _max;
    private readonly int _min;
    private readonly TimeSpan _connectionLifetime;
    private volatile int _numConnectors;
    private volatile int _idleCount;
    private readonly PooledConnector?[] _connectors;
    private readonly ChannelReader<PooledConnector?> _idleConnectorReader;
    private volatile int _clearCounter;
    private readonly Timer _pruningTimer;
    private readonly TimeSpan _pruningSamplingInterval;
    private readonly int _pruningSampleSize;
    private readonly int[] _pruningSamples;
    private readonly int _pruningMedianIndex;
    private volatile bool _pruningTimerEnabled;
    private int _pruningSampleIndex;
    private volatile int _isClearing;

    public IdleConnectorPool(int min, int max, int idleLifetimeSeconds, int pruningIntervalSeconds, int lifetimeSeconds)
    {
        var idleChannel = Channel.CreateUnbounded<PooledConnector?>();
        _idleConnectorReader = idleChannel.Reader;
        IdleConnectorWriter = idleChannel.Writer;

        _max = max;
        _min = min;

        _pruningTimer = new Timer(PruningTimerCallback, this, Timeout.Infinite, Timeout.Infinite);
        _pruningSampleSize = DivideRoundingUp(idleLifetimeSeconds, pruningIntervalSeconds);
        _pruningMedianIndex = DivideRoundingUp(_pruningSampleSize, 2) - 1;
        _pruningSamplingInterval = TimeSpan.FromSeconds(pruningIntervalSeconds);
        _pruningSamples = new int[_pruningSampleSize];
        _pruningTimerEnabled = false;

        _connectionLifetime = TimeSpan.FromSeconds(lifetimeSeconds);
        _connectors = new PooledConnector[_max];
    }

    public ChannelWriter<PooledConnector?> IdleConnectorWriter { get; }

    public (int Total, int Idle, int Busy) Statistics
    {
        get
        {
            var numConnectors = _numConnectors;
            var idleCount = _idleCount;
            return (numConnectors, idleCount, numConnectors - idleCount);
        }
    }

    public ValueTask<PooledConnector> Get(TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        return TryGetIdleConnector(out var connector)
            ? new ValueTask<PooledConnector>(connector)
            : RentAsync(timeout, async, cancellationToken);

        async ValueTask<PooledConnector> RentAsync(TimeSpan timeout, bool async, CancellationToken cancellationToken)
        {
            var connector = await OpenNewConnector(timeout, async, cancellationToken);
            if (connector != null)
            {
                return connector;
            }

            using var linkedSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var finalToken = linkedSource.Token;
            linkedSource.CancelAfter(timeout);

            while (true)
            {
                try
                {
                    if (async)
                    {
                        connector = await _idleConnectorReader.ReadAsync(finalToken);
                        if (CheckIdleConnector(connector))
                        {
                            return connector;
                        }
                    }
                    else
                    {
                        using (var mre = new ManualResetEventSlim())
                        {
                            _idleConnectorReader.WaitToReadAsync(finalToken).GetAwaiter().OnCompleted(() => mre.Set());
                            mre.Wait(finalToken);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new TimeoutException($"The connection pool has been exhausted, either raise 'Max Pool Size' (currently {_max}) or 'Timeout'.");
                }
                catch (ChannelClosedException)
                {
                    throw new InvalidOperationException("The connection pool has been shut down.");
                }

                if (TryGetIdleConnector(out connector))
                {
                    return connector;
                }

                connector = await OpenNewConnector(timeout, async, cancellationToken);
                if (connector != null)
                {
                    return connector;
                }
            }
        }
    }

    public bool TryGetIdleConnector(out PooledConnector connector)
    {
        while (_idleConnectorReader.TryRead(out var nullableConnector))
        {
            if (CheckIdleConnector(nullableConnector))
            {
                connector = nullableConnector;
                return true;
            }
        }

        connector = null!;
        return false;
    }

    private bool CheckIdleConnector(PooledConnector? connector)
    {
        if (connector is null)
        {
            return false;
        }

        Interlocked.Decrement(ref _idleCount);

        if (connector.IsBroken)
        {
            CloseConnector(connector);
            return false;
        }

        if (_connectionLifetime != TimeSpan.Zero && DateTime.UtcNow > connector.OpenTimestamp + _connectionLifetime)
        {
            CloseConnector(connector);
            return false;
        }

        return true;
    }

    public async ValueTask<PooledConnector?> OpenNewConnector(TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        for (var numConnectors = _numConnectors; numConnectors < _max; numConnectors = _numConnectors)
        {
            if (Interlocked.CompareExchange(ref _numConnectors, numConnectors + 1, numConnectors) != numConnectors)
            {
                continue;
            }

            try
            {
                var connector = new PooledConnector(_clearCounter);
                await connector.Open(timeout, async, cancellationToken);

                var i = 0;
                for (; i < _max; i++)
                {
                    if (Interlocked.CompareExchange(ref _connectors[i], connector, null) == null)
                    {
                        break;
                    }
                }

                if (i == _max)
                {
                    throw new InvalidOperationException($"Could not find free slot in {_connectors} when opening. Please report a bug.");
                }

                if (numConnectors >= _min)
                {
                    UpdatePruningTimer();
                }

                return connector;
            }
            catch
            {
                Interlocked.Decrement(ref _numConnectors);
                IdleConnectorWriter.TryWrite(null);
                UpdatePruningTimer();
                throw;
            }
        }

        return null;
    }

    public void Return(PooledConnector connector)
    {
        if (connector.ClearCounter != _clearCounter || connector.IsBroken)
        {
            CloseConnector(connector);
            return;
        }

        Interlocked.Increment(ref _idleCount);
        IdleConnectorWriter.TryWrite(connector);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _clearCounter);

        if (Interlocked.CompareExchange(ref _isClearing, 1, 0) == 1)
        {
            return;
        }

        try
        {
            var count = _idleCount;
            while (count > 0 && _idleConnectorReader.TryRead(out var connector))
            {
                if (CheckIdleConnector(connector))
                {
                    CloseConnector(connector!);
                    count--;
                }
            }
        }
        finally
        {
            _isClearing = 0;
        }
    }

    private void CloseConnector(PooledConnector connector)
    {
        try
        {
            connector.Close();
        }
        catch (Exception)
        {
        }

        var i = 0;
        for (; i < _max; i++)
        {
            if (Interlocked.CompareExchange(ref _connectors[i], null, connector) == connector)
            {
                break;
            }
        }

        if (i == _max)
        {
            throw new InvalidOperationException($"Could not find free slot in {_connectors} when closing. Please report a bug.");
        }

        var numConnectors = Interlocked.Decrement(ref _numConnectors);

        IdleConnectorWriter.TryWrite(null);

        if (numConnectors == _min)
        {
            UpdatePruningTimer();
        }
    }

    private void UpdatePruningTimer()
    {
        lock (_pruningTimer)
        {
            var numConnectors = _numConnectors;
            if (numConnectors > _min && !_pruningTimerEnabled)
            {
                _pruningTimerEnabled = true;
                _pruningTimer.Change(_pruningSamplingInterval, Timeout.InfiniteTimeSpan);
            }
            else if (numConnectors <= _min && _pruningTimerEnabled)
            {
                _pruningTimer.Change(Timeout.Infinite, Timeout.Infinite);
                _pruningSampleIndex = 0;
                _pruningTimerEnabled = false;
            }
        }
    }

    private static void PruneIdleConnectors(object? state)
    {
        var pool = (IdleConnectorPool)state!;
        var samples = pool._pruningSamples;
        int toPrune;
        lock (pool._pruningTimer)
        {
            if (!pool._pruningTimerEnabled)
            {
                return;
            }

            var sampleIndex = pool._pruningSampleIndex;
            samples[sampleIndex] = pool._idleCount;
            if (sampleIndex != pool._pruningSampleSize - 1)
            {
                pool._pruningSampleIndex = sampleIndex + 1;
                pool._pruningTimer.Change(pool._pruningSamplingInterval, Timeout.InfiniteTimeSpan);
                return;
            }

            Array.Sort(samples);
            toPrune = samples[pool._pruningMedianIndex];
            pool._pruningSampleIndex = 0;
            pool._pruningTimer.Change(pool._pruningSamplingInterval, Timeout.InfiniteTimeSpan);
        }

        while (toPrune > 0 &&
               pool._numConnectors > pool._min &&
               pool._idleConnectorReader.TryRead(out var connector) &&
               connector != null)
        {
            if (pool.CheckIdleConnector(connector))
            {
                pool.CloseConnector(connector);
                toPrune--;
            }
        }
    }

    private static int DivideRoundingUp(int value, int divisor) => 1 + (value - 1) / divisor;
}
