using System.Collections.Immutable;
using Hotpath.CodeFixes.Usage;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Hotpath.CodeFixes.Tests.Shared;

/// <summary>
/// <see cref="CodeFixVerifier.VerifyNoFixAsync"/> checks something: its source is markup, the analyzer must report
/// exactly the marked diagnostics (at least one), and neither a fix nor Fix All may be offered for them. It once took
/// plain source and passed on any text, so a test whose analyzer reported nothing there, or that passed markup
/// unparsed, was green without checking anything.
/// </summary>
public sealed class CodeFixVerifierTests
{
    [Fact]
    public async Task A_no_fix_source_without_marks_fails_with_a_clear_message()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), "[Hotpath.Pooled] public partial class PodState { }"));

        Assert.Contains("needs the source to mark at least one diagnostic of HOT001", failure.Message);
    }

    [Fact]
    public async Task A_no_fix_mark_the_analyzer_does_not_report_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), "[Hotpath.Pooled] public partial class {|HOT001:PodState|} { }"));

        Assert.Contains("Diagnostics differ from the markup", failure.Message);
    }

    [Fact]
    public async Task A_no_fix_mark_in_an_additional_source_the_analyzer_does_not_report_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), "[Hotpath.Pooled] file sealed class {|HOT001:PodState|} { }", new CodeFixTestOptions
            {
                AdditionalSources = ImmutableArray.Create("[Hotpath.Pooled] public partial class {|HOT001:Other|} { }"),
            }));

        Assert.Contains("Diagnostics differ from the markup", failure.Message);
    }

    [Fact]
    public async Task A_no_fix_check_fails_when_the_fix_is_offered()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), "[Hotpath.Pooled] public sealed class {|HOT001:PodState|} { }"));

        Assert.Contains("A fix was offered", failure.Message);
    }

    [Fact]
    public async Task A_no_fix_check_fails_when_only_Fix_All_changes_the_source()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new FixAllOnly(), "[Hotpath.Pooled] public sealed class {|HOT001:PodState|} { }"));

        Assert.Contains("Fix All", failure.Message);
    }

    [Fact]
    public Task A_no_fix_check_passes_on_marked_source_the_fix_leaves_alone() =>
        CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), "[Hotpath.Pooled] file sealed class {|HOT001:PodState|} { }");

    /// <summary>Offers no single fix, but its Fix All rewrites the document.</summary>
    private sealed class FixAllOnly : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("HOT001");

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create((_, document, _) => Task.FromResult<Document?>(document.WithText(SourceText.From("// rewritten"))));

        public override Task RegisterCodeFixesAsync(CodeFixContext context) => Task.CompletedTask;
    }
}
