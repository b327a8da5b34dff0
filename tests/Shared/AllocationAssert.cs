using Xunit.Sdk;

namespace Hotpath.Tests.Shared;

/// <summary>
/// Exact allocation assertions for allocation-free claims, measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
internal static class AllocationAssert
{
    /// <summary>
    /// Runs <paramref name="round"/> (which returns the bytes it allocated on this thread) up to
    /// <paramref name="maxRounds"/> times and passes as soon as one round allocates exactly nothing.
    /// A one-off runtime allocation on the test thread (a tiered-JIT rejit landing mid-loop) can touch one
    /// round; code that allocates per operation allocates in every round, so it still fails.
    /// </summary>
    public static void SteadyStateAllocatesNothing(Func<long> round, int maxRounds = 5)
    {
        var rounds = new List<long>(maxRounds);
        for (var i = 0; i < maxRounds; i++)
        {
            var allocated = round();
            rounds.Add(allocated);
            if (allocated == 0)
            {
                return;
            }
        }

        throw new XunitException($"Every round allocated; bytes per round: {string.Join(", ", rounds)}");
    }
}
