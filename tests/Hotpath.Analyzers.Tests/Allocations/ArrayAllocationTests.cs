namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT102: arrays, params arrays, allocating collection expressions and range copies.</summary>
public sealed class ArrayAllocationTests
{
    [Fact]
    public Task Array_creation_and_initialisers_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int n)
            {
                var a = {|HOT102:new int[n]|};
                var b = {|HOT102:new[] { 1, 2 }|};
                var c = {|HOT102:new string[] { "x" }|};
                int[] d = {|HOT102:{ 1, 2 }|};
                var e = {|HOT102:new int[0]|};
                return a.Length + b.Length + c.Length + d.Length + e.Length;
            }
        }
        """, "HOT102");

    [Fact]
    public Task Compiler_built_params_arrays_are_reported_but_not_empty_ones() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] existing) => Sum({|HOT102:1, 2, 3|}) + Sum() + Sum(existing);

            private static int Sum(params int[] values) => values.Length;
        }
        """, "HOT102");

    [Fact]
    public Task Params_spans_do_not_allocate_but_params_lists_do() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M() => Span(1, 2, 3) + List({|HOT102:1, 2|});

            private static int Span(params ReadOnlySpan<int> values) => values.Length;
            private static int List(params List<int> values) => values.Count;
        }
        """, "HOT102");

    [Fact]
    public Task Collection_expressions_that_materialise_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> source)
            {
                int[] a = {|HOT102:[1, 2]|};
                List<int> b = {|HOT102:[1, 2]|};
                IEnumerable<int> c = {|HOT102:[1, 2]|};
                IReadOnlyList<int> d = {|HOT102:[1]|};
                ImmutableArray<int> e = {|HOT102:[1, 2]|};
                List<int> emptyList = {|HOT102:[]|};
                ICollection<int> emptyCollection = {|HOT102:[]|};
                ReadOnlySpan<int> spread = {|HOT102:[..source]|};
                return a.Length + b.Count + c.Count() + d.Count + e.Length + emptyList.Count + emptyCollection.Count + spread.Length;
            }
        }
        """, "HOT102");

    [Fact]
    public Task Collection_expressions_into_spans_and_empty_arrays_do_not_allocate() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int x)
            {
                Span<int> a = [1, 2, x];
                ReadOnlySpan<int> b = [1, 2, 3];
                int[] c = [];
                IEnumerable<int> d = [];
                IReadOnlyList<int> e = [];
                ImmutableArray<int> f = [];
                return a.Length + b.Length + c.Length + d.Count() + e.Count + f.Length;
            }
        }
        """, "HOT102");

    [Fact]
    public Task Range_copies_of_arrays_are_reported_but_span_slices_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s, int[] array, Span<int> span, ReadOnlySpan<char> chars)
            {
                var a = {|HOT110:s[1..3]|};
                var b = {|HOT102:array[1..]|};
                var c = span[1..3];
                var d = chars[..2];
                var e = span.Slice(1);
                var f = s.AsSpan()[1..];
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length;
            }
        }
        """, "HOT102", "HOT110");

    [Fact]
    public Task A_designated_slice_of_an_array_in_a_list_pattern_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] array)
            {
                if (array is [_, {|HOT102:.. var rest|}]) return rest.Length;
                if (array is [var first, {|HOT102:.. [var second, ..]|}]) return first + second;
                return 0;
            }
        }
        """, "HOT102", "HOT110");

    [Fact]
    public Task Discarded_slices_and_slices_of_spans_and_memory_in_list_patterns_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] array, string s, List<int> list, Span<int> span, ReadOnlySpan<char> chars, Memory<int> memory)
            {
                var n = 0;
                if (array is [_, ..]) n++;
                if (array is [_, .. _, var last]) n += last;
                if (array is [.. var _, 0]) n++;
                if (s is ['a', ..]) n++;
                if (list is [.., 3]) n++;
                if (span is [_, .. var restOfSpan]) n += restOfSpan.Length;
                if (chars is [_, .. var tailChars]) n += tailChars.Length;
                if (memory.Span is [_, .. var restOfMemory]) n += restOfMemory.Length;
                return n;
            }
        }
        """, "HOT102", "HOT110");

    [Fact]
    public Task Stackalloc_constant_span_data_and_static_readonly_arrays_are_not_reported() => Alloc.VerifyAsync("""
        [HotPath]
        public class C
        {
            private static readonly int[] s_table = { 1, 2, 3 };
            private static ReadOnlySpan<byte> Magic => new byte[] { 0x1, 0x2 };
            private static ReadOnlySpan<int> Primes => new int[] { 2, 3, 5 };

            public int M()
            {
                Span<int> buffer = stackalloc int[16];
                ReadOnlySpan<char> chars = stackalloc char[4];
                var empty = Array.Empty<int>();
                return buffer.Length + chars.Length + s_table.Length + Magic.Length + Primes.Length + empty.Length;
            }
        }
        """, "HOT102");

    [Fact]
    public Task Arrays_in_a_throw_are_cold() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public void M(int x)
            {
                if (x < 0) throw new ArgumentException(string.Join(",", new[] { "a", "b" }));
            }
        }
        """);

    [Fact]
    public async Task Params_message_names_the_method()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public int M() => Sum(1, 2);
                private static int Sum(params int[] values) => 0;
            }
            """, "HOT102");

        Assert.Contains("params array of 'Sum'", message);
    }
}
