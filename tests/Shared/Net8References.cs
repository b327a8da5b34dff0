using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Hotpath.TestSources;

/// <summary>
/// The .NET 8 reference assemblies from the NuGet package cache: a target without System.Threading.Lock, and the
/// one a user of the first .NET 8 SDK compiles against. Every build of this repository restores them, because
/// runtime/Hotpath targets net8.0. Shared by the analyzer, code-fix and Roslyn 4.8 tests.
/// </summary>
internal static class Net8References
{
    public static ImmutableArray<MetadataReference> Load()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var root = Path.Combine(packages, "microsoft.netcore.app.ref");
        var directory = Directory.Exists(root)
            ? Directory.GetDirectories(root, "8.*")
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version(0, 0))
                .Select(d => Path.Combine(d, "ref", "net8.0"))
                .FirstOrDefault(Directory.Exists)
            : null;
        Assert.True(directory is not null, $"The .NET 8 reference pack was not found under {root}; restoring runtime/Hotpath (net8.0) puts it there.");
        return Directory.GetFiles(directory!, "*.dll").Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray();
    }
}
