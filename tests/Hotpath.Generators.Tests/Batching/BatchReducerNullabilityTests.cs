using Hotpath.Generators.Batching;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Batching;

/// <summary>
/// Nullable reference inputs (JSON-shaped rows): into a nullable member they work, a null group key being a group
/// of its own; into a member declared non-nullable they are HOT004 (the reducer would store null there).
/// </summary>
public sealed class BatchReducerNullabilityTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = [new BatchReducerDiagnosticsAnalyzer()];

    private const string Input = """
        #nullable enable
        public sealed class In
        {
            public string? Node;
            public string? Tag;
            public string Zone = "";
            public System.Collections.Generic.List<string?>? Tags;
            public long UnixMs;
            public double Cpu;
        }
        """;

    [Fact]
    public async Task A_nullable_input_into_a_non_nullable_member_is_HOT004()
    {
        const string Source = """
            #nullable enable
            using Hotpath;

            [BatchReducer(typeof(In))]
            public partial struct Agg
            {
                [{|HOT004:GroupKey|}] public string Node;
                [{|HOT004:Last(nameof(In.Tag))|}] public string Tag;
                [{|HOT004:Min(nameof(In.Tag))|}] public string MinTag;
                [{|HOT004:First(nameof(In.Tag))|}] public object FirstTag;
                [First(nameof(In.Zone))] public string? Zone;
                [Count] public long Rows;
            }
            """;
        await AnalyzerVerifier.VerifyAsync(Source, s_analyzer, new AnalyzerTestOptions { AdditionalSources = [Input] });

        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            Source.Replace("{|HOT004:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal),
            s_analyzer,
            new AnalyzerTestOptions { AdditionalSources = [Input] });
        Assert.Equal(
            "Member 'Node' of 'Agg': [GroupKey] copies 'Node' of type 'string?', which may be null, into a member declared non-nullable 'string'; declare the member 'string?' (a null key is then a group of its own)",
            diagnostics.First(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).StartsWith("Member 'Node'", StringComparison.Ordinal)).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Without_nullable_annotations_the_member_is_accepted()
    {
        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, """
            #nullable disable
            [Hotpath.BatchReducer(typeof(In))]
            public partial struct Oblivious { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Rows; }
            """);
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public void Nullable_members_compile_without_warnings_and_a_null_key_is_a_group_of_its_own()
    {
        const string Source = """
            #nullable enable
            using Hotpath;

            [BatchReducer(typeof(In))]
            public partial struct ByNode
            {
                [GroupKey] public string? Node;
                [Count] public long Rows;
                [Sum(nameof(In.Cpu))] public double Cpu;
                [Last(nameof(In.Tag))] public string? Tag;
                [Min(nameof(In.Tag))] public string? MinTag;
                [Max(nameof(In.Tag))] public string? MaxTag;
                [First(nameof(In.Tags))] public System.Collections.Generic.List<string?>? Tags;
            }

            [BatchReducer(typeof(In))]
            public partial struct ByNodeAndMinute
            {
                [GroupKey] public string? Node;
                [GroupKey(nameof(In.Tag))] public string? Tag;
                [Window(60, nameof(In.UnixMs))] public long Start;
                [Count] public long Rows;
                [First(nameof(In.Tag))] public string? FirstTag;
            }

            public static class Probe
            {
                public static string Run()
                {
                    var rows = new System.Collections.Generic.List<In>();
                    for (var i = 0; i < 20_000; i++)
                    {
                        rows.Add(new In { Node = "n" + (i % 10_000), Cpu = 1 });
                    }

                    rows.Add(new In { Node = null, Cpu = 2, Tag = null });
                    rows.Add(new In { Node = "", Cpu = 4, Tag = "x" });
                    rows.Add(new In { Node = null, Cpu = 8, Tag = "b" });
                    rows.Add(new In { Node = null, Cpu = 16, Tag = "a" });

                    var reducer = new ByNode.Reducer();
                    reducer.Add(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows)); // large table: the prefetching path
                    reducer.Add(new In { Node = null, Cpu = 32 });                                 // one row: the inlined path
                    var parts = reducer.ToArray();
                    var nulls = System.Array.FindAll(parts, static p => p.Node is null);
                    var empty = System.Array.FindAll(parts, static p => p.Node == "");
                    var n = nulls[0];

                    var merged = new ByNode.Reducer();
                    foreach (var p in parts)
                    {
                        merged.Merge(p);
                        merged.Merge(p);
                    }

                    var twice = System.Array.Find(merged.ToArray(), static p => p.Node is null);
                    var combined = ByNode.Combine(n, n);

                    var small = new ByNode.Reducer();
                    small.Add(new In { Node = null, Cpu = 1 });
                    small.Add(new In { Node = null, Cpu = 1 });

                    var windows = new ByNodeAndMinute.Reducer();
                    windows.Add(new In { Node = null, Tag = null, UnixMs = 1 });
                    windows.Add(new In { Node = null, Tag = null, UnixMs = 2 });
                    windows.Add(new In { Node = null, Tag = "t", UnixMs = 3 });
                    windows.Add(new In { Node = "", Tag = null, UnixMs = 4 });

                    return string.Join(",", parts.Length, nulls.Length, empty.Length, n.Rows, n.Cpu, n.Tag ?? "null", n.MinTag ?? "null", n.MaxTag,
                        twice.Rows, combined.Rows, small.Count, small.ToArray()[0].Rows, windows.Count);
                }
            }
            """;

        var run = GeneratorRunner.RunAndCompile(new BatchReducerGenerator(), Input, Source);
        var warnings = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(warnings.Length == 0, TestCompilation.Format(warnings));

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        var result = (string)assembly.GetType("Probe")!.GetMethod("Run")!.Invoke(null, null)!;

        // 10,000 named groups + null + "": the null group has 4 rows (2+8+16+32), Last tag null (the last row had none),
        // Min null (ordinal: null first), Max "b".
        Assert.Equal("10002,1,1,4,58,null,null,b,8,8,1,2,3", result);
    }
}
