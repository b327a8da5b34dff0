namespace Hotpath.IntegrationTests.Packaging;

/// <summary>
/// Packs the Hotpath package once per test run, from the already built outputs, with a unique version so
/// a consumer can never pick up a stale copy from the NuGet cache. Removes that version from the cache
/// afterwards.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        Version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];
        Directory = System.IO.Directory.CreateTempSubdirectory("hotpath-feed-").FullName;
        DotnetCli.Run(
                RepoRoot, TimeSpan.FromMinutes(5),
                DotnetCli.IsolatedBuild("pack", Path.Combine("runtime", "Hotpath", "Hotpath.csproj"), "-c", DotnetCli.Configuration, "--no-build", "-o", Directory, $"-p:PackageVersion={Version}"))
            .EnsureSuccess("dotnet pack");
        PackagePath = Path.Combine(Directory, $"Hotpath.{Version}.nupkg");
        Assert.True(File.Exists(PackagePath), $"pack did not produce {PackagePath}");
    }

    /// <summary>The repository root (the folder with Framework.sln).</summary>
    public static string RepoRoot => Hotpath.Testing.RepoPaths.Root;

    /// <summary>The unique package version of this run.</summary>
    public string Version { get; }

    /// <summary>The local folder feed holding the package.</summary>
    public string Directory { get; }

    /// <summary>The .nupkg file.</summary>
    public string PackagePath { get; }

    /// <summary>
    /// Writes a consumer project (a console app referencing only the Hotpath package) with <paramref name="program"/>
    /// as Program.cs, and returns its folder.
    /// </summary>
    public string CreateConsumer(string program, string extraProperties = "")
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("hotpath-consumer-").FullName;
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestoreAdditionalProjectSources>{Directory}</RestoreAdditionalProjectSources>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Hotpath" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), program);
        return folder;
    }

    public void Dispose()
    {
        TryDelete(Directory);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        TryDelete(Path.Combine(cache, "hotpath", Version));
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}

/// <summary>Tests sharing one packed package.</summary>
[CollectionDefinition(Name)]
public sealed class PackedPackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "Packed package";
}
