using Hotpath.CodeFixes.Usage;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Usage;

/// <summary>
/// HOT003's and HOT006's fix for a role on a backing field other assemblies cannot see: the attribute moves to the
/// property (the generator reads both alike), keeping its arguments and leaving the list's other attributes on the field.
/// </summary>
public sealed class MarkPropertyCodeFixTests
{
    [Fact]
    public Task HOT003_drops_the_field_target_and_keeps_the_arguments() =>
        CodeFixVerifier.VerifyAsync(
            new ShardedCacheDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            namespace Domain;

            public sealed class Pod
            {
                [Hotpath.CacheKey(0)] public string Namespace = "";
                [field: {|HOT003:Hotpath.CacheKey(1)|}] public int Id { get; set; }
            }
            """,
            """
            namespace Domain;

            public sealed class Pod
            {
                [Hotpath.CacheKey(0)] public string Namespace = "";
                [Hotpath.CacheKey(1)] public int Id { get; set; }
            }
            """);

    [Fact]
    public Task HOT006_drops_the_field_target() =>
        CodeFixVerifier.VerifyAsync(
            new PooledDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            public class FeedBase
            {
                [field: {|HOT006:Hotpath.NoReset|}]
                public virtual int Epoch { get; set; }
            }
            """,
            """
            public class FeedBase
            {
                [Hotpath.NoReset]
                public virtual int Epoch { get; set; }
            }
            """);

    [Fact]
    public Task The_other_attributes_of_the_list_stay_on_the_field() =>
        CodeFixVerifier.VerifyAsync(
            new ShardedCacheDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            public sealed class Pod
            {
                [field: System.NonSerialized, {|HOT003:Hotpath.CacheKey(order: 0)|}, System.Obsolete("old")]
                public string Name { get; set; } = "";
            }
            """,
            """
            public sealed class Pod
            {
                [Hotpath.CacheKey(order: 0)] [field: System.NonSerialized, System.Obsolete("old")]
                public string Name { get; set; } = "";
            }
            """);

    [Fact]
    public Task A_positional_record_parameter_gets_the_property_target() =>
        CodeFixVerifier.VerifyAsync(
            new ShardedCacheDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            public sealed record Positional([field: {|HOT003:Hotpath.CacheKey(0)|}] string Name, [field: {|HOT003:Hotpath.CacheKey(1)|}, System.NonSerialized] int Id);
            """,
            """
            public sealed record Positional([property: Hotpath.CacheKey(0)] string Name, [property: Hotpath.CacheKey(1)] [field: System.NonSerialized] int Id);
            """);

    [Fact]
    public Task Fix_All_moves_every_key_part_of_the_document() =>
        CodeFixVerifier.VerifyFixAllAsync(
            new ShardedCacheDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            public sealed class Pod
            {
                [field: {|HOT003:Hotpath.CacheKey(0)|}] public string Namespace { get; set; } = "";
                [field: {|HOT003:Hotpath.CacheKey(1)|}, System.NonSerialized] public int Id { get; set; }
                [field: System.NonSerialized] public int Other { get; set; }
            }

            public sealed class Node
            {
                [field: {|HOT003:Hotpath.CacheKey(0)|}]
                public string Name { get; set; } = "";
            }

            public sealed record Positional([field: {|HOT003:Hotpath.CacheKey(0)|}] string Name);
            """,
            """
            public sealed class Pod
            {
                [Hotpath.CacheKey(0)] public string Namespace { get; set; } = "";
                [Hotpath.CacheKey(1)] [field: System.NonSerialized] public int Id { get; set; }
                [field: System.NonSerialized] public int Other { get; set; }
            }

            public sealed class Node
            {
                [Hotpath.CacheKey(0)]
                public string Name { get; set; } = "";
            }

            public sealed record Positional([property: Hotpath.CacheKey(0)] string Name);
            """);

    [Fact]
    public Task Fix_All_of_HOT006_moves_every_NoReset() =>
        CodeFixVerifier.VerifyFixAllAsync(
            new PooledDiagnosticsAnalyzer(),
            new MarkPropertyCodeFixProvider(),
            """
            public class FeedBase
            {
                [field: {|HOT006:Hotpath.NoReset|}] public virtual int Epoch { get; set; }
                [field: {|HOT006:Hotpath.NoReset|}] protected virtual long Generation { get; set; }
            }
            """,
            """
            public class FeedBase
            {
                [Hotpath.NoReset] public virtual int Epoch { get; set; }
                [Hotpath.NoReset] protected virtual long Generation { get; set; }
            }
            """);

    [Fact]
    public async Task No_fix_for_HOT003_and_HOT006_of_other_reasons()
    {
        // A field-like event's field is no key part (HOT003, at the cache's value type); a bare [NoReset] on a record's
        // parameter is on the parameter (HOT006, with the compiler's CS0592): neither is a role other assemblies cannot see.
        await CodeFixVerifier.VerifyNoFixAsync(new ShardedCacheDiagnosticsAnalyzer(), new MarkPropertyCodeFixProvider(), """
            public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; [field: Hotpath.CacheKey(1)] public event System.Action? Changed; }
            [Hotpath.ShardedCache({|HOT003:typeof(Pod)|})] public sealed partial class Pods { }
            """);
        await CodeFixVerifier.VerifyNoFixAsync(new PooledDiagnosticsAnalyzer(), new MarkPropertyCodeFixProvider(),
            "[Hotpath.Pooled] public sealed partial record Pod([{|HOT006:Hotpath.NoReset|}] int Generation);",
            new CodeFixTestOptions { AllowCompilerErrors = true });
    }
}
