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
}
