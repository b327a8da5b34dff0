namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>The "never reported" cases, checked against every HOT2xx rule at once.</summary>
public sealed class NeverReportedTests
{
    [Fact]
    public Task Lock_on_a_private_readonly_object_or_Lock_field() => LockVerifier.VerifyAllRulesAsync("""
        using System.Threading;
        public sealed class Store
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private static readonly object s_gate = new();
            private static readonly Lock s_lock = new();
            private int _a, _b;
            public void A() { lock (_gate) { _a++; _b++; } }
            public void B() { lock (_lock) { _a++; _b++; } }
            public static void C(Store s) { lock (s_gate) { s._a++; s._b++; } lock (s_lock) { s._a--; s._b--; } }
        }
        """);

    [Fact]
    public Task Correct_Monitor_Enter_and_TryEnter_patterns() => LockVerifier.VerifyAllRulesAsync("""
        using System.Threading;
        public sealed class Store
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { var lockTaken = false; try { Monitor.Enter(_gate, ref lockTaken); _n++; } finally { if (lockTaken) Monitor.Exit(_gate); } }
            public bool B() { var lockTaken = false; try { Monitor.TryEnter(_gate, 50, ref lockTaken); if (!lockTaken) return false; _n++; return true; } finally { if (lockTaken) { Monitor.Exit(_gate); } } }
            public bool C() { if (!Monitor.TryEnter(_gate)) return false; try { _n++; return true; } finally { Monitor.Exit(_gate); } }
            public void D() { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_WaitAsync_zero_try_acquire() => LockVerifier.VerifyAllRulesAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        public sealed class Store
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n;
            public async Task<bool> TryFlushAsync()
            {
                if (!await _semaphore.WaitAsync(0)) return false;
                _n++;
                _semaphore.Release();
                return true;
            }
        }
        """);

    [Fact]
    public Task Releasers_returned_as_a_disposable_scope() => LockVerifier.VerifyAllRulesAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        public sealed class AsyncLock
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            public async ValueTask<Releaser> AcquireAsync(CancellationToken cancellationToken)
            {
                await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new Releaser(this);
            }

            public readonly struct Releaser : IDisposable
            {
                private readonly AsyncLock _owner;
                internal Releaser(AsyncLock owner) => _owner = owner;
                public void Dispose() => _owner._semaphore.Release();
            }
        }
        public static class User
        {
            public static async Task RunAsync(AsyncLock gate)
            {
                using (await gate.AcquireAsync(CancellationToken.None)) { await Task.Yield(); }
            }
        }
        """);

    [Fact]
    public Task A_lock_in_an_async_method_without_await_or_blocking_inside() => LockVerifier.VerifyAllRulesAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        public sealed class Store
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private int _a, _b;
            public async Task<int> UpdateAsync(Task<int> source)
            {
                var value = await source.ConfigureAwait(false);
                lock (_gate) { _a += value; _b = _a; }
                using (_lock.EnterScope()) { _b++; _a--; }
                await Task.Delay(1).ConfigureAwait(false);
                return value;
            }
        }
        """);
}
