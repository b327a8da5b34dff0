using Hotpath.Generators.Pooling;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.RoslynCompatTests;

/// <summary>This project proves what it claims only while it hosts Roslyn 4.8 and the shipped assemblies ask for no newer one.</summary>
public sealed class RoslynVersionTests
{
    [Fact]
    public void The_process_hosts_Roslyn_4_8()
    {
        Roslyn48.AssertHostedRoslynIsShippedVersion();
        // C# 12 is the newest language Roslyn 4.8 knows (5.0's "latest" is C# 14).
        Assert.Equal(LanguageVersion.CSharp12, LanguageVersion.Latest.MapSpecifiedToEffectiveVersion());
    }

    [Fact]
    public void The_generators_and_analyzers_reference_Roslyn_4_8_and_the_code_fixes_nothing_newer()
    {
        var generators = typeof(PooledGenerator).Assembly;
        var analyzers = typeof(Hotpath.Analyzers.Pooling.PoolMisuseAnalyzer).Assembly;
        var codeFixes = typeof(Hotpath.CodeFixes.Usage.MakePartialCodeFixProvider).Assembly;
        var shipped = new Version(Roslyn48.ShippedVersion.Major, Roslyn48.ShippedVersion.Minor, 0, 0);

        foreach (var assembly in new[] { generators, analyzers })
        {
            var roslyn = assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToArray();
            Assert.Equal(new[] { "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp" }, roslyn.Select(r => r.Name).Order(StringComparer.Ordinal));
            Assert.All(roslyn, r => Assert.Equal(shipped, r.Version));
        }

        // Workspaces 4.5 (the IDE supplies its own, newer one) beside Common/CSharp 4.8.
        Assert.All(
            codeFixes.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)),
            r => Assert.True(r.Version! <= shipped, $"{r.Name} {r.Version} is newer than {shipped}"));
    }
}
