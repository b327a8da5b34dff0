// Written for Hotpath's analyzer tests after the idioms of dotnet/orleans src/Orleans.Runtime/Catalog/ActivationData.cs
// (MIT): an activation that documents "lock this object for any concurrent access" and does so from every member,
// rarely used state kept in an extras object made under that lock on first write, and a lifecycle made once with a
// lock-free fast path over a plain field and `??=` under the lock. Not a copy: see README.md.
using System;
using System.Collections.Generic;

namespace RealCode.Runtime;

public interface IActivator
{
    object Create(object context);
}

internal sealed class Lifecycle
{
}

internal sealed class ActivationExtras
{
    public object? ForwardingAddress;
}

/// <summary>Lock this object for any concurrent access.</summary>
internal sealed class Activation
{
    private readonly List<object> _waiting = new();
    private readonly Dictionary<object, long> _running = new();
    private Lifecycle? _lifecycle;
    private ActivationExtras? _extras;

    public object? Instance { get; private set; }

    public void Start(IActivator activator)
    {
        lock (this)
        {
            Instance ??= activator.Create(this);
        }
    }

    public Lifecycle Lifecycle
    {
        get
        {
            if (_lifecycle is { } lifecycle)
            {
                return lifecycle;
            }

            lock (this)
            {
                return _lifecycle ??= new Lifecycle();
            }
        }
    }

    public object? ForwardingAddress
    {
        get => _extras?.ForwardingAddress;
        set
        {
            lock (this)
            {
                _extras ??= new ActivationExtras();
                _extras.ForwardingAddress = value;
            }
        }
    }

    public int RequestCount()
    {
        lock (this)
        {
            return _running.Count + _waiting.Count;
        }
    }

    public List<object> DequeueAllWaiting()
    {
        lock (this)
        {
            var result = new List<object>(_waiting);
            _waiting.Clear();
            return result;
        }
    }
}
