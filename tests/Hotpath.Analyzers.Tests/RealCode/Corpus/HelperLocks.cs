// Written for Hotpath's analyzer tests after the idioms of dotnet/runtime src/libraries/System.Private.CoreLib/src/System/Lazy.cs
// and src/libraries/Microsoft.Extensions.Caching.Memory/src/CacheEntry.cs (MIT): a lazy value whose state object
// doubles as its lock, handed to a private method that locks it, and a private nested token list that locks itself
// while it registers and disposes change callbacks. Not a copy: see README.md.
using System;
using System.Collections.Generic;

namespace RealCode.Threading;

public sealed class LazyValue<T>
{
    private volatile State? _state;
    private Func<T>? _factory;
    private T _value = default!;

    public LazyValue(Func<T> factory)
    {
        _factory = factory;
        _state = new State();
    }

    public T Value => _state is null ? _value : Create();

    private T Create()
    {
        if (_state is { } state)
        {
            Publish(state);
        }

        return _value;
    }

    private void Publish(State state)
    {
        lock (state)
        {
            if (ReferenceEquals(_state, state))
            {
                var factory = _factory ?? throw new InvalidOperationException("The factory ran into itself.");
                _factory = null;
                _value = factory();
                _state = null;
            }
        }
    }

    private sealed class State
    {
    }
}

public sealed class ExpiringEntry
{
    private Tokens? _tokens;

    public void Watch(IObservable<object?> change) => (_tokens ??= new Tokens()).Attach(change);

    public void Forget() => _tokens?.Detach();

    private sealed class Tokens : IObserver<object?>
    {
        private List<IDisposable>? _subscriptions;

        internal void Attach(IObservable<object?> change)
        {
            lock (this)
            {
                _subscriptions ??= new List<IDisposable>(1);
                _subscriptions.Add(change.Subscribe(this));
            }
        }

        internal void Detach()
        {
            lock (this)
            {
                var subscriptions = _subscriptions;
                _subscriptions = null;
                if (subscriptions is not null)
                {
                    foreach (var subscription in subscriptions)
                    {
                        subscription.Dispose();
                    }
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(object? value)
        {
        }
    }
}
