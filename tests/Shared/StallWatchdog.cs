using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Hotpath.TestSources;

/// <summary>What a watched worker is on, read by <see cref="StallWatchdog"/>: a count of the items started and a description of the current one.</summary>
internal abstract class WatchedProgress
{
    private long _started;

    public long Started => Volatile.Read(ref _started);

    /// <summary>Counts one more item started; call it after setting the fields <see cref="Describe"/> reads, which it publishes.</summary>
    protected void Advance() => Volatile.Write(ref _started, _started + 1);

    public abstract string Describe();
}

/// <summary>Runs a fuzz loop on a worker and fails the test when it stops making progress. Shared by the runtime and code-fix fuzz tests.</summary>
internal static class StallWatchdog
{
    /// <summary>
    /// Runs <paramref name="run"/> on a background thread named <paramref name="name"/> and fails once it has started
    /// no new item for <paramref name="stallLimit"/> (code that loops forever), naming the item. A hung worker cannot
    /// be stopped; being a background thread, it does not keep the test process alive.
    /// </summary>
    public static string Run<TProgress>(Func<TProgress, string> run, TimeSpan stallLimit, string name)
        where TProgress : WatchedProgress, new()
    {
        var progress = new TProgress();
        string? result = null;
        ExceptionDispatchInfo? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                result = run(progress);
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        worker.Start();
        var seen = -1L;
        var since = Stopwatch.GetTimestamp();
        while (!worker.Join(TimeSpan.FromMilliseconds(Math.Min(250, stallLimit.TotalMilliseconds / 4))))
        {
            var started = progress.Started;
            if (started != seen)
            {
                seen = started;
                since = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(since) > stallLimit)
            {
                Assert.Fail($"The {name} hung: {progress.Describe()}\nhas not finished in {stallLimit.TotalSeconds:F1} s.");
            }
        }

        failure?.Throw();
        return result!;
    }
}
