namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT204: a lock acquired without a guaranteed release.</summary>
public sealed class UnguardedLockReleaseTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public Task Monitor_Enter_without_try_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { {|HOT204:Monitor.Enter(_gate)|}; _n++; Monitor.Exit(_gate); }
            public void B() { {|HOT204:Monitor.Enter(_gate)|}; _n++; try { } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    [Fact]
    public Task Monitor_TryEnter_without_try_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { if ({|HOT204:Monitor.TryEnter(_gate)|}) { _n++; Monitor.Exit(_gate); } }
            public void B() { if (!{|HOT204:Monitor.TryEnter(_gate, 100)|}) return; _n++; Monitor.Exit(_gate); }
        }
        """, "HOT204");

    [Fact]
    public Task LockTaken_ignored_by_the_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { var taken = false; try { {|HOT204:Monitor.Enter(_gate, ref taken)|}; _n++; } finally { Monitor.Exit(_gate); } }
            public void B() { var taken = false; try { {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    [Fact]
    public Task TryEnter_result_ignored_inside_the_try() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void A() { try { if (!{|HOT204:Monitor.TryEnter(_gate)|}) return; _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    [Fact]
    public Task Semaphore_release_not_in_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n;
            public void A() { {|HOT204:_semaphore.Wait()|}; _n++; _semaphore.Release(); }
            public async Task B(CancellationToken ct) { await {|HOT204:_semaphore.WaitAsync(ct)|}; _n++; _semaphore.Release(); }
            public async Task D() { await {|HOT204:_semaphore.WaitAsync()|}; await Task.Yield(); }
        }
        """, "HOT204");

    /// <summary>A counting signal (a bounded queue): waited in one method, released in another; not a critical section.</summary>
    [Fact]
    public Task Semaphore_used_as_a_counting_signal_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections.Concurrent;
        public sealed class BoundedQueue<T>
        {
            private readonly ConcurrentQueue<T> _queue = new();
            private readonly SemaphoreSlim _signal = new(0);
            private readonly SemaphoreSlim _slots;
            public BoundedQueue(int capacity) => _slots = new SemaphoreSlim(capacity, capacity);
            public void Enqueue(T item) { _slots.Wait(); _queue.Enqueue(item); _signal.Release(); }
            public async ValueTask<T> DequeueAsync(CancellationToken ct) { await _signal.WaitAsync(ct).ConfigureAwait(false); _queue.TryDequeue(out var item); _slots.Release(); return item!; }
            public T Take() { _signal.Wait(); _queue.TryDequeue(out var item); return item!; }
            public bool TryTake(out T item, int timeout) { item = default!; return _signal.Wait(timeout) && _queue.TryDequeue(out item); }
        }
        """, "HOT204");

    /// <summary>
    /// BlockingCollection's pair of counting semaphores: each method waits on one and gives its permit back itself only
    /// when the add or take fails; on success the other method, which never waits on it, releases it. That other
    /// releaser makes it a signal, as in the bounded queue above.
    /// </summary>
    [Fact]
    public Task Semaphore_given_back_on_failure_and_released_by_another_member_is_a_counting_signal() => LockVerifier.VerifyAsync(Usings + """
        using System.Collections.Concurrent;
        public sealed class Blocking<T>
        {
            private readonly ConcurrentQueue<T> _queue = new();
            private readonly SemaphoreSlim _free;
            private readonly SemaphoreSlim _occupied = new(0);
            public Blocking(int capacity) => _free = new SemaphoreSlim(capacity);
            public bool TryAdd(T item, int timeout, CancellationToken ct)
            {
                if (!_free.Wait(timeout, ct)) return false;
                try { _queue.Enqueue(item); }
                catch { _free?.Release(); throw; }
                _occupied.Release();
                return true;
            }
            public bool TryTake(out T item, int timeout, CancellationToken ct)
            {
                item = default!;
                if (!_occupied.Wait(timeout, ct)) return false;
                bool removed = false;
                try { removed = _queue.TryDequeue(out item!); }
                finally { if (removed) { this._free.Release(); } else { _occupied.Release(); } }
                return removed;
            }
        }
        """, "HOT204");

    /// <summary>Released in the same method, the semaphore is a lock there; a binary semaphore (1, 1) is a lock anywhere.</summary>
    [Fact]
    public Task Semaphore_released_in_the_same_method_or_binary_is_still_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _signal = new(0);
            private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
            private int _n;
            public void A() { {|HOT204:_signal.Wait()|}; _n++; _signal.Release(); }
            public async Task B(CancellationToken ct) { await {|HOT204:_signal.WaitAsync(ct)|}; _n++; if (_n > 3) _signal.Release(); }
            public void Enter() { {|HOT204:_mutex.Wait()|}; _n++; }
            public void Exit() => _mutex.Release();
            public void Local() { var s = new SemaphoreSlim(1, 1); {|HOT204:s.Wait()|}; _n++; }
        }
        """, "HOT204");

    [Fact]
    public Task Semaphore_wait_inside_the_try_it_releases_in() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n;
            public async Task A(CancellationToken ct) { try { await {|HOT204:_semaphore.WaitAsync(ct)|}; _n++; } finally { _semaphore.Release(); } }
            public void B() { try { {|HOT204:_semaphore.Wait(TimeSpan.FromSeconds(1))|}; _n++; } finally { _semaphore.Release(); } }
        }
        """, "HOT204");

    /// <summary>
    /// StackExchange.Redis' PhysicalBridge: <c>gotLock = _mutex.Wait(0)</c>, then <c>gotLock = _mutex.Wait(timeout)</c>,
    /// inside the try whose finally releases only <c>if (gotLock)</c>: a timed-out wait leaves the flag false, so nothing
    /// is over-released. A finally that ignores the flag is still reported.
    /// </summary>
    [Fact]
    public Task Semaphore_wait_inside_the_try_whose_finally_checks_its_result_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Writer
        {
            private readonly SemaphoreSlim _mutex = new(1, 1);
            private int _n;
            public bool Write(int timeout)
            {
                bool gotLock = false;
                try
                {
                    gotLock = _mutex.Wait(0);
                    if (!gotLock)
                    {
                        gotLock = _mutex.Wait(timeout);
                        if (!gotLock) return false;
                    }

                    _n++;
                    return true;
                }
                finally
                {
                    if (gotLock) { _mutex.Release(); }
                }
            }
            public async Task<bool> WriteAsync(int timeout, CancellationToken ct)
            {
                var gotLock = false;
                try
                {
                    gotLock = await _mutex.WaitAsync(timeout, ct).ConfigureAwait(false);
                    if (gotLock) _n++;
                    return gotLock;
                }
                finally
                {
                    if (gotLock) _mutex.Release();
                }
            }
            public bool Ignored(int timeout)
            {
                bool gotLock = false;
                try { gotLock = {|HOT204:_mutex.Wait(timeout)|}; _n++; return gotLock; }
                finally { _mutex.Release(); }
            }
        }
        """, "HOT204");

    [Fact]
    public Task Reader_writer_lock_without_finally_or_exited_with_the_wrong_kind() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public int Read() { {|HOT204:_rw.EnterReadLock()|}; var n = _n; _rw.ExitReadLock(); return n; }
            public void Write() { {|HOT204:_rw.EnterWriteLock()|}; _n++; _rw.ExitWriteLock(); }
            public int Mismatch() { {|HOT204:_rw.EnterReadLock()|}; try { return _n; } finally { _rw.ExitWriteLock(); } }
            public void Upgradeable() { {|HOT204:_rw.EnterUpgradeableReadLock()|}; _n++; _rw.ExitUpgradeableReadLock(); }
        }
        """, "HOT204");

    [Fact]
    public Task Lock_and_SpinLock_manual_enter_without_finally() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly Lock _lock = new();
            private SpinLock _spin = new(false);
            private int _n;
            public void A() { {|HOT204:_lock.Enter()|}; _n++; _lock.Exit(); }
            public void B() { var taken = false; {|HOT204:_spin.Enter(ref taken)|}; _n++; _spin.Exit(); }
        }
        """, "HOT204");

    [Fact]
    public Task Lock_EnterScope_whose_scope_is_not_disposed() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly Lock _gate = new();
            private int _n;
            public void Statement() { {|HOT204:_gate.EnterScope()|}; _n++; }
            public void Discard() { _ = {|HOT204:_gate.EnterScope()|}; _n++; }
            public void Never() { var scope = {|HOT204:_gate.EnterScope()|}; _n++; }
            public void NotInFinally() { var scope = {|HOT204:_gate.EnterScope()|}; _n++; scope.Dispose(); }
            public void OtherFinally() { var scope = {|HOT204:_gate.EnterScope()|}; try { _n++; } finally { _n--; } }
            public void Assigned() { Lock.Scope scope; scope = {|HOT204:_gate.EnterScope()|}; _n++; scope.Dispose(); }
        }
        """, "HOT204");

    [Fact]
    public Task Lock_EnterScope_disposed_by_using_or_a_finally_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly Lock _gate = new();
            private int _n;
            public void Using() { using (_gate.EnterScope()) { _n++; } }
            public void UsingVariable() { using (var scope = _gate.EnterScope()) { _n++; } }
            public void UsingDeclaration() { using var scope = _gate.EnterScope(); _n++; }
            public void Finally() { var scope = _gate.EnterScope(); try { _n++; } finally { scope.Dispose(); } }
            public Lock.Scope Handed() => _gate.EnterScope();
            public Lock.Scope HandedLocal() { var scope = _gate.EnterScope(); _n++; return scope; }
        }
        """, "HOT204");

    [Fact]
    public Task Correct_patterns_are_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private SpinLock _spin = new(false);
            private int _n;
            public void Enter() { Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void EnterTaken() { var taken = false; try { Monitor.Enter(_gate, ref taken); _n++; } finally { if (taken) Monitor.Exit(_gate); } }
            public void TryEnterTaken() { var taken = false; try { Monitor.TryEnter(_gate, 10, ref taken); if (taken) _n++; } finally { if (taken) { Monitor.Exit(_gate); } } }
            public void TryEnterIf() { if (Monitor.TryEnter(_gate, 100)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void TryEnterGuard() { if (!Monitor.TryEnter(_gate)) { return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void TryEnterElse() { if (!Monitor.TryEnter(_gate, 10)) { _n--; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ReadyThenTryEnter(bool ready) { if (ready && Monitor.TryEnter(_gate)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public async Task AwaitedInCondition() { if (await _semaphore.WaitAsync(10)) { try { _n++; } finally { _semaphore.Release(); } } }
            public void TryEnterLocal() { var acquired = Monitor.TryEnter(_gate); if (acquired) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void LockEnter() { _lock.Enter(); try { _n++; } finally { _lock.Exit(); } }
            public void LockScope() { using (_lock.EnterScope()) { _n++; } }
            public void Spin() { var taken = false; try { _spin.Enter(ref taken); _n++; } finally { if (taken) _spin.Exit(); } }
            public async Task WaitThenTry(CancellationToken ct) { await _semaphore.WaitAsync(ct); try { _n++; } finally { _semaphore.Release(); } }
            public async Task<int> TimedWait(CancellationToken ct) { if (!await _semaphore.WaitAsync(1000, ct)) return -1; try { return ++_n; } finally { _semaphore.Release(); } }
            public void Read() { _rw.EnterReadLock(); try { _n++; } finally { _rw.ExitReadLock(); } }
            public void Upgrade()
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    _rw.EnterWriteLock();
                    try { _n++; } finally { _rw.ExitWriteLock(); }
                }
                finally { _rw.ExitUpgradeableReadLock(); }
            }
        }
        """, "HOT204");

    /// <summary>
    /// "Try, then block", the way code that counts contention takes a lock: a try-acquire tested for failure as the whole
    /// condition of an if whose branch ends by taking the same lock for good. Both hold the lock after the if, so the try
    /// whose finally releases follows the if; so does the try-acquire kept in a flag declared right before the if and
    /// written nowhere else (<c>var got = Monitor.TryEnter(x); if (!got) { …; Monitor.Enter(x); }</c>). Taking another
    /// lock in the branch, or not taking it again, is reported, and so is a finally that releases only if the flag says
    /// so (the branch took the lock when it is false).
    /// </summary>
    [Fact]
    public Task Try_then_block_followed_by_a_try_finally_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private readonly Lock _lock = new();
            private int _n, _contended;
            public void A() { if (!Monitor.TryEnter(_gate)) { _contended++; Monitor.Enter(_gate); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void B() { if (!Monitor.TryEnter(_gate, 10)) Monitor.Enter(_gate); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void D() { if (!_semaphore.Wait(0)) { _contended++; _semaphore.Wait(); } try { _n++; } finally { _semaphore.Release(); } }
            public async Task E() { if (!_semaphore.Wait(0)) { _contended++; await _semaphore.WaitAsync(); } try { _n++; } finally { _semaphore.Release(); } }
            public void F() { if (!_lock.TryEnter()) { _contended++; _lock.Enter(); } try { _n++; } finally { _lock.Exit(); } }
            public void G() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { _contended++; {|HOT204:Monitor.Enter(_other)|}; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void H() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { {|HOT204:Monitor.Enter(_gate)|}; _contended++; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void I() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { _contended++; } _n++; Monitor.Exit(_gate); }
            public void J() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { _contended++; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void K() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { _contended++; } else { _n++; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void ElseOr(bool stop) { if (!{|HOT204:Monitor.TryEnter(_gate, 10)|} || stop) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ElseNotAnd(bool ok) { if (!({|HOT204:Monitor.TryEnter(_gate, 10)|} && ok)) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ElseAnd(bool c) { if (!{|HOT204:Monitor.TryEnter(_gate, 10)|} && c) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ElseSemaphore() { if (!_semaphore.Wait(10)) { _contended++; } else { try { _n++; } finally { _semaphore.Release(); } } }
            public void FlagA() { var got = Monitor.TryEnter(_gate); if (!got) { _contended++; Monitor.Enter(_gate); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public async Task FlagB() { var got = await _semaphore.WaitAsync(0); if (!got) await _semaphore.WaitAsync(); try { _n++; } finally { _semaphore.Release(); } }
            public void FlagWrittenAgain() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) {|HOT204:Monitor.Enter(_gate)|}; got = false; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void FlagGuardsTheRelease() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) { _contended++; {|HOT204:Monitor.Enter(_gate)|}; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void FlagReadAfter() { var got = Monitor.TryEnter(_gate); if (!got) { _contended++; Monitor.Enter(_gate); } try { _n++; } finally { Monitor.Exit(_gate); } if (!got) _contended++; }
            public void FlagNotRightBefore() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; _n++; if (!got) { _contended++; {|HOT204:Monitor.Enter(_gate)|}; } try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// "Try, then block" kept in a flag whose branch sets it again after taking the lock (<c>var got =
    /// Monitor.TryEnter(x); if (!got) { …; Monitor.Enter(x); got = true; }</c>): after the if the flag is true and the lock
    /// held, so a finally that releases when the flag says so releases it. A got = true that can leave the flag false
    /// (under an if of its own), a write elsewhere (got = false, or in an else) or other work after the Enter keep it
    /// reported.
    /// </summary>
    [Fact]
    public Task Try_then_block_whose_branch_sets_the_flag_again() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n, _contended;
            public void A() { var got = Monitor.TryEnter(_gate); if (!got) { _contended++; Monitor.Enter(_gate); got = true; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void B() { var got = Monitor.TryEnter(_gate); if (!got) { Monitor.Enter(_gate); got = true; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void D() { var got = Monitor.TryEnter(_gate); if (!got) { got = true; Monitor.Enter(_gate); } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void E() { var got = _semaphore.Wait(0); if (!got) { _semaphore.Wait(); got = true; } try { _n++; } finally { if (got) _semaphore.Release(); } }
            public void SetFalse() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) { {|HOT204:Monitor.Enter(_gate)|}; got = false; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void SetUnderAnIf(bool x) { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) { {|HOT204:Monitor.Enter(_gate)|}; if (x) got = true; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void SetInTheElse() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) { {|HOT204:Monitor.Enter(_gate)|}; got = true; } else { got = true; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
            public void WorkAfterTheEnter() { var got = {|HOT204:Monitor.TryEnter(_gate)|}; if (!got) { {|HOT204:Monitor.Enter(_gate)|}; got = true; _contended++; } try { _n++; } finally { if (got) Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// "Try, then block" with an awaited try (<c>if (!await sem.WaitAsync(0)) await sem.WaitAsync();</c>) is the same
    /// idiom. An else branch runs holding what the try-acquire took: one that only goes on (a loop inside it may break)
    /// keeps the idiom, one that leaves (a return, a throw) leaks the lock, and one that takes the lock again holds it
    /// twice: both are reported as without the idiom.
    /// </summary>
    [Fact]
    public Task Try_then_block_with_an_awaited_try_or_an_else_branch() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n, _contended;
            public async Task A() { if (!await _semaphore.WaitAsync(0)) { _contended++; await _semaphore.WaitAsync(); } try { _n++; } finally { _semaphore.Release(); } }
            public async Task B() { if (!await _semaphore.WaitAsync(0).ConfigureAwait(false)) await _semaphore.WaitAsync().ConfigureAwait(false); try { _n++; } finally { _semaphore.Release(); } }
            public void D(int[] xs) { if (!Monitor.TryEnter(_gate)) { _contended++; Monitor.Enter(_gate); } else { foreach (var x in xs) { if (x == 0) break; _n += x; } } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void E() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { _contended++; {|HOT204:Monitor.Enter(_gate)|}; } else { return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void F() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) Monitor.Enter(_gate); else if (_n > 3) throw new InvalidOperationException(); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void G() { if (!{|HOT204:Monitor.TryEnter(_gate)|}) { {|HOT204:Monitor.Enter(_gate)|}; } else { {|HOT204:Monitor.Enter(_gate)|}; } try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// Locks taken in a loop are released by a finally only if its loop gives back every one of them: over the same
    /// collection, from the first element up to how many were taken (its Length, or a count the taking loop kept) or down
    /// from one below. One up to an unrelated number or starting at 1 may leave some held; a try/finally inside the
    /// taking loop releases each in turn. A round that only counts after its Enter (taken++) is followed by the try after
    /// the loop; one that does other work there may throw with the lock held.
    /// </summary>
    [Fact]
    public Task Locks_taken_in_a_loop_need_a_finally_that_releases_every_one() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _s = { new(), new() };
            private int _n;
            public void All() { for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = 0; j < _s.Length; j++) Monitor.Exit(_s[j]); } }
            public void Foreach() { foreach (var l in _s) Monitor.Enter(l); try { _n++; } finally { foreach (var l in _s) Monitor.Exit(l); } }
            public void Each() { for (var i = 0; i < _s.Length; i++) { Monitor.Enter(_s[i]); try { _n++; } finally { Monitor.Exit(_s[i]); } } }
            public void Counted() { var taken = 0; try { for (var i = 0; i < _s.Length; i++) { Monitor.Enter(_s[i]); taken++; } } finally { for (var i = 0; i < taken; i++) Monitor.Exit(_s[i]); } }
            public void CountedBefore() { var taken = 0; for (var i = 0; i < _s.Length; i++) { Monitor.Enter(_s[i]); taken++; } try { _n++; } finally { for (var i = 0; i < taken; i++) Monitor.Exit(_s[i]); } }
            public void WorkAfterEnter() { for (var i = 0; i < _s.Length; i++) { {|HOT204:Monitor.Enter(_s[i])|}; Work(); } try { _n++; } finally { foreach (var l in _s) Monitor.Exit(l); } }
            private static void Work() { }
            public void Unrelated(int n) { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < n; j++) Monitor.Exit(_s[j]); } }
            public void FromOne() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 1; j < _s.Length; j++) Monitor.Exit(_s[j]); } }
            public void CountInFor() { for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (int j = 0, n = _s.Length; j < n; j++) Monitor.Exit(_s[j]); } }
            public void CountInLocal() { var n = _s.Length; for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = 0; j < n; j++) Monitor.Exit(_s[j]); } }
            public void CountInBoth() { for (int i = 0, n = _s.Length; i < n; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (int j = 0, n = _s.Length; j < n; j++) Monitor.Exit(_s[j]); } }
            public void UnrelatedLocal(int n) { var m = n; for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < m; j++) Monitor.Exit(_s[j]); } }
            public void LocalWrittenAgain() { var m = _s.Length; m--; for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < m; j++) Monitor.Exit(_s[j]); } }
            public void CountDownInCondition() { for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = _s.Length; j-- > 0;) Monitor.Exit(_s[j]); } }
            public void PlusOne() { for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = 0; j < _s.Length; j += 1) Monitor.Exit(_s[j]); } }
            public void PlusTwo() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < _s.Length; j += 2) Monitor.Exit(_s[j]); } }
            public void AssignedPlusOne() { for (var i = 0; i < _s.Length; i = i + 1) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = 0; j < _s.Length; j = 1 + j) Monitor.Exit(_s[j]); } }
            public void AssignedMinusOne() { for (var i = 0; i < _s.Length; i++) Monitor.Enter(_s[i]); try { _n++; } finally { for (var j = _s.Length - 1; j >= 0; j = j - 1) Monitor.Exit(_s[j]); } }
            public void AssignedPlusTwo() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < _s.Length; j = j + 2) Monitor.Exit(_s[j]); } }
            public void AssignedFromAnother(int k) { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var j = 0; j < _s.Length; j = k + 1) Monitor.Exit(_s[j]); } }
            public void PlusTwoSameName() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var i = 0; i < _s.Length; i += 2) Monitor.Exit(_s[i]); } }
            public void SteppedTwice() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var i = 0; i < _s.Length; i++, i++) Monitor.Exit(_s[i]); } }
            public void PrefixStopsAtOne() { for (var i = 0; i < _s.Length; i++) {|HOT204:Monitor.Enter(_s[i])|}; try { _n++; } finally { for (var i = _s.Length; --i > 0;) Monitor.Exit(_s[i]); } }
        }
        """, "HOT204");

    /// <summary>
    /// <c>if (TryEnter) { try … finally Exit }</c> guards the lock only when the condition is true exactly when the
    /// try-acquire took it: the call itself or the last operand of an &amp;&amp; chain. With anything after it
    /// (<c>TryEnter(x) &amp;&amp; ready</c>) a false remainder leaves the lock taken and the branch skipped; with ||
    /// the branch may run without it.
    /// </summary>
    [Fact]
    public Task A_try_acquire_guards_the_branch_only_when_it_decides_the_condition() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void AndAfter(bool ready) { if ({|HOT204:Monitor.TryEnter(_gate)|} && ready) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void Or(bool force) { if ({|HOT204:Monitor.TryEnter(_gate, 10)|} || force) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void AndBefore(bool ready) { if (ready && Monitor.TryEnter(_gate, 10)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """, "HOT204");

    /// <summary>
    /// The else of a test for failure holds the lock when the whole condition is false exactly when the try-acquire took
    /// it: <c>!ok || !TryEnter(x)</c> and <c>!(ok &amp;&amp; TryEnter(x))</c> call it last, so their else runs only with
    /// the lock; with it first (<c>!TryEnter(x) || !ok</c>) a true ok leaves the lock taken and the else skipped.
    /// </summary>
    [Fact]
    public Task The_else_of_a_failed_try_acquire_test_called_last() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n, _contended;
            public void OrBefore(bool ok) { if (!ok || !Monitor.TryEnter(_gate, 10)) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void NotAndBefore(bool ok) { if (!(ok && Monitor.TryEnter(_gate, 10))) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void OrAfter(bool ok) { if (!{|HOT204:Monitor.TryEnter(_gate, 10)|} || !ok) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ElseWithAnExtraBlock(bool ok) { if (!ok || !Monitor.TryEnter(_gate, 10)) { _contended++; } else { { try { _n++; } finally { Monitor.Exit(_gate); } } } }
            public void TrueBranchWithAnExtraBlock() { if (Monitor.TryEnter(_gate, 10)) { { try { _n++; } finally { Monitor.Exit(_gate); } } } }
            public void AndBeforeNegated(bool ok) { if (ok && !{|HOT204:Monitor.TryEnter(_gate, 10)|}) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """, "HOT204");

    /// <summary>
    /// A guard clause between the acquisition and the try (an if without else whose branch ends by leaving) may leave only
    /// where the lock was not taken: the try-acquire tested for failure (<c>if (!Monitor.TryEnter(x, 10)) { contended++;
    /// return; }</c>, also with <c>!ok ||</c> before it) or its flag (<c>if (!got) throw …;</c>). One that may leave holding
    /// it is reported: any guard after a plain Enter, <c>if (got) return;</c>, <c>if (!got || bad) return;</c>,
    /// <c>if (Monitor.TryEnter(x, 10)) return;</c>. Likewise the if that holds the try, after the acquisition, must test that
    /// the lock was taken (<c>if (got) { try … }</c>, or <c>if (!got) … else { try … }</c>; not <c>if (!got) { try … }</c>, nor
    /// any if after a plain Enter).
    /// </summary>
    [Fact]
    public Task A_guard_clause_before_the_try_leaves_only_without_the_lock() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n, _contended;
            public void Flag() { var got = Monitor.TryEnter(_gate, 10); if (!got) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void FlagWithWork() { var got = Monitor.TryEnter(_gate, 10); if (!got) { _contended++; return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void InCondition() { if (!Monitor.TryEnter(_gate, 10)) { _contended++; return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void InConditionOrBefore(bool ok) { if (!ok || !Monitor.TryEnter(_gate, 10)) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public async Task Throws(SemaphoreSlim s, CancellationToken ct) { if (!await s.WaitAsync(100, ct)) { _contended++; throw new TimeoutException(); } try { _n++; } finally { s.Release(); } }
            public void InLoop(int[] xs) { foreach (var x in xs) { if (!Monitor.TryEnter(_gate, 10)) continue; try { _n += x; } finally { Monitor.Exit(_gate); } } }
            public void AfterEnter(bool bad) { {|HOT204:Monitor.Enter(_gate)|}; if (bad) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void WhenTaken() { var got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (got) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void FlagOrBad(bool bad) { var got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (!got || bad) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void InConditionWhenTaken() { if ({|HOT204:Monitor.TryEnter(_gate, 10)|}) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void InConditionOrAfter(bool ok) { if (!{|HOT204:Monitor.TryEnter(_gate, 10)|} || ok) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void TryUnderTheFlag() { var got = Monitor.TryEnter(_gate, 10); if (got) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void TryUnderTheNegatedFlag() { var got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (!got) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void TryUnderAnIfAfterEnter(bool x) { {|HOT204:Monitor.Enter(_gate)|}; if (x) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void TryUnderTheFlagWithElse() { var got = Monitor.TryEnter(_gate, 10); if (got) { try { _n++; } finally { Monitor.Exit(_gate); } } else { _contended++; } }
            public void TryInTheElseOfTheNegatedFlag() { var got = Monitor.TryEnter(_gate, 10); if (!got) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void TryInTheElseOfTheFlag() { var got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (got) { _contended++; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """, "HOT204");

    /// <summary>
    /// Spinning until a try-acquire succeeds holds the lock after the loop, so the try may follow the loop: a loop whose
    /// condition is false only when the lock was taken (<c>while (!Monitor.TryEnter(x, 10)) Thread.Sleep(1);</c>, a
    /// do-while, a SpinWait), or an endless loop left only by <c>if (Monitor.TryEnter(x, 10)) break;</c>. A loop that may
    /// end without the lock (<c>while (!stop &amp;&amp; !Monitor.TryEnter(x, 10))</c>, <c>while (Monitor.TryEnter(x, 10))</c>,
    /// another break, a loop condition that can turn false) is reported. A loop that runs a round each time it takes the lock
    /// (<c>while (Monitor.TryEnter(x, 10)) { try … finally … }</c>) has the try in its body.
    /// </summary>
    [Fact]
    public Task Spinning_until_a_try_acquire_succeeds() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void While() { while (!Monitor.TryEnter(_gate, 10)) { Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void DoWhile() { do { Thread.Sleep(1); } while (!Monitor.TryEnter(_gate, 10)); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void SpinWaitLoop() { var spinner = new SpinWait(); while (!Monitor.TryEnter(_gate)) spinner.SpinOnce(); try { _n++; } finally { Monitor.Exit(_gate); } }
            public async Task Semaphore(SemaphoreSlim s) { while (!await s.WaitAsync(100)) { _n++; } try { _n++; } finally { s.Release(); } }
            public void BreakWhenTaken() { while (true) { if (Monitor.TryEnter(_gate, 10)) break; Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void ForEverBreakWhenTaken() { for (;;) { if (Monitor.TryEnter(_gate, 10)) { break; } Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void StopFirst(bool stop) { while (!stop && !{|HOT204:Monitor.TryEnter(_gate, 10)|}) { Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void WhileTaken() { while ({|HOT204:Monitor.TryEnter(_gate, 10)|}) { Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void EachRoundWhileTaken() { while (Monitor.TryEnter(_gate, 10)) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void DoWhileTaken() { do { _n++; } while ({|HOT204:Monitor.TryEnter(_gate, 10)|}); }
            public void AnotherBreak(bool stop) { while (true) { if (stop) break; if ({|HOT204:Monitor.TryEnter(_gate, 10)|}) break; Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void NotEndless(bool ok) { while (ok) { if ({|HOT204:Monitor.TryEnter(_gate, 10)|}) break; Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void BreakWhenNotTaken() { while (true) { if (!{|HOT204:Monitor.TryEnter(_gate, 10)|}) break; Thread.Sleep(1); } try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// A wait that cannot time out (<c>WaitAsync(ct)</c>, <c>Wait(ct)</c>) inside the try, followed at once by
    /// <c>acquired = true;</c> of a flag otherwise only ever false, with the finally releasing under <c>if (acquired)</c>:
    /// a cancelled wait throws before the flag is set, so nothing is over-released. A wait with a timeout (it may return
    /// false and still set the flag), a flag that starts other than false, work between the wait and the flag, or a
    /// release the flag does not guard are reported.
    /// </summary>
    [Fact]
    public Task A_wait_inside_the_try_followed_by_a_flag_the_finally_tests() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _s = new(1, 1);
            private int _n;
            public async Task Awaited(CancellationToken ct) { var acquired = false; try { await _s.WaitAsync(ct); acquired = true; _n++; } finally { if (acquired) _s.Release(); } }
            public async Task ConfigureAwaitFalse(CancellationToken ct) { bool acquired = false; try { await _s.WaitAsync(ct).ConfigureAwait(false); acquired = true; _n++; } finally { if (acquired) { _s.Release(); } } }
            public void Blocking(CancellationToken ct) { var acquired = false; try { _s.Wait(ct); acquired = true; _n++; } finally { if (acquired) _s.Release(); } }
            public async Task WithTimeout(CancellationToken ct) { var acquired = false; try { await {|HOT204:_s.WaitAsync(100, ct)|}; acquired = true; _n++; } finally { if (acquired) _s.Release(); } }
            public async Task FlagStartsUnknown(CancellationToken ct, bool x) { var acquired = x; try { await {|HOT204:_s.WaitAsync(ct)|}; acquired = true; _n++; } finally { if (acquired) _s.Release(); } }
            public async Task WorkBeforeTheFlag(CancellationToken ct) { var acquired = false; try { await {|HOT204:_s.WaitAsync(ct)|}; _n++; acquired = true; } finally { if (acquired) _s.Release(); } }
            public async Task ReleaseIgnoresTheFlag(CancellationToken ct) { var acquired = false; try { await {|HOT204:_s.WaitAsync(ct)|}; acquired = true; _n++; } finally { _s.Release(); } }
        }
        """, "HOT204");

    [Fact]
    public Task Zero_timeout_try_acquire_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private int _n;
            public async Task<bool> TryAsync() { if (await _semaphore.WaitAsync(0)) { _n++; _semaphore.Release(); return true; } return false; }
            public bool TryNow() { if (!_semaphore.Wait(0)) return false; _n++; _semaphore.Release(); return true; }
            public bool TryZero() { if (!_semaphore.Wait(TimeSpan.Zero)) return false; _n++; _semaphore.Release(); return true; }
        }
        """, "HOT204");

    /// <summary>
    /// An acquisition helper that tells its caller what it took through a ref parameter (the lockTaken flag itself, a
    /// flag on the locked object, or a count of locks taken), as ConcurrentDictionary's AcquireAllLocks and
    /// ConcurrentBag's FreezeBag do: the caller's finally releases what the parameter says was taken.
    /// </summary>
    [Fact]
    public Task Acquisition_handed_to_the_caller_through_a_ref_parameter_is_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Striped
        {
            private readonly object[] _locks = { new object(), new object() };
            private readonly object _global = new();
            private readonly Queue[] _queues = { new Queue(), new Queue() };
            public void Clear()
            {
                int acquired = 0;
                bool taken = false;
                try { Freeze(ref taken); AcquireAll(ref acquired); }
                finally { ReleaseAll(acquired); Unfreeze(taken); }
            }
            private void AcquireAll(ref int acquired)
            {
                Monitor.Enter(_locks[0]);
                acquired = 1;
                for (int i = 1; i < _locks.Length; i++) { Monitor.Enter(_locks[i]); acquired++; }
            }
            private void ReleaseAll(int acquired) { for (int i = 0; i < acquired; i++) Monitor.Exit(_locks[i]); }
            private void Freeze(ref bool taken)
            {
                Monitor.Enter(_global, ref taken);
                foreach (var queue in _queues) { Monitor.Enter(queue, ref queue.Frozen); }
            }
            private void Unfreeze(bool taken)
            {
                if (!taken) return;
                foreach (var queue in _queues) { if (queue.Frozen) { queue.Frozen = false; Monitor.Exit(queue); } }
                Monitor.Exit(_global);
            }
            public void NotHanded(ref int count) { {|HOT204:Monitor.Enter(_global)|}; Work(); count++; }
            private static void Work() { }
            private sealed class Queue { internal bool Frozen; }
        }
        """, "HOT204");

    /// <summary>
    /// ConcurrentDictionary's AcquireAllLocks as the runtime writes it: each lock taken with a local lockTaken flag that
    /// the finally around it tallies into a count (<c>if (lockTaken) locksAcquired++;</c>). Handed to the caller when the
    /// count is a ref parameter; in one method, released by a loop up to the count. A release loop that ignores the
    /// count (it exits locks that were never taken when an Enter threw), or a tally into a local the helper drops, is
    /// reported.
    /// </summary>
    [Fact]
    public Task Lock_taken_flags_tallied_into_a_count_are_released_by_a_loop_up_to_it() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _locks = { new object(), new object() };
            private int _n;
            public void Resize()
            {
                var locksAcquired = 0;
                try { AcquireAllLocks(ref locksAcquired); _n++; }
                finally { ReleaseLocks(locksAcquired); }
            }
            private void AcquireAllLocks(ref int locksAcquired)
            {
                for (var i = 0; i < _locks.Length; i++)
                {
                    var lockTaken = false;
                    try { Monitor.Enter(_locks[i], ref lockTaken); }
                    finally { if (lockTaken) locksAcquired++; }
                }
            }
            private void ReleaseLocks(int locksAcquired) { for (var i = 0; i < locksAcquired; i++) Monitor.Exit(_locks[i]); }
            public void Inline()
            {
                var acquired = 0;
                try
                {
                    for (var i = 0; i < _locks.Length; i++)
                    {
                        var lockTaken = false;
                        try { Monitor.Enter(_locks[i], ref lockTaken); }
                        finally { if (lockTaken) acquired++; }
                    }

                    _n++;
                }
                finally { for (var i = 0; i < acquired; i++) Monitor.Exit(_locks[i]); }
                Thread.Sleep(1); // and HOT207 sees every lock released
            }
            public void IgnoresTheCount()
            {
                var acquired = 0;
                try
                {
                    for (var i = 0; i < _locks.Length; i++)
                    {
                        var lockTaken = false;
                        try { {|HOT204:Monitor.Enter(_locks[i], ref lockTaken)|}; }
                        finally { if (lockTaken) acquired++; }
                    }
                }
                finally { for (var i = 0; i < _locks.Length; i++) Monitor.Exit(_locks[i]); }
            }
            private void DropsTheCount()
            {
                var count = 0;
                for (var i = 0; i < _locks.Length; i++)
                {
                    var lockTaken = false;
                    try { {|HOT204:Monitor.Enter(_locks[i], ref lockTaken)|}; }
                    finally { if (lockTaken) count++; }
                }
            }
        }
        """, "HOT204", "HOT207");

    /// <summary>
    /// A helper that exits the lock itself, outside a finally, owns its release rather than handing it over: a throw
    /// before that Exit leaves the lock held, and the caller either never learns (it expects the helper to release) or,
    /// reading the flag still true after an Exit on the normal path, exits a second time. Only helpers that never exit
    /// the lock outside a finally (FreezeBag, AcquireAllLocks) hand it to their caller.
    /// </summary>
    [Fact]
    public Task Acquisition_handed_to_the_caller_but_exited_by_the_helper_outside_a_finally_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object[] _locks = { new object(), new object() };
            private int _n;
            public void Exits(ref bool taken) { {|HOT204:Monitor.Enter(_gate, ref taken)|}; Work(); Monitor.Exit(_gate); }
            public void ExitsOnOnePath(object gate, ref bool taken, bool done) { {|HOT204:Monitor.Enter(gate, ref taken)|}; Work(); if (done) { Monitor.Exit(gate); taken = false; } }
            public void ExitsInACatch(out bool taken) { taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; try { Work(); } catch { Monitor.Exit(_gate); throw; } }
            public void CountedAndExited(ref int acquired) { {|HOT204:Monitor.Enter(_locks[0])|}; acquired++; Work(); Monitor.Exit(_locks[0]); acquired--; }
            public void HandedOver(ref bool taken) { Monitor.Enter(_gate, ref taken); Work(); }
            public void HandedOverExitingAnother(ref bool taken) { Monitor.Enter(_gate, ref taken); Monitor.Exit(_locks[1]); }
            public void HandedOverWithAnExitInALambda(ref bool taken) { Monitor.Enter(_gate, ref taken); Action later = () => Monitor.Exit(_gate); _n++; }
            public void Counted(ref int acquired) { Monitor.Enter(_locks[0]); acquired++; Work(); }
            private static void Work() { }
        }
        """, "HOT204");

    /// <summary>
    /// A flag handed to the caller excuses only the missing finally: when the method's own finally releases the lock,
    /// that finally must still test the flag, as with a local one (an exception thrown by Monitor.Enter before it took
    /// the lock would otherwise make the finally exit a monitor it does not hold).
    /// </summary>
    [Fact]
    public Task Acquisition_handed_to_the_caller_but_released_by_an_unguarded_finally_of_its_own_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private int _n;
            public void Ref(object gate, ref bool taken) { try { {|HOT204:Monitor.Enter(gate, ref taken)|}; _n++; } finally { Monitor.Exit(gate); } }
            public void Out(object gate, out bool taken) { taken = false; try { {|HOT204:Monitor.TryEnter(gate, 10, ref taken)|}; _n++; } finally { Monitor.Exit(gate); } }
            public void OnTheObject(Queue queue) { {|HOT204:Monitor.Enter(queue, ref queue.Frozen)|}; try { _n++; } finally { Monitor.Exit(queue); } }
            public void Guarded(object gate, ref bool taken) { try { Monitor.Enter(gate, ref taken); _n++; } finally { if (taken) Monitor.Exit(gate); } }
            public void GuardedOnTheObject(Queue queue) { try { Monitor.Enter(queue, ref queue.Frozen); _n++; } finally { if (queue.Frozen) Monitor.Exit(queue); } }
            public void NoFinally(object gate, ref bool taken) { Monitor.Enter(gate, ref taken); _n++; }
            public void UnrelatedFinally(object gate, ref bool taken) { try { Monitor.Enter(gate, ref taken); _n++; } finally { _n--; } }
            public sealed class Queue { internal bool Frozen; }
        }
        """, "HOT204");

    /// <summary>
    /// A lockTaken flag that is a field of the locking type, not of the locked object, tells no caller anything: with no
    /// finally anywhere the monitor is still never released on an exception.
    /// </summary>
    [Fact]
    public Task Monitor_Enter_into_a_flag_field_of_its_own_type_without_finally_is_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class Gate
        {
            private readonly object _gate = new();
            private bool _taken;
            private int _n;
            public void Run() { {|HOT204:Monitor.Enter(_gate, ref _taken)|}; _n++; if (_taken) Monitor.Exit(_gate); }
        }
        """, "HOT204");

    [Fact]
    public Task Releasers_returned_as_a_disposable_scope_are_not_reported() => LockVerifier.VerifyAsync(Usings + """
        public sealed class AsyncLock
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);
            private readonly object _gate = new();
            public async ValueTask<Releaser> LockAsync(CancellationToken ct) { await _semaphore.WaitAsync(ct).ConfigureAwait(false); return new Releaser(_semaphore); }
            public async Task<Releaser> LockTaskAsync() { await _semaphore.WaitAsync(); return new Releaser(_semaphore); }
            public Releaser Lock() { _semaphore.Wait(); return new Releaser(_semaphore); }
            public IDisposable LockAsInterface() { _semaphore.Wait(); return new Releaser(_semaphore); }
            public MonitorScope EnterMonitor() { Monitor.Enter(_gate); return new MonitorScope(_gate); }

            public readonly struct Releaser : IDisposable
            {
                private readonly SemaphoreSlim _semaphore;
                public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;
                public void Dispose() => _semaphore.Release();
            }

            public ref struct MonitorScope
            {
                private readonly object _gate;
                public MonitorScope(object gate) { _gate = gate; }
                public void Dispose() => Monitor.Exit(_gate);
            }
        }
        """, "HOT204");

    /// <summary>
    /// An acquisition helper that returns the wait itself (SignalR's HubConnection: <c>public Task
    /// WaitConnectionLockAsync(CancellationToken token) { Log(...); return _connectionLock.WaitAsync(token); }</c>, its
    /// callers awaiting it and releasing through ReleaseConnectionLock in a finally) hands the acquisition to its caller,
    /// as a returned releaser does: its task or its bool tells the caller what was taken. A wait kept in a local first, or
    /// awaited and not returned, is still reported.
    /// </summary>
    [Fact]
    public Task A_wait_returned_to_the_caller_hands_it_the_acquisition() => LockVerifier.VerifyAsync(Usings + """
        public sealed class ConnectionState
        {
            private readonly SemaphoreSlim _connectionLock = new(1, 1);
            private readonly object _gate = new();
            public int Count { get; set; }
            public Task WaitConnectionLockAsync(CancellationToken token) { Count++; return _connectionLock.WaitAsync(token); }
            public Task WaitArrow(CancellationToken token) => _connectionLock.WaitAsync(token);
            public bool TryAcquire(TimeSpan timeout) => _connectionLock.Wait(timeout);
            public Task<bool> TryAcquireAsync(int timeout, CancellationToken token) { return _connectionLock.WaitAsync(timeout, token); }
            public async Task<bool> TryAcquireAwaited(int timeout) { return await _connectionLock.WaitAsync(timeout).ConfigureAwait(false); }
            public bool TryEnterGate() => Monitor.TryEnter(_gate, 100);
            public void ReleaseConnectionLock() => _connectionLock.Release();
            public Task Kept(CancellationToken token) { var wait = {|HOT204:_connectionLock.WaitAsync(token)|}; Count++; return wait; }
            public async Task Awaited(CancellationToken token) { await {|HOT204:_connectionLock.WaitAsync(token)|}; Count++; }
        }

        public sealed class Client
        {
            private readonly ConnectionState _state = new();
            public async Task StartAsync(CancellationToken token)
            {
                await _state.WaitConnectionLockAsync(token);
                try { _state.Count++; } finally { _state.ReleaseConnectionLock(); }
            }
        }
        """, "HOT204");

    /// <summary>A finally giving back another array's element at the same for loop variable does not release the lock.</summary>
    [Fact]
    public Task A_finally_releasing_another_arrays_element_at_the_loop_variable() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object[] _reads = { new(), new() };
            private readonly object[] _writes = { new(), new() };
            private int _n;
            public void A() { for (var i = 0; i < _reads.Length; i++) { {|HOT204:Monitor.Enter(_reads[i])|}; try { _n++; } finally { Monitor.Exit(_writes[i]); } } }
            public void B() { for (var i = 0; i < _reads.Length; i++) { Monitor.Enter(_reads[i]); try { _n++; } finally { Monitor.Exit(_reads[i]); } } }
        }
        """, "HOT204");

    /// <summary>
    /// An awaited try-acquire read through <c>.ConfigureAwait(false)</c> is tested as the awaited call itself: the guard
    /// clause, the flag it is kept in, the branch that holds it, "try, then block" and the spin loop are as without it.
    /// </summary>
    [Fact]
    public Task Try_acquire_awaited_through_ConfigureAwait() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly SemaphoreSlim _s = new(1, 1);
            private int _n;
            public async Task<bool> Guard(CancellationToken ct) { if (!await _s.WaitAsync(100, ct).ConfigureAwait(false)) return false; try { _n++; return true; } finally { _s.Release(); } }
            public async Task<bool> Branch() { if (await _s.WaitAsync(100).ConfigureAwait(false)) { try { _n++; return true; } finally { _s.Release(); } } return false; }
            public async Task TryThenBlock() { if (!await _s.WaitAsync(0).ConfigureAwait(false)) { await _s.WaitAsync().ConfigureAwait(false); } try { _n++; } finally { _s.Release(); } }
            public async Task Flag() { var got = await _s.WaitAsync(100).ConfigureAwait(false); if (!got) return; try { _n++; } finally { _s.Release(); } }
            public async Task Else() { if (!await _s.WaitAsync(100).ConfigureAwait(false)) { _n++; } else { try { _n++; } finally { _s.Release(); } } }
            public async Task Spin() { while (!await _s.WaitAsync(100).ConfigureAwait(false)) { _n++; } try { _n++; } finally { _s.Release(); } }
            public async Task LeavesHolding() { if (await {|HOT204:_s.WaitAsync(100)|}.ConfigureAwait(false)) return; try { _n++; } finally { _s.Release(); } }
            public async Task FlagLeavesHolding() { var got = await {|HOT204:_s.WaitAsync(100)|}.ConfigureAwait(false); if (got) return; try { _n++; } finally { _s.Release(); } }
        }
        """, "HOT204");

    /// <summary>
    /// A try-acquire or its flag compared with a constant (<c>== false</c>, <c>is false</c>, <c>!= true</c>) is tested as
    /// with <c>!</c>: a guard clause that leaves only when it failed is a guard, one that leaves when it succeeded leaks.
    /// </summary>
    [Fact]
    public Task Try_acquire_compared_with_a_constant() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void EqualsFalse() { var got = Monitor.TryEnter(_gate, 10); if (got == false) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void IsFalse() { var got = Monitor.TryEnter(_gate, 10); if (got is false) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void CallEqualsFalse() { if (Monitor.TryEnter(_gate, 10) == false) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void CallIsNotTrue() { if (Monitor.TryEnter(_gate, 10) is not true) throw new TimeoutException(); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void TrueNotEquals() { if (true != Monitor.TryEnter(_gate, 10)) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void Branch() { if (Monitor.TryEnter(_gate, 10) == true) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void LeavesHolding() { var got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (got == true) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void CallLeavesHolding() { if ({|HOT204:Monitor.TryEnter(_gate, 10)|} != false) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void BranchWhenFailed() { if ({|HOT204:Monitor.TryEnter(_gate, 10)|} is false) { try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """, "HOT204");

    /// <summary>
    /// A guard clause between the acquisition and its try that gives the lock back before it leaves
    /// (<c>if (_disposed) { Monitor.Exit(_gate); throw …; }</c>) does not leak it; one that gives back another lock, or
    /// the lock only on some path, does.
    /// </summary>
    [Fact]
    public Task Guard_clause_that_releases_before_leaving() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private readonly object _other = new();
            private readonly SemaphoreSlim _s = new(1, 1);
            private bool _disposed;
            private int _n;
            public void Throws() { Monitor.Enter(_gate); if (_disposed) { Monitor.Exit(_gate); throw new ObjectDisposedException(nameof(C)); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void Returns() { Monitor.Enter(_gate); if (_disposed) { _n--; Monitor.Exit(_gate); return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void AfterATry() { if (!Monitor.TryEnter(_gate, 10)) return; if (_disposed) { Monitor.Exit(_gate); return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public async Task Semaphore(CancellationToken ct) { await _s.WaitAsync(ct).ConfigureAwait(false); if (_disposed) { _s.Release(); return; } try { _n++; } finally { _s.Release(); } }
            public void OtherLock() { {|HOT204:Monitor.Enter(_gate)|}; if (_disposed) { Monitor.Exit(_other); return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void OnSomePath(bool log) { {|HOT204:Monitor.Enter(_gate)|}; if (_disposed) { if (log) Monitor.Exit(_gate); return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void NoRelease() { {|HOT204:Monitor.Enter(_gate)|}; if (_disposed) { _n--; return; } try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// A try-acquire that sets its flag by ref, tested before the try (<c>Monitor.TryEnter(x, 10, ref taken); if (!taken)
    /// return; try { … } finally { Monitor.Exit(x); }</c>): past the test the lock is held, so the try follows it and the
    /// finally need not test the flag. A test that may pass with the lock free, a flag that starts true, or a guard that
    /// does not test the flag still leaves the release unguaranteed.
    /// </summary>
    [Fact]
    public Task Ref_flag_of_a_try_acquire_tested_before_the_try() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private SpinLock _spin = new(false);
            private bool _bad;
            private int _n;
            public bool Guard() { var taken = false; Monitor.TryEnter(_gate, 10, ref taken); if (!taken) return false; try { _n++; return true; } finally { Monitor.Exit(_gate); } }
            public void Branch() { var taken = false; Monitor.TryEnter(_gate, 10, ref taken); if (taken) { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void GuardWithWork() { bool taken = false; Monitor.TryEnter(_gate, ref taken); if (!taken) { _n--; return; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void Else() { var taken = false; Monitor.TryEnter(_gate, 10, ref taken); if (!taken) { _n--; } else { try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void SpinGuard() { var taken = false; _spin.TryEnter(ref taken); if (!taken) return; try { _n++; } finally { _spin.Exit(); } }
            public void SpinBranch() { var taken = false; _spin.TryEnter(5, ref taken); if (taken) { try { _n++; } finally { _spin.Exit(false); } } }
            public void NoTest() { var taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void MayPassFree() { var taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (!taken || _bad) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void LeavesHolding() { var taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (taken) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void StartsTrue() { var taken = true; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (!taken) return; try { _n++; } finally { Monitor.Exit(_gate); } }
            public void NoFinally() { var taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (!taken) return; _n++; Monitor.Exit(_gate); }
            public void OtherGuard() { var taken = false; {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (_bad) return; try { _n++; } finally { if (taken) Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// A loop that goes round only while a try-acquire's flag says it failed (<c>do { got = Monitor.TryEnter(x, 10); }
    /// while (!got);</c>, or the flag it sets by <c>ref</c>) ends holding the lock, so the try follows the loop. The rest of
    /// the round must run only when the lock was not taken (<c>if (!got) Thread.Sleep(1);</c>); other work, a way out of
    /// the loop, or a flag written elsewhere may leave it held.
    /// </summary>
    [Fact]
    public Task Spinning_on_a_try_acquires_flag() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private bool _ready;
            private int _n;
            public void Result() { bool got; do { got = Monitor.TryEnter(_gate, 10); if (!got) Thread.Sleep(1); } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void RefDo() { var taken = false; do { Monitor.TryEnter(_gate, 10, ref taken); } while (!taken); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void RefWhile() { var taken = false; while (!taken) { Monitor.TryEnter(_gate, 10, ref taken); if (taken == false) _n--; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void WorkAfter() { bool got; do { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; _n--; } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void BreaksOff() { var tries = 0; bool got; do { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (!got && ++tries > 3) break; } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void NotOnlyTheResult() { bool got; do { got = {|HOT204:Monitor.TryEnter(_gate, 10)|} && _ready; } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void WrittenElsewhere() { var taken = false; do { {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; taken |= _ready; } while (!taken); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void GoesOnWhileTaken() { bool got; do { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } while (got); try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// A spin's flag says the lock was taken only if nothing else sets it: a lambda or local function that writes it, or
    /// a top-tested loop over a flag that starts true (which never runs), or still true from an outer loop's round
    /// before, may leave the loop without the lock, and the finally's Exit then throws. A do loop runs once whatever the
    /// flag starts as.
    /// </summary>
    [Fact]
    public Task Spin_flag_set_by_a_lambda_or_starting_true_or_stale() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void Lambda() { var got = false; Action give = () => got = true; while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; if (!got) give(); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void RefLocalFunction() { var taken = false; void Give() => taken = true; while (!taken) { {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; if (!taken) Give(); } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void StartsTrue() { var got = true; while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } try { _n++; } finally { Monitor.Exit(_gate); } }
            public void DoStartsTrue() { var got = true; do { got = Monitor.TryEnter(_gate, 10); } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } }
            public void StaleFromTheRoundBefore(object[] items) { var got = false; foreach (var item in items) { while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void RefStaleFromTheRoundBefore(object[] items) { var taken = false; foreach (var item in items) { while (!taken) { {|HOT204:Monitor.TryEnter(_gate, 10, ref taken)|}; } try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void ClearedEachRound(object[] items) { var got = false; foreach (var item in items) { got = false; while (!got) { got = Monitor.TryEnter(_gate, 10); } try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void DeclaredEachRound(object[] items) { foreach (var item in items) { var got = false; while (!got) { got = Monitor.TryEnter(_gate, 10); } try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void DoEachRound(object[] items) { var got = false; foreach (var item in items) { do { got = Monitor.TryEnter(_gate, 10); } while (!got); try { _n++; } finally { Monitor.Exit(_gate); } } }
            public void LambdaReadsOnly() { var got = false; Func<bool> ask = () => got; while (!got) { got = Monitor.TryEnter(_gate, 10); if (!got) ask(); } try { _n++; } finally { Monitor.Exit(_gate); } }
        }
        """, "HOT204");

    /// <summary>
    /// A spin's flag declared outside a loop around it but cleared in each round, before the spin in its block (not only
    /// right before it) or in the finally of the try after it, is false when the spin starts: the spin takes the lock and
    /// the try after it is guarded. A continue between the spin and that try, a label a goto can jump to past the clear,
    /// or a clear that a condition may skip leaves the flag stale, and stays reported.
    /// </summary>
    [Fact]
    public Task Spin_flag_cleared_in_each_round_is_not_stale() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _gate = new();
            private int _n;
            public void ClearedInFinally(object[] items) { var got = false; foreach (var item in items) { while (!got) { got = Monitor.TryEnter(_gate, 10); } try { _n++; } finally { Monitor.Exit(_gate); got = false; } } }
            public void RefClearedInFinally(object[] items) { var taken = false; foreach (var item in items) { while (!taken) { Monitor.TryEnter(_gate, 10, ref taken); } try { _n++; } finally { Monitor.Exit(_gate); taken = false; } } }
            public void ClearedAtTopOfRound(int[] items) { var got = false; foreach (var item in items) { got = false; var x = item * 2; while (!got) { got = Monitor.TryEnter(_gate, 10); } try { _n += x; } finally { Monitor.Exit(_gate); } } }
            public void ContinueBeforeTry(int[] items) { var got = false; foreach (var item in items) { while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } if (item < 0) continue; try { _n++; } finally { Monitor.Exit(_gate); got = false; } } }
            public void LabelBetween(int[] items) { var got = false; foreach (var item in items) { got = false; again: _n--; while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } try { _n++; } finally { Monitor.Exit(_gate); } if (item < 0) goto again; } }
            public void ClearedInCondition(int[] items) { var got = false; foreach (var item in items) { if (item > 0) got = false; while (!got) { got = {|HOT204:Monitor.TryEnter(_gate, 10)|}; } try { _n++; } finally { Monitor.Exit(_gate); } } }
        }
        """, "HOT204");

    /// <summary>
    /// A type's own lock API (<c>void Lock() =&gt; Monitor.Enter(_sync);</c> beside <c>void Unlock() =&gt;
    /// Monitor.Exit(_sync);</c>, as code ported from Java's lock()/unlock() has it): the acquiring member is the
    /// acquisition alone and another member is its release alone, so its callers own the try/finally. A member with no
    /// such partner (another lock, another kind of release), or one that does more than acquire, is reported.
    /// </summary>
    [Fact]
    public Task A_lock_api_pair_of_the_type_is_its_callers_to_guard() => LockVerifier.VerifyAsync(Usings + """
        public sealed class C
        {
            private readonly object _sync = new();
            private readonly object _other = new();
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;
            public void Lock() => Monitor.Enter(_sync);
            public void Unlock() => Monitor.Exit(_sync);
            public void EnterRead() { _rw.EnterReadLock(); }
            public void ExitRead() { _rw.ExitReadLock(); }
            public void Use() { Lock(); try { _n++; } finally { Unlock(); } }
            public void LockOther() => {|HOT204:Monitor.Enter(_other)|};
            public void LockAndWork() { {|HOT204:Monitor.Enter(_sync)|}; _n++; }
            public void EnterWrite() => {|HOT204:_rw.EnterWriteLock()|};
        }
        """, "HOT204");
}
