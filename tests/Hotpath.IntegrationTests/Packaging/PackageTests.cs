using System.IO.Compression;

namespace Hotpath.IntegrationTests.Packaging;

/// <summary>The one NuGet package: its layout, and a consumer that references only it.</summary>
[Collection(PackedPackageCollection.Name)]
public sealed class PackageTests(PackedPackage package)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Package_holds_the_runtime_per_framework_and_the_Roslyn_assemblies_as_analyzers()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("lib/net8.0/Hotpath.dll", entries);
        Assert.Contains("lib/net10.0/Hotpath.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Hotpath.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Hotpath.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Hotpath.CodeFixes.dll", entries);
        Assert.Contains("build/Hotpath.props", entries); // HOT0xx from the companion analyzers only (see GeneratorDiagnostics)
        Assert.Contains("buildTransitive/Hotpath.props", entries);
        Assert.Contains("build/Hotpath.targets", entries);           // HOTPATH0001 (see PrivateAssetsWarningTests)
        Assert.Contains("buildTransitive/Hotpath.targets", entries);
        // Roslyn components must not leak into lib/ (consumers would reference them).
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));
    }

    [Fact]
    public void Package_declares_runtime_dependencies_but_not_Roslyn()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        using var reader = new StreamReader(archive.GetEntry("Hotpath.nuspec")!.Open());
        var nuspec = reader.ReadToEnd();

        Assert.Contains("Microsoft.Extensions.ObjectPool", nuspec);
        Assert.DoesNotContain("Microsoft.CodeAnalysis", nuspec);
    }

    [Fact]
    public void Consumer_gets_the_generator_diagnostics_as_build_errors()
    {
        var folder = package.CreateConsumer("""
            using Hotpath;

            System.Console.WriteLine("unreachable");

            [Pooled]
            public sealed class PodState
            {
                public string Name = "";
            }
            """);

        // The compiler's error log lists each diagnostic once (the console repeats them), so a mistake reported by
        // both the generator and its companion analyzer would be in it twice.
        var errorLog = Path.Combine(folder, "errors.sarif");
        var build = DotnetCli.Run(folder, BuildTimeout, DotnetCli.IsolatedBuild("build", "-c", "Release", $"-p:ErrorLog={errorLog}%2Cversion=2.1"));

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error HOT001", build.Output);
        Assert.Contains("'PodState' is marked [Pooled] but it is not partial", build.Output);
        var reported = File.ReadAllText(errorLog).Split("\"ruleId\": \"HOT001\"").Length - 1;
        Assert.Equal(1, reported);
    }

    [Fact]
    public void Consumer_builds_and_calls_generated_members()
    {
        var folder = package.CreateConsumer("""
            using Hotpath;

            var state = PodState.Pool.Rent();          // generated: static Pool
            state.Name = "web-0";
            state.Containers.Add("nginx");
            PodState.Pool.Return(state);               // generated Reset() runs on return
            var again = PodState.Pool.Rent();
            System.Console.WriteLine($"reused={ReferenceEquals(state, again)} name='{again.Name}' containers={again.Containers.Count} hits={PodState.Pool.Statistics.Hits}");

            [Pooled(MaxRetained = 8)]
            public sealed partial class PodState
            {
                public string Name = "";
                public System.Collections.Generic.List<string> Containers { get; } = new();
            }
            """);

        DotnetCli.Run(folder, BuildTimeout, DotnetCli.IsolatedBuild("build", "-c", "Release")).EnsureSuccess("dotnet build");
        var run = DotnetCli.Run(folder, BuildTimeout, "run", "-c", "Release", "--no-build");

        run.EnsureSuccess("dotnet run");
        Assert.Contains("reused=True name='' containers=0 hits=1", run.Output);
    }

    [Fact]
    public void Package_readme_links_only_to_absolute_addresses()
    {
        var readme = ReadPackedReadme();

        // A NuGet client renders the README outside the repository: a relative link there leads nowhere.
        var targets = System.Text.RegularExpressions.Regex.Matches(readme, @"\]\(([^)\s]+)\)").Select(m => m.Groups[1].Value).ToList();
        var relative = targets.Where(t => !t.StartsWith("https://", StringComparison.Ordinal) && !t.StartsWith('#')).ToList();
        Assert.True(relative.Count == 0, "relative links in the package README: " + string.Join(", ", relative));
        Assert.StartsWith("# Hotpath", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_readme_example_builds_and_runs_against_the_package()
    {
        var readme = ReadPackedReadme();
        const string Fence = "```csharp\n";
        var start = readme.IndexOf(Fence, StringComparison.Ordinal);
        Assert.True(start >= 0, "the package README has no C# example");
        start += Fence.Length;
        var example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var folder = package.CreateConsumer(example);
        DotnetCli.Run(folder, BuildTimeout, DotnetCli.IsolatedBuild("build", "-c", "Release")).EnsureSuccess("dotnet build");
        var run = DotnetCli.Run(folder, BuildTimeout, "run", "-c", "Release", "--no-build");

        run.EnsureSuccess("dotnet run");
        Assert.Contains("True", run.Output);                                      // the cache hit returned the loaded pod
        Assert.Contains("node-1 1699999980000: 2 samples, max 0.5", run.Output);    // the reducer over the decoded rows
    }

    private string ReadPackedReadme()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        using var nuspecReader = new StreamReader(archive.GetEntry("Hotpath.nuspec")!.Open());
        Assert.Contains("<readme>README.md</readme>", nuspecReader.ReadToEnd());
        using var reader = new StreamReader(archive.GetEntry("README.md")!.Open());
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
