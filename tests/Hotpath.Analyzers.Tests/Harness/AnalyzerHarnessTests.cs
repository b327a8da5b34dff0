using Hotpath.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Hotpath.Analyzers.Tests.Harness;

/// <summary>Tests of the markup parser and the analyzer verifier themselves.</summary>
public sealed class AnalyzerHarnessTests
{
    [Fact]
    public void Markup_yields_clean_source_and_spans()
    {
        var (source, expected) = DiagnosticMarkup.Parse("var a = {|TST001:new object()|}; var b = [|1|];", defaultId: "X1");

        Assert.Equal("var a = new object(); var b = 1;", source);
        Assert.Equal(new[] { new ExpectedDiagnostic("TST001", new TextSpan(8, 12)), new ExpectedDiagnostic("X1", new TextSpan(30, 1)) }, expected);
    }

    [Fact]
    public void Markup_nests()
    {
        var (source, expected) = DiagnosticMarkup.Parse("{|A:x({|B:y|})|}");

        Assert.Equal("x(y)", source);
        Assert.Equal(new[] { new ExpectedDiagnostic("A", new TextSpan(0, 4)), new ExpectedDiagnostic("B", new TextSpan(2, 1)) }, expected);
    }

    [Theory]
    [InlineData("{|A:x")]
    [InlineData("x|}")]
    [InlineData("{|A:x|]")]
    [InlineData("[|x|]")] // no default id
    public void Bad_markup_is_rejected(string markup) => Assert.Throws<FormatException>(() => DiagnosticMarkup.Parse(markup));

    [Fact]
    public Task Exactly_marked_diagnostics_pass() =>
        AnalyzerVerifier.VerifyAsync("class C { object M() => {|TST001:new object()|}; string N() => new string('a', 1); }", new NewObjectAnalyzer());

    [Fact]
    public async Task A_missing_marker_fails_and_prints_the_actual_markup()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("class C { object M() => new object(); }", new NewObjectAnalyzer()));

        Assert.Contains("class C { object M() => {|TST001:new object()|}; }", failure.Message);
    }

    [Fact]
    public async Task An_extra_marker_fails() =>
        await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("class C { string M() => {|TST001:new string('a', 1)|}; }", new NewObjectAnalyzer()));

    [Fact]
    public async Task A_wrong_span_fails() =>
        await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("class C { object M() => {|TST001:new|} object(); }", new NewObjectAnalyzer()));

    [Fact]
    public async Task An_analyzer_exception_fails_as_AD0001()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("class C { object M() => new object(); }", new ThrowingAnalyzer()));

        Assert.Contains("AD0001", failure.Message);
        Assert.Contains("boom", failure.Message);
    }

    [Fact]
    public async Task Test_source_that_does_not_compile_fails()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            AnalyzerVerifier.VerifyAsync("class C { object M() => new objekt(); }", new NewObjectAnalyzer()));

        Assert.Contains("CS0246", failure.Message);
    }

    [Fact]
    public void References_come_from_a_reference_pack()
    {
        Assert.Contains(ReferenceAssemblies.Net, r => Path.GetFileName(r.Display) == "System.Runtime.dll");
        Assert.Contains(Path.Combine("packs", "Microsoft.NETCore.App.Ref"), ReferenceAssemblies.Source);
    }
}
