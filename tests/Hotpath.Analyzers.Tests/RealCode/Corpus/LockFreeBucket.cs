// Written for Hotpath's analyzer tests after the idioms of App-vNext/Polly
// src/Polly/RateLimit/LockFreeTokenBucketRateLimiter.cs (BSD-3-Clause): a token bucket with no lock at all, taking a
// token with Interlocked.Decrement and refilling through one CompareExchange race on the next refill time, a SpinWait
// kept in a field, argument checks that format their messages only when they throw, and a (bool, TimeSpan) tuple
// result. Not a copy: see README.md.
using System;
using System.Threading;

namespace RealCode.Limits;

internal sealed class LockFreeBucket
{
    private readonly long _interval;
    private readonly long _capacity;
    private long _tokens;
    private long _nextRefill;
    private SpinWait _spinner;

    public LockFreeBucket(TimeSpan onePer, long capacity)
    {
        if (onePer <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(onePer), onePer, $"{nameof(LockFreeBucket)} needs a positive interval.");
        }

        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"{nameof(capacity)} must be at least 1.");
        }

        _interval = onePer.Ticks;
        _capacity = capacity;
        _tokens = capacity;
        _nextRefill = DateTime.UtcNow.Ticks + _interval;
    }

    public (bool Permitted, TimeSpan RetryAfter) TryTake()
    {
        while (true)
        {
            if (Interlocked.Decrement(ref _tokens) >= 0)
            {
                return (true, TimeSpan.Zero);
            }

            var now = DateTime.UtcNow.Ticks;
            var due = Interlocked.Read(ref _nextRefill);
            if (due > now)
            {
                return (false, TimeSpan.FromTicks(due - now));
            }

            var missed = Math.Min(_capacity, 1 + ((now - due) / _interval));
            var next = Math.Max(due + (missed * _interval), now + _interval);
            if (Interlocked.CompareExchange(ref _nextRefill, next, due) == due)
            {
                Interlocked.Exchange(ref _tokens, missed - 1);
                return (true, TimeSpan.Zero);
            }

            _spinner.SpinOnce();
        }
    }
}
