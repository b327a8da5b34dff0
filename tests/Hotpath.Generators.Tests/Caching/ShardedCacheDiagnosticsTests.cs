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
    public async Task A_tuple_key_part_with_element_names_is_equatable()
    {
        // (int Low, int High) implements IEquatable<(int, int)>: the element names are not part of the type (they made it HOT003).
        const string Keys = """
            public sealed class Range { [Hotpath.CacheKey(0)] public (int Low, int High) Bounds; [Hotpath.CacheKey(1)] public (string Zone, (int A, int B) Inner)? Nested; }
            """;
        await AnalyzerVerifier.VerifyAsync("[Hotpath.ShardedCache(typeof(Range))] public partial class C { }", s_analyzer, new AnalyzerTestOptions { AdditionalSources = [Keys] });

        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Keys, """
            [Hotpath.ShardedCache(typeof(Range))] public partial class C { }
            public static class Probe
            {
                public static bool Run()
                {
                    var cache = new C();
                    cache.Set(new Range { Bounds = (1, 2), Nested = ("eu", (3, 4)) });
                    return cache.TryGet((1, 2), ("eu", (3, 4)), out _) && !cache.TryGet((1, 2), null, out _);
                }
            }
            """);
        Assert.Equal(true, TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("Probe")!.GetMethod("Run")!.Invoke(null, null));
    }

    [Fact]
    public async Task HOT003_on_key_mistakes_that_would_pass_silently()
    {
        const string Keys = """
            public struct Plain { public int A; }
            public struct Equatable : System.IEquatable<Equatable> { public int A; public bool Equals(Equatable other) => A == other.A; public override int GetHashCode() => A; }
            public readonly record struct Rec(int A);
            public enum Zone { East, West }
            public sealed class StaticKey { [Hotpath.CacheKey(0)] public string Id = ""; [Hotpath.CacheKey(1)] public static string Region = ""; }
            public sealed class SameOrder { [Hotpath.CacheKey(0)] public string Ns = ""; [Hotpath.CacheKey(1)] public string Name = ""; [Hotpath.CacheKey(1)] public int Slot; }
            public class BaseOrder { [Hotpath.CacheKey(0)] public string Ns = ""; }
            public sealed class DerivedOrder : BaseOrder { [Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            public sealed class PlainPart { [Hotpath.CacheKey(0)] public Plain Part; }
            public sealed class NullablePlainPart { [Hotpath.CacheKey(0)] public Plain? Part; }
            public sealed class PairPart { [Hotpath.CacheKey(0)] public System.Collections.Generic.KeyValuePair<int, int> Pair; }
            public sealed class FinePart
            {
                [Hotpath.CacheKey(0)] public Equatable E; [Hotpath.CacheKey(1)] public Rec R; [Hotpath.CacheKey(2)] public Zone Z; [Hotpath.CacheKey(3)] public Zone? NZ;
                [Hotpath.CacheKey(4)] public System.Guid G; [Hotpath.CacheKey(5)] public System.DateTime D; [Hotpath.CacheKey(6)] public int I; [Hotpath.CacheKey(7)] public decimal M;
                [Hotpath.CacheKey(8)] public (int, string) T; [Hotpath.CacheKey(9)] public System.TimeSpan S; [Hotpath.CacheKey(10)] public string Str = ""; [Hotpath.CacheKey(11)] public object? O;
                [Hotpath.CacheKey(12)] public (int Shard, string Zone) Named; [Hotpath.CacheKey(13)] public (int Shard, string? Zone)? NullableNamed;
                [Hotpath.CacheKey(14)] public (int Id, (string Zone, long Slot) Place) Nested; [Hotpath.CacheKey(15)] public (int A, int B, int C, int D, int E, int F, int G, int H, string I) Long;
            }
            """;
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.ShardedCache(typeof(StaticKey))] public partial class C1 { }
            [Hotpath.ShardedCache(typeof(SameOrder))] public partial class C2 { }
            [Hotpath.ShardedCache(typeof(DerivedOrder))] public partial class C3 { }
            [Hotpath.ShardedCache(typeof(PlainPart))] public partial class C4 { }
            [Hotpath.ShardedCache(typeof(NullablePlainPart))] public partial class C5 { }
            [Hotpath.ShardedCache(typeof(PairPart))] public partial class C6 { }
            [Hotpath.ShardedCache(typeof(FinePart))] public partial class C7 { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Keys] });

        Assert.All(diagnostics, static d => Assert.Equal("HOT003", d.Id));
        Assert.Equal(
            new[]
            {
                "'StaticKey' is the value type of [ShardedCache] on 'C1' but its [CacheKey] member 'Region' is static: a key part is read from each value, and a static one would be left out of the key; remove 'static' or the [CacheKey] attribute",
                "'SameOrder' is the value type of [ShardedCache] on 'C2' but its [CacheKey] members 'Name' and 'Slot' both have order 1, so the order of the key parts (and of the accessors' parameters) is not said; give each its own order",
                "'DerivedOrder' is the value type of [ShardedCache] on 'C3' but its [CacheKey] members 'Name' and 'Ns' both have order 0, so the order of the key parts (and of the accessors' parameters) is not said; give each its own order",
                "'PlainPart' is the value type of [ShardedCache] on 'C4' but its [CacheKey] member 'Part' is of type 'Plain', a struct that does not implement IEquatable<Plain>: the key's equality would go through ValueType.Equals, with reflection and boxing on every lookup; implement IEquatable<Plain> (a record struct does)",
                "'NullablePlainPart' is the value type of [ShardedCache] on 'C5' but its [CacheKey] member 'Part' is of type 'Plain?', a struct that does not implement IEquatable<Plain>: the key's equality would go through ValueType.Equals, with reflection and boxing on every lookup; implement IEquatable<Plain> (a record struct does)",
                "'PairPart' is the value type of [ShardedCache] on 'C6' but its [CacheKey] member 'Pair' is of type 'KeyValuePair<int, int>', a struct that does not implement IEquatable<KeyValuePair<int, int>>: the key's equality would go through ValueType.Equals, with reflection and boxing on every lookup; implement IEquatable<KeyValuePair<int, int>> (a record struct does)",
            }.Order(StringComparer.Ordinal),
            diagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), TestCompilation.Create("[Hotpath.ShardedCache(typeof(StaticKey))] public partial class C1 { }", Keys));
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task HOT003_on_a_key_part_that_compares_by_reference_although_it_holds_content()
    {
        const string Keys = """
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            public sealed class Bytes { [Hotpath.CacheKey(0)] public byte[] Payload = []; }
            public sealed class Mem { [Hotpath.CacheKey(0)] public string Id = ""; [Hotpath.CacheKey(1)] public ReadOnlyMemory<char> Name; }
            public sealed class MutableMem { [Hotpath.CacheKey(0)] public Memory<byte> Data { get; set; } }
            public sealed class Segment { [Hotpath.CacheKey(0)] public ArraySegment<int> Slice; }
            public sealed class Immutable { [Hotpath.CacheKey(0)] public ImmutableArray<string> Path; }
            public sealed class Listed { [Hotpath.CacheKey(0)] public List<string>? Tags; }
            public sealed class InTuple { [Hotpath.CacheKey(0)] public (int Id, byte[] Data) Pair; }
            public sealed class NullableMem { [Hotpath.CacheKey(0)] public ReadOnlyMemory<byte>? Data; }
            public sealed class Fine { [Hotpath.CacheKey(0)] public string S = ""; [Hotpath.CacheKey(1)] public object? O; [Hotpath.CacheKey(2)] public Uri? U; [Hotpath.CacheKey(3)] public (int, string) T; }
            """;
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.ShardedCache(typeof(Bytes))] public partial class C1 { }
            [Hotpath.ShardedCache(typeof(Mem))] public partial class C2 { }
            [Hotpath.ShardedCache(typeof(MutableMem))] public partial class C3 { }
            [Hotpath.ShardedCache(typeof(Segment))] public partial class C4 { }
            [Hotpath.ShardedCache(typeof(Immutable))] public partial class C5 { }
            [Hotpath.ShardedCache(typeof(Listed))] public partial class C6 { }
            [Hotpath.ShardedCache(typeof(InTuple))] public partial class C7 { }
            [Hotpath.ShardedCache(typeof(NullableMem))] public partial class C8 { }
            [Hotpath.ShardedCache(typeof(Fine))] public partial class C9 { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Keys] });

        Assert.All(diagnostics, static d => Assert.Equal("HOT003", d.Id));
        const string Advice = ": two values with equal content make different keys, so a lookup with equal content misses; use a string or an immutable value type (a record struct of the parts) instead";
        Assert.Equal(
            new[]
            {
                "'Bytes' is the value type of [ShardedCache] on 'C1' but its [CacheKey] member 'Payload' is of type 'byte[]', which compares by reference" + Advice,
                "'Mem' is the value type of [ShardedCache] on 'C2' but its [CacheKey] member 'Name' is of type 'ReadOnlyMemory<char>', which compares by reference" + Advice,
                "'MutableMem' is the value type of [ShardedCache] on 'C3' but its [CacheKey] member 'Data' is of type 'Memory<byte>', which compares by reference" + Advice,
                "'Segment' is the value type of [ShardedCache] on 'C4' but its [CacheKey] member 'Slice' is of type 'ArraySegment<int>', which compares by reference" + Advice,
                "'Immutable' is the value type of [ShardedCache] on 'C5' but its [CacheKey] member 'Path' is of type 'ImmutableArray<string>', which compares by reference" + Advice,
                "'Listed' is the value type of [ShardedCache] on 'C6' but its [CacheKey] member 'Tags' is of type 'List<string>?', which compares by reference" + Advice,
                "'InTuple' is the value type of [ShardedCache] on 'C7' but its [CacheKey] member 'Pair' is of type '(int Id, byte[] Data)', whose 'byte[]' compares by reference" + Advice,
                "'NullableMem' is the value type of [ShardedCache] on 'C8' but its [CacheKey] member 'Data' is of type 'ReadOnlyMemory<byte>?', which compares by reference" + Advice,
            }.Order(StringComparer.Ordinal),
            diagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task HOT003_on_CacheKey_where_no_key_part_can_be_read()
    {
        const string Keys = """
            public sealed class Indexed { [Hotpath.CacheKey(0)] public string Id = ""; [Hotpath.CacheKey(1)] public int this[int i] => i; }
            public sealed class Evented { [Hotpath.CacheKey(0)] public string Id = ""; [field: Hotpath.CacheKey(1)] public event System.Action? Changed; }
            public sealed class OnlyEvent { [field: Hotpath.CacheKey(0)] public event System.EventHandler? Changed; public void Raise() => Changed?.Invoke(this, System.EventArgs.Empty); }
            """;
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.ShardedCache(typeof(Indexed))] public partial class C1 { }
            [Hotpath.ShardedCache(typeof(Evented))] public partial class C3 { }
            [Hotpath.ShardedCache(typeof(OnlyEvent))] public partial class C4 { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Keys] });

        Assert.All(diagnostics, static d => Assert.Equal("HOT003", d.Id));
        Assert.Equal(
            new[]
            {
                "'Indexed' is the value type of [ShardedCache] on 'C1' but its [CacheKey] member 'this[int]' is an indexer: a key part is read from each value without arguments, and an indexer takes them; mark a field or a property with a getter",
                "'Evented' is the value type of [ShardedCache] on 'C3' but its [CacheKey] is on the compiler's field of the event 'Changed' ([field: CacheKey]): an event is no key part (the field holds its handlers); mark a field or a property with a getter",
                "'OnlyEvent' is the value type of [ShardedCache] on 'C4' but its [CacheKey] is on the compiler's field of the event 'Changed' ([field: CacheKey]): an event is no key part (the field holds its handlers); mark a field or a property with a getter",
            }.Order(StringComparer.Ordinal),
            diagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(new ShardedCacheGenerator()), TestCompilation.Create("[Hotpath.ShardedCache(typeof(Evented))] public partial class C3 { }", Keys));
        Assert.Equal("HOT003", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task A_field_targeted_CacheKey_on_a_property_is_the_propertys_and_two_orders_on_one_property_are_HOT003()
    {
        // [field: CacheKey] on an auto-property (or one using 'field') is on its backing field: it was HOT003 ("put it on
        // the property"), while [Pooled], [Columnar] and [BatchReducer] honour [field: …]. It is the property's now; the
        // property and its field marked with two different orders say no one order.
        const string Keys = """
            internal sealed class Backing { [Hotpath.CacheKey(0)] public string Id = ""; [field: Hotpath.CacheKey(1)] public string Name { get; set; } = ""; }
            internal sealed class BothSame { [Hotpath.CacheKey(0)] [field: Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            internal sealed class BothDiffer { [Hotpath.CacheKey(0)] public string Id = ""; [Hotpath.CacheKey(1)] [field: Hotpath.CacheKey(2)] public string Name { get; set; } = ""; }
            """;
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            [Hotpath.ShardedCache(typeof(Backing))] public partial class C1 { }
            [Hotpath.ShardedCache(typeof(BothSame))] public partial class C2 { }
            [Hotpath.ShardedCache(typeof(BothDiffer))] public partial class C3 { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Keys] });

        Assert.Equal(
            "'BothDiffer' is the value type of [ShardedCache] on 'C3' but its member 'Name' has [CacheKey(1)] and, on its backing field, [field: CacheKey(2)]: " +
            "the two say different orders; keep one of them",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HOT003_is_an_error_at_a_field_targeted_CacheKey_only_where_other_assemblies_see_the_type_and_the_property()
    {
        // Another assembly imports no backing field, so it cannot see [field: CacheKey] (ShardedCacheAcrossAssembliesTests
        // shows the key it generates without that part): an error, like every HOT0xx, but only where another assembly
        // could cache the type and read the property (a cache in this assembly sees the field's attribute).
        const string Markup = """
            public sealed class Auto { [field: {|HOT003:Hotpath.CacheKey(0)|}] public string Name { get; set; } = ""; }
            public sealed class Keyword { [field: {|HOT003:Hotpath.CacheKey(0)|}] public string Name { get => field; set => field = value.Trim(); } = ""; }
            public sealed record Positional([field: {|HOT003:Hotpath.CacheKey(0)|}] string Name);
            public sealed class Outer { public sealed class Nested { [field: {|HOT003:Hotpath.CacheKey(0)|}] public int Id { get; set; } } }
            public sealed class OnBoth { [Hotpath.CacheKey(0)] [field: Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            public sealed class InternalProperty { [field: Hotpath.CacheKey(0)] internal string Name { get; set; } = ""; }
            internal sealed class InternalType { [field: Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            public sealed class Holder { private sealed class PrivateType { [field: Hotpath.CacheKey(0)] public string Name { get; set; } = ""; } }
            public sealed class OnProperty { [Hotpath.CacheKey(0)] public string Name { get; set; } = ""; }
            """;
        await AnalyzerVerifier.VerifyAsync(Markup, s_analyzer);

        var (source, _) = DiagnosticMarkup.Parse(Markup);
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(source, s_analyzer);
        Assert.All(diagnostics, static d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Contains(diagnostics, static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).EndsWith("write [property: CacheKey(0)]", StringComparison.Ordinal));

        // Internal types are seen by the assemblies this one grants access to.
        await AnalyzerVerifier.VerifyAsync(
            """
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Service")]
            internal sealed class InternalType { [field: {|HOT003:Hotpath.CacheKey(0)|}] public string Name { get; set; } = ""; }
            """,
            s_analyzer);
    }

    [Fact]
    public async Task HOT001_at_a_user_member_whose_tuple_parameter_differs_from_the_generated_one_only_in_element_names()
    {
        // Tuple element names are no part of a signature: Remove((int, string)) and Remove((int Shard, string Zone)) are one method (CS0111).
        const string Odd = "public sealed class Odd { [Hotpath.CacheKey(0)] public (int Shard, string Zone) Pair; }";
        await AnalyzerVerifier.VerifyAsync(
            """
            [Hotpath.ShardedCache(typeof(Odd))] public sealed partial class C1 { public bool {|HOT001:Remove|}((int, string) pair) => false; }
            [Hotpath.ShardedCache(typeof(Odd))] public sealed partial class C2 { public bool {|HOT001:Remove|}((int S, string Z) pair) => false; }
            [Hotpath.ShardedCache(typeof(Odd))] public sealed partial class C3 { public bool Remove((long, string) pair) => false; }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Odd] });

        var run = GeneratorRunner.RunAndCompile(new ShardedCacheGenerator(), Odd, "[Hotpath.ShardedCache(typeof(Odd))] public sealed partial class C1 { public bool Remove((int, string) pair) => false; }");
        Assert.DoesNotContain(run.GeneratedSources, static s => s.HintName.EndsWith(".ShardedCache.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HOT003_says_a_CacheKey_on_a_record_parameter_needs_the_property_target()
    {
        // [CacheKey] on a positional parameter goes to the parameter (CS0592): the record's property has none. With another
        // key part marked [property: CacheKey], it was left out of the key without a word.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            public sealed record Pod([Hotpath.CacheKey(0)] string Namespace, [Hotpath.CacheKey(1)] string Name);
            public sealed record Half([property: Hotpath.CacheKey(0)] string Namespace, [Hotpath.CacheKey(1)] string Name);
            [Hotpath.ShardedCache(typeof(Pod))] public sealed partial class PodCache { }
            [Hotpath.ShardedCache(typeof(Half))] public sealed partial class HalfCache { }
            """,
            s_analyzer,
            new AnalyzerTestOptions { AllowCompilerErrors = true });

        Assert.Equal(
            new[]
            {
                "'Half' is the value type of [ShardedCache] on 'HalfCache' but [Hotpath.CacheKey(1)] on the record parameter 'Name' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: Hotpath.CacheKey(1)]",
                "'Pod' is the value type of [ShardedCache] on 'PodCache' but [Hotpath.CacheKey(0)] on the record parameter 'Namespace' is on the parameter (CS0592: it is for fields and properties), not on the property the record makes of it; write [property: Hotpath.CacheKey(0)]",
            },
            diagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
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
