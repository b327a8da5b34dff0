namespace Hotpath.IntegrationTests.Packaging;

/// <summary>
/// samples/HotPathRules built against the packed package: its .editorconfig makes Hotpath rules errors, so
/// injected violations fail the build naming each rule, and the clean project builds.
/// </summary>
[Collection(PackedPackageCollection.Name)]
public sealed class BuildEnforcementTests(PackedPackage package) : IDisposable
{
    private const string Violations = """
        using Hotpath;

        namespace HotPathRules;

        public sealed class Violations
        {
            private readonly object _gate = new();
            private int _requests;
            private int _state;

            [HotPath]
            public object NewObject() => new System.Text.StringBuilder();                    // HOT101

            [HotPath]
            public string Concatenate(string node, string pod) => node + "/" + pod;          // HOT106

            [HotPath]
            public int CountPositive(int[] values) => values.Count(static v => v > 0);       // HOT107

            public void LockOnThis()
            {
                lock (this)                                                                  // HOT201
                {
                    _state = _state * 2 + 1;
                }
            }

            public void CountRequest()
            {
                lock (_gate)                                                                 // HOT205
                {
                    _requests++;
                }
            }
        }
        """;

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private readonly string _folder = CopySample();

    [Fact]
    public void Violations_fail_the_build_naming_each_rule_and_the_clean_project_builds()
    {
        var violations = Path.Combine(_folder, "Violations.cs");
        File.WriteAllText(violations, Violations);

        var failing = Build();

        Assert.NotEqual(0, failing.ExitCode);
        foreach (var rule in new[] { "HOT101", "HOT106", "HOT107", "HOT201", "HOT205" })
        {
            Assert.Contains($"error {rule}", failing.Output);
        }

        File.Delete(violations);

        Build().EnsureSuccess("the clean HotPathRules build");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private CommandResult Build() => DotnetCli.Run(
        _folder, BuildTimeout,
        DotnetCli.IsolatedBuild("build", "-c", "Release", $"-p:HotpathPackageVersion={package.Version}", $"-p:RestoreAdditionalProjectSources={package.Directory}"));

    private static string CopySample()
    {
        var source = Path.Combine(PackedPackage.RepoRoot, "samples", "HotPathRules");
        var target = Directory.CreateTempSubdirectory("hotpath-rules-").FullName;
        foreach (var file in Directory.EnumerateFiles(source).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        // Outside the repository there is no central package management: pin the version directly.
        var project = Path.Combine(target, "HotPathRules.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("VersionOverride=", "Version="));
        return target;
    }
}
