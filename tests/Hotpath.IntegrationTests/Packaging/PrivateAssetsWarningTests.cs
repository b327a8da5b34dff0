namespace Hotpath.IntegrationTests.Packaging;

/// <summary>
/// HOTPATH0001: a library whose Hotpath reference keeps the runtime library from the projects referencing it
/// (PrivateAssets all/runtime/compile, ExcludeAssets runtime) is warned at build; an exe, a normal reference and a
/// silenced library are not. One solution of small projects, built once, holds every case.
/// </summary>
[Collection(PackedPackageCollection.Name)]
public sealed class PrivateAssetsWarningTests(PackedPackage package) : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private readonly string _folder = Directory.CreateTempSubdirectory("hotpath-private-assets-").FullName;

    [Fact]
    public void A_library_hiding_the_runtime_is_warned_and_an_exe_a_normal_or_a_silenced_reference_is_not()
    {
        AddProject("LibAttribute", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="all" />""");
        AddProject("LibElement", """
            <PackageReference Include="Hotpath" Version="{V}">
              <PrivateAssets>Analyzers; All</PrivateAssets>
            </PackageReference>
            """);
        AddProject("LibPrivateRuntime", """<PackageReference Include="hotpath" Version="{V}" PrivateAssets="Runtime" />""");
        AddProject("LibExcludeRuntime", """<PackageReference Include="Hotpath" Version="{V}" ExcludeAssets="runtime" />""");
        AddProject("LibUpdate", """
            <PackageReference Include="Hotpath" Version="{V}" />
            <PackageReference Update="Hotpath" PrivateAssets="compile" />
            """);
        AddProject("LibStrict", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="all" />""", "<TreatWarningsAsErrors>true</TreatWarningsAsErrors>");
        AddProject("LibNormal", """<PackageReference Include="Hotpath" Version="{V}" />""");
        AddProject("LibAnalyzersPrivate", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="analyzers;build" />""");
        AddProject("LibSuppressed", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="all" />""", "<HotpathSuppressPrivateAssetsWarning>true</HotpathSuppressPrivateAssetsWarning>");
        AddProject("LibNoWarn", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="all" />""", "<NoWarn>$(NoWarn);HOTPATH0001</NoWarn>");
        AddProject("AppPrivate", """<PackageReference Include="Hotpath" Version="{V}" PrivateAssets="all" />""", "<OutputType>Exe</OutputType>");

        // Central package management: the version comes from Directory.Packages.props, PrivateAssets stays on the item.
        var central = Path.Combine(_folder, "central");
        Directory.CreateDirectory(central);
        File.WriteAllText(Path.Combine(central, "Directory.Packages.props"), $"""
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageVersion Include="Hotpath" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        AddProject(Path.Combine("central", "LibCentral"), """<PackageReference Include="Hotpath" PrivateAssets="all" />""");
        AddProject(Path.Combine("central", "LibCentralNormal"), """<PackageReference Include="Hotpath" />""");

        var build = DotnetCli.Run(_folder, BuildTimeout, DotnetCli.IsolatedBuild("build", "Consumers.slnx", "-c", "Release", $"-p:RestoreAdditionalProjectSources={package.Directory}"));

        string[] warned = ["LibAttribute", "LibElement", "LibPrivateRuntime", "LibExcludeRuntime", "LibUpdate", "LibCentral"];
        foreach (var project in warned)
        {
            Assert.Contains($"warning HOTPATH0001: The Hotpath package reference of library '{project}' (PrivateAssets=", build.Output);
        }

        // The message quotes the reference's own metadata.
        Assert.Contains("library 'LibAttribute' (PrivateAssets='all' ExcludeAssets='')", build.Output);
        Assert.Contains("library 'LibExcludeRuntime' (PrivateAssets='' ExcludeAssets='runtime')", build.Output);

        // TreatWarningsAsErrors makes it an error, which fails that project only.
        Assert.Contains("error HOTPATH0001: The Hotpath package reference of library 'LibStrict'", build.Output);
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("keeps Hotpath (its runtime library Hotpath.dll", build.Output);
        Assert.Contains("cannot use the library's generated members (CS0012)", build.Output);
        Assert.Contains("FileNotFoundException", build.Output);
        Assert.Contains("HotpathSuppressPrivateAssetsWarning=true", build.Output);

        foreach (var project in new[] { "LibNormal", "LibAnalyzersPrivate", "LibSuppressed", "LibNoWarn", "AppPrivate", "LibCentralNormal" })
        {
            Assert.DoesNotContain($"library '{project}'", build.Output);
            Assert.True(File.Exists(Path.Combine(_folder, project.StartsWith("LibCentral", StringComparison.Ordinal) ? "central" : "", project, "bin", "Release", "net10.0", project + ".dll")), $"{project} did not build:\n{build.Output}");
        }

        var lines = build.Output.Split('\n').Where(l => l.Contains("HOTPATH0001", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        Assert.True(lines.Count == warned.Length + 1, "one HOTPATH0001 per hiding library expected:\n" + string.Join('\n', lines));
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

    /// <summary>Writes a library (an exe with <c>&lt;OutputType&gt;Exe&lt;/OutputType&gt;</c>) with one class that uses Hotpath, and adds it to the solution.</summary>
    private void AddProject(string relativeFolder, string references, string properties = "")
    {
        var name = Path.GetFileName(relativeFolder);
        var folder = Path.Combine(_folder, relativeFolder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                {references.Replace("{V}", package.Version, StringComparison.Ordinal)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "State.cs"), $$"""
            namespace {{name}};

            [Hotpath.Pooled]
            public sealed partial class State
            {
                public string Name = "";

                public static void Main() => State.Pool.Return(State.Pool.Rent());
            }
            """);

        var solution = Path.Combine(_folder, "Consumers.slnx");
        var entries = File.Exists(solution) ? File.ReadAllText(solution).Replace("</Solution>", "", StringComparison.Ordinal) : "<Solution>\n";
        File.WriteAllText(solution, entries + $"  <Project Path=\"{relativeFolder.Replace('\\', '/')}/{name}.csproj\" />\n</Solution>\n");
    }
}
