using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace Hotpath.Tests.Shared;

/// <summary>
/// A <see cref="FactAttribute"/> for an allocation budget that holds only for an optimized build (what the package
/// ships, and what <c>-c Release</c> tests): skipped, with the reason, when the tests run as a Debug build.
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
        if (OptimizedBuild.Disabled)
        {
            Skip = OptimizedBuild.SkipReason;
        }
    }
}

/// <summary>Whether this run's build is unoptimized. Every project of one <c>dotnet test -c X</c> builds in X, so the test assembly tells.</summary>
internal static class OptimizedBuild
{
    public const string SkipReason =
        "an allocation budget of an optimized build; this run is a Debug build (run the tests with -c Release)";

    public static bool Disabled { get; } = IsUnoptimized(typeof(OptimizedBuild).Assembly);

    public static bool IsUnoptimized(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
}
