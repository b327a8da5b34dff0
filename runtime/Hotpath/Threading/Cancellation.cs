namespace Hotpath.Threading;

/// <summary>
/// Waits that end with the documented <see cref="OperationCanceledException"/> when the caller's token cancels them,
/// on a cancelled task. <see cref="Task.WaitAsync(CancellationToken)"/> and <c>Task.FromCanceled</c> throw its
/// subclass <see cref="TaskCanceledException"/>, which code asserting the exact type (or catching it) does not expect.
/// </summary>
internal static class Cancellation
{
    /// <summary>A task already cancelled by <paramref name="cancellationToken"/>.</summary>
    public static async Task Cancelled(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>A task of <typeparamref name="T"/> already cancelled by <paramref name="cancellationToken"/>.</summary>
    public static async Task<T> Cancelled<T>(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
        return default!; // not reached: the token is cancelled
    }

    /// <summary>Awaits <paramref name="task"/> until <paramref name="cancellationToken"/> cancels the wait.</summary>
    public static async Task WaitAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TaskCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
    }
}
