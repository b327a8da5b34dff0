using System.Collections.Immutable;
using Hotpath.Analyzers.Locks;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Hotpath.CodeFixes.Tests.Shared;

/// <summary>
/// <see cref="AnalyzerVerifier"/> refuses what would check nothing: markup handed over as plain source (it was compiled
/// as written, and with compiler errors allowed the marked diagnostics were never looked for), and an id to compare, or
/// a mark, that none of the analyzers can report.
/// </summary>
public sealed class AnalyzerVerifierTests
{
    private const string Marked = "public sealed class Store { public void A() { lock ({|HOT201:this|}) { } } }";

    [Fact]
    public async Task Markup_given_as_plain_source_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.GetDiagnosticsAsync(Marked, new DiagnosticAnalyzer[] { new LockTargetAnalyzer() }, new AnalyzerTestOptions { AllowCompilerErrors = true }));

        Assert.Contains("take plain source", failure.Message);
    }

    [Fact]
    public async Task Markup_in_an_additional_source_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("public sealed class Other { }", new DiagnosticAnalyzer[] { new LockTargetAnalyzer() }, new AnalyzerTestOptions
            {
                AdditionalSources = ImmutableArray.Create(Marked),
                AllowCompilerErrors = true,
            }));

        Assert.Contains("take plain source", failure.Message);
    }

    [Fact]
    public async Task An_id_to_compare_that_no_analyzer_reports_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("public sealed class Store { public void A() { lock (this) { } } }", new DiagnosticAnalyzer[] { new LockTargetAnalyzer() }, new AnalyzerTestOptions
            {
                OnlyIds = ImmutableArray.Create("HOT207"),
            }));

        Assert.Contains("HOT207, which none of the analyzers", failure.Message);
    }

    [Fact]
    public async Task A_mark_that_no_analyzer_reports_fails_saying_so()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("public sealed class Store { public void A() { lock ({|HOT207:this|}) { } } }", new LockTargetAnalyzer()));

        Assert.Contains("HOT207, which none of the analyzers", failure.Message);
    }
}
