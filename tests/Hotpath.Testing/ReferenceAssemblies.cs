using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace Hotpath.Testing;

/// <summary>
/// Metadata references for test compilations: the installed runtime's reference pack
/// (<c>{dotnet}/packs/Microsoft.NETCore.App.Ref/{version}/ref/net{major}.0</c>), plus Hotpath.dll and the
/// packages generated code uses. Loaded once per test process.
/// </summary>
public static class ReferenceAssemblies
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_net = new(LoadNet);
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_hotpath = new(LoadHotpath);

    /// <summary>The .NET reference assemblies of the running major version.</summary>
    public static ImmutableArray<MetadataReference> Net => s_net.Value;

    /// <summary><see cref="Net"/> plus Hotpath.dll, Microsoft.Extensions.ObjectPool and CommunityToolkit.HighPerformance.</summary>
    public static ImmutableArray<MetadataReference> WithHotpath => s_hotpath.Value;

    /// <summary>Where <see cref="Net"/> came from (a reference pack folder, or the runtime folder as fallback).</summary>
    public static string Source { get; private set; } = "";

    private static ImmutableArray<MetadataReference> LoadNet()
    {
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory(); // {dotnet}/shared/Microsoft.NETCore.App/{version}/
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packRoot = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var tfm = $"net{Environment.Version.Major}.0";
        var refDirectory = Directory.Exists(packRoot)
            ? Directory.GetDirectories(packRoot)
                .Select(version => Path.Combine(version, "ref", tfm))
                .Where(Directory.Exists)
                .OrderByDescending(path => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var v) ? v : new Version(0, 0))
                .FirstOrDefault()
            : null;

        if (refDirectory is not null)
        {
            Source = refDirectory;
            return Directory.GetFiles(refDirectory, "*.dll")
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
                .ToImmutableArray();
        }

        // No reference pack (a runtime-only machine): compile against the implementation assemblies.
        Source = runtimeDirectory;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        return trusted
            .Where(path => Path.GetDirectoryName(path) is { } dir && Path.GetFullPath(dir + Path.DirectorySeparatorChar) == Path.GetFullPath(runtimeDirectory))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    private static ImmutableArray<MetadataReference> LoadHotpath() => Net.AddRange(new[]
    {
        typeof(global::Hotpath.PooledAttribute).Assembly,
        typeof(Microsoft.Extensions.ObjectPool.IResettable).Assembly,
        typeof(CommunityToolkit.HighPerformance.Buffers.StringPool).Assembly,
    }.Select(assembly => (MetadataReference)MetadataReference.CreateFromFile(assembly.Location)));
}
