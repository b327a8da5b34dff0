namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT108: foreach through an interface or with a class enumerator.</summary>
public sealed class EnumerationTests
{
    [Fact]
    public Task Interface_typed_collections_and_class_enumerators_are_reported() => Alloc.VerifyAsync("""
        public sealed class Bag
        {
            public Enumerator GetEnumerator() => new();
            public sealed class Enumerator { public int Current => 0; public bool MoveNext() => false; }
        }
        public class C
        {
            [HotPath]
            public int M(IEnumerable<int> sequence, IList<int> list, IReadOnlyList<int> readOnly, List<int> concrete, Bag bag, System.Collections.IEnumerable legacy)
            {
                var sum = 0;
                foreach (var x in {|HOT108:sequence|}) sum += x;
                foreach (var x in {|HOT108:list|}) sum += x;
                foreach (var x in {|HOT108:readOnly|}) sum += x;
                foreach (var x in {|HOT108:(IEnumerable<int>)concrete|}) sum += x;
                foreach (var x in {|HOT108:bag|}) sum += x;
                foreach (var x in {|HOT108:legacy|}) sum++;
                return sum;
            }
        }
        """, "HOT108");

    [Fact]
    public Task Arrays_strings_and_struct_enumerators_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] array, List<int> list, Span<int> span, ReadOnlySpan<int> readOnlySpan, ImmutableArray<int> immutable,
                Dictionary<string, int> dictionary, HashSet<int> set, string text, int[,] grid)
            {
                var sum = 0;
                foreach (var x in array) sum += x;
                foreach (var x in list) sum += x;
                foreach (var x in span) sum += x;
                foreach (var x in readOnlySpan) sum += x;
                foreach (var x in immutable) sum += x;
                foreach (var pair in dictionary) sum += pair.Value;
                foreach (var key in dictionary.Keys) sum += key.Length;
                foreach (var value in dictionary.Values) sum += value;
                foreach (var x in set) sum += x;
                foreach (var ch in text) sum += ch;
                foreach (var cell in grid) sum += cell;
                return sum;
            }
        }
        """, "HOT108");

    [Fact]
    public async Task Message_names_the_collection_type_and_the_enumerator()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public int M(IEnumerable<int> items) { var n = 0; foreach (var x in items) n += x; return n; }
            }
            """, "HOT108");

        Assert.Contains("'IEnumerable<int>'", message);
        Assert.Contains("GetEnumerator()", message);
    }

    [Fact]
    public async Task Message_for_await_foreach_names_GetAsyncEnumerator()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public async Task<int> M(IAsyncEnumerable<int> items) { var n = 0; await foreach (var x in items) n += x; return n; }
            }
            """, "HOT108");

        Assert.Contains("'IAsyncEnumerable<int>.GetAsyncEnumerator()'", message);
        Assert.DoesNotContain("GetEnumerator()", message);
    }

    /// <summary>
    /// WithCancellation and ConfigureAwait wrap the source in a struct whose enumerator is a struct too, but it holds the
    /// source's GetAsyncEnumerator(): the same heap enumerator as a plain await foreach. A struct async enumerable of
    /// our own is not reported.
    /// </summary>
    [Fact]
    public Task Await_foreach_over_a_configured_async_enumerable_is_reported() => Alloc.VerifyAsync("""
        public struct Countdown
        {
            public int N;
            public Countdown GetAsyncEnumerator() => this;
            public int Current => N;
            public ValueTask<bool> MoveNextAsync() => new(--N >= 0);
        }
        public class C
        {
            [HotPath]
            public async Task<int> {|HOT109:M|}(IAsyncEnumerable<int> items, Countdown countdown, CancellationToken ct)
            {
                var n = 0;
                await foreach (var x in {|HOT108:items.WithCancellation(ct)|}) n += x;
                await foreach (var x in {|HOT108:items.ConfigureAwait(false)|}) n += x;
                await foreach (var x in {|HOT108:items.WithCancellation(ct).ConfigureAwait(false)|}) n += x;
                await foreach (var x in countdown) n += x;
                return n;
            }
        }
        """, "HOT108", "HOT109");

    [Fact]
    public async Task Message_for_a_configured_async_enumerable_names_the_wrapped_GetAsyncEnumerator()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public async Task<int> M(IAsyncEnumerable<int> items, CancellationToken ct) { var n = 0; await foreach (var x in items.WithCancellation(ct)) n += x; return n; }
            }
            """, "HOT108");

        Assert.Contains("'ConfiguredCancelableAsyncEnumerable<int>'", message);
        Assert.Contains("'IAsyncEnumerable<int>.GetAsyncEnumerator()'", message);
    }

    /// <summary>ConcurrentDictionary's GetEnumerator returns an IEnumerator (an iterator object): the message does not call the interface a class.</summary>
    [Fact]
    public async Task Message_for_an_enumerator_returned_as_an_interface_does_not_call_it_a_class()
    {
        var message = await Alloc.MessageAsync("""
            using System.Collections.Concurrent;
            public class C
            {
                [HotPath]
                public int M(ConcurrentDictionary<int, int> map) { var n = 0; foreach (var pair in map) n += pair.Value; return n; }
            }
            """, "HOT108");

        Assert.Contains("'IEnumerator<KeyValuePair<int, int>>' (a heap enumerator)", message);
        Assert.DoesNotContain("a class", message);
    }
}
