// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime
// src/libraries/System.Collections.Concurrent/src/System/Collections/Concurrent/BlockingCollection.cs and
// src/libraries/System.Threading.RateLimiting/src/System/Threading/RateLimiting/TokenBucketRateLimiter.cs (MIT): two
// counting semaphores, each waited by one side, given back by it only when its add or take fails and released by the
// other side on success; a rate limiter locking a private property over its readonly queue, queuing a
// TaskCompletionSource with a static cancellation callback and disposing registrations under its lock. Not a copy:
// see README.md.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Collections;

public sealed class BoundedBuffer<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _free;
    private readonly SemaphoreSlim _occupied = new(0);

    public BoundedBuffer(int capacity) => _free = new SemaphoreSlim(capacity);

    public bool TryAdd(T item, int timeout, CancellationToken cancellationToken)
    {
        if (!_free.Wait(timeout, cancellationToken))
        {
            return false;
        }

        try
        {
            _items.Enqueue(item);
        }
        catch
        {
            _free.Release();
            throw;
        }

        _occupied.Release();
        return true;
    }

    public bool TryTake(out T item, int timeout, CancellationToken cancellationToken)
    {
        item = default!;
        if (!_occupied.Wait(timeout, cancellationToken))
        {
            return false;
        }

        var taken = false;
        try
        {
            taken = _items.TryDequeue(out item!);
        }
        finally
        {
            if (taken)
            {
                _free.Release();
            }
            else
            {
                _occupied.Release();
            }
        }

        return taken;
    }
}

public sealed class TokenBucket
{
    private readonly Queue<Waiter> _queue = new();
    private readonly int _limit;
    private int _tokens;

    public TokenBucket(int limit) => _limit = _tokens = limit;

    private object Lock => _queue;

    public ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        lock (Lock)
        {
            if (_tokens > 0 && _queue.Count == 0)
            {
                _tokens--;
                return new ValueTask<bool>(true);
            }

            var completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var registration = cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetException(new OperationCanceledException()), completion);
            _queue.Enqueue(new Waiter(completion, registration));
            return new ValueTask<bool>(completion.Task);
        }
    }

    public void Replenish()
    {
        lock (Lock)
        {
            _tokens = Math.Min(_limit, _tokens + 1);
            while (_tokens > 0 && _queue.Count > 0)
            {
                var next = _queue.Dequeue();
                if (next.Completion.TrySetResult(true))
                {
                    _tokens--;
                }

                next.Registration.Dispose();
            }
        }
    }

    private readonly struct Waiter
    {
        public Waiter(TaskCompletionSource<bool> completion, CancellationTokenRegistration registration)
        {
            Completion = completion;
            Registration = registration;
        }

        public TaskCompletionSource<bool> Completion { get; }

        public CancellationTokenRegistration Registration { get; }
    }
}
