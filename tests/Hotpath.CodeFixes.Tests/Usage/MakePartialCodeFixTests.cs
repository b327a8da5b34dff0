using Hotpath.CodeFixes.Usage;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Xunit.Sdk;

namespace Hotpath.CodeFixes.Tests.Usage;

/// <summary>HOT001's fix: make the type (and every type it nests in) partial.</summary>
public sealed class MakePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_to_the_type() =>
        CodeFixVerifier.VerifyAsync(
            new PooledDiagnosticsAnalyzer(),
            new MakePartialCodeFixProvider(),
            """
            namespace App;

            [Hotpath.Pooled]
            public sealed class {|HOT001:PodState|}
            {
                public string Name = "";
            }
            """,
            """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class PodState
            {
                public string Name = "";
            }
            """);

    [Fact]
    public Task Adds_partial_to_containing_types_and_keeps_modifier_order() =>
        CodeFixVerifier.VerifyAsync(
            new ColumnarDiagnosticsAnalyzer(),
            new MakePartialCodeFixProvider(),
            """
            public static class Outer
            {
                internal readonly struct Middle
                {
                    [Hotpath.Columnar]
                    public partial struct {|HOT001:Sample|}
                    {
                        public long UnixMs;
                    }
                }
            }
            """,
            """
            public static partial class Outer
            {
                internal readonly partial struct Middle
                {
                    [Hotpath.Columnar]
                    public partial struct Sample
                    {
                        public long UnixMs;
                    }
                }
            }
            """);

    [Fact]
    public Task Works_on_a_declaration_without_modifiers() =>
        CodeFixVerifier.VerifyAsync(
            new PooledDiagnosticsAnalyzer(),
            new MakePartialCodeFixProvider(),
            """
            // leading comment stays
            [Hotpath.Pooled] class {|HOT001:PodState|} { }
            """,
            """
            // leading comment stays
            [Hotpath.Pooled] partial class PodState { }
            """);

    [Fact]
    public async Task A_wrong_expectation_fails_with_a_diff()
    {
        var failure = await Assert.ThrowsAsync<XunitException>(() =>
            CodeFixVerifier.VerifyAsync(
                new PooledDiagnosticsAnalyzer(),
                new MakePartialCodeFixProvider(),
                "[Hotpath.Pooled] public class {|HOT001:PodState|} { }",
                "[Hotpath.Pooled] public class PodState { }"));

        Assert.Contains("+ 1: [Hotpath.Pooled] public partial class PodState { }", failure.Message);
    }

    [Theory]
    [InlineData("[Hotpath.Pooled] file sealed class {|HOT001:PodState|} { }")]
    [InlineData("[Hotpath.Pooled] file sealed partial class {|HOT001:PodState|} { }")]
    [InlineData("file static class Outer { [Hotpath.Pooled] public sealed partial class {|HOT001:PodState|} { } }")]
    [InlineData("[Hotpath.Pooled] public sealed partial class {|HOT001:Pool|} { }")]
    public Task No_fix_when_HOT001_is_not_about_a_missing_partial(string source) =>
        CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MakePartialCodeFixProvider(), source);
}
