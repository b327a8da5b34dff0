using System.Buffers;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Hotpath.Diagnostics;
using Hotpath.Threading;

namespace Hotpath.Batching;

/// <summary>
/// Buffers posted items and hands them to a handler in batches: a batch is flushed when it holds
/// <see cref="BatchEngineOptions.MaxBatchSize"/> items or its first item has waited
/// <see cref="BatchEngineOptions.MaxDelay"/>; at most <see cref="BatchEngineOptions.MaxConcurrentBatches"/>
/// handler calls run at once. A batch whose handler throws is retried with exponential backoff and jitter, then
/// handed to the dead-letter handler with the last exception; the engine keeps running.
/// </summary>
/// <remarks>
/// <para>Batches are never empty and live in pooled arrays the engine reuses (no array per batch): the memory
/// handed to a handler is valid only during that call; copy what must outlive it.</para>
/// <para>No accepted item is silently lost: each is handled successfully or dead-lettered exactly once. When no
/// dead-letter handler is given, or the dead-letter handler itself throws, the failure is counted
/// (<see cref="DeadLetteredCount"/>, the <c>hotpath.batch.deadletters</c> counter) and kept, and
/// <see cref="CompleteAsync"/> (and the first <see cref="DisposeAsync"/>, unless <see cref="CompleteAsync"/> was called)
/// throw an <see cref="AggregateException"/> of those failures once everything has drained.</para>
/// <para>After <see cref="CompleteAsync"/> (or <see cref="DisposeAsync"/>) starts, <see cref="Post"/> returns
/// <see langword="false"/> and <see cref="PostAsync"/> throws <see cref="InvalidOperationException"/>.</para>
/// <para>Counters on the <c>Hotpath</c> meter: <c>hotpath.batch.items</c> (items handed to handlers, counted
/// once per batch, at its first attempt), <c>hotpath.batch.flushes</c> (batches handed to handlers: a batch
/// dead-lettered by a cancelled <see cref="CompleteAsync"/> before its first attempt is in neither), <c>hotpath.batch.retries</c> (retry attempts) and
/// <c>hotpath.batch.deadletters</c> (items dead-lettered or failed), tagged <c>type</c> = the item type's name. An
/// exception thrown by a meter listener's measurement callback is swallowed: the listener misses that measurement, and
/// the batch is still handled or dead-lettered.</para>
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class BatchEngine<T> : IAsyncDisposable
{
    private const int MaxKeptFailures = 64;

    // A batch's first buffer holds at most this many items; a batch that outgrows it doubles its buffer.
    private const int FirstBufferLength = 1024;

    // Recent need is the largest batch of the last ShrinkWindow to 2 * ShrinkWindow batches; a buffer over
    // ShrinkFactor times that (and over a first buffer's size) goes back to the pool after its batch.
    private const int ShrinkWindow = 16;
    private const int ShrinkFactor = 4;

    // One series per item type, like the pools' counters; built once per T, so adding to a counter allocates nothing.
    private static readonly KeyValuePair<string, object?> ItemTypeTag = new(BatchMetrics.TypeTag, TypeNames.Display(typeof(T)));

#if NET9_0_OR_GREATER
    // A dedicated lock type: cheaper than Monitor, and its contention state is allocated once, not per inflation.
    private readonly Lock _gate = new();
#else
    private readonly object _gate = new();
#endif
    private readonly Func<ReadOnlyMemory<T>, CancellationToken, ValueTask> _handler;
    private readonly Func<ReadOnlyMemory<T>, Exception, ValueTask>? _deadLetter;
    private readonly int _maxBatchSize;
    private readonly int _firstBufferLength;
    private readonly int _capacity;
    private readonly int _maxConcurrent;
    private readonly int _maxRetries;
    private readonly TimeProvider _time;
    private readonly long _timestampFrequency; // _time's timestamp units per second
    private readonly long _maxDelayTicks;      // in those units
    private readonly double _retryBaseMs;
    private readonly double _retryMaxMs;

    // Guarded by _gate.
    private readonly Queue<Batch> _ready = new();
    private readonly List<T[]> _freeArrays = new(); // used as a stack; a List so oversized buffers can be taken out in place
    private readonly Stack<Runner> _freeRunners = new();
    private T[] _current = []; // empty between batches, so "full" (count == length) also means "no buffer yet"
    private int _currentCount;
    private int _firstRentedLength; // the length the pool gives for a first buffer: never "oversized"
    private int _peakThisWindow;    // the largest batch released in the current window of ShrinkWindow batches
    private int _peakLastWindow;    // ... and in the window before it
    private int _releasedThisWindow;
    private long _currentStarted;
    private int _pending;
    private int _running;
    private bool _completing;
    private TaskCompletionSource? _spaceAvailable;
    private Task? _completion;
    private List<Exception>? _failures;
    private int _failureCount;
    private bool _completeCalled;
    private bool _disposeCalled;

    private readonly Signal _wake = new();
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _dispatcher;

    private long _batches;
    private long _delivered;
    private long _deadLettered;
    private long _retries;

    /// <summary>Creates and starts an engine.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="handler">Handles one batch. The memory is valid only until the returned task completes. The
    /// token is cancelled only when <see cref="CompleteAsync"/>'s token is cancelled; its source is disposed once the engine
    /// has drained (a token kept past then still reports whether it was cancelled, but has no wait handle).</param>
    /// <param name="deadLetter">Receives a batch whose retries are exhausted, with the last exception; optional
    /// (see the remarks on what happens without it).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is out of range.</exception>
    public BatchEngine(
        BatchEngineOptions options,
        Func<ReadOnlyMemory<T>, CancellationToken, ValueTask> handler,
        Func<ReadOnlyMemory<T>, Exception, ValueTask>? deadLetter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();

        _handler = handler;
        _deadLetter = deadLetter;
        // A batch never holds more than Capacity items, nor more than one array can.
        _maxBatchSize = Math.Min(Math.Min(options.MaxBatchSize, options.Capacity), Array.MaxLength);
        _firstBufferLength = Math.Min(_maxBatchSize, FirstBufferLength);
        _capacity = options.Capacity;
        _maxConcurrent = options.MaxConcurrentBatches;
        _maxRetries = options.MaxRetries;
        _time = options.TimeProvider;
        _timestampFrequency = _time.TimestampFrequency;
        _maxDelayTicks = ClockUnits.FromDuration(options.MaxDelay, _timestampFrequency);
        _retryBaseMs = options.RetryBaseDelay.TotalMilliseconds;
        _retryMaxMs = options.RetryMaxDelay.TotalMilliseconds;
        BatchMetrics.EnsureCreated();
        _timer = _time.CreateTimer(static state => ((Signal)state!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _dispatcher = Task.Run(DispatchLoopAsync);
    }

    /// <summary>Items accepted and not yet handled or dead-lettered (including those in a running handler).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>Batches handed to the handler so far (first attempts only; a batch dead-lettered by a cancelled
    /// <see cref="CompleteAsync"/> before its first attempt is not counted).</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Items whose batch the handler completed successfully.</summary>
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>Items whose batch failed every attempt (dead-lettered, or failed without a dead-letter handler).</summary>
    public long DeadLetteredCount => Interlocked.Read(ref _deadLettered);

    /// <summary>Retry attempts made so far.</summary>
    public long RetryCount => Interlocked.Read(ref _retries);

    /// <summary>The buffers the engine holds for batches to come (its free list and the batch being filled): how many, and the largest's length (tests).</summary>
    internal (int Count, int Largest) HeldBuffers()
    {
        lock (_gate)
        {
            var largest = _current.Length;
            foreach (var array in _freeArrays)
            {
                largest = Math.Max(largest, array.Length);
            }

            return (_freeArrays.Count + (_current.Length > 0 ? 1 : 0), largest);
        }
    }

    /// <summary>
    /// Adds an item if there is room. Allocates nothing (array buffers are reused once the engine has warmed up).
    /// </summary>
    /// <param name="item">The item.</param>
    /// <returns><see langword="false"/> when <see cref="BatchEngineOptions.Capacity"/> items are pending or the
    /// engine is completing; the item was not taken.</returns>
    public bool Post(T item)
    {
        bool wake;
        lock (_gate)
        {
            if (_completing || _pending >= _capacity)
            {
                return false;
            }

            wake = AddLocked(item);
        }

        if (wake)
        {
            _wake.Set();
        }

        return true;
    }

    /// <summary>Adds an item, waiting for room when <see cref="BatchEngineOptions.Capacity"/> is reached (backpressure).</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait for room; the item is then not taken.</param>
    /// <returns>A task that completes when the item is taken.</returns>
    /// <exception cref="InvalidOperationException">The engine is completing or completed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public ValueTask PostAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask(Cancellation.Cancelled(cancellationToken));
        }

        Task? wait = null;
        var wake = false;
        lock (_gate)
        {
            if (_completing)
            {
                return ValueTask.FromException(CompletedException());
            }

            if (_pending >= _capacity)
            {
                wait = (_spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            else
            {
                try
                {
                    wake = AddLocked(item);
                }
                catch (Exception ex)
                {
                    return ValueTask.FromException(ex); // the clock threw: the item was not taken
                }
            }
        }

        if (wake)
        {
            _wake.Set();
        }

        // Full: the item is not taken yet, so the slow path must add it, even when room appeared since the check
        // (returning because the wait had already completed would report an item taken that was not).
        return wait is null ? default : new ValueTask(PostSlowAsync(item, wait, cancellationToken));
    }

    /// <summary>
    /// Stops accepting items, flushes every item posted (partial batches included, without waiting for
    /// <see cref="BatchEngineOptions.MaxDelay"/>), waits for every handler, retry and dead-letter call, then stops.
    /// Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it stops waiting politely: the handlers' token is cancelled, and
    /// batches not yet handled are dead-lettered with an <see cref="OperationCanceledException"/> (so still not
    /// lost); the returned task still completes only once everything is accounted for.</param>
    /// <returns>A task that completes when the engine has drained.</returns>
    /// <exception cref="AggregateException">Batches failed without a dead-letter handler, or the dead-letter
    /// handler threw: holds those exceptions (the first 64; the message gives the total).</exception>
    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _completeCalled = true;
        }

        return Complete(cancellationToken);
    }

    private Task Complete(CancellationToken cancellationToken)
    {
        Task completion;
        lock (_gate)
        {
            _completing = true;
            completion = _completion ??= CompleteCoreAsync();
            ReleaseSpaceWaitersLocked(out var waiters);
            waiters?.TrySetResult();
        }

        if (cancellationToken.CanBeCanceled && !completion.IsCompleted)
        {
            var registration = cancellationToken.UnsafeRegister(static s => CancelStop((CancellationTokenSource)s!), _stop);
            _ = completion.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        _wake.Set();
        return completion;
    }

    /// <summary>Completes the engine like <see cref="CompleteAsync"/> and releases its timer and buffers.</summary>
    /// <returns>A task that completes when the engine has drained.</returns>
    /// <exception cref="AggregateException">As <see cref="CompleteAsync"/>, from the first call only and unless
    /// <see cref="CompleteAsync"/> was called (its task already carries the failures); later calls complete quietly.</exception>
    public async ValueTask DisposeAsync()
    {
        bool first;
        lock (_gate)
        {
            first = !_disposeCalled;
            _disposeCalled = true;
        }

        try
        {
            await Complete(CancellationToken.None).ConfigureAwait(false);
        }
        catch (AggregateException) when (!first || CompleteWasCalled())
        {
            // Already reported: by the first DisposeAsync, or by the task CompleteAsync returned.
        }
        finally
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var array in _freeArrays)
                {
                    ArrayPool<T>.Shared.Return(array);
                }

                _freeArrays.Clear();
            }
        }
    }

    private bool CompleteWasCalled()
    {
        lock (_gate)
        {
            return _completeCalled;
        }
    }

    private async Task CompleteCoreAsync()
    {
        // Yield so CompleteAsync returns before the drain is awaited (it is called under _gate).
        await Task.Yield();
        await _dispatcher.ConfigureAwait(false);

        // Drained: every runner has released its batch, so nothing reads the handlers' token any more (a handler that
        // kept it still sees whether it was cancelled). A completion token cancelled from now on finds it disposed.
        _stop.Dispose();
        lock (_gate)
        {
            if (_failureCount == 0)
            {
                return;
            }
            throw new AggregateException(
                $"{_failureCount} batch(es) of {typeof(T).Name} failed and were not dead-lettered (no dead-letter handler, or it threw).",
                _failures!);
        }
    }

    /// <summary>Cancels the handlers' token for a cancelled completion token, unless the engine has drained and disposed it.</summary>
    private static void CancelStop(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Cancelled after the drain (its registration is disposed only once the completion task has completed).
        }
    }

    private static InvalidOperationException CompletedException() =>
        new("The batch engine is completing or completed; it accepts no more items.");

    private async Task PostSlowAsync(T item, Task wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Cancellation.WaitAsync(wait, cancellationToken).ConfigureAwait(false);

            bool wake;
            lock (_gate)
            {
                if (_completing)
                {
                    throw CompletedException();
                }

                if (_pending >= _capacity)
                {
                    wait = (_spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    continue;
                }

                wake = AddLocked(item);
            }

            if (wake)
            {
                _wake.Set();
            }

            return;
        }
    }

    /// <summary>Appends under the lock; returns whether the dispatcher must look (a new batch began or one filled).</summary>
    private bool AddLocked(T item)
    {
        // The clock is read first, once per batch, not per item: a clock that throws leaves the item untaken and the
        // engine as it was, and the exception reaches the poster.
        var started = _currentCount == 0 ? _time.GetTimestamp() : 0;
        var current = _current;
        if (_currentCount == current.Length)
        {
            current = MakeRoomLocked(); // a new batch, or a full buffer below MaxBatchSize: rare
        }

        current[_currentCount++] = item;
        _pending++;
        var wake = false;
        if (_currentCount == 1)
        {
            _currentStarted = started;
            wake = true;
        }

        if (_currentCount == _maxBatchSize)
        {
            _ready.Enqueue(new Batch(current, _currentCount));
            _current = [];
            _currentCount = 0;
            wake = true;
        }

        return wake;
    }

    /// <summary>
    /// Gives the current batch room for one more item: a buffer for a new batch (a free one, else a small one from the
    /// pool), or, for a batch that filled its buffer, one twice as large (up to the batch's maximum) with the items
    /// copied over. Memory so follows the items actually buffered, not MaxBatchSize; grown buffers go back on the free
    /// list after their batch, so batches of a steady size stop growing (and renting) once warm, and go back to the
    /// pool once batches have been much smaller for a while (see <see cref="Release"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private T[] MakeRoomLocked()
    {
        if (_currentCount == 0)
        {
            var free = _freeArrays.Count;
            if (free > 0)
            {
                _current = _freeArrays[free - 1];
                _freeArrays.RemoveAt(free - 1);
                return _current;
            }

            _current = ArrayPool<T>.Shared.Rent(_firstBufferLength);
            if (_firstRentedLength == 0 || _current.Length < _firstRentedLength)
            {
                _firstRentedLength = _current.Length;
            }

            return _current;
        }

        // Below the maximum here: a batch reaching it is queued as soon as its last item is added.
        var full = _current;
        var bigger = ArrayPool<T>.Shared.Rent((int)Math.Min(2L * full.Length, _maxBatchSize));
        Array.Copy(full, bigger, _currentCount);
        ArrayPool<T>.Shared.Return(full, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        return _current = bigger;
    }

    private void ReleaseSpaceWaitersLocked(out TaskCompletionSource? waiters)
    {
        waiters = _spaceAvailable;
        _spaceAvailable = null;
    }

    private async Task DispatchLoopAsync()
    {
        // Set when the clock or the flush timer threw: the current batch is flushed at once rather than wait on a
        // clock that cannot tell when its delay is over (one failure would otherwise stop the dispatcher for good).
        var clockFailed = false;
        while (true)
        {
            Runner? runner = null;
            var waitTicks = -1L;
            lock (_gate)
            {
                if (_running < _maxConcurrent)
                {
                    if (_ready.Count > 0)
                    {
                        runner = TakeRunnerLocked();
                        runner.Batch = _ready.Dequeue();
                    }
                    else if (_currentCount > 0)
                    {
                        var elapsed = clockFailed ? _maxDelayTicks : Elapsed();
                        clockFailed = false;
                        if (_completing || elapsed >= _maxDelayTicks)
                        {
                            runner = TakeRunnerLocked();
                            runner.Batch = new Batch(_current, _currentCount);
                            _current = [];
                            _currentCount = 0;
                        }
                        else
                        {
                            waitTicks = _maxDelayTicks - elapsed;
                        }
                    }
                    else if (_completing && _running == 0)
                    {
                        return; // drained: nothing buffered, nothing running
                    }

                    if (runner is not null)
                    {
                        _running++;
                    }
                }
            }

            if (runner is not null)
            {
                ThreadPool.UnsafeQueueUserWorkItem(runner, preferLocal: false);
                continue;
            }

            if (waitTicks >= 0)
            {
                try
                {
                    _timer.Change(TimeSpan.FromTicks(TimerDueMilliseconds(waitTicks, _timestampFrequency) * TimeSpan.TicksPerMillisecond), Timeout.InfiniteTimeSpan);
                }
                catch (Exception)
                {
                    clockFailed = true; // no timer will wake us: flush the batch now
                    continue;
                }
            }

            await _wake.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How long the current batch has waited, in timestamp units; as long as <c>MaxDelay</c> when the clock throws (under the lock).</summary>
    private long Elapsed()
    {
        try
        {
            return _time.GetTimestamp() - _currentStarted;
        }
        catch (Exception)
        {
            return _maxDelayTicks; // a clock that cannot be read cannot make the batch wait
        }
    }

    /// <summary>A free runner, or a new one when every runner made so far is busy (fewer than MaxConcurrentBatches run).</summary>
    private Runner TakeRunnerLocked() => _freeRunners.TryPop(out var runner) ? runner : new Runner(this);

    private async Task RunBatchAsync(Runner runner)
    {
        var batch = runner.Batch;
        var memory = new ReadOnlyMemory<T>(batch.Array, 0, batch.Count);
        try
        {
            Exception? last = null;
            var token = _stop.Token;
            for (var attempt = 0; ; attempt++)
            {
                if (token.IsCancellationRequested)
                {
                    last ??= new OperationCanceledException("The batch engine's completion was cancelled before this batch was handled.", token);
                    break;
                }

                if (attempt == 0)
                {
                    // Counted when the handler gets the batch: one dead-lettered by a cancelled completion before
                    // its first attempt was never handed to it.
                    Interlocked.Increment(ref _batches);
                    BatchMetrics.Add(BatchMetrics.Flushes, 1, ItemTypeTag);
                    BatchMetrics.Add(BatchMetrics.Items, batch.Count, ItemTypeTag);
                }

                try
                {
                    await _handler(memory, token).ConfigureAwait(false);
                    last = null;
                    break;
                }
                catch (Exception ex)
                {
                    last = ex;
                }

                if (attempt >= _maxRetries || token.IsCancellationRequested)
                {
                    break;
                }

                Interlocked.Increment(ref _retries);
                BatchMetrics.Add(BatchMetrics.Retries, 1, ItemTypeTag);
                try
                {
                    await WaitAtLeastAsync(Backoff(attempt), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    break; // keep the handler's exception as the reason
                }
                catch (Exception)
                {
                    // The clock threw while waiting out the backoff: retry now rather than lose the batch.
                }
            }

            if (last is null)
            {
                Interlocked.Add(ref _delivered, batch.Count);
            }
            else
            {
                await DeadLetterAsync(memory, last).ConfigureAwait(false);
            }
        }
        finally
        {
            Release(runner);
        }
    }

    private async Task DeadLetterAsync(ReadOnlyMemory<T> memory, Exception error)
    {
        Interlocked.Add(ref _deadLettered, memory.Length);
        BatchMetrics.Add(BatchMetrics.DeadLetters, memory.Length, ItemTypeTag);
        if (_deadLetter is null)
        {
            RecordFailure(error);
            return;
        }

        try
        {
            await _deadLetter(memory, error).ConfigureAwait(false);
        }
        catch (Exception deadLetterError)
        {
            RecordFailure(new AggregateException("The dead-letter handler threw while handling a failed batch.", error, deadLetterError));
        }
    }

    private void RecordFailure(Exception error)
    {
        lock (_gate)
        {
            _failureCount++;
            _failures ??= new List<Exception>();
            if (_failures.Count < MaxKeptFailures)
            {
                _failures.Add(error);
            }
        }
    }

    /// <summary>
    /// The flush timer's due time for a batch that must wait <paramref name="ticks"/> more (in the clock's timestamp
    /// units, <paramref name="ticksPerSecond"/> a second): whole milliseconds (the timer's unit) rounded up, at least 1,
    /// so a fractional or sub-millisecond wait is never cut short to 0 (a busy loop) or rounded down. Exact integer
    /// arithmetic, whatever the clock's frequency. The system timer may still fire up to a millisecond early (it counts
    /// whole ticks of the system's millisecond clock): the dispatcher then sees the batch has not waited
    /// <c>MaxDelay</c> yet (measured in timestamp units, not rounded) and sets the timer again for the rest.
    /// </summary>
    internal static int TimerDueMilliseconds(long ticks, long ticksPerSecond)
    {
        var ms = (((Int128)ticks * 1000) + ticksPerSecond - 1) / ticksPerSecond;
        return (int)Int128.Clamp(ms, 1, int.MaxValue);
    }

    /// <summary>
    /// Waits at least <paramref name="delay"/> on the engine's clock, fractions of a millisecond included. The system's
    /// <c>Task.Delay</c> truncates to whole milliseconds (a 0.8 ms backoff was no wait at all, 1.9 ms was 1 ms) and its
    /// timer may fire up to a millisecond early, so this waits whole milliseconds rounded up and, if the clock's
    /// timestamps say that was short, waits again for the rest.
    /// </summary>
    private async Task WaitAtLeastAsync(TimeSpan delay, CancellationToken token)
    {
        var start = _time.GetTimestamp();
        for (var remaining = delay; remaining > TimeSpan.Zero; remaining = delay - _time.GetElapsedTime(start))
        {
            var wait = TimeSpan.FromTicks(WholeMilliseconds(remaining) * TimeSpan.TicksPerMillisecond);
            await Task.Delay(wait, _time, token).ConfigureAwait(false);
        }
    }

    /// <summary>A delay in whole milliseconds, rounded up (0 stays 0): what the system timer counts in.</summary>
    internal static int WholeMilliseconds(TimeSpan delay) =>
        (int)Math.Min(int.MaxValue, (delay.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);

    private TimeSpan Backoff(int attempt) => Backoff(attempt, _retryBaseMs, _retryMaxMs, Random.Shared.NextDouble());

    /// <summary>Exponential backoff with equal jitter: a random delay in [d/2, d], d = min(base * 2^attempt, max).</summary>
    /// <param name="attempt">0 before the first retry.</param>
    /// <param name="baseMs">The retry base delay in milliseconds.</param>
    /// <param name="maxMs">The retry cap in milliseconds.</param>
    /// <param name="unit">A uniform draw in [0, 1) that places the delay in the jitter range (a parameter so tests can pin it).</param>
    internal static TimeSpan Backoff(int attempt, double baseMs, double maxMs, double unit)
    {
        var delay = Math.Min(maxMs, baseMs * Math.Pow(2, Math.Min(attempt, 30)));
        var jittered = (delay / 2) + (unit * delay / 2);
        return TimeSpan.FromMilliseconds(jittered);
    }

    private void Release(Runner runner)
    {
        var batch = runner.Batch;
        runner.Batch = default;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Array.Clear(batch.Array, 0, batch.Count); // do not keep the items alive from the pool
        }

        TaskCompletionSource? waiters;
        lock (_gate)
        {
            _pending -= batch.Count;
            _running--;
            if (RecordBatchLocked(batch.Count))
            {
                ReturnOversizedLocked(); // a new window: what the free list holds may now be far above recent need
            }

            if (IsOversizedLocked(batch.Array))
            {
                ArrayPool<T>.Shared.Return(batch.Array); // already cleared; the next batch starts small and grows as needed
            }
            else
            {
                _freeArrays.Add(batch.Array);
            }

            _freeRunners.Push(runner);
            ReleaseSpaceWaitersLocked(out waiters);
        }

        waiters?.TrySetResult();
        _wake.Set();
    }

    /// <summary>Counts a handed-off batch in the recent need; true when this starts a new window.</summary>
    private bool RecordBatchLocked(int count)
    {
        _peakThisWindow = Math.Max(_peakThisWindow, count);
        if (++_releasedThisWindow < ShrinkWindow)
        {
            return false;
        }

        _peakLastWindow = _peakThisWindow;
        _peakThisWindow = 0;
        _releasedThisWindow = 0;
        return true;
    }

    /// <summary>
    /// Whether a buffer is much larger than recent batches need: over <see cref="ShrinkFactor"/> times the largest batch
    /// of the last <see cref="ShrinkWindow"/> to 2 × <see cref="ShrinkWindow"/> batches, and over a first buffer's size
    /// (a first buffer is never given back, so small batches do not rent and return one each time). A buffer grown for a
    /// batch is at most about twice its size, so batches of a steady size keep theirs.
    /// </summary>
    private bool IsOversizedLocked(T[] array) =>
        array.Length > _firstRentedLength &&
        array.Length > (long)ShrinkFactor * Math.Max(_peakThisWindow, _peakLastWindow);

    /// <summary>Gives the free list's oversized buffers back to the pool (in place: allocates nothing).</summary>
    private void ReturnOversizedLocked()
    {
        var kept = 0;
        for (var i = 0; i < _freeArrays.Count; i++)
        {
            var array = _freeArrays[i];
            if (IsOversizedLocked(array))
            {
                ArrayPool<T>.Shared.Return(array);
            }
            else
            {
                _freeArrays[kept++] = array;
            }
        }

        _freeArrays.RemoveRange(kept, _freeArrays.Count - kept);
    }

    private readonly record struct Batch(T[] Array, int Count);

    /// <summary>Runs one batch on the thread pool; reused, so dispatching allocates nothing once there are as many as ever ran at once (see <see cref="TakeRunnerLocked"/>).</summary>
    private sealed class Runner(BatchEngine<T> engine) : IThreadPoolWorkItem
    {
        public Batch Batch;

        public void Execute() => _ = engine.RunBatchAsync(this);
    }
}

/// <summary>The batch engine's counters on the shared <c>Hotpath</c> meter.</summary>
internal static class BatchMetrics
{
    public const string TypeTag = "type";

    private static readonly object Sync = new();

    public static Counter<long>? Items { get; private set; } // null until created (see EnsureCreated)

    public static Counter<long>? Flushes { get; private set; }

    public static Counter<long>? Retries { get; private set; }

    public static Counter<long>? DeadLetters { get; private set; }

    /// <summary>
    /// Creates the counters, once per process, from each engine's constructor. A listener whose InstrumentPublished
    /// throws fails neither the engine nor the counters (see <see cref="HotpathInstruments"/>); a counter that could not
    /// be created at all stays null, uncounted, and is tried again by the next engine.
    /// </summary>
    public static void EnsureCreated()
    {
        lock (Sync)
        {
            Items ??= HotpathInstruments.Create("hotpath.batch.items", static meter => meter.CreateCounter<long>("hotpath.batch.items", "{item}", "Items handed to batch handlers."));
            Flushes ??= HotpathInstruments.Create("hotpath.batch.flushes", static meter => meter.CreateCounter<long>("hotpath.batch.flushes", "{batch}", "Batches handed to batch handlers."));
            Retries ??= HotpathInstruments.Create("hotpath.batch.retries", static meter => meter.CreateCounter<long>("hotpath.batch.retries", "{retry}", "Retry attempts of failed batches."));
            DeadLetters ??= HotpathInstruments.Create("hotpath.batch.deadletters", static meter => meter.CreateCounter<long>("hotpath.batch.deadletters", "{item}", "Items whose batch failed every attempt."));
        }
    }

    /// <summary>
    /// Adds to a counter, swallowing whatever a meter listener's measurement callback throws: the callback runs inside
    /// <see cref="Counter{T}.Add(T, KeyValuePair{string, object?})"/>, on the batch runner, and its exception escaped
    /// the runner before the handler or the dead-letter handler was called, losing the batch. A buggy listener misses
    /// the measurement (as may the listeners after it); the pipeline does not notice.
    /// </summary>
    public static void Add(Counter<long>? counter, long value, KeyValuePair<string, object?> tag)
    {
        try
        {
            counter?.Add(value, tag);
        }
        catch (Exception)
        {
            // The listener's bug, not the batch's: see the summary.
        }
    }
}
