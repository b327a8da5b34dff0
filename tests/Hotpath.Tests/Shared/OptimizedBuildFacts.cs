using System.Diagnostics;
using System.Reflection;
using Hotpath.Caching;
using Xunit;

namespace Hotpath.Tests.Shared;

/// <summary>
/// A <see cref="FactAttribute"/> for an allocation budget that holds only for an optimized build of Hotpath (what the
/// package ships): skipped, with the reason, when the tests run against a Debug build of it.
/// </summary>
/// <remarks>
/// A Debug build compiles async methods' state machines as classes, and the JIT does not optimize its code, so it
/// keeps boxes that optimized code elides (a struct key tested with <c>is string</c> in shared generic code). Those
/// allocations are the Debug build's, not the package's: failing on them would say nothing about what users run.
/// </remarks>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OptimizedBuildFactAttribute : FactAttribute
{
    public OptimizedBuildFactAttribute()
    {
        if (OptimizedBuild.HotpathIsUnoptimized)
        {
            Skip = OptimizedBuild.SkipReason;
        }
    }
}

/// <summary>Whether the Hotpath assembly under test was built with optimizations.</summary>
internal static class OptimizedBuild
{
    public const string SkipReason =
        "allocation budget of an optimized build of Hotpath; these tests run against a Debug build (run them with -c Release)";

    public static bool HotpathIsUnoptimized { get; } =
        typeof(ShardedCache<,>).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
}

public sealed class OptimizedBuildTests
{
    [Fact]
    public void Allocation_budgets_are_skipped_exactly_when_the_tests_run_against_an_unoptimized_build()
    {
        // The tests and Hotpath are built in one configuration: a Release run (CI's) must never skip a budget.
        var testsUnoptimized = typeof(OptimizedBuildTests).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
        Assert.Equal(testsUnoptimized, OptimizedBuild.HotpathIsUnoptimized);
        Assert.Equal(testsUnoptimized ? OptimizedBuild.SkipReason : null, new OptimizedBuildFactAttribute().Skip);
    }
}
