using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Hotpath.Analyzers.Tests.Harness;

/// <summary>
/// Guards an analyzer against super-linear cost on one large method: an analyzer that takes seconds on one method
/// freezes the IDE. Compares the analyzers' own time (the driver's telemetry: their callbacks, not compiling or binding)
/// on an input of size n and of size 4n.
/// </summary>
internal static class Scaling
{
    // Linear cost grows about 4 times from n to 4n, quadratic 16 times (less at these sizes, where the linear part still
    // counts: the quadratic versions grew 9 to 18 times on the shapes tested). A fast run passes whatever the machine; a
    // slow one fails only if, at its best of three runs (a busy machine's pauses only ever add time), it grew more than
    // Factor times. Each shape's sizes were checked against the quadratic versions: well over Floor at 4n, and failing.
    private const double Factor = 6;
    private static readonly TimeSpan Floor = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Fails when <paramref name="analyzers"/> on <paramref name="source"/>(4 <paramref name="n"/>) take more than
    /// <see cref="Floor"/> and more than <see cref="Factor"/> times as long as on <paramref name="source"/>(<paramref name="n"/>).
    /// </summary>
    public static async Task AssertLinearAsync(Func<int, string> source, int n, Func<DiagnosticAnalyzer[]> analyzers, ITestOutputHelper output)
    {
        var small = TimeSpan.MaxValue;
        var large = TimeSpan.MaxValue;
        await TimeAsync(source(Math.Max(1, n / 10)), analyzers()); // warm up: the JIT's cost is not the analyzers'
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            small = Min(small, await TimeAsync(source(n), analyzers()));
            large = Min(large, await TimeAsync(source(4 * n), analyzers()));
            output.WriteLine($"attempt {attempt}: n = {n}: {small.TotalMilliseconds:F0} ms; 4n = {4 * n}: {large.TotalMilliseconds:F0} ms (best so far)");
            if (large < Floor)
            {
                return;
            }
        }

        Assert.True(large.TotalMilliseconds < Factor * small.TotalMilliseconds,
            $"The analyzers took {large.TotalMilliseconds:F0} ms at 4n = {4 * n}, {large.TotalMilliseconds / small.TotalMilliseconds:F1} times their " +
            $"{small.TotalMilliseconds:F0} ms at n = {n}: super-linear (linear is about 4 times, quadratic 16).");
    }

    /// <summary>The analyzers' total execution time on <paramref name="source"/>; fails on compiler errors and analyzer exceptions.</summary>
    private static async Task<TimeSpan> TimeAsync(string source, DiagnosticAnalyzer[] analyzers)
    {
        var compilation = TestCompilation.Create(source);
        TestCompilation.AssertNoErrors(compilation);
        var (_, withAnalyzers) = await AnalyzerVerifier.RunAnalyzersAsync(compilation, analyzers, timed: true).ConfigureAwait(false);
        var total = TimeSpan.Zero;
        foreach (var analyzer in analyzers)
        {
            total += (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).ConfigureAwait(false)).ExecutionTime;
        }

        return total;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>
/// The timed tests run alone, after the others (xUnit runs the rest in parallel): their own timings are what they are
/// about, and the other tests would only add noise to them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScalingCollection
{
    public const string Name = "Scaling";
}
