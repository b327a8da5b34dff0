using System.Reflection;
using System.Runtime.Versioning;

namespace Hotpath.Tests;

/// <summary>
/// The runtime ships for net8.0 and net10.0, and this project's tests run on both. The net8.0 run is self-contained
/// (the SDK here carries only the .NET 10 runtime); this checks it really runs on .NET 8 against the net8.0 build
/// of Hotpath.dll, rather than rolling forward.
/// </summary>
public sealed class TargetFrameworkTests
{
    [Fact]
    public void Tests_run_on_the_runtime_of_the_framework_they_target()
    {
        var tests = TargetOf(typeof(TargetFrameworkTests).Assembly);
        var runtime = TargetOf(typeof(Pool<>).Assembly);

        Assert.Equal(".NETCoreApp", tests.Identifier);
        Assert.Contains(tests.Version.Major, new[] { 8, 10 });
        Assert.Equal(tests.Version.Major, Environment.Version.Major);
        Assert.Equal(tests.Version, runtime.Version);
    }

    private static FrameworkName TargetOf(Assembly assembly) =>
        new(assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
}
