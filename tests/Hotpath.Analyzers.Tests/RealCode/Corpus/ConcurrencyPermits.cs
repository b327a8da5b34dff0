// Written for Hotpath's analyzer tests after dotnet/runtime
// src/libraries/System.Threading.RateLimiting/src/System/Threading/RateLimiting/ConcurrencyLimiter.cs (MIT): a permit
// count read without the lock as a fast-path hint and changed under lock (Lock) where Lock => _queue; queued requests
// completed through their TaskCompletionSource under the lock and their registrations disposed there; a cancellation
// callback whose TaskCompletionSource subclass takes the limiter's lock from a nested type; leases that give permits
// back under the same lock. Excerpt: see README.md.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Limits;

public enum PermitOrder
{
    OldestFirst,
    NewestFirst,
}

public abstract class PermitLease : IDisposable
{
    public abstract bool IsAcquired { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

public sealed class ConcurrencyPermits : IDisposable
{
    private static readonly PermitsLease SuccessfulLease = new PermitsLease(true, null, 0);
    private static readonly PermitsLease FailedLease = new PermitsLease(false, null, 0);
    private static readonly PermitsLease QueueLimitLease = new PermitsLease(false, null, 0);

    private readonly int _permitLimit;
    private readonly int _queueLimit;
    private readonly PermitOrder _order;
    private readonly LinkedList<RequestRegistration> _queue = new LinkedList<RequestRegistration>();
    private int _permitCount;
    private int _queueCount;
    private long? _idleSince = Stopwatch.GetTimestamp();
    private bool _disposed;

    public ConcurrencyPermits(int permitLimit, int queueLimit, PermitOrder order)
    {
        _permitLimit = permitLimit;
        _queueLimit = queueLimit;
        _order = order;
        _permitCount = permitLimit;
    }

    // Use the queue as the lock field so we don't need to allocate another object for a lock and have another field in the object
    private object Lock => _queue;

    public int GetAvailablePermits() => _permitCount;

    public PermitLease Acquire(int permitCount)
    {
        if (permitCount > _permitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount));
        }

        ThrowIfDisposed();

        if (permitCount == 0)
        {
            return _permitCount > 0 ? SuccessfulLease : FailedLease;
        }

        if (_permitCount >= permitCount)
        {
            lock (Lock)
            {
                if (TryLeaseUnsynchronized(permitCount, out var lease))
                {
                    return lease;
                }
            }
        }

        return FailedLease;
    }

    public ValueTask<PermitLease> AcquireAsync(int permitCount, CancellationToken cancellationToken = default)
    {
        if (permitCount > _permitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount));
        }

        if (permitCount == 0 && _permitCount > 0 && !_disposed)
        {
            return new ValueTask<PermitLease>(SuccessfulLease);
        }

        lock (Lock)
        {
            if (TryLeaseUnsynchronized(permitCount, out var lease))
            {
                return new ValueTask<PermitLease>(lease);
            }

            if (_queueLimit - _queueCount < permitCount)
            {
                if (_order == PermitOrder.NewestFirst && permitCount <= _queueLimit)
                {
                    do
                    {
                        var oldestRequest = _queue.First!.Value;
                        _queue.RemoveFirst();
                        _queueCount -= oldestRequest.Count;
                        if (!oldestRequest.Tcs.TrySetResult(FailedLease))
                        {
                            _queueCount += oldestRequest.Count;
                        }
                    }
                    while (_queueLimit - _queueCount < permitCount);
                }
                else
                {
                    return new ValueTask<PermitLease>(QueueLimitLease);
                }
            }

            var tcs = new CancelQueueState(permitCount, this, cancellationToken);
            CancellationTokenRegistration ctr = default;
            if (cancellationToken.CanBeCanceled)
            {
                ctr = cancellationToken.Register(static obj =>
                {
                    ((CancelQueueState)obj!).TrySetCanceled();
                }, tcs);
            }

            var request = new RequestRegistration(permitCount, tcs, ctr);
            _queue.AddLast(request);
            _queueCount += permitCount;

            return new ValueTask<PermitLease>(request.Tcs.Task);
        }
    }

    private bool TryLeaseUnsynchronized(int permitCount, out PermitLease lease)
    {
        ThrowIfDisposed();

        if (_permitCount >= permitCount && _permitCount != 0)
        {
            if (permitCount == 0)
            {
                lease = SuccessfulLease;
                return true;
            }

            if (_queueCount == 0 || (_queueCount > 0 && _order == PermitOrder.NewestFirst))
            {
                _idleSince = null;
                _permitCount -= permitCount;
                lease = new PermitsLease(true, this, permitCount);
                return true;
            }
        }

        lease = null!;
        return false;
    }

    private void Release(int releaseCount)
    {
        lock (Lock)
        {
            if (_disposed)
            {
                return;
            }

            _permitCount += releaseCount;

            while (_queue.Count > 0)
            {
                var nextPendingRequest = _order == PermitOrder.OldestFirst ? _queue.First!.Value : _queue.Last!.Value;

                if (_permitCount >= nextPendingRequest.Count)
                {
                    if (_order == PermitOrder.OldestFirst)
                    {
                        _queue.RemoveFirst();
                    }
                    else
                    {
                        _queue.RemoveLast();
                    }

                    _permitCount -= nextPendingRequest.Count;
                    _queueCount -= nextPendingRequest.Count;

                    var lease = nextPendingRequest.Count == 0 ? SuccessfulLease : new PermitsLease(true, this, nextPendingRequest.Count);
                    if (!nextPendingRequest.Tcs.TrySetResult(lease))
                    {
                        _permitCount += nextPendingRequest.Count;
                        _queueCount += nextPendingRequest.Count;
                    }

                    nextPendingRequest.CancellationTokenRegistration.Dispose();
                }
                else
                {
                    break;
                }
            }

            if (_permitCount == _permitLimit)
            {
                _idleSince = Stopwatch.GetTimestamp();
            }
        }
    }

    public void Dispose()
    {
        lock (Lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_queue.Count > 0)
            {
                var next = _order == PermitOrder.OldestFirst ? _queue.First!.Value : _queue.Last!.Value;
                if (_order == PermitOrder.OldestFirst)
                {
                    _queue.RemoveFirst();
                }
                else
                {
                    _queue.RemoveLast();
                }

                next.CancellationTokenRegistration.Dispose();
                next.Tcs.TrySetResult(FailedLease);
            }
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ConcurrencyPermits));
        }
    }

    private sealed class PermitsLease : PermitLease
    {
        private readonly ConcurrencyPermits? _limiter;
        private readonly int _count;
        private bool _disposed;

        public PermitsLease(bool isAcquired, ConcurrencyPermits? limiter, int count)
        {
            IsAcquired = isAcquired;
            _limiter = limiter;
            _count = count;
        }

        public override bool IsAcquired { get; }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _limiter?.Release(_count);
        }
    }

    private readonly struct RequestRegistration
    {
        public RequestRegistration(int requestedCount, TaskCompletionSource<PermitLease> tcs, CancellationTokenRegistration cancellationTokenRegistration)
        {
            Count = requestedCount;
            Tcs = tcs;
            CancellationTokenRegistration = cancellationTokenRegistration;
        }

        public int Count { get; }

        public TaskCompletionSource<PermitLease> Tcs { get; }

        public CancellationTokenRegistration CancellationTokenRegistration { get; }
    }

    private sealed class CancelQueueState : TaskCompletionSource<PermitLease>
    {
        private readonly int _permitCount;
        private readonly ConcurrencyPermits _limiter;
        private readonly CancellationToken _cancellationToken;

        public CancelQueueState(int permitCount, ConcurrencyPermits limiter, CancellationToken cancellationToken)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            _permitCount = permitCount;
            _limiter = limiter;
            _cancellationToken = cancellationToken;
        }

        public new bool TrySetCanceled()
        {
            if (TrySetCanceled(_cancellationToken))
            {
                lock (_limiter.Lock)
                {
                    _limiter._queueCount -= _permitCount;
                }

                return true;
            }

            return false;
        }
    }
}
