namespace Hotpath.Batching;

/// <summary>
/// Settings of a <see cref="BatchEngine{T}"/>. The engine validates them when it is constructed and throws
/// <see cref="ArgumentOutOfRangeException"/> naming the bad setting.
/// </summary>
public sealed class BatchEngineOptions
{
    /// <summary>A batch is flushed when it holds this many items. Default 1,024; must be at least 1.</summary>
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>
    /// A batch is flushed (if a handler slot is free) once its first item has waited this long, even if it is not
    /// full. Default 50 ms; must be positive and at most <see cref="int.MaxValue"/> milliseconds. The wait is measured
    /// exactly (fractions of a millisecond are kept) and never cut short; the flush timer ticks in whole milliseconds,
    /// so the flush comes at the timer's first tick after the delay: a delay below 1 ms flushes after about 1 ms (or the
    /// platform's timer resolution), never in a busy loop.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The most items the engine holds at once: posted and not yet handled or dead-lettered (items in flight in a
    /// handler count). <c>Post</c> returns <see langword="false"/> and <c>PostAsync</c> waits when it is reached.
    /// Default 65,536; must be at least 1. When it is below <see cref="MaxBatchSize"/> it caps the batch size too: a batch
    /// that holds <see cref="Capacity"/> items could never grow, so it is flushed at once instead of after
    /// <see cref="MaxDelay"/>.
    /// </summary>
    public int Capacity { get; set; } = 65_536;

    /// <summary>The most handler calls running at once. Default 1; must be at least 1.</summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>
    /// How many times a failing batch is retried before it is dead-lettered (so a batch is handed to the handler
    /// at most <c>MaxRetries + 1</c> times). Default 3; must be 0 or more.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The backoff before the first retry; it doubles on each retry (with jitter). Default 10 ms; must be 0 or more.
    /// Backoffs are waited in full, fractions of a millisecond included (at the timer's next millisecond tick).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest backoff between retries. Default 1 s; must be at least <see cref="RetryBaseDelay"/>.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The clock the engine waits on (default <see cref="System.TimeProvider.System"/>; setting null restores the
    /// default): <see cref="MaxDelay"/> is measured with its <see cref="System.TimeProvider.GetTimestamp"/> and
    /// <see cref="System.TimeProvider.TimestampFrequency"/> and waited with a timer from its
    /// <see cref="System.TimeProvider.CreateTimer"/>, and retry backoffs are waited with
    /// <see cref="Task.Delay(TimeSpan, System.TimeProvider, CancellationToken)"/>. A fake clock (one that overrides
    /// <c>GetTimestamp</c> and <c>CreateTimer</c>, as <c>FakeTimeProvider</c> does) makes a pipeline's timing
    /// deterministic in tests. Its <see cref="System.TimeProvider.TimestampFrequency"/> must be positive.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? TimeProvider.System;
    }

    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for the first setting out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (MaxDelay <= TimeSpan.Zero || MaxDelay.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be positive and at most int.MaxValue milliseconds.");
        }

        if (Capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "Capacity must be at least 1.");
        }

        if (MaxConcurrentBatches < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentBatches), MaxConcurrentBatches, "MaxConcurrentBatches must be at least 1.");
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 or more.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), RetryBaseDelay, "RetryBaseDelay must be 0 or more and at most int.MaxValue milliseconds.");
        }

        if (RetryMaxDelay < RetryBaseDelay || RetryMaxDelay.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryMaxDelay), RetryMaxDelay, "RetryMaxDelay must be at least RetryBaseDelay and at most int.MaxValue milliseconds.");
        }

        if (TimeProvider.TimestampFrequency <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeProvider), TimeProvider.TimestampFrequency, "The TimeProvider's TimestampFrequency must be positive.");
        }
    }
}
