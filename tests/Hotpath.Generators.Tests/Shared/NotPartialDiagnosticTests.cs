using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>HOT001: every generator attribute requires a partial type (and partial containing types).</summary>
public sealed class NotPartialDiagnosticTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzers =
    {
        new PooledDiagnosticsAnalyzer(), new ColumnarDiagnosticsAnalyzer(), new BatchReducerDiagnosticsAnalyzer(), new ShardedCacheDiagnosticsAnalyzer(),
    };

    // The attribute as written, and a type declaration keyword it allows.
    public static TheoryData<string, string> Attributes => new()
    {
        { "[Hotpath.Pooled]", "class" },
        { "[Hotpath.Columnar]", "struct" },
        { "[Hotpath.BatchReducer(typeof(Input))]", "struct" },
        { "[Hotpath.ShardedCache(typeof(Input))]", "class" },
    };

    private static readonly AnalyzerTestOptions s_options = new()
    {
        AdditionalSources = ["public sealed class Input { [Hotpath.CacheKey(0)] public string Id = \"\"; public long UnixMs; }"],
        OnlyIds = ["HOT001"],
    };

    [Theory]
    [MemberData(nameof(Attributes))]
    public async Task Reports_a_type_that_is_not_partial(string attribute, string keyword)
    {
        await AnalyzerVerifier.VerifyAsync(
            $$"""
            namespace App;

            {{attribute}}
            public {{keyword}} {|HOT001:State|}
            {
            }
            """,
            s_analyzers,
            s_options);
    }

    [Theory]
    [MemberData(nameof(Attributes))]
    public async Task Reports_a_partial_type_nested_in_a_type_that_is_not(string attribute, string keyword)
    {
        await AnalyzerVerifier.VerifyAsync(
            $$"""
            namespace App;

            public static partial class Outer
            {
                public sealed class Middle
                {
                    {{attribute}}
                    public partial {{keyword}} {|HOT001:State|}
                    {
                    }
                }
            }
            """,
            s_analyzers,
            s_options);
    }

    [Theory]
    [MemberData(nameof(Attributes))]
    public async Task Quiet_on_partial_types_at_any_depth(string attribute, string keyword)
    {
        await AnalyzerVerifier.VerifyAsync(
            $$"""
            {{attribute}}
            public partial {{keyword}} Global { }

            namespace App
            {
                public static partial class Outer
                {
                    {{attribute}}
                    internal partial {{keyword}} Nested<T> { }
                }
            }
            """,
            s_analyzers,
            s_options);
    }

    [Fact]
    public async Task Message_names_the_type_the_attribute_and_the_culprit_with_a_help_link()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "public class Outer { [Hotpath.Pooled] public partial class PodState { } }",
            s_analyzers,
            s_options);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "HOT001");
        Assert.Equal(
            "'PodState' is marked [Pooled] but its containing type 'Outer' is not partial; declare it 'partial' so the generated members can be added",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith("docs/rules/HOT001.md", diagnostic.Descriptor.HelpLinkUri);
    }

    [Fact]
    public async Task Pragma_suppresses_it_because_it_is_reported_at_a_source_location()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            #pragma warning disable HOT001
            [Hotpath.Pooled] public class PodState { }
            #pragma warning restore HOT001
            """,
            s_analyzers,
            s_options);

        Assert.DoesNotContain(diagnostics, d => d.Id == "HOT001" && !d.IsSuppressed);
    }

    [Fact]
    public async Task Quiet_when_Hotpath_is_not_referenced_by_that_name()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            namespace Other { public sealed class PooledAttribute : System.Attribute { } }
            [Other.Pooled] public class PodState { }
            """,
            s_analyzers,
            s_options);
    }
}
