using Hotpath.Generators.Caching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Caching;

/// <summary>HOT003 and HOT007 from <see cref="ShardedCacheDiagnosticsAnalyzer"/>, at the attribute's source locations.</summary>
public sealed class ShardedCacheDiagnosticsTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new ShardedCacheDiagnosticsAnalyzer() };

    private const string Values = """
        public sealed class PodState { [Hotpath.CacheKey(0)] public string Namespace = ""; [Hotpath.CacheKey(1)] public string Name = ""; }
        public sealed class NoKey { public string Name = ""; }
        public sealed class PrivateKey { [Hotpath.CacheKey(0)] private string _name = ""; public override string ToString() => _name; }
        public sealed class WriteOnlyKey { private string _id = ""; [Hotpath.CacheKey(0)] public string Id { set => _id = value; } public override string ToString() => _id; }
        """;

    private static readonly AnalyzerTestOptions s_options = new() { AdditionalSources = [Values] };

    [Fact]
    public async Task Quiet_on_a_valid_cache()
    {
        await AnalyzerVerifier.VerifyAsync(
            "[Hotpath.ShardedCache(typeof(PodState), Shards = 1, Capacity = 1, TimeToLiveSeconds = 0)] public partial class C { }",
            s_analyzer,
            s_options);
    }

    [Fact]
    public async Task HOT003_when_the_value_type_has_no_CacheKey_member()
    {
        await AnalyzerVerifier.VerifyAsync(
            "[Hotpath.ShardedCache({|HOT003:typeof(NoKey)|})] public partial class C { }",
            s_analyzer,
            s_options);
    }

    [Theory]
    [InlineData("PrivateKey", "_name")]
    [InlineData("WriteOnlyKey", "Id")]
    public async Task HOT003_when_a_CacheKey_member_cannot_be_read(string valueType, string member)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            $"[Hotpath.ShardedCache(typeof({valueType}))] public partial class C {{ }}",
            s_analyzer,
            s_options);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("HOT003", diagnostic.Id);
        Assert.Contains($"'{member}' is not accessible", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT003_message_says_what_to_do()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync("[Hotpath.ShardedCache(typeof(NoKey))] public partial class PodCache { }", s_analyzer, s_options);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "'NoKey' is the value type of [ShardedCache] on 'PodCache' but has no [CacheKey] member; mark the members that identify a value with [CacheKey(0)], [CacheKey(1)], …",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith("docs/rules/HOT003.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HOT003_on_a_static_cache_class()
    {
        const string Source = "[Hotpath.ShardedCache(typeof(PodState))] public static partial class {|HOT003:StaticCache|} { }";
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, s_options);

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync("[Hotpath.ShardedCache(typeof(PodState))] public static partial class StaticCache { }", s_analyzer, s_options);
        Assert.Equal(
            "'PodState' is the value type of [ShardedCache] on 'StaticCache' but 'StaticCache' is static: the generated constructors, cache field and accessors are instance members; remove 'static' and create the cache once (a static readonly field holding it, say)",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var run = GeneratorRunner.Run(new Hotpath.Generators.Caching.ShardedCacheGenerator(), Values, "[Hotpath.ShardedCache(typeof(PodState))] public static partial class StaticCache { }");
        Assert.Empty(run.GeneratedSources);
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
    }

    [Theory]
    [InlineData("Shards = 12")]
    [InlineData("Shards = 0")]
    [InlineData("Shards = -4")]
    [InlineData("Shards = 131072")]
    [InlineData("Capacity = 0")]
    [InlineData("Capacity = -1")]
    [InlineData("TimeToLiveSeconds = -1")]
    public async Task HOT007_on_the_argument_that_is_out_of_range(string argument)
    {
        await AnalyzerVerifier.VerifyAsync(
            "[Hotpath.ShardedCache(typeof(PodState), {|HOT007:" + argument + "|})] public partial class C { }",
            s_analyzer,
            s_options);
    }

    [Fact]
    public async Task Every_mistake_is_reported_at_once()
    {
        await AnalyzerVerifier.VerifyAsync(
            "[Hotpath.ShardedCache({|HOT003:typeof(NoKey)|}, {|HOT007:Shards = 3|}, {|HOT007:Capacity = 0|}, {|HOT007:TimeToLiveSeconds = -5|})] public class {|HOT001:C|} { }",
            s_analyzer,
            s_options);
    }

    [Fact]
    public async Task HOT007_message_names_the_argument_its_value_and_the_rule()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync("[Hotpath.ShardedCache(typeof(PodState), Shards = 12)] public partial class C { }", s_analyzer, s_options);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "[ShardedCache] argument 'Shards' is 12: the shard count must be a power of two from 1 to 65536",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Pragma_suppresses_HOT007()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            #pragma warning disable HOT007
            [Hotpath.ShardedCache(typeof(PodState), Capacity = 0)] public partial class C { }
            #pragma warning restore HOT007
            """,
            s_analyzer,
            s_options);

        Assert.DoesNotContain(diagnostics, static d => !d.IsSuppressed);
    }
}
