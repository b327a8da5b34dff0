using System.Globalization;
using System.Text;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT111: hot calls into same-compilation methods that allocate, directly or through their calls.</summary>
public sealed class CallGraphTests
{
    [Fact]
    public Task Direct_and_transitive_allocating_callees_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private readonly Helper _helper = new();

            [HotPath]
            public int M(int x)
            {
                var a = {|HOT111:Helper.Build()|};
                var b = {|HOT111:Outer(x)|};
                var c = {|HOT111:_helper.Names|}.Length;
                return a.Count + b + c + Pure(x);
            }

            private static int Outer(int x) => Middle(x) + 1;
            private static int Middle(int x) => Inner(x).Length;
            private static int[] Inner(int x) => new int[x];
            private static int Pure(int x) => x * 2;
        }

        public sealed class Helper
        {
            public static List<int> Build() => new();
            public string[] Names => new[] { "a" };
        }
        """, "HOT111");

    [Fact]
    public Task Recursion_terminates_and_still_finds_the_allocation() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int n) => {|HOT111:Even(n)|} + Fib(n);

            private static int Even(int n) => n == 0 ? Alloc() : Odd(n - 1);
            private static int Odd(int n) => n == 0 ? 0 : Even(n - 1);
            private static int Alloc() => new object().GetHashCode();

            private static int Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
        }
        """, "HOT111");

    [Fact]
    public Task Hot_callees_abstract_methods_metadata_and_cold_only_allocations_are_not_reported() => Alloc.VerifyAsync("""
        public interface IShape { int Area(); }
        public abstract class Base { public abstract int Size(); }
        public class C
        {
            [HotPath]
            public int M(IShape shape, Base b, List<int> items, int x)
            {
                return HotToo() + shape.Area() + b.Size() + items.Count + Math.Max(1, 2) + Guard(x) + Twice(x);
            }

            [HotPath]
            private static int HotToo() => {|HOT101:new object()|}.GetHashCode();

            private static int Guard(int x) => x >= 0 ? x : throw new ArgumentOutOfRangeException(nameof(x), "negative: " + x);
            private static int Twice(int x) => x * 2;
        }
        """, "HOT101", "HOT111");

    [Fact]
    public async Task Message_names_the_callee_the_first_allocation_and_the_chain()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public int M() => Outer();

                private static int Outer() => Inner();
                private static int Inner() => new List<int>().Count;
            }
            """, "HOT111");

        Assert.Contains("'C.Outer' is called on a hot path and allocates", message);
        Assert.Contains("'new List<int>'", message);
        Assert.Contains("'C.Inner'", message);
        Assert.Contains("through", message);
    }

    [Fact]
    public async Task A_1000_deep_call_chain_is_reported_at_the_hot_call_with_the_whole_chain()
    {
        const int Depth = 1000;
        var source = new StringBuilder("public static class Chain\n{\n    [HotPath]\n    public static int Top(int x) => H0(x);\n");
        for (var i = 0; i < Depth; i++)
        {
            source.Append(i == Depth - 1 ? $"    private static int H{i}(int x) => new object().GetHashCode() + x;\n" : $"    private static int H{i}(int x) => H{i + 1}(x) + 1;\n");
        }

        var diagnostics = (await Alloc.DiagnosticsAsync(source.Append("}\n").ToString())).Where(d => d.Id == "HOT111").ToArray();

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("H0(x)", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        var chain = string.Join(" -> ", Enumerable.Range(1, Depth - 1).Select(i => $"'Chain.H{i}'"));
        Assert.StartsWith("'Chain.H0' is called on a hot path and allocates: ", message);
        Assert.EndsWith($"in 'Chain.H{Depth - 1}' line {Depth + 5} (through {chain})", message);
    }

    [Fact]
    public async Task A_wide_cyclic_call_graph_gives_each_hot_call_the_nearest_allocation_in_breadth_first_order()
    {
        // 400 methods calling 1-3 others each (cycles and self-recursion included), one in 25 allocating; 120 hot
        // roots call into the graph. Every hot call must name exactly what a breadth-first search from its callee
        // finds first (callees in the order they are called), and the path to it; calls that reach no
        // allocation are not reported.
        const int Methods = 400;
        const int Roots = 120;
        const int FirstLine = 4; // the usings line, "public static class G", "{"
        var random = new Random(20261123);
        var callees = new List<int>[Methods];
        var allocates = new bool[Methods];
        var source = new StringBuilder("public static class G\n{\n");
        for (var i = 0; i < Methods; i++)
        {
            allocates[i] = random.Next(25) == 0;
            callees[i] = Enumerable.Range(0, allocates[i] ? 1 : random.Next(1, 4)).Select(_ => random.Next(8) == 0 ? i : random.Next(Methods)).ToList();
            var calls = string.Join(" + ", callees[i].Select(c => $"M{c}(x - 1)"));
            source.Append($"    public static int M{i}(int x) => x <= 0 ? {(allocates[i] ? "new object().GetHashCode()" : i.ToString(CultureInfo.InvariantCulture))} : {calls};\n");
            callees[i].RemoveAll(c => c == i); // a method's calls to itself are not followed
        }

        source.Append("}\npublic static class R\n{\n");
        var expected = new List<string>();
        for (var k = 0; k < Roots; k++)
        {
            var target = random.Next(Methods);
            source.Append($"    [HotPath] public static int R{k}(int x) => G.M{target}(x);\n");
            if (BreadthFirst(target) is { } found)
            {
                expected.Add($"'G.M{target}' ... in 'G.M{found.Method}' line {FirstLine + found.Method}{found.Chain}");
            }
        }

        var actual = (await Alloc.DiagnosticsAsync(source.Append("}\n").ToString()))
            .Where(d => d.Id == "HOT111")
            .Select(d => d.GetMessage(CultureInfo.InvariantCulture))
            .Select(m => m.Substring(0, m.IndexOf(' ', StringComparison.Ordinal)) + " ... " + m.Substring(m.IndexOf("in 'G.", StringComparison.Ordinal)))
            .ToList();

        Assert.True(expected.Count > Roots / 2, "the graph should make most roots reach an allocation");
        Assert.True(expected.Count < Roots, "some roots should reach no allocation");
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, actual);

        (int Method, string Chain)? BreadthFirst(int root)
        {
            var parents = new Dictionary<int, int> { [root] = -1 };
            var queue = new Queue<int>();
            queue.Enqueue(root);
            while (queue.Count > 0)
            {
                var method = queue.Dequeue();
                if (allocates[method])
                {
                    var path = new List<string>();
                    for (var step = method; parents[step] != -1; step = parents[step])
                    {
                        path.Insert(0, $"'G.M{step}'");
                    }

                    return (method, path.Count == 0 ? "" : " (through " + string.Join(" -> ", path) + ")");
                }

                foreach (var callee in callees[method])
                {
                    if (parents.TryAdd(callee, method))
                    {
                        queue.Enqueue(callee);
                    }
                }
            }

            return null;
        }
    }
}
