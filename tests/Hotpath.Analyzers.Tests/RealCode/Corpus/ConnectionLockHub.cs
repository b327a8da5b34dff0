// Written for Hotpath's analyzer tests after dotnet/aspnetcore
// src/SignalR/clients/csharp/Client.Core/src/HubConnection.cs (MIT): a binary SemaphoreSlim connection lock taken and
// given back only through helpers (WaitConnectionLockAsync returns the WaitAsync task, TryAcquireConnectionLock the
// Wait(0) probe, WaitForActiveConnectionAsync releases on failure and returns holding it, ReleaseConnectionLock), its
// callers releasing in finally, a stop path that gives it back around an await and takes it again; a lock (_lock) over
// the pending calls, a stop TaskCompletionSource made once under it, volatile and Volatile-accessed timestamps; a
// handler list locked from a ConcurrentDictionary.AddOrUpdate lambda and a cached copy of it made under its lock.
// Excerpt: see README.md.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace RealCode.Net;

public enum HubState
{
    Disconnected,
    Connecting,
    Connected,
}

public sealed class LockedHubConnection
{
    private readonly ConcurrentDictionary<string, InvocationHandlerList> _handlers = new ConcurrentDictionary<string, InvocationHandlerList>(StringComparer.Ordinal);
    private readonly ReconnectingConnectionState _state = new ReconnectingConnectionState();
    private bool _disposed;

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    public async Task StartAsyncInner(CancellationToken cancellationToken = default)
    {
        await _state.WaitConnectionLockAsync(token: cancellationToken);
        try
        {
            if (!_state.TryChangeState(HubState.Disconnected, HubState.Connecting))
            {
                throw new InvalidOperationException("The HubConnection cannot be started if it is not in the Disconnected state.");
            }

            if (_state.StopCts.Token.IsCancellationRequested)
            {
                throw new InvalidOperationException("The HubConnection cannot be started while StopAsync is running.");
            }

            _state.CurrentConnectionStateUnsynchronized = new ConnectionState(this);
            _state.ChangeState(HubState.Connecting, HubState.Connected);
        }
        catch
        {
            if (_state.TryChangeState(HubState.Connecting, HubState.Disconnected))
            {
                _state.StopCts = new CancellationTokenSource();
            }

            throw;
        }
        finally
        {
            _state.ReleaseConnectionLock();
        }
    }

    public async Task StopAsyncCore(bool disposing)
    {
        _state.StopCts.Cancel();

        await _state.WaitConnectionLockAsync(token: default);

        var reconnectTask = _state.ReconnectTask;

        if (reconnectTask.Status != TaskStatus.RanToCompletion)
        {
            _state.ReleaseConnectionLock();
            await reconnectTask;
            await _state.WaitConnectionLockAsync(token: default);
        }

        ConnectionState? connectionState;

        try
        {
            if (disposing && _disposed)
            {
                return;
            }

            connectionState = _state.CurrentConnectionStateUnsynchronized;

            if (connectionState != null)
            {
                connectionState.Stopping = true;
            }
            else
            {
                _state.StopCts = new CancellationTokenSource();
            }

            if (disposing)
            {
                _disposed = true;
            }
        }
        finally
        {
            _state.ReleaseConnectionLock();
        }

        if (connectionState != null)
        {
            await connectionState.StopAsync();
        }
    }

    public async Task<string> InvokeCoreAsyncCore(string methodName, CancellationToken cancellationToken)
    {
        async Task OnStreamCanceled(string invocationId)
        {
            await _state.WaitConnectionLockAsync(token: default);
            try
            {
                _state.CurrentConnectionStateUnsynchronized?.TryRemoveInvocation(invocationId, out _);
            }
            finally
            {
                _state.ReleaseConnectionLock();
            }
        }

        var connectionState = await _state.WaitForActiveConnectionAsync(methodName, token: cancellationToken);

        TaskCompletionSource<string> invocation;
        try
        {
            var id = connectionState.GetNextId();
            invocation = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            connectionState.AddInvocation(id, invocation);

            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(state => _ = OnStreamCanceled((string)state!), id);
            }
        }
        finally
        {
            _state.ReleaseConnectionLock();
        }

        return await invocation.Task;
    }

    public IDisposable On(string methodName, Func<object?[], Task> handler)
    {
        var invocationHandler = new InvocationHandler(handler);
        var invocationList = _handlers.AddOrUpdate(methodName, _ => new InvocationHandlerList(invocationHandler),
            (_, invocations) =>
            {
                lock (invocations)
                {
                    invocations.Add(invocationHandler);
                }

                return invocations;
            });

        return new Subscription(invocationHandler, invocationList);
    }

    private sealed class Subscription : IDisposable
    {
        private readonly InvocationHandler _handler;
        private readonly InvocationHandlerList _handlerList;

        public Subscription(InvocationHandler handler, InvocationHandlerList handlerList)
        {
            _handler = handler;
            _handlerList = handlerList;
        }

        public void Dispose()
        {
            _handlerList.Remove(_handler);
        }
    }

    private sealed class InvocationHandlerList
    {
        private readonly List<InvocationHandler> _invocationHandlers;
        private InvocationHandler[]? _copiedHandlers;

        internal InvocationHandlerList(InvocationHandler handler)
        {
            _invocationHandlers = new List<InvocationHandler>() { handler };
        }

        internal InvocationHandler[] GetHandlers()
        {
            var handlers = _copiedHandlers;
            if (handlers == null)
            {
                lock (_invocationHandlers)
                {
                    if (_copiedHandlers == null)
                    {
                        _copiedHandlers = _invocationHandlers.ToArray();
                    }

                    handlers = _copiedHandlers;
                }
            }

            return handlers;
        }

        internal void Add(InvocationHandler handler)
        {
            lock (_invocationHandlers)
            {
                _invocationHandlers.Add(handler);
                _copiedHandlers = null;
            }
        }

        internal void Remove(InvocationHandler handler)
        {
            lock (_invocationHandlers)
            {
                if (_invocationHandlers.Remove(handler))
                {
                    _copiedHandlers = null;
                }
            }
        }
    }

    private readonly struct InvocationHandler : IEquatable<InvocationHandler>
    {
        private readonly Func<object?[], Task> _callback;

        public InvocationHandler(Func<object?[], Task> callback) => _callback = callback;

        public Task InvokeAsync(object?[] parameters) => _callback(parameters);

        public bool Equals(InvocationHandler other) => ReferenceEquals(_callback, other._callback);

        public override bool Equals(object? obj) => obj is InvocationHandler other && Equals(other);

        public override int GetHashCode() => _callback.GetHashCode();
    }

    private sealed class ConnectionState
    {
        private readonly LockedHubConnection _hubConnection;
        private readonly object _lock = new object();
        private readonly Dictionary<string, TaskCompletionSource<string>> _pendingCalls = new Dictionary<string, TaskCompletionSource<string>>(StringComparer.Ordinal);
        private TaskCompletionSource<object?>? _stopTcs;
        private volatile bool _stopping;
        private int _nextInvocationId;
        private long _nextActivationSendPing;

        public ConnectionState(LockedHubConnection hubConnection) => _hubConnection = hubConnection;

        public Task? ReceiveTask { get; set; }

        public bool Stopping
        {
            get => _stopping;
            set => _stopping = value;
        }

        public string GetNextId() => (++_nextInvocationId).ToString(CultureInfo.InvariantCulture);

        public void AddInvocation(string invocationId, TaskCompletionSource<string> irq)
        {
            lock (_lock)
            {
                if (_pendingCalls.ContainsKey(invocationId))
                {
                    throw new InvalidOperationException($"Invocation ID '{invocationId}' is already in use.");
                }
                else
                {
                    _pendingCalls.Add(invocationId, irq);
                }
            }
        }

        public bool TryRemoveInvocation(string invocationId, out TaskCompletionSource<string>? irq)
        {
            lock (_lock)
            {
                if (_pendingCalls.TryGetValue(invocationId, out irq))
                {
                    _pendingCalls.Remove(invocationId);
                    return true;
                }
                else
                {
                    return false;
                }
            }
        }

        public Task StopAsync()
        {
            lock (_lock)
            {
                if (_stopTcs != null)
                {
                    return _stopTcs.Task;
                }
                else
                {
                    _stopTcs = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    return StopAsyncCore();
                }
            }
        }

        private async Task StopAsyncCore()
        {
            await (ReceiveTask ?? Task.CompletedTask);
            _stopTcs!.TrySetResult(null);
        }

        public void ResetSendPing()
        {
            Volatile.Write(ref _nextActivationSendPing, (DateTime.UtcNow + _hubConnection.KeepAliveInterval).Ticks);
        }

        internal async Task RunTimerActions()
        {
            if (DateTime.UtcNow.Ticks > Volatile.Read(ref _nextActivationSendPing) && !Stopping)
            {
                if (!_hubConnection._state.TryAcquireConnectionLock())
                {
                    return;
                }

                try
                {
                    if (_hubConnection._state.CurrentConnectionStateUnsynchronized != null)
                    {
                        await Task.Yield();
                        ResetSendPing();
                    }
                }
                finally
                {
                    _hubConnection._state.ReleaseConnectionLock();
                }
            }
        }
    }

    private sealed class ReconnectingConnectionState
    {
        // This lock protects the connection state.
        private readonly SemaphoreSlim _connectionLock = new SemaphoreSlim(1, 1);

        public ConnectionState? CurrentConnectionStateUnsynchronized { get; set; }

        public HubState OverallState { get; private set; }

        public CancellationTokenSource StopCts { get; set; } = new CancellationTokenSource();

        public Task ReconnectTask { get; set; } = Task.CompletedTask;

        public void ChangeState(HubState expectedState, HubState newState)
        {
            if (!TryChangeState(expectedState, newState))
            {
                throw new InvalidOperationException($"The HubConnection failed to transition from the '{expectedState}' state to the '{newState}' state because it was actually in the '{OverallState}' state.");
            }
        }

        public bool TryChangeState(HubState expectedState, HubState newState)
        {
            if (OverallState != expectedState)
            {
                return false;
            }

            OverallState = newState;
            return true;
        }

        public Task WaitConnectionLockAsync(CancellationToken token, [CallerMemberName] string? memberName = null)
        {
            return _connectionLock.WaitAsync(token);
        }

        public bool TryAcquireConnectionLock()
        {
            return _connectionLock.Wait(0);
        }

        // Don't call this method in a try/finally that releases the lock since we're also potentially releasing the connection lock here.
        public async Task<ConnectionState> WaitForActiveConnectionAsync(string methodName, CancellationToken token, [CallerMemberName] string? memberName = null)
        {
            await WaitConnectionLockAsync(token, methodName);

            if (CurrentConnectionStateUnsynchronized == null || CurrentConnectionStateUnsynchronized.Stopping)
            {
                ReleaseConnectionLock(methodName);
                throw new InvalidOperationException($"The '{methodName}' method cannot be called if the connection is not active");
            }

            return CurrentConnectionStateUnsynchronized;
        }

        public void ReleaseConnectionLock([CallerMemberName] string? memberName = null)
        {
            _connectionLock.Release();
        }
    }
}
