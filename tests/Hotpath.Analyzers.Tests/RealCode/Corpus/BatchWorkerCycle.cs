// Written for Hotpath's analyzer tests after dotnet/orleans src/Orleans.Core/Async/BatchWorker.cs (MIT): a worker whose
// cycles are started, chained and awaited under lock (lockable), a protected lock field its subclasses share; the
// abstract work started under the lock, a continuation chained there, volatile state read without it, a promise for the
// next cycle made under the lock and completed after it, and awaits done outside the lock. Excerpt: see README.md.
using System;
using System.Threading.Tasks;

namespace RealCode.Runtime;

internal static class WorkerTaskExtensions
{
    public static void Ignore(this Task task)
    {
        if (task.IsCompleted)
        {
            _ = task.Exception;
        }
        else
        {
            task.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }
}

public abstract class BatchWorker
{
    /// <summary>Implement this member in derived classes to define what constitutes a work cycle</summary>
    protected abstract Task Work();

    protected object lockable = new object();

    private bool startingCurrentWorkCycle;

    private DateTime? scheduledNotify = null;

    public void Notify()
    {
        lock (lockable)
        {
            if (currentWorkCycle != null || startingCurrentWorkCycle)
            {
                moreWork = true;
            }
            else
            {
                Start();
            }
        }
    }

    public void Notify(DateTime utcTime)
    {
        var now = DateTime.UtcNow;

        if (now >= utcTime)
        {
            Notify();
        }
        else
        {
            lock (lockable)
            {
                if (!scheduledNotify.HasValue || scheduledNotify.Value > utcTime)
                {
                    scheduledNotify = utcTime;

                    ScheduleNotify(utcTime, now).Ignore();
                }
            }
        }
    }

    private async Task ScheduleNotify(DateTime time, DateTime now)
    {
        await Task.Delay(time - now);

        if (scheduledNotify == time)
        {
            Notify();
        }
    }

    // task for the current work cycle, or null if idle
    private volatile Task? currentWorkCycle;

    // flag is set to indicate that more work has arrived during execution of the task
    private volatile bool moreWork;

    // used to communicate the task for the next work cycle to waiters; non-null only if there are waiters
    private TaskCompletionSource<Task>? nextWorkCyclePromise;

    private void Start()
    {
        startingCurrentWorkCycle = true;
        scheduledNotify = null;

        try
        {
            currentWorkCycle = Work();
        }
        finally
        {
            startingCurrentWorkCycle = false;
            currentWorkCycle!.ContinueWith(t => this.CheckForMoreWork(), TaskScheduler.Current);
        }
    }

    private void CheckForMoreWork()
    {
        TaskCompletionSource<Task>? signal = null;
        Task? taskToSignal = null;

        lock (lockable)
        {
            if (moreWork)
            {
                moreWork = false;
                signal = this.nextWorkCyclePromise;
                this.nextWorkCyclePromise = null;
                Start();
                taskToSignal = currentWorkCycle;
            }
            else
            {
                currentWorkCycle = null;
            }
        }

        // to be safe, must do the signalling out here so it is not under the lock
        signal?.SetResult(taskToSignal!);
    }

    public bool IsIdle()
    {
        // no lock needed for reading volatile field
        return currentWorkCycle == null;
    }

    public async Task WaitForCurrentWorkToBeServiced()
    {
        Task<Task>? waitfortasktask = null;
        Task? waitfortask = null;

        lock (lockable)
        {
            if (!moreWork)
            {
                waitfortask = currentWorkCycle;
            }
            else
            {
                if (nextWorkCyclePromise == null)
                {
                    nextWorkCyclePromise = new TaskCompletionSource<Task>();
                }

                waitfortasktask = nextWorkCyclePromise.Task;
            }
        }

        if (waitfortasktask != null)
        {
            await await waitfortasktask;
        }
        else if (waitfortask != null)
        {
            await waitfortask;
        }
    }

    public async Task NotifyAndWaitForWorkToBeServiced()
    {
        Task<Task>? waitForTaskTask = null;
        Task? waitForTask = null;

        lock (lockable)
        {
            if (currentWorkCycle != null || startingCurrentWorkCycle)
            {
                moreWork = true;
                if (nextWorkCyclePromise == null)
                {
                    nextWorkCyclePromise = new TaskCompletionSource<Task>();
                }

                waitForTaskTask = nextWorkCyclePromise.Task;
            }
            else
            {
                Start();
                waitForTask = currentWorkCycle;
            }
        }

        if (waitForTaskTask != null)
        {
            await await waitForTaskTask;
        }
        else if (waitForTask != null)
        {
            await waitForTask;
        }
    }
}

public class BatchWorkerFromDelegate : BatchWorker
{
    private readonly Func<Task> work;

    public BatchWorkerFromDelegate(Func<Task> work)
    {
        this.work = work;
    }

    protected override Task Work()
    {
        return work();
    }
}
