namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT107: System.Linq.Enumerable operators.</summary>
public sealed class LinqTests
{
    [Fact]
    public Task Enumerable_operators_are_reported_at_the_operator() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> items, int[] array)
            {
                var a = items.{|HOT107:Where(static x => x > 0)|}.{|HOT107:Select(static x => x * 2)|}.{|HOT107:Sum()|};
                var b = array.{|HOT107:Any()|};
                var c = Enumerable.{|HOT107:Range(0, 3)|}.{|HOT107:Count()|};
                var d = Enumerable.{|HOT107:First(items)|};
                return a + (b ? 1 : 0) + c + d;
            }
        }
        """, "HOT107");

    /// <summary>
    /// On an ImmutableArray&lt;T&gt;, Select/Where/SelectMany bind to ImmutableArrayExtensions, which return an Enumerable
    /// iterator over the array: reported like Enumerable's. Its Any/First/Aggregate loop over the array in place.
    /// </summary>
    [Fact]
    public Task ImmutableArray_Select_Where_and_SelectMany_are_reported_but_its_in_place_operators_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(ImmutableArray<int> items, ImmutableArray<int[]> nested, IEnumerable<int> sink)
            {
                Consume(items.{|HOT107:Select(static x => x * 2)|});
                Consume(items.{|HOT107:Where(static x => x > 0)|});
                Consume(nested.{|HOT107:SelectMany(static x => x)|});
                var a = items.Any(static x => x > 0);
                var b = items.First();
                var c = items.Aggregate(static (x, y) => x + y);
                return (a ? 1 : 0) + b + c;
            }

            private static void Consume(IEnumerable<int> values) { }
        }
        """, "HOT107");

    /// <summary>Queryable operators build a new query expression and run it through the provider: reported like Enumerable's.</summary>
    [Fact]
    public Task Queryable_operators_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(IQueryable<int> query) => query.{|HOT107:Count()|} + query.{|HOT107:Take(2)|}.{|HOT107:Sum()|};
        }
        """, "HOT107");

    /// <summary>Enumerable.Empty returns a cached singleton: no iterator, no delegate. What follows it is still LINQ.</summary>
    [Fact]
    public Task Enumerable_Empty_is_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public IEnumerable<int> M(bool b) => b ? Enumerable.Empty<int>() : System.Linq.Enumerable.Empty<int>();

            [HotPath]
            public int N() => Enumerable.Empty<int>().{|HOT107:Count()|};
        }
        """, "HOT107", "HOT111");

    /// <summary>AsEnumerable returns its source, TryGetNonEnumeratedCount only tests the source's type, and Cast to an
    /// element type the source already has returns the source: no iterator, no enumeration.</summary>
    [Fact]
    public Task Enumerable_members_that_neither_allocate_nor_enumerate_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<string> items, IEnumerable<int> numbers, System.Collections.IEnumerable untyped)
            {
                IEnumerable<string> e = items.AsEnumerable();
                var known = numbers.TryGetNonEnumeratedCount(out var count) ? count : 0;
                var again = Enumerable.TryGetNonEnumeratedCount(e, out var n) ? n : 0;
                IEnumerable<string> same = items.Cast<string>();
                IEnumerable<object> wider = items.Cast<object>();
                IEnumerable<string> unknown = untyped.{|HOT107:Cast<string>()|};
                IEnumerable<object> boxed = numbers.{|HOT107:Cast<object>()|};
                return known + again + (e is null ? 0 : 1) + (same is null ? 0 : 1) + (wider is null ? 0 : 1)
                    + (unknown is null ? 0 : 1) + (boxed is null ? 0 : 1);
            }
        }
        """, "HOT107", "HOT111");

    [Fact]
    public Task Materialising_operators_are_HOT110_not_HOT107() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(IEnumerable<int> items)
            {
                var list = {|HOT110:items.ToList()|};
                var array = {|HOT110:items.ToArray()|};
                var set = {|HOT110:items.ToHashSet()|};
                return list.Count + array.Length + set.Count;
            }
        }
        """, "HOT107", "HOT110");

    [Fact]
    public Task Query_syntax_is_LINQ_too() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] items)
            {
                var query = from x in items {|HOT107:where x > 0|} {|HOT107:select x * 2|};
                return 0;
            }
        }
        """, "HOT107");

    [Fact]
    public Task Non_LINQ_methods_of_the_same_names_and_cold_code_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> items, ImmutableArray<int> immutable, int[] array)
            {
                var found = items.Find(static x => x > 0);
                var exists = items.Exists(static x => x > 0);
                var any = immutable.IsEmpty;
                var index = Array.IndexOf(array, 3);
                Debug.Assert(items.Any());
                return found + (exists ? 1 : 0) + (any ? 1 : 0) + index;
            }

            public int Cold(List<int> items) => items.Where(x => x > 0).Count();
        }
        """, "HOT107");
}
