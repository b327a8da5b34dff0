namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT103: boxing conversions, generic type tests and non-overridden struct virtuals.</summary>
public sealed class BoxingTests
{
    [Fact]
    public Task Conversions_to_object_interfaces_Enum_and_ValueType_are_reported() => Alloc.VerifyAsync("""
        public enum Day { Mon, Tue }
        public class C
        {
            [HotPath]
            public object M(int i, Day day, DateTime time)
            {
                object o = {|HOT103:i|};
                IComparable c = {|HOT103:i|};
                Enum e = {|HOT103:day|};
                ValueType v = {|HOT103:time|};
                Take({|HOT103:i|});
                int? n = i;
                object boxedNullable = {|HOT103:n|};
                return {|HOT103:i|};
            }

            private static void Take(object value) { }
        }
        """, "HOT103");

    [Fact]
    public Task Params_object_elements_and_tuple_components_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public (object, int) M(int a, long b)
            {
                Log("{0} {1}", {|HOT103:a|}, {|HOT103:b|});
                (object, int) t = ({|HOT103:a|}, 2);
                return t;
            }

            private static void Log(string format, params object[] args) { }
        }
        """, "HOT103");

    [Fact]
    public Task Type_tests_on_generic_or_struct_values_are_reported() => Alloc.VerifyAsync("""
        public struct S : IDisposable { public void Dispose() { } }
        public class C
        {
            [HotPath]
            public int M<T>(T value, S s)
            {
                var n = 0;
                if (value is {|HOT103:int i|}) n += i;
                if (value is {|HOT103:string|}) n++;
                if (s is {|HOT103:IDisposable d|}) n++;
                return n;
            }
        }
        """, "HOT103");

    [Fact]
    public Task As_casts_and_type_tests_on_a_generic_value_not_known_to_be_a_reference_are_reported() => Alloc.VerifyAsync("""
        public interface IFoo { int M(); }
        public class C
        {
            [HotPath]
            public int M<T, TFoo, TNotNull>(T x, TFoo foo, TNotNull n) where TFoo : IFoo where TNotNull : notnull
            {
                var count = 0;
                if ({|HOT103:x as IFoo|} != null) count++;
                var o = {|HOT103:(object?)x|};
                var f = {|HOT103:(IFoo)x!|};
                if (x is {|HOT103:IFoo named|}) count += named.M();
                if (x is {|HOT103:IFoo|}) count++;
                var g = {|HOT103:foo as IFoo|};
                IFoo h = {|HOT103:foo|};
                var k = {|HOT103:(IComparable)n|};
                return count + f.M() + (o is null ? 0 : 1) + (g is null ? 0 : 1) + h.M() + (k is null ? 0 : 1);
            }
        }
        """, "HOT103");

    [Fact]
    public Task Generic_values_known_to_be_references_and_always_true_tests_of_structs_are_not_boxing() => Alloc.VerifyAsync("""
        public interface IFoo { int M(); }
        public class Base : IFoo { public int M() => 1; }
        public struct S : IFoo { public int M() => 2; }
        public class C
        {
            [HotPath]
            public int M<TClass, TBase, TStruct>(TClass c, TBase b, TStruct s, S plain)
                where TClass : class where TBase : Base where TStruct : struct, IFoo
            {
                var count = 0;
                if (c as IFoo != null) count++;
                var o = (object)c;
                var f = (IFoo)b;
                if (c is IFoo named) count += named.M();
                if (b is IFoo) count++;
                if (s is IFoo) count++;
                if (plain is IFoo) count++;
                return count + f.M() + (o is null ? 0 : 1);
            }
        }
        """, "HOT103");

    [Fact]
    public Task A_type_test_that_keeps_the_box_of_a_struct_constrained_value_is_reported() => Alloc.VerifyAsync("""
        public interface IFoo { int M(); }
        public class C
        {
            [HotPath]
            public int M<TStruct>(TStruct s) where TStruct : struct, IFoo =>
                s is {|HOT103:IFoo named|} ? named.M() : 0;
        }
        """, "HOT103");

    [Fact]
    public Task Default_interface_members_called_on_a_generic_value_are_reported() => Alloc.VerifyAsync("""
        public interface IFoo
        {
            int M();
            int Twice() => M() * 2;
            int Size => M() + 1;
        }
        public class C
        {
            [HotPath]
            public int M<TStruct, TAny, TClass>(TStruct s, TAny a, TClass c)
                where TStruct : struct, IFoo where TAny : IFoo where TClass : class, IFoo
            {
                var n = s.M() + a.M() + c.M();
                n += {|HOT103:s.Twice()|} + {|HOT103:s.Size|};
                n += {|HOT103:a.Twice()|};
                n += c.Twice() + c.Size;
                return n;
            }
        }
        """, "HOT103");

    [Fact]
    public async Task Message_for_a_default_interface_member_names_the_member()
    {
        var message = await Alloc.MessageAsync("""
            public interface IFoo { int M(); int Twice() => M() * 2; }
            public class C
            {
                [HotPath]
                public int M<T>(T value) where T : struct, IFoo => value.Twice();
            }
            """, "HOT103");

        Assert.Equal(
            "'value' (T) is boxed to call the default interface method IFoo.Twice() (when 'T' is a struct that does not implement it) on a hot path",
            message);
    }

    [Fact]
    public Task Non_overridden_struct_virtuals_are_reported() => Alloc.VerifyAsync("""
        public struct Plain { public int X; }
        public class C
        {
            [HotPath]
            public int M(Plain p, Plain q)
            {
                var s = {|HOT103:p.ToString()|};
                var h = {|HOT103:p.GetHashCode()|};
                var t = {|HOT103:p.GetType()|};
                var e = {|HOT103:p.Equals({|HOT103:q|})|};
                return s!.Length + h + t.Name.Length + (e ? 1 : 0);
            }
        }
        """, "HOT103");

    [Fact]
    public Task Constrained_generic_calls_overrides_handlers_and_string_concat_are_not_boxing() => Alloc.VerifyAsync("""
        [Flags] public enum Flags { None = 0, A = 1 }
        public struct Point : IEquatable<Point>
        {
            public int X;
            public override int GetHashCode() => X;
            public override string ToString() => "p";
            public bool Equals(Point other) => X == other.X;
            public override bool Equals(object? obj) => obj is Point p && Equals(p);
        }
        public class C
        {
            private readonly Lock _gate = new();

            [HotPath]
            public int M<T>(T value, Point p, Flags flags, StringBuilder sb, int i, int? n) where T : IEquatable<T>
            {
                var h = value.GetHashCode() + p.GetHashCode();
                var same = value.Equals(value) && p.Equals(p);
                sb.Append($"{i} and {p.X}");
                var hasFlag = flags.HasFlag(Flags.A);
                var isNull = value == null;
                lock (_gate) { h++; }
                if (n is int k) h += k;
                if (p is Point q) h += q.X;
                return h + Use(p) + (same ? 1 : 0) + (hasFlag ? 1 : 0) + (isNull ? 1 : 0);
            }

            [HotPath]
            public string Concat(int i) => "text" + i;

            private static int Use<TPoint>(TPoint point) where TPoint : IEquatable<Point> => point.GetHashCode();
        }
        """, "HOT103");

    [Fact]
    public async Task Message_says_what_is_boxed_to_what()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public object M(int count) => count;
            }
            """, "HOT103");

        Assert.Contains("'count' (int)", message);
        Assert.Contains("'object'", message);
    }

    /// <summary>
    /// A foreach whose variable is declared as an interface or object over value-type elements converts (boxes) each
    /// element; the conversion is not an operation in the tree. var, the element type itself, a numeric conversion and
    /// reference elements do not box.
    /// </summary>
    [Fact]
    public Task A_foreach_variable_of_interface_or_object_type_boxes_each_value_element() => Alloc.VerifyAsync("""
        public interface IShape { int Area(); }
        public struct Square : IShape { public int Side; public int Area() => Side * Side; }
        public sealed class Circle : IShape { public int Area() => 3; }
        public class C
        {
            [HotPath]
            public int M<T>(int[] ints, Square[] squares, List<Square> list, Circle[] circles, T[] values, int?[] maybe)
            {
                var n = 0;
                foreach ({|HOT103:object|} o in ints) n += o.GetHashCode();
                foreach ({|HOT103:IShape|} s in squares) n += s.Area();
                foreach ({|HOT103:IShape|} s in list) n += s.Area();
                foreach ({|HOT103:object|} v in values) n += v is null ? 0 : 1;
                foreach ({|HOT103:object|} m in maybe) n += m is null ? 0 : 1;
                foreach (var s in squares) n += s.Area();
                foreach (Square s in list) n += s.Area();
                foreach (long l in ints) n += (int)l;
                foreach (IShape c in circles) n += c.Area();
                return n;
            }
        }
        """, "HOT103");

    [Fact]
    public async Task Message_for_a_boxing_foreach_variable_says_once_per_element()
    {
        var message = await Alloc.MessageAsync("""
            public interface IShape { int Area(); }
            public struct Square : IShape { public int Side; public int Area() => Side * Side; }
            public class C
            {
                [HotPath]
                public int M(Square[] squares) { var n = 0; foreach (IShape s in squares) n += s.Area(); return n; }
            }
            """, "HOT103");

        Assert.Contains("'squares' (Square)", message);
        Assert.Contains("'IShape'", message);
        Assert.Contains("once per element", message);
    }

    [Fact]
    public Task A_callee_whose_foreach_variable_boxes_each_element_is_followed() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] ints) => {|HOT111:Sum(ints)|};

            private static int Sum(int[] ints) { var n = 0; foreach (IComparable c in ints) n += c.GetHashCode(); return n; }
        }
        """, "HOT111");

    [Fact]
    public Task A_generic_value_under_a_typeof_test_against_a_reference_type_is_not_boxed() => Alloc.VerifyAsync("""
        using System.Runtime.CompilerServices;
        public interface IShape { int Sides { get; } }
        public class C
        {
            [HotPath]
            public int M<T, U>(T arg, U other)
            {
                var n = 0;
                // ZString's AppendFormatInternal: T is string in this branch, so nothing is boxed; for a struct T the branch never runs.
                if (typeof(T) == typeof(string))
                {
                    var s = Unsafe.As<string>(arg);
                    n += s.Length;
                    if (arg is string t) n += t.Length;
                }
                else
                {
                    n += Take({|HOT103:arg|});
                }

                if (typeof(T) != typeof(string)) n += Take({|HOT103:arg|}); else n += Take(arg);
                if (!typeof(T).IsValueType) n += Take(arg);
                if (typeof(T).IsValueType) n += Take({|HOT103:arg|}); else n += Take(arg);
                n += typeof(string) == typeof(T) ? Take(arg) : 0;
                n += typeof(T) == typeof(IShape) && ((IShape)arg!).Sides > 2 ? 1 : 0;
                n += typeof(T) == typeof(int) ? Take({|HOT103:arg|}) : 0;          // a struct: boxed
                n += typeof(U) == typeof(string) ? Take({|HOT103:arg|}) : 0;       // another parameter's test
                n += typeof(T) == typeof(string) || Take({|HOT103:arg|}) > 0 ? 1 : 0;
                if (typeof(T) == typeof(string) || typeof(T) == typeof(IShape)) n += Take(arg);   // both references
                if (typeof(T) == typeof(string) || typeof(T) == typeof(int)) n += Take({|HOT103:arg|});
                return n;
            }

            private static int Take(object? value) => value is null ? 0 : 1;
        }
        """, "HOT103");

    [Fact]
    public Task A_box_unboxed_at_once_to_a_value_type_is_not_reported() => Alloc.VerifyAsync("""
        public enum Day { Mon, Tue }
        public static class Scalar<T> where T : struct
        {
            // System.Runtime.Intrinsics.Scalar<T>: the JIT folds a box unboxed at once, at every optimisation level (0 bytes
            // measured on .NET 10 with MethodImplOptions.NoOptimization: one type, an enum and its int, a long into a long?).
            [HotPath]
            public static T Add(T left, T right)
            {
                if (typeof(T) == typeof(byte))
                {
                    return (T)(object)(byte)((byte)(object)left + (byte)(object)right);
                }
                else if (typeof(T) == typeof(int))
                {
                    uint bits = (uint)(int)(object)left;
                    return (T)(object)((int)(object)left + (int)bits);
                }
                else if (typeof(T) == typeof(float))
                {
                    return Pass((T)(object)1f, {|HOT103:(object)left|});        // passed on as an object: boxed
                }

                var day = (int)(object)Day.Tue;
                return (T)(object)((int)(object)left + day);                    // T : struct: folded, or the unbox throws
            }

            private static T Pass(T value, object other) => value;
        }

        public static class Reader
        {
            [HotPath]
            public static T Read<T>(int raw, long wide)
            {
                if (typeof(T) == typeof(int)) return (T)(object)raw;          // T is a value type here
                if (typeof(T) == typeof(long?)) return (T)(object)wide;       // so too (measured: 0 bytes)
                return (T){|HOT103:(object)raw|};                             // T may be object: boxed (24 bytes measured)
            }
        }
        """, "HOT103");
}
