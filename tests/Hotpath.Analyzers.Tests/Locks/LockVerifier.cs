using System.Collections.Immutable;
using Hotpath.Analyzers.Locks;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>Runs every lock analyzer together, comparing only the rule under test (or every HOT2xx rule).</summary>
internal static class LockVerifier
{
    public static readonly ImmutableArray<string> AllIds = ImmutableArray.Create(
        "HOT201", "HOT202", "HOT203", "HOT204", "HOT205", "HOT206", "HOT207", "HOT208", "HOT209", "HOT210", "HOT211");

    public static DiagnosticAnalyzer[] Analyzers() => new DiagnosticAnalyzer[]
    {
        new LockTargetAnalyzer(),
        new LockReleaseAnalyzer(),
        new InterlockedAnalyzer(),
        new SpinLockAnalyzer(),
        new BlockingUnderLockAnalyzer(),
        new LockOrderAnalyzer(),
        new DoubleCheckedLockingAnalyzer(),
        new HotPathLockAnalyzer(),
    };

    /// <summary>Exactly the marked diagnostics of <paramref name="ids"/>; other rules are ignored.</summary>
    public static Task VerifyAsync(string markup, params string[] ids) =>
        AnalyzerVerifier.VerifyAsync(markup, Analyzers(), new AnalyzerTestOptions { OnlyIds = ids.ToImmutableArray() });

    /// <summary>Exactly the marked diagnostics across every HOT2xx rule.</summary>
    public static Task VerifyAllRulesAsync(string markup) =>
        AnalyzerVerifier.VerifyAsync(markup, Analyzers(), new AnalyzerTestOptions { OnlyIds = AllIds });
}
