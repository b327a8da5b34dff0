namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT105: delegate allocations other than closures.</summary>
public sealed class DelegateAllocationTests
{
    [Fact]
    public Task Non_static_lambdas_instance_and_struct_method_groups_explicit_new_and_events_are_reported() => Alloc.VerifyAsync("""
        public struct Counter { public int Value; public int Get() => Value; }
        public class C
        {
            public event Action? Changed;

            [HotPath]
            public int M(Counter counter)
            {
                Func<int, int> lambda = {|HOT105:x => x + 1|};
                Func<int> instanceGroup = {|HOT105:Instance|};
                Func<int> structGroup = {|HOT105:counter.Get|};
                Func<int> explicitNew = {|HOT105:new Func<int>(Static)|};
                {|HOT105:Changed += OnStatic|};
                {|HOT105:Changed -= OnStatic|};
                return lambda(1) + instanceGroup() + structGroup() + explicitNew();
            }

            private int Instance() => 1;
            private static int Static() => 2;
            private static void OnStatic() { }
        }
        """, "HOT105");

    [Fact]
    public Task An_explicit_new_of_a_lambda_is_the_lambda() => Alloc.VerifyAsync("""
        public delegate bool TryFormat<T>(T value, Span<char> destination, out int charsWritten);
        public class C
        {
            private int _offset;

            // ZString's CreateFormatter: new TryFormat<int>(lambda) is compiled as the lambda's conversion, cached when
            // it captures nothing (0 bytes and one instance measured on .NET 10); the method group stays uncached.
            [HotPath]
            public object M(int seed)
            {
                var a = new TryFormat<int>(static (int x, Span<char> d, out int w) => x.TryFormat(d, out w));
                var b = new TryFormat<int>({|HOT105:(int x, Span<char> d, out int w) => x.TryFormat(d, out w)|});
                var c = new Func<int>({|HOT104:() => seed + 1|});
                var d = new Func<int>({|HOT104:() => _offset|});
                var e = {|HOT105:new Func<int>(Static)|};
                return (a, b, c, d, e);
            }

            private static int Static() => 2;
        }
        """, "HOT104", "HOT105");

    [Fact]
    public Task Static_lambdas_and_static_method_groups_are_cached() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> items)
            {
                Func<int, int> lambda = static x => x + 1;
                Func<int> group = Static;
                Func<int> local = StaticLocal;
                return lambda(1) + group() + local() + items.Count(IsPositive);

                static int StaticLocal() => 3;
            }

            private static int Static() => 2;
            private static bool IsPositive(int x) => x > 0;
        }
        """, "HOT105");

    [Fact]
    public Task An_extension_method_group_bound_to_a_receiver_is_reported() => Alloc.VerifyAsync("""
        public static class Extensions { public static int Twice(this string s) => s.Length * 2; }
        public class C
        {
            [HotPath]
            public int M(string text)
            {
                Func<int> bound = {|HOT105:text.Twice|};
                Func<string, int> unbound = Extensions.Twice;
                return bound() + unbound(text);
            }
        }
        """, "HOT105");

    [Fact]
    public Task A_non_static_local_function_method_group_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M()
            {
                Func<int> local = {|HOT105:Local|};
                return local();

                int Local() => 3;
            }
        }
        """, "HOT105");

    [Fact]
    public async Task Struct_method_group_message_mentions_the_box()
    {
        var message = await Alloc.MessageAsync("""
            public struct Counter { public int Get() => 1; }
            public class C
            {
                [HotPath]
                public Func<int> M(Counter counter) => counter.Get;
            }
            """, "HOT105");

        Assert.Contains("boxes it", message);
    }
}
