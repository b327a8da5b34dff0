using System.Text;
using Hotpath.Analyzers.Tests.Harness;
using Hotpath.Testing;
using Xunit.Abstractions;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>Analyzer exceptions are bugs: every HOT1xx rule over a large, realistic, all-hot input.</summary>
[Collection(ScalingCollection.Name)]
public sealed class RobustnessTests
{
    private readonly ITestOutputHelper _output;

    public RobustnessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Every_rule_runs_over_a_large_realistic_input_without_AD0001()
    {
        var source = new StringBuilder();
        source.Append(Alloc.Usings);
        for (var i = 0; i < 8; i++)
        {
            source.Append(ServiceTemplate.Replace("__N__", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        // GetDiagnosticsAsync fails the test on any AD0001 or analyzer exception.
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(source.ToString(), Alloc.All());

        // Sanity: the input is hot and allocation-heavy, so every rule has something to say.
        foreach (var id in Alloc.AllIds)
        {
            Assert.Contains(diagnostics, d => d.Id == id);
        }
    }

    [Fact]
    public async Task Broken_code_does_not_crash_the_analyzers()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(Alloc.Usings + """
            [HotPath]
            public class Broken
            {
                public object M(int x)
                {
                    var a = new Missing();
                    var b = Unknown(x) + "s";
                    foreach (var y in nothing) { }
                    Func<int> f = () => undefined;
                    return new[] { a, b };
                }
                public async Task N() => await Missing.Run();
                public IEnumerable<int> O() { yield return Missing(); }
            }
            """, Alloc.All(), new AnalyzerTestOptions { AllowCompilerErrors = true });

        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    /// <summary>
    /// Hundreds of local functions, each turned into a delegate and calling a shared one: HOT104's capture list follows
    /// the calls, and each local function it met was once found by a search of the whole method (quadratic).
    /// </summary>
    [Fact]
    public Task Hundreds_of_local_functions_turned_into_delegates_cost_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.AppendLine($"int L{i}(int y) => y + x + Shared(y); Func<int> d{i} = () => L{i}(x); total += d{i}();");
            }

            return Alloc.Usings + $$"""
                public sealed class LocalFunctions
                {
                    [HotPath]
                    public int Run(int x)
                    {
                        var total = 0;
                        int Shared(int y) => y * x;
                        {{body}}
                        return total;
                    }
                }
                """;
        }, 300, Alloc.All, _output);

    /// <summary>
    /// A chain of hundreds of local functions, each calling the one before and turned into a delegate: each lambda's capture
    /// list once followed the whole chain (and searched the method for each local function on the way: cubic, 6.9 s at 400).
    /// </summary>
    [Fact]
    public Task A_chain_of_hundreds_of_local_functions_costs_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.AppendLine($"int L{i}(int y) => y + x{(i > 0 ? $" + L{i - 1}(y)" : "")}; Func<int> d{i} = () => L{i}(x); total += d{i}();");
            }

            return Alloc.Usings + $$"""
                public sealed class Chained
                {
                    [HotPath]
                    public int Run(int x)
                    {
                        var total = 0;
                        {{body}}
                        return total;
                    }
                }
                """;
        }, 100, Alloc.All, _output);

    private const string ServiceTemplate = """
        namespace Realistic__N__
        {
            public enum State { Pending, Running, Failed }
            public readonly record struct PodKey(string Namespace, string Name);
            public sealed record PodEvent(PodKey Key, State State, long Timestamp, IReadOnlyList<string> Labels);
            public interface ISink { void Write(string line); ValueTask FlushAsync(CancellationToken token); }

            [HotPath]
            public sealed class Correlator<TPayload> where TPayload : notnull
            {
                private static readonly Regex s_pattern = new("^[a-z]+$");
                private readonly Dictionary<PodKey, List<PodEvent>> _byKey = new();
                private readonly object _gate = new();
                private readonly ISink _sink;
                private int _count;

                public Correlator(ISink sink) { _sink = sink; }

                public event Action<PodEvent>? Seen;

                public int Count => _count;

                public string Describe(PodEvent e) => $"{e.Key.Namespace}/{e.Key.Name}: {e.State} at {e.Timestamp}";

                public void Add(PodEvent e, TPayload payload)
                {
                    lock (_gate)
                    {
                        if (!_byKey.TryGetValue(e.Key, out var list))
                        {
                            list = new List<PodEvent>();
                            _byKey[e.Key] = list;
                        }

                        list.Add(e);
                        _count++;
                    }

                    object boxed = e.State;
                    Seen?.Invoke(e);
                    Seen += Log;
                    var hash = payload.GetHashCode() + e.Key.GetHashCode();
                    if (payload is int number) hash += number;
                    _sink.Write("added " + e.Key.Name + " " + hash);
                }

                public IEnumerable<PodEvent> Failed()
                {
                    foreach (var pair in _byKey)
                    {
                        foreach (var e in pair.Value)
                        {
                            if (e.State == State.Failed) yield return e;
                        }
                    }
                }

                public async ValueTask<int> FlushAsync(CancellationToken token)
                {
                    await _sink.FlushAsync(token).ConfigureAwait(false);
                    return _count;
                }

                public int Summarise(IEnumerable<PodEvent> events, int threshold)
                {
                    var names = events.Where(e => e.Timestamp > threshold).Select(static e => e.Key.Name).Distinct().ToArray();
                    var grouped = events.GroupBy(e => e.State).ToDictionary(g => g.Key, g => g.Count());
                    var total = 0;
                    foreach (var e in events) total += e.Labels.Count;
                    foreach (var label in Labels(names)) total += label.Length;
                    Func<int> capture = () => total + threshold + _count;
                    Action<string> write = _sink.Write;
                    var array = new[] { threshold, total };
                    int[] collection = [threshold, total, .. array];
                    var anonymous = new { total, threshold };
                    var text = string.Join(",", names) + names[0].Substring(1) + threshold.ToString() + s_pattern.Replace("a", "b");
                    var tuple = (State.Running, (object)threshold);
                    var range = text[1..];
                    var copy = new PodEvent(new PodKey("ns", "n"), State.Pending, 0, names) with { State = State.Running };
                    try { total += int.Parse(range); } catch (FormatException ex) { total -= ex.Message.Length; }
                    return total + capture() + grouped.Count + anonymous.total + collection.Length + Helper.Make(total).Length + copy.Labels.Count + tuple.Item2.GetHashCode();

                    static IEnumerable<string> Labels(string[] all) => all;
                }

                private static void Log(PodEvent e) { }
            }

            public static class Helper
            {
                public static string Make(int n) => Deeper(n) + "!";
                private static string Deeper(int n) => n > 0 ? Make(n - 1) : new string('x', 1);
            }
        }

        """;
}
