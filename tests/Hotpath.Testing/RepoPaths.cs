namespace Hotpath.Testing;

/// <summary>Locations in the repository, found by walking up from the test binaries to Framework.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root (the folder holding Framework.sln).</summary>
    public static string Root => s_root.Value;

    /// <summary>docs/ of the repository.</summary>
    public static string Docs => Path.Combine(Root, "docs");

    /// <summary>
    /// ../shared/data beside the repository (real data for tests and benchmarks), or <see langword="null"/>
    /// when absent: tests that need it skip with a clear message.
    /// </summary>
    public static string? SharedData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
            return Directory.Exists(path) ? path : null;
        }
    }

    /// <summary>
    /// Maps a <c>[CallerFilePath]</c> to a real path. Deterministic CI builds map source paths to <c>/_/</c>;
    /// this undoes that so snapshot files are found next to their test.
    /// </summary>
    public static string MapSourcePath(string callerFilePath)
    {
        if (callerFilePath.StartsWith("/_/", StringComparison.Ordinal) || callerFilePath.StartsWith("\\_\\", StringComparison.Ordinal))
        {
            return Path.Combine(Root, callerFilePath.Substring(3));
        }

        return callerFilePath;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Framework.sln not found above {AppContext.BaseDirectory}.");
    }
}
