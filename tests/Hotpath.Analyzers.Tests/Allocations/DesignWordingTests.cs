using System.Collections.Immutable;
using System.Reflection;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>
/// The rules HOT101–HOT111 and the traps as an outside reader of DESIGN.md §5 would test them: the most natural
/// snippet for each one-line description, in the usual containers (a method, a whole type, a static method, an
/// accessor, a constructor, a record or struct, a generic or expression-bodied member, top-level statements),
/// checked against every analyzer of the package at once, so a construct must get exactly its own rule.
/// </summary>
public sealed class DesignWordingTests
{
    /// <summary>Every HOT id of DESIGN.md §5.</summary>
    private static readonly ImmutableArray<string> s_allIds =
        Enumerable.Range(1, 7).Select(i => $"HOT00{i}")
        .Concat(Enumerable.Range(101, 11).Select(i => $"HOT{i}"))
        .Concat(Enumerable.Range(201, 11).Select(i => $"HOT{i}"))
        .Concat(Enumerable.Range(301, 3).Select(i => $"HOT{i}"))
        .ToImmutableArray();

    /// <summary>Every shipped analyzer (HOT0xx, HOT1xx, HOT2xx, HOT3xx), found the way the rule catalogue test finds them.</summary>
    private static DiagnosticAnalyzer[] AllAnalyzers() => new[]
        {
            typeof(HotPathScope).Assembly,
            typeof(Hotpath.Generators.Pooling.PooledDiagnosticsAnalyzer).Assembly,
        }
        .SelectMany(a => a.GetTypes())
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToArray();

    /// <summary>Exactly the marked diagnostics, across every HOT rule of the package.</summary>
    private static Task Verify(string markup, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        AnalyzerVerifier.VerifyAsync(Alloc.Usings + markup, AllAnalyzers(), new AnalyzerTestOptions { OnlyIds = s_allIds, OutputKind = kind });

    [Fact]
    public void Every_package_analyzer_is_run() => Assert.True(AllAnalyzers().Length >= 20);

    // ---------------------------------------------------------------- HOT101

    [Fact]
    public Task HOT101_new_class_and_anonymous_type_in_a_hot_method() => Verify("""
        public class Foo { public int X; }

        public class Handler
        {
            [HotPath]
            public int Handle(int x)
            {
                var foo = {|HOT101:new Foo()|};
                Foo other = {|HOT101:new()|};
                var anon = {|HOT101:new { Id = x, Name = "n" }|};
                var sb = {|HOT101:new StringBuilder()|};
                var list = {|HOT101:new List<int> { 1, 2 }|};
                return foo.X + other.X + anon.Id + sb.Length + list.Count;
            }
        }
        """);

    [Fact]
    public Task HOT101_in_a_hot_class_static_method_getter_constructor_and_expression_body() => Verify("""
        public class Foo { }

        [HotPath]
        public class Service
        {
            private object _state;

            public Service() { _state = {|HOT101:new object()|}; }

            public Foo Current => {|HOT101:new Foo()|};

            public static Foo Create() => {|HOT101:new Foo()|};

            public object Make() { return {|HOT101:new object()|}; }

            public string Text(char c) => {|HOT101:new string(c, 3)|};
        }
        """);

    [Fact]
    public Task HOT101_in_records_structs_and_generic_methods() => Verify("""
        public class Foo { }
        public sealed record Point(int X, int Y);

        [HotPath]
        public sealed record Order(int Id)
        {
            public Foo Make() => {|HOT101:new Foo()|};
        }

        [HotPath]
        public readonly record struct Tick(long Ticks)
        {
            public Foo Make() => {|HOT101:new Foo()|};
        }

        [HotPath]
        public struct Accumulator
        {
            public object Box() => {|HOT101:new object()|};
        }

        public static class Factory
        {
            [HotPath]
            public static T Create<T>() where T : new() => {|HOT101:new T()|};

            [HotPath]
            public static Point Move(Point p) => {|HOT101:p with { X = 1 }|};

            [HotPath]
            public static Point NewPoint(int x) => {|HOT101:new Point(x, x)|};

            [HotPath]
            public static T CreateClass<T>() where T : class, new() => {|HOT101:new T()|};
        }
        """);

    [Fact]
    public Task HOT101_not_on_structs_tuples_or_struct_generics() => Verify("""
        public struct Vec { public int X; public Vec(int x) { X = x; } }
        public record struct Pair(int A, int B);

        public static class Math2
        {
            [HotPath]
            public static int Run<T>(int x) where T : struct
            {
                var v = new Vec(x);
                var p = new Pair(x, x);
                var t = (x, v);
                var d = new DateTime(2020, 1, 1);
                var s = new Span<int>();
                var g = new T();
                return v.X + p.A + t.x + d.Day + s.Length;
            }
        }
        """);

    [Fact]
    public Task HOT101_in_a_marked_local_function_of_top_level_statements() => Verify("""
        var total = Work(3);
        Console.WriteLine(total);

        [HotPath]
        static int Work(int n)
        {
            var list = {|HOT101:new List<int>(n)|};
            return list.Capacity;
        }
        """, OutputKind.ConsoleApplication);

    [Fact]
    public Task HOT101_in_a_marked_lambda_and_indexer() => Verify("""
        public class Grid
        {
            [HotPath]
            public object this[int i] => {|HOT101:new object()|};

            public Func<object> Factory() => [HotPath] static () => {|HOT101:new object()|};
        }
        """);

    // ---------------------------------------------------------------- HOT102

    [Fact]
    public Task HOT102_array_creation_params_and_collection_expressions() => Verify("""
        public static class Arrays
        {
            private static int Sum(params int[] values) { var s = 0; foreach (var v in values) s += v; return s; }

            [HotPath]
            public static int Run(int n)
            {
                var a = {|HOT102:new int[n]|};
                var b = {|HOT102:new[] { 1, 2, 3 }|};
                int[] c = {|HOT102:{ 4, 5 }|};
                var d = {|HOT102:new int[n, n]|};
                var e = {|HOT102:new string[] { "x" }|};
                int[] f = {|HOT102:[1, 2, 3]|};
                List<int> g = {|HOT102:[1, 2]|};
                IEnumerable<int> h = {|HOT102:[n]|};
                IReadOnlyList<int> i = {|HOT102:[n, n]|};
                var total = Sum({|HOT102:1, 2, 3|});
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Count + h.GetHashCode() + i.Count + total;
            }
        }
        """);

    [Fact]
    public Task HOT102_in_a_hot_struct_and_a_generic_method() => Verify("""
        [HotPath]
        public struct Buffer
        {
            public byte[] Rent(int size) => {|HOT102:new byte[size]|};

            public T[] Make<T>(int n) => {|HOT102:new T[n]|};

            public static int[] Empty() => [];

            public int Count(params int[] xs) => xs.Length;

            public int CallEmpty() => Count();
        }
        """);

    [Fact]
    public Task HOT102_not_on_span_collection_expressions_or_params_spans() => Verify("""
        public static class Spans
        {
            private static int Sum(params ReadOnlySpan<int> values) => values.Length;

            [HotPath]
            public static int Run(int n)
            {
                Span<int> a = [1, 2, 3];
                ReadOnlySpan<int> b = [n, n];
                ReadOnlySpan<byte> c = new byte[] { 1, 2 };
                int[] d = [];
                return a.Length + b.Length + c.Length + d.Length + Sum(1, 2, 3);
            }
        }
        """);

    // ---------------------------------------------------------------- HOT103

    [Fact]
    public Task HOT103_boxing_to_object_interface_Enum_and_ValueType() => Verify("""
        public static class Boxing
        {
            private static void Take(object value) { }

            [HotPath]
            public static void Run(int x, DayOfWeek day, List<object> sink)
            {
                object o = {|HOT103:x|};
                IComparable c = {|HOT103:x|};
                IEquatable<int> eq = {|HOT103:x|};
                Enum e = {|HOT103:day|};
                ValueType v = {|HOT103:x|};
                Take({|HOT103:x|});
                sink.Add({|HOT103:x|});
                var cast = {|HOT103:(object)x|};
                int? maybe = x;
                object boxedNullable = {|HOT103:maybe|};
                GC.KeepAlive(o); GC.KeepAlive(c); GC.KeepAlive(eq); GC.KeepAlive(e); GC.KeepAlive(v); GC.KeepAlive(cast); GC.KeepAlive(boxedNullable);
            }
        }
        """);

    [Fact]
    public Task HOT103_struct_to_its_interface_and_generic_to_object() => Verify("""
        public interface IShape { int Area(); }
        public struct Square : IShape { public int Side; public int Area() => Side * Side; }

        [HotPath]
        public class Shapes
        {
            public int Area(Square s)
            {
                IShape shape = {|HOT103:s|};
                return shape.Area() + ({|HOT103:(IShape)s|}).Area();
            }

            public object Any<T>(T value) => {|HOT103:value|};

            public int Constrained<T>(T value) where T : IShape => value.Area();
        }
        """);

    [Fact]
    public Task HOT103_non_overridden_ToString_GetHashCode_Equals_GetType_on_a_struct() => Verify("""
        public struct Point { public int X; public int Y; }

        public static class Points
        {
            [HotPath]
            public static int Hash(Point p) => {|HOT103:p.GetHashCode()|};

            [HotPath]
            public static string Text(Point p) => {|HOT103:p.ToString()|};

            [HotPath]
            public static Type Kind(Point p) => {|HOT103:p.GetType()|};

            [HotPath]
            public static bool Same(Point p, Point q) => {|HOT103:p.Equals({|HOT103:q|})|};
        }
        """);

    [Fact]
    public Task HOT103_not_on_overridden_virtuals_record_structs_or_int() => Verify("""
        public struct Money
        {
            public long Cents;
            public override int GetHashCode() => Cents.GetHashCode();
            public override bool Equals(object? obj) => obj is Money m && m.Cents == Cents;
        }

        public readonly record struct Id(int Value);

        public static class NoBoxing
        {
            [HotPath]
            public static int Run(Money m, Id id, Id other, int x) =>
                m.GetHashCode() + id.GetHashCode() + (id.Equals(other) ? 1 : 0) + x.GetHashCode() + (x.Equals(3) ? 1 : 0) + x.CompareTo(4);
        }
        """);

    // ---------------------------------------------------------------- HOT104

    [Fact]
    public Task HOT104_lambda_capturing_a_local_a_parameter_or_this() => Verify("""
        public class Filter
        {
            private int _limit;

            [HotPath]
            public int Run(List<int> items, int min)
            {
                var max = 10;
                Func<int, bool> inRange = {|HOT104:x => x >= min && x <= max|};
                var found = items.Find({|HOT104:x => x > _limit|});
                Action reset = {|HOT104:() => _limit = 0|};
                return (inRange(found) ? 1 : 0) + items.FindIndex({|HOT104:x => x == min|});
            }
        }
        """);

    [Fact]
    public Task HOT104_capturing_local_function_converted_to_a_delegate() => Verify("""
        public static class Locals
        {
            [HotPath]
            public static int Run(List<int> items, int threshold)
            {
                bool Above(int x) => x > threshold;
                return items.FindIndex({|HOT104:Above|});
            }
        }
        """);

    [Fact]
    public Task HOT104_in_a_constructor_and_a_hot_class() => Verify("""
        [HotPath]
        public sealed class Timer
        {
            private readonly Func<int> _read;
            private int _value;

            public Timer(int start)
            {
                _read = {|HOT104:() => start + _value|};
            }

            public Func<int> Reader() => {|HOT104:() => _value|};
        }
        """);

    [Fact]
    public Task HOT104_capturing_local_function_only_called_directly_is_not_reported() => Verify("""
        public static class Locals
        {
            [HotPath]
            public static int Run(int x)
            {
                int Twice() => x * 2;
                return Twice();
            }
        }
        """);

    // ---------------------------------------------------------------- HOT105

    [Fact]
    public Task HOT105_non_static_lambda_and_instance_method_group() => Verify("""
        public class Worker
        {
            private int Next() => 1;

            [HotPath]
            public int Run(List<int> items)
            {
                Func<int, int> twice = {|HOT105:x => x * 2|};
                Func<int> next = {|HOT105:Next|};
                Func<int> explicitNew = {|HOT105:new Func<int>(Next)|};
                var index = items.FindIndex({|HOT105:x => x > 0|});
                return twice(1) + next() + explicitNew() + index;
            }
        }
        """);

    [Fact]
    public Task HOT105_method_group_of_a_struct_and_a_non_static_local_function() => Verify("""
        public struct Counter { public int Value; public int Get() => Value; }

        public static class Groups
        {
            [HotPath]
            public static int Run(Counter c)
            {
                Func<int> get = {|HOT105:c.Get|};
                Func<int, int> local = {|HOT105:Square|};
                return get() + local(2);
                int Square(int x) => x * x;
            }
        }
        """);

    [Fact]
    public Task HOT105_event_subscription() => Verify("""
        public class Button
        {
            public event EventHandler? Clicked;
            private void OnClick(object? sender, EventArgs e) { }

            [HotPath]
            public void Wire() { {|HOT105:Clicked += {|HOT105:OnClick|}|}; }
        }
        """);

    [Fact]
    public Task HOT105_not_on_static_lambdas_static_method_groups_or_static_local_functions() => Verify("""
        public static class Cached
        {
            private static int Twice(int x) => x * 2;

            [HotPath]
            public static int Run(List<int> items)
            {
                Func<int, int> a = static x => x + 1;
                Func<int, int> b = Twice;
                Func<int, int> c = Triple;
                items.Sort(static (l, r) => l.CompareTo(r));
                return a(1) + b(1) + c(1) + items.FindIndex(static x => x > 0);
                static int Triple(int x) => x * 3;
            }
        }
        """);

    // ---------------------------------------------------------------- HOT106

    [Fact]
    public Task HOT106_concatenation_and_interpolation() => Verify("""
        public static class Strings
        {
            [HotPath]
            public static string Join(string a, string b) => {|HOT106:a + b|};

            [HotPath]
            public static string Label(string name, int count) => {|HOT106:$"{name}: {count}"|};

            [HotPath]
            public static string Mixed(string a, int n, char c, object o) => {|HOT106:a + n + c + o|};

            [HotPath]
            public static string Append(string a, string b)
            {
                var s = a;
                {|HOT106:s += b|};
                return s;
            }

            [HotPath]
            public static void Print(int x) => Console.WriteLine({|HOT106:$"x = {x}"|});
        }
        """);

    [Fact]
    public Task HOT106_in_a_hot_record_and_property() => Verify("""
        [HotPath]
        public sealed record Person(string First, string Last)
        {
            public string FullName => {|HOT106:First + " " + Last|};

            public string Greeting() => {|HOT106:$"Hello {First}"|};
        }
        """);

    [Fact]
    public Task HOT106_not_on_interpolation_into_a_handler_or_constants() => Verify("""
        public static class Handlers
        {
            private const string Prefix = "pre";

            [HotPath]
            public static int Run(StringBuilder sb, int x, Span<char> buffer)
            {
                sb.Append($"x = {x}");
                buffer.TryWrite($"{x}", out var written);
                const string Both = Prefix + "fix";
                var constant = $"{Prefix}-{Both}";
                return sb.Length + written + constant.Length;
            }
        }
        """);

    // ---------------------------------------------------------------- HOT107

    [Fact]
    public Task HOT107_linq_methods_and_query_syntax() => Verify("""
        public static class Queries
        {
            [HotPath]
            public static int Run(List<int> items, int[] array)
            {
                var any = items.{|HOT107:Any()|};
                var count = array.{|HOT107:Count()|};
                var first = items.{|HOT107:First()|};
                var sum = items.{|HOT107:Where(static x => x > 0)|}.{|HOT107:Sum()|};
                var max = Enumerable.{|HOT107:Range(0, 10)|}.{|HOT107:Max()|};
                var query = from x in items {|HOT107:where x > 1|} {|HOT107:select x * 2|};
                return (any ? 1 : 0) + count + first + sum + max + query.GetHashCode();
            }
        }
        """);

    [Fact]
    public Task HOT107_with_a_non_static_lambda_also_gets_HOT105() => Verify("""
        [HotPath]
        public class Orders
        {
            public int Large(List<int> amounts) => amounts.{|HOT107:Count({|HOT105:a => a > 100|})|};
        }
        """);

    // ---------------------------------------------------------------- HOT108

    [Fact]
    public Task HOT108_foreach_over_interface_typed_collections() => Verify("""
        public static class Loops
        {
            [HotPath]
            public static int Sum(IEnumerable<int> items)
            {
                var s = 0;
                foreach (var x in {|HOT108:items|}) s += x;
                return s;
            }

            [HotPath]
            public static int Sum(IList<int> items, IReadOnlyCollection<int> ro, ICollection<int> c, IReadOnlyDictionary<int, int> map)
            {
                var s = 0;
                foreach (var x in {|HOT108:items|}) s += x;
                foreach (var x in {|HOT108:ro|}) s += x;
                foreach (var x in {|HOT108:c|}) s += x;
                foreach (var kv in {|HOT108:map|}) s += kv.Key;
                return s;
            }
        }
        """);

    [Fact]
    public Task HOT108_field_of_interface_type_in_a_hot_class() => Verify("""
        [HotPath]
        public sealed class Totals
        {
            private readonly IEnumerable<decimal> _amounts;

            public Totals(IEnumerable<decimal> amounts) => _amounts = amounts;

            public decimal Total
            {
                get
                {
                    decimal t = 0;
                    foreach (var a in {|HOT108:_amounts|}) t += a;
                    return t;
                }
            }
        }
        """);

    // ---------------------------------------------------------------- HOT109

    [Fact]
    public Task HOT109_async_method_and_iterator_marked_hot() => Verify("""
        public class Io
        {
            [HotPath]
            public async Task {|HOT109:SaveAsync|}() => await {|HOT110:Task.Delay(1)|};

            [HotPath]
            public async ValueTask<int> {|HOT109:ReadAsync|}()
            {
                await Task.Yield();
                return 1;
            }

            [HotPath]
            public IEnumerable<int> {|HOT109:Numbers|}()
            {
                yield return 1;
                yield return 2;
            }

            [HotPath]
            public async IAsyncEnumerable<int> {|HOT109:StreamAsync|}()
            {
                await Task.Yield();
                yield return 1;
            }
        }
        """);

    [Fact]
    public Task HOT109_in_a_hot_class_and_static_method() => Verify("""
        [HotPath]
        public static class Jobs
        {
            public static async Task<int> {|HOT109:RunAsync|}(int x)
            {
                await Task.Yield();
                return x;
            }

            public static IEnumerator<int> {|HOT109:Count|}(int n)
            {
                for (var i = 0; i < n; i++) yield return i;
            }
        }
        """);

    [Fact]
    public Task HOT109_calling_an_async_method_or_iterator_from_hot_code() => Verify("""
        public class Pipeline
        {
            private static async Task FlushAsync() => await Task.Yield();
            private static IEnumerable<int> Items() { yield return 1; }

            [HotPath]
            public Task Flush() => {|HOT109:FlushAsync()|};

            [HotPath]
            public int Total()
            {
                var sum = 0;
                foreach (var x in {|HOT108:{|HOT109:Items()|}|}) sum += x;
                return sum;
            }
        }
        """);

    // ---------------------------------------------------------------- HOT110

    [Fact]
    public Task HOT110_known_allocating_apis() => Verify("""
        public static class Apis
        {
            [HotPath]
            public static int Run(string line, int n, List<int> items, StringBuilder sb, DateTime now)
            {
                var parts = {|HOT110:line.Split(',')|};
                var head = {|HOT110:line.Substring(1)|};
                var text = {|HOT110:n.ToString()|};
                var formatted = {|HOT110:string.Format("{0}-{1}", line, head)|};
                var array = {|HOT110:items.ToArray()|};
                var list = {|HOT110:array.ToList()|};
                var built = {|HOT110:sb.ToString()|};
                var date = {|HOT110:now.ToString("O")|};
                var upper = {|HOT110:line.ToUpperInvariant()|};
                var trimmed = {|HOT110:line.Trim()|};
                var joined = {|HOT110:string.Join(",", parts)|};
                return parts.Length + head.Length + text.Length + formatted.Length + array.Length + list.Count
                    + built.Length + date.Length + upper.Length + trimmed.Length + joined.Length;
            }
        }
        """);

    [Fact]
    public Task HOT110_linq_materialisers_are_not_also_HOT107() => Verify("""
        [HotPath]
        public sealed class Snapshot
        {
            public int[] Copy(IEnumerable<int> source) => {|HOT110:source.ToArray()|};

            public List<int> Positive(List<int> source) => {|HOT110:source.{|HOT107:Where(static x => x > 0)|}.ToList()|};

            public Dictionary<int, int> Index(int[] source) => {|HOT110:source.ToDictionary(static x => x)|};
        }
        """);

    [Fact]
    public Task HOT110_format_with_a_value_type_argument_also_boxes() => Verify("""
        public static class Formats
        {
            [HotPath]
            public static string Run(int x) => {|HOT110:string.Format("{0}", {|HOT103:x|})|};
        }
        """);

    // ---------------------------------------------------------------- HOT111

    [Fact]
    public Task HOT111_call_to_a_same_compilation_method_that_allocates() => Verify("""
        public class Service
        {
            [HotPath]
            public int Handle(int x) => {|HOT111:Compute(x)|};

            private int Compute(int x)
            {
                var list = new List<int> { x };
                return list.Count;
            }
        }
        """);

    [Fact]
    public Task HOT111_transitive_static_property_and_generic_callees() => Verify("""
        public static class Helpers
        {
            public static string Describe(int x) => Format(x);
            private static string Format(int x) => "value " + x;
            public static int[] Buffer => new int[16];
            public static List<T> Wrap<T>(T item) => new List<T> { item };
        }

        public static class Hot
        {
            [HotPath]
            public static int Run(int x) =>
                {|HOT111:Helpers.Describe(x)|}.Length + {|HOT111:Helpers.Buffer|}.Length + {|HOT111:Helpers.Wrap(x)|}.Count;
        }
        """);

    [Fact]
    public Task HOT111_not_on_pure_callees_hot_callees_or_throw_only_allocations() => Verify("""
        public static class Math3
        {
            public static int Twice(int x) => x * 2;
            public static int Check(int x) => x >= 0 ? x : throw new ArgumentOutOfRangeException(nameof(x), "negative " + x);

            [HotPath]
            public static int Hot(int x) => x + 1;

            [HotPath]
            public static int Run(int x) => Twice(x) + Check(x) + Hot(x);
        }
        """);

    [Fact]
    public Task HOT111_with_a_hot_caller_in_a_struct() => Verify("""
        public class Registry
        {
            public string Key(int id) => id.ToString();
        }

        [HotPath]
        public struct Lookup
        {
            public int Find(Registry r, int id) => {|HOT111:r.Key(id)|}.Length;
        }
        """);

    /// <summary>
    /// Two allocations, two rules: HOT101 for the object, HOT111 for the array its constructor allocates.
    /// (Field initialisers of an implicit constructor are not followed: the object is HOT101 anyway.)
    /// </summary>
    [Fact]
    public Task HOT111_constructor_that_allocates_besides_HOT101_for_the_object() => Verify("""
        public sealed class Session
        {
            private readonly List<int> _ids = new();
            public int Count => _ids.Count;
        }

        public sealed class Account
        {
            private readonly int[] _slots;
            public Account(int n) { _slots = new int[n]; }
            public int Size => _slots.Length;
        }

        public sealed record Line(string Text);

        public static class Factory
        {
            [HotPath]
            public static int Run(int n) =>
                {|HOT101:new Session()|}.Count + {|HOT111:{|HOT101:new Account(n)|}|}.Size + {|HOT101:new Line("x")|}.Text.Length;
        }
        """);

    /// <summary>A call HOT110 (or HOT109) already reports is not reported again by HOT111.</summary>
    [Fact]
    public Task HOT111_user_ToArray_is_HOT110_once_and_a_ToString_override_is_HOT111() => Verify("""
        public sealed class Bag
        {
            private readonly List<int> _items = new();
            public int[] ToArray() => _items.ToArray();
        }

        public struct Pos
        {
            public int X;
            public override string ToString() => "pos " + X;
        }

        public static class Use
        {
            [HotPath]
            public static int Run(Bag bag, Pos p) => {|HOT110:bag.ToArray()|}.Length + {|HOT111:p.ToString()|}.Length;
        }
        """);

    [Fact]
    public Task Hot_members_of_primary_constructor_generic_and_operator_containers() => Verify("""
        [HotPath]
        public sealed class Window(int size)
        {
            public int Size => size;
            public int[] Make() => {|HOT102:new int[size]|};
        }

        [HotPath]
        public sealed class Pool<T> where T : class, new()
        {
            private readonly Stack<T> _items;
            public Pool(Stack<T> items) => _items = items;
            public T Rent() => _items.Count > 0 ? _items.Pop() : {|HOT101:new T()|};
        }

        public readonly struct Vec
        {
            public readonly int X;
            public Vec(int x) => X = x;

            [HotPath]
            public static Vec operator +(Vec a, Vec b) => new(a.X + b.X);

            [HotPath]
            public static string Show(Vec v) => {|HOT106:"v" + v.X|};
        }

        public class Settings
        {
            private object? _value;

            public object Value
            {
                [HotPath] get => _value ??= {|HOT101:new object()|};
                set => _value = new object();
            }

            // The initialisers run in the constructor, not in the marked accessors.
            [HotPath]
            public object Other { get; init; } = new object();

            [HotPath]
            public static List<int> Shared { get; } = new();
        }

        [HotPath]
        public sealed class Lazy
        {
            public static Func<object> Factory => {|HOT105:() => {|HOT101:new object()|}|};
        }

        public static class Program
        {
            [HotPath]
            public static void Main(string[] args) => Console.WriteLine({|HOT106:"args: " + args.Length|});
        }
        """);

    [Fact]
    public Task Natural_mixed_snippets_get_one_rule_per_construct() => Verify("""
        public class Mixed
        {
            [HotPath]
            public int Run(List<int> items, int min, int x)
            {
                var filtered = items.{|HOT107:Where({|HOT104:i => i > min|})|};
                Console.WriteLine("{0}", {|HOT103:x|});
                var names = {|HOT101:new List<string>()|};
                names.Add({|HOT110:x.ToString()|});
                names.Add({|HOT106:"n" + x|});
                return filtered.GetHashCode() + names.Count;
            }
        }
        """);

    [Fact]
    public Task HOT110_ToString_of_a_record_or_a_span() => Verify("""
        public sealed record Person(string Name);
        public readonly record struct Tag(int Id);
        public sealed record Named(string Name) { public override string ToString() => Name; }

        public static class Show
        {
            [HotPath]
            public static int Run(Person p, Tag t, Named n, ReadOnlySpan<char> span, Span<int> ints) =>
                {|HOT110:p.ToString()|}.Length + {|HOT110:t.ToString()|}.Length + n.ToString().Length
                + {|HOT110:span.ToString()|}.Length + {|HOT110:ints.ToString()|}.Length;
        }
        """);

    [Fact]
    public Task HOT111_setters_operators_conversions_and_extension_methods() => Verify("""
        public class Holder
        {
            private List<int>? _items;
            public List<int> Items { get => _items!; set => _items = new List<int>(value); }
            public int Plain { get; set; }
        }

        public sealed class Money
        {
            public decimal Amount;
            public static Money operator +(Money a, Money b) => new Money { Amount = a.Amount + b.Amount };
            public static Money operator -(Money a) => new Money { Amount = -a.Amount };
            public static bool operator ==(Money? a, Money? b) => a?.Amount == b?.Amount;
            public static bool operator !=(Money? a, Money? b) => !(a == b);
            public static implicit operator Money(decimal d) => new Money { Amount = d };
            public override bool Equals(object? o) => o is Money m && m.Amount == Amount;
            public override int GetHashCode() => Amount.GetHashCode();
        }

        public static class Ext
        {
            public static string Describe(this int x) => x.ToString();
        }

        public static class Use
        {
            [HotPath]
            public static int Run(Holder h, List<int> xs, Money m, decimal d, int x)
            {
                {|HOT111:h.Items|} = xs;
                h.Plain = x;
                var sum = {|HOT111:m + m|};
                var neg = {|HOT111:-m|};
                Money conv = {|HOT111:d|};
                var same = m == sum;
                return {|HOT111:x.Describe()|}.Length + neg.GetHashCode() + conv.GetHashCode() + (same ? 1 : 0);
            }
        }
        """);

    [Fact]
    public Task HOT109_async_void_and_iterator_property() => Verify("""
        public class Ui
        {
            [HotPath]
            public async void {|HOT109:OnClick|}() => await Task.Yield();

            [HotPath]
            public IEnumerable<int> Numbers { {|HOT109:get|} { yield return 1; } }
        }
        """);

    [Fact]
    public Task HOT104_anonymous_method_capturing_a_parameter() => Verify("""
        public static class Anon
        {
            [HotPath]
            public static Func<int> Make(int x) => {|HOT104:delegate { return x; }|};
        }
        """);

    [Fact]
    public Task More_natural_variations() => Verify("""
        public class More
        {
            private int _value;
            private int Next() => _value++;
            private static void Log(string format, params object[] args) { }

            [HotPath]
            public Func<int> Getter => {|HOT104:() => _value|};

            [HotPath]
            public More(int seed) => _value = seed;

            [HotPath]
            public int Run(List<int> list, int[] a, int[] b, int n, string s, int x)
            {
                Func<int> f = {|HOT104:() => Next()|};
                var task = {|HOT110:Task.Run({|HOT104:() => x|})|};
                var sum = 0;
                foreach (var v in {|HOT108:(IEnumerable<int>)list|}) sum += v;
                var doubled = {|HOT110:list.{|HOT107:Select({|HOT105:v => v * 2|})|}.ToList()|};
                int[] both = {|HOT102:[..a, ..b]|};
                Log("{0} {1}", {|HOT102:{|HOT103:n|}, {|HOT103:x|}|});
                var eq = object.Equals({|HOT103:n|}, {|HOT103:x|});
                var cmp = n is IComparable; // always true: the compiler emits the constant, no box
                var withChar = {|HOT106:s + 'c'|};
                Span<byte> buffer = n <= 256 ? stackalloc byte[n] : {|HOT102:new byte[n]|};
                object pair = {|HOT103:(1, 2)|};
                IEnumerable<int> e = list;
                var count = e.{|HOT107:Count()|};
                var map = {|HOT101:new Dictionary<string, int>()|};
                return f() + task.Id + sum + doubled.Count + both.Length + (eq ? 1 : 0) + (cmp ? 1 : 0) + withChar.Length
                    + buffer.Length + pair.GetHashCode() + count + map.Count;
            }
        }
        """);

    // ---------------------------------------------------------------- traps

    [Fact]
    public Task Trap_allocation_in_a_throw() => Verify("""
        public static class Guard
        {
            [HotPath]
            public static int Check(int value, string? name)
            {
                if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "must be positive: " + value);
                if (value > 100) throw new InvalidOperationException($"too large: {value}");
                var n = name ?? throw new ArgumentNullException(nameof(name));
                if (n.Length == 0) throw new ArgumentException(string.Format("empty {0}", n), new[] { "a" }[0]);
                return value + n.Length;
            }
        }
        """);

    [Fact]
    public Task Trap_constant_string_concatenation() => Verify("""
        public static class Constants
        {
            private const string Prefix = "app";
            private const string Name = Prefix + ".name";

            [HotPath]
            public static int Run()
            {
                var a = "hello" + " " + "world";
                var b = Prefix + ":" + Name;
                const string C = Prefix + "-c";
                return a.Length + b.Length + C.Length;
            }
        }
        """);

    [Fact]
    public Task Trap_static_readonly_initialisers() => Verify("""
        [HotPath]
        public sealed class Table
        {
            private static readonly Dictionary<string, int> s_map = new() { ["a"] = 1 };
            private static readonly int[] s_primes = { 2, 3, 5 };
            private static readonly string[] s_names = new[] { "x", "y" };
            private static readonly List<int> s_list = [1, 2];
            private static readonly object s_box = 42;
            private static readonly string s_label = "n" + s_primes.Length;
            private static readonly Func<int, int> s_twice = x => x * 2;
            private static readonly Regex s_regex = new("a+");
            private static readonly string s_joined = string.Join(",", s_names);
            private static List<int> Cache { get; } = new();

            public int Run(string key) => s_map[key] + s_primes[0] + s_names.Length + s_list.Count + s_box.GetHashCode()
                + s_label.Length + s_twice(1) + (s_regex.IsMatch(key) ? 1 : 0) + s_joined.Length + Cache.Count;
        }
        """);

    [Fact]
    public Task Trap_static_readonly_initialisers_of_a_class_with_a_hot_method() => Verify("""
        public static class Lookup
        {
            private static readonly Dictionary<int, string> s_names = new() { [1] = "one" };
            private static readonly HashSet<string> s_set = new(StringComparer.Ordinal) { "a" };

            [HotPath]
            public static bool Has(int id, string name) => s_names.ContainsKey(id) && s_set.Contains(name);
        }
        """);

    [Fact]
    public Task Trap_struct_enumerators_of_List_and_Span() => Verify("""
        public static class Sums
        {
            [HotPath]
            public static int Run(List<int> list, Span<int> span, ReadOnlySpan<int> ros, int[] array, Dictionary<int, int> map, HashSet<int> set, string text)
            {
                var s = 0;
                foreach (var x in list) s += x;
                foreach (var x in span) s += x;
                foreach (var x in ros) s += x;
                foreach (var x in array) s += x;
                foreach (var kv in map) s += kv.Value;
                foreach (var v in map.Values) s += v;
                foreach (var x in set) s += x;
                foreach (var c in text) s += c;
                foreach (ref var x in span) x++;
                return s;
            }
        }
        """);

    [Fact]
    public Task Trap_stackalloc() => Verify("""
        public static class Scratch
        {
            [HotPath]
            public static int Run(int n)
            {
                Span<byte> buffer = stackalloc byte[256];
                Span<int> small = stackalloc int[n];
                Span<int> init = stackalloc int[] { 1, 2, 3 };
                ReadOnlySpan<char> chars = stackalloc char[4];
                var inline = n > 0 ? stackalloc int[8] : default;
                return buffer.Length + small.Length + init.Length + chars.Length + inline.Length;
            }
        }
        """);

    [Fact]
    public Task Trap_span_slicing() => Verify("""
        public static class Slices
        {
            [HotPath]
            public static int Run(Span<int> span, ReadOnlySpan<char> text, string s, int[] array, Memory<byte> memory)
            {
                var a = span.Slice(1, 2);
                var b = span[1..];
                var c = text[..3];
                var d = s.AsSpan(1, 2);
                var e = s.AsSpan()[1..^1];
                var f = array.AsSpan(0, 2);
                var g = array.AsSpan()[1..];
                var h = memory.Slice(1).Span[..1];
                var i = text.Slice(2);
                var j = array.AsSpan(1..2);
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + i.Length + j.Length;
            }
        }
        """);

    [Fact]
    public Task Trap_static_lambdas() => Verify("""
        public static class Lambdas
        {
            private static int Apply(Func<int, int> f, int x) => f(x);

            [HotPath]
            public static int Run(List<int> items, int[] array)
            {
                Func<int, int> twice = static x => x * 2;
                items.Sort(static (a, b) => b.CompareTo(a));
                Array.Sort(array, static (a, b) => a - b);
                var found = items.Find(static x => x > 3);
                return twice(1) + Apply(static x => x + 1, 2) + found + items.FindIndex(static x => x == 0);
            }
        }
        """);

    [Fact]
    public Task Trap_nameof() => Verify("""
        public class Names
        {
            public int Value { get; set; }

            [HotPath]
            public string Run(int x)
            {
                var a = nameof(x);
                var b = nameof(Value);
                var c = nameof(Names) + "." + nameof(Run);
                var d = $"{nameof(Value)}";
                return a.Length > 0 ? b : d.Length > 0 ? c : d;
            }
        }
        """);

    [Fact]
    public Task Trap_lock_on_a_System_Threading_Lock_field() => Verify("""
        public sealed class Counter
        {
            private readonly Lock _gate = new();
            private static readonly Lock s_gate = new();
            private readonly Dictionary<int, int> _counts = new();
            private long _total;

            [HotPath]
            public void Add(int key)
            {
                lock (_gate)
                {
                    _counts[key] = _counts.TryGetValue(key, out var c) ? c + 1 : 1;
                }
            }

            [HotPath]
            public void AddTotal(long amount)
            {
                lock (s_gate)
                {
                    _total += amount;
                    _counts[0] = 1;
                }
            }

            [HotPath]
            public long Read()
            {
                using (_gate.EnterScope())
                {
                    return _total;
                }
            }
        }
        """);

    /// <summary>DESIGN.md lists "a lock on a System.Threading.Lock field" among the traps where nothing may fire, HOT205 and HOT210 included.</summary>
    [Fact]
    public Task Trap_lock_on_a_Lock_field_around_a_counter() => Verify("""
        public sealed class Stats
        {
            private readonly Lock _lock = new();
            private int _count;

            [HotPath]
            public void Increment()
            {
                lock (_lock)
                {
                    _count++;
                }
            }

            [HotPath]
            public int Read()
            {
                lock (_lock) return _count;
            }
        }
        """);

    [Fact]
    public Task Trap_lock_on_a_Lock_field_in_a_hot_class() => Verify("""
        [HotPath]
        public sealed class Registry
        {
            // A hot type's constructors are hot, and instance field initialisers run in them (only static
            // initialisers are cold): the Lock object itself is an allocation, the lock on it is not reported.
            private readonly Lock _lock = {|HOT101:new()|};
            private readonly List<string> _names;

            public Registry(List<string> names) => _names = names;

            public int Count()
            {
                lock (_lock)
                {
                    return _names.Count;
                }
            }
        }
        """);

    [Fact]
    public Task Trap_every_trap_at_once_in_a_hot_method() => Verify("""
        public sealed class Everything
        {
            private static readonly Dictionary<string, int> s_lookup = new() { ["a"] = 1 };
            private readonly Lock _gate = new();
            private readonly List<int> _items;
            private int _hits;

            public Everything(List<int> items) => _items = items;

            [HotPath]
            public int Process(string input, Span<int> data)
            {
                if (input is null) throw new ArgumentNullException(nameof(input), "input " + "missing");
                const string Tag = "tag" + ":" + "x";
                Span<byte> scratch = stackalloc byte[16];
                var slice = data[1..];
                var total = 0;
                foreach (var item in _items) total += item;
                foreach (var d in data) total += d;
                var idx = _items.FindIndex(static x => x > 0);
                lock (_gate)
                {
                    _hits = _hits + total;
                    total += _hits;
                }

                return total + idx + slice.Length + scratch.Length + Tag.Length + nameof(Process).Length + s_lookup.Count;
            }
        }
        """);
}
