namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT101: reference-type object creation.</summary>
public sealed class ObjectAllocationTests
{
    [Fact]
    public Task Class_record_anonymous_with_and_generic_creation_are_reported() => Alloc.VerifyAsync("""
        public record R(int X);
        public class C
        {
            [HotPath]
            public object M(R r)
            {
                var list = {|HOT101:new List<int>()|};
                List<string> typed = {|HOT101:new()|};
                var record = {|HOT101:new R(1)|};
                var anonymous = {|HOT101:new { A = 1 }|};
                var copy = {|HOT101:r with { X = 2 }|};
                var text = {|HOT101:new string('a', 3)|};
                return list;
            }

            [HotPath]
            public T Make<T>() where T : new() => {|HOT101:new T()|};

            [HotPath]
            public T MakeClass<T>() where T : class, new() => {|HOT101:new T()|};
        }
        """, "HOT101");

    [Fact]
    public Task An_exception_that_is_not_thrown_is_an_allocation() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public Exception Make() => {|HOT101:new InvalidOperationException("kept")|};
        }
        """, "HOT101");

    [Fact]
    public Task Structs_tuples_nullables_and_struct_generics_are_not_allocations() => Alloc.VerifyAsync("""
        public struct S { public S(int x) { X = x; } public int X; }
        public record struct RS(int X);
        public class C
        {
            [HotPath]
            public int M(RS rs)
            {
                var s = new S(1);
                S t = new();
                var tuple = (1, "a");
                var valueTuple = new ValueTuple<int, int>(1, 2);
                int? n = new int?(3);
                var guid = new Guid();
                var copy = rs with { X = 2 };
                return s.X + t.X + tuple.Item1 + valueTuple.Item2 + n.Value + copy.X;
            }

            [HotPath]
            public T Make<T>() where T : struct => new T();
        }
        """);

    [Fact]
    public Task Throw_catch_and_Conditional_arguments_are_cold() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string? s, List<int> items)
            {
                if (items.Count == 0) throw new InvalidOperationException("empty");
                var value = s ?? throw new ArgumentNullException(nameof(s));
                Debug.Assert(items.Count > 0, new string('x', 2));
                try { return value.Length; }
                catch (Exception ex) when (new List<int>().Count == 0)
                {
                    var log = new List<string> { ex.Message };
                    return log.Count;
                }
            }
        }
        """);

    [Fact]
    public async Task Message_names_the_type_and_notes_a_loop()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public void M() { for (var i = 0; i < 3; i++) { var o = new object(); } }
            }
            """, "HOT101");

        Assert.Contains("'new object'", message);
        Assert.Contains("inside a loop", message);
    }

    [Fact]
    public async Task Outside_a_loop_the_message_has_no_loop_note()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public object M(int[] xs) { foreach (var x in Make()) { } return new object(); }
                private static int[] Make() => new int[0];
            }
            """, "HOT101");

        Assert.DoesNotContain("loop", message);
    }

    [Fact]
    public Task Regex_construction_is_left_to_HOT110() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public Regex M() => {|HOT110:new Regex("a+")|};
        }
        """, "HOT101", "HOT110");

    /// <summary>
    /// A lambda converted to an expression tree is compiled to calls that build Expression objects on every
    /// evaluation, static or not (an IQueryable operator's argument too); a lambda converted to a delegate is not.
    /// </summary>
    [Fact]
    public Task A_lambda_converted_to_an_expression_tree_is_reported() => Alloc.VerifyAsync("""
        using System.Linq.Expressions;
        public class C
        {
            private static readonly Expression<Func<int, bool>> s_kept = x => x > 0;

            [HotPath]
            public int M(IQueryable<int> query)
            {
                Expression<Func<int, bool>> e = {|HOT101:static x => x > 1|};
                LambdaExpression l = {|HOT101:(int x) => x|};
                Func<int, bool> f = static x => x > 1;
                return query.Where({|HOT101:static x => x > 3|}).Count() + (f(1) ? 1 : 0) + e.Parameters.Count + l.Parameters.Count + s_kept.Parameters.Count;
            }
        }
        """, "HOT101");
}
