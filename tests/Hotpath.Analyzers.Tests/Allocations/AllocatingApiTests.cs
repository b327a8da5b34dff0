using System.Text.RegularExpressions;
using Hotpath.Analyzers.Allocations;
using Hotpath.Testing;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT110: calls to known-allocating APIs (one table in code, mirrored in docs/rules/HOT110.md).</summary>
public sealed class AllocatingApiTests
{
    [Fact]
    public Task String_APIs_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s, string[] parts)
            {
                var a = {|HOT110:s.Substring(1)|};
                var b = {|HOT110:s.Split(',')|};
                var c = {|HOT110:s.Replace("a", "b")|};
                var d = {|HOT110:s.Trim()|} + {|HOT110:s.TrimStart()|} + {|HOT110:s.TrimEnd('x')|};
                var e = {|HOT110:s.ToUpper()|} + {|HOT110:s.ToUpperInvariant()|} + {|HOT110:s.ToLower()|} + {|HOT110:s.ToLowerInvariant()|};
                var f = {|HOT110:string.Join(",", parts)|};
                var g = {|HOT110:string.Concat(s, s)|};
                var h = {|HOT110:string.Format("{0}", s)|};
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length;
            }
        }
        """, "HOT110");

    [Fact]
    public Task Number_and_enum_ToString_materialisers_Regex_Encoding_and_StringBuilder_are_reported() => Alloc.VerifyAsync("""
        public enum Color { Red }
        public class C
        {
            [HotPath]
            public int M(int i, double d, Color color, IEnumerable<int> items, List<int> list, byte[] bytes, StringBuilder sb)
            {
                var a = {|HOT110:i.ToString()|} + {|HOT110:d.ToString("F2")|} + {|HOT110:color.ToString()|};
                var b = {|HOT110:items.ToArray()|}.Length + {|HOT110:list.ToArray()|}.Length + {|HOT110:items.ToList()|}.Count;
                var c = {|HOT110:items.ToDictionary(static x => x)|}.Count;
                var r = {|HOT110:new Regex("a+")|};
                var e = {|HOT110:Encoding.UTF8.GetString(bytes)|};
                var f = {|HOT110:Encoding.UTF8.GetBytes(e)|};
                var g = {|HOT110:sb.ToString()|};
                return a.Length + b + c + e.Length + f.Length + g.Length + (r.IsMatch(g) ? 1 : 0);
            }
        }
        """, "HOT110");

    [Fact]
    public Task BitConverter_ToString_is_reported_and_span_hex_is_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(byte[] bytes, Span<char> hex)
            {
                var text = {|HOT110:BitConverter.ToString(bytes)|};
                var part = {|HOT110:BitConverter.ToString(bytes, 1, 2)|};
                return text.Length + part.Length + (Convert.TryToHexString(bytes, hex, out var written) ? written : 0) + BitConverter.ToInt32(bytes, 0);
            }
        }
        """, "HOT110");

    [Fact]
    public Task Decoders_and_encoders_of_an_Encoding_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            // StackExchange.Redis RawResult.GetString: a new decoder for a payload split across segments (56 bytes measured on .NET 10).
            [HotPath]
            public int M(byte[] bytes, char[] chars, UTF8Encoding utf8)
            {
                var decoder = {|HOT110:Encoding.UTF8.GetDecoder()|};
                var n = decoder.GetChars(bytes, 0, bytes.Length, chars, 0, flush: true);
                decoder.Reset();
                var encoder = {|HOT110:utf8.GetEncoder()|};
                return n + encoder.GetByteCount(chars, 0, n, flush: true);
            }
        }
        """, "HOT110");

    [Fact]
    public Task IFormattable_ToString_through_the_interface_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            // ZString's default formatter: a value that is IFormattable is formatted into a new string (the interface's
            // contract is to return one); ISpanFormattable.TryFormat writes into the caller's span instead.
            [HotPath]
            public int M<T>(T value, IFormattable formattable, Span<char> destination) where T : IFormattable, ISpanFormattable
            {
                var a = {|HOT110:formattable.ToString("x", null)|};
                var b = {|HOT110:value.ToString("x", null)|};
                value.TryFormat(destination, out var written, "x", null);
                return a.Length + b.Length + written;
            }
        }
        """, "HOT110");

    [Fact]
    public Task Span_overloads_and_non_allocating_lookalikes_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private static readonly Regex s_regex = new("a+");

            [HotPath]
            public int M(string s, byte[] bytes, Span<char> chars, bool flag, int i)
            {
                var written = Encoding.UTF8.GetChars(bytes, chars);
                var trimmed = s.AsSpan().Trim();
                var slice = s.AsSpan(1, 2);
                i.TryFormat(chars, out var n);
                var match = s_regex.IsMatch(s);
                var upper = char.ToUpperInvariant(s[0]);
                return written + trimmed.Length + slice.Length + n + (match ? 1 : 0) + upper;
            }
        }
        """, "HOT110");

    [Fact]
    public Task List_ranges_and_read_only_wrappers_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> list)
            {
                var a = {|HOT110:list.Slice(1, 2)|};
                var b = {|HOT110:list.GetRange(0, 1)|};
                var c = {|HOT110:list.AsReadOnly()|};
                var d = {|HOT110:list[1..]|};
                return a.Count + b.Count + c.Count + d.Count + list[^1];
            }
        }
        """, "HOT110");

    /// <summary>ImmutableArray&lt;T&gt;.Slice copies the range into a new array; its span does not.</summary>
    [Fact]
    public Task Immutable_array_slices_and_ranges_are_reported_but_its_span_slices_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(ImmutableArray<int> items)
            {
                var a = {|HOT110:items.Slice(1, 2)|};
                var b = {|HOT110:items[1..]|};
                var n = items is [_, {|HOT110:.. var rest|}] ? rest.Length : 0;
                var c = items.AsSpan()[1..];
                var d = items.AsSpan(1..);
                var e = items.AsSpan() is [_, .. var tail] ? tail.Length : 0;
                return a.Length + b.Length + n + c.Length + d.Length + e + items[^1];
            }
        }
        """, "HOT102", "HOT110");

    /// <summary>
    /// Building an ImmutableArray&lt;T&gt; copies its source into a new array (Create with items, CreateRange,
    /// ToImmutableArray, a builder's ToImmutable); the parameterless Create returns the cached empty array and
    /// MoveToImmutable hands over the builder's array.
    /// </summary>
    [Fact]
    public Task Building_an_immutable_array_is_reported_but_the_empty_one_and_MoveToImmutable_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] array, ReadOnlySpan<int> span, List<int> list, ImmutableArray<int> items, ImmutableArray<int>.Builder builder)
            {
                var a = {|HOT110:ImmutableArray.Create(array, 1, 2)|};
                var b = {|HOT110:ImmutableArray.Create(span)|};
                var c = {|HOT110:ImmutableArray.Create(items, 1, 2)|};
                var d = {|HOT110:ImmutableArray.Create(1)|};
                var e = {|HOT110:ImmutableArray.CreateRange(list)|};
                var f = {|HOT110:list.ToImmutableArray()|};
                var g = {|HOT110:span.ToImmutableArray()|};
                var h = {|HOT110:builder.ToImmutable()|};
                var i = ImmutableArray.Create<int>();
                var j = builder.MoveToImmutable();
                var k = items.AsSpan();
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + i.Length + j.Length + k.Length;
            }
        }
        """, "HOT102", "HOT110");

    /// <summary>
    /// Frozen and immutable collections, SearchValues and CompositeFormat are built to be kept: creating one per call
    /// copies (and for frozen ones and SearchValues analyses) every item. Reading a kept one is quiet.
    /// </summary>
    [Fact]
    public Task Building_frozen_and_immutable_collections_SearchValues_and_CompositeFormat_is_reported() => Alloc.VerifyAsync("""
        using System.Buffers;
        using System.Collections.Frozen;
        public class C
        {
            private static readonly SearchValues<char> s_separators = SearchValues.Create(",;");
            private static readonly FrozenDictionary<string, int> s_codes = new Dictionary<string, int> { ["a"] = 1 }.ToFrozenDictionary();
            private static readonly CompositeFormat s_format = CompositeFormat.Parse("{0}");

            [HotPath]
            public int M(Dictionary<string, int> map, List<int> list, string text, Span<char> buffer)
            {
                var a = {|HOT110:map.ToFrozenDictionary()|};
                var b = {|HOT110:list.ToFrozenSet()|};
                var c = {|HOT110:list.ToImmutableList()|};
                var d = {|HOT110:map.ToImmutableDictionary()|};
                var e = {|HOT110:list.ToImmutableHashSet()|};
                var f = {|HOT110:SearchValues.Create(",;")|};
                var g = {|HOT110:CompositeFormat.Parse("{0}")|};
                var found = text.AsSpan().IndexOfAny(s_separators) + s_codes.GetValueRefOrNullRef("a") + s_format.MinimumArgumentCount;
                return a.Count + b.Count + c.Count + d.Count + e.Count + found + (f.Contains('x') ? 1 : 0) + g.MinimumArgumentCount;
            }
        }
        """, "HOT110");

    /// <summary>
    /// Path's string overloads and JsonSerializer's string and byte[] results are new objects per call; Path's span
    /// overloads slice the path, TryJoin writes into the caller's buffer, and serializing into a writer returns nothing.
    /// </summary>
    [Fact]
    public Task Path_strings_and_JsonSerializer_results_are_reported_but_span_and_writer_overloads_are_not() => Alloc.VerifyAsync("""
        using System.IO;
        using System.Text.Json;
        public sealed class Pod { public string Name { get; set; } = ""; }
        public class C
        {
            [HotPath]
            public int M(string dir, string file, Pod pod, Utf8JsonWriter writer, Span<char> buffer)
            {
                var a = {|HOT110:Path.Combine(dir, file)|};
                var b = {|HOT110:Path.Join(dir, file)|};
                var c = {|HOT110:Path.GetFileName(file)|};
                var d = {|HOT110:Path.GetExtension(file)|};
                var e = {|HOT110:JsonSerializer.Serialize(pod)|};
                var f = {|HOT110:JsonSerializer.SerializeToUtf8Bytes(pod)|};
                var g = Path.GetFileName(file.AsSpan());
                var h = Path.GetExtension(file.AsSpan());
                Path.TryJoin(dir, file, buffer, out var written);
                JsonSerializer.Serialize(writer, pod);
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + written;
            }
        }
        """, "HOT110");

    /// <summary>
    /// Stopwatch.StartNew, a linked CancellationTokenSource and Activator.CreateInstance return a new object per call;
    /// the timestamp API measures with none.
    /// </summary>
    [Fact]
    public Task StartNew_linked_token_sources_and_Activator_are_reported_but_timestamps_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public long M(CancellationToken a, CancellationToken b, Type type)
            {
                var watch = {|HOT110:Stopwatch.StartNew()|};
                using var linked = {|HOT110:CancellationTokenSource.CreateLinkedTokenSource(a, b)|};
                var made = {|HOT110:Activator.CreateInstance(type)|};
                var start = Stopwatch.GetTimestamp();
                return watch.ElapsedTicks + Stopwatch.GetElapsedTime(start).Ticks + (made is null ? 0 : 1) + (linked.IsCancellationRequested ? 1 : 0);
            }
        }
        """, "HOT110");

    /// <summary>FindAll and ConvertAll return a new list or array; Find, Exists and TrueForAll (HOT107's advice) do not.</summary>
    [Fact]
    public Task FindAll_and_ConvertAll_are_reported_but_Find_and_Exists_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(List<int> list, int[] array)
            {
                var a = {|HOT110:list.FindAll(static x => x > 0)|};
                var b = {|HOT110:list.ConvertAll(static x => x * 2)|};
                var c = {|HOT110:Array.FindAll(array, static x => x > 0)|};
                var d = {|HOT110:Array.ConvertAll(array, static x => x * 2)|};
                var e = list.Find(static x => x > 0) + (list.Exists(static x => x > 0) ? 1 : 0) + (Array.TrueForAll(array, static x => x > 0) ? 1 : 0);
                return a.Count + b.Count + c.Length + d.Length + e;
            }
        }
        """, "HOT110");

    /// <summary>Memory&lt;char&gt; and ReadOnlyMemory&lt;char&gt; ToString copy the characters into a new string, as a span's does.</summary>
    [Fact]
    public Task Memory_ToString_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(Memory<char> a, ReadOnlyMemory<char> b) => {|HOT110:a.ToString()|}.Length + {|HOT110:b.ToString()|}.Length + b.Span.IndexOf('x');
        }
        """, "HOT110");

    /// <summary>char.ToString() makes a new one-character string (24 bytes per call measured on .NET 10, 'a' included).</summary>
    [Fact]
    public Task Char_ToString_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(char c, string s) => {|HOT110:c.ToString()|}.Length + {|HOT110:char.ToString(c)|}.Length + s.AsSpan().IndexOf(c);
        }
        """, "HOT110");

    /// <summary>
    /// GC.AllocateArray and GC.AllocateUninitializedArray are calls that return a new array: HOT110 (HOT102 is for
    /// the array creations the language writes).
    /// </summary>
    [Fact]
    public Task GC_AllocateArray_and_AllocateUninitializedArray_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int n)
            {
                var a = {|HOT110:GC.AllocateUninitializedArray<byte>(n)|};
                var b = {|HOT110:GC.AllocateArray<int>(n, pinned: true)|};
                var c = {|HOT110:System.GC.AllocateUninitializedArray<char>(n, false)|};
                return a.Length + b.Length + c.Length + GC.MaxGeneration;
            }
        }
        """, "HOT102", "HOT110");

    /// <summary>A range of a span, a Memory&lt;T&gt; or an ArraySegment&lt;T&gt; calls a Slice that views the same memory.</summary>
    [Fact]
    public Task Ranges_of_spans_memory_and_array_segments_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(Span<int> span, ReadOnlySpan<char> chars, Memory<int> memory, ReadOnlyMemory<char> text, ArraySegment<int> segment, List<int> list)
            {
                var a = span[1..];
                var b = chars[..^1];
                var c = memory[1..];
                var d = text[2..];
                var e = segment[1..];
                var f = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)[1..];
                if (segment is [_, .. var rest]) a = span[..rest.Count];
                return a.Length + b.Length + c.Length + d.Length + e.Count + f.Length;
            }
        }
        """);

    [Fact]
    public Task Enum_value_and_name_arrays_are_reported_but_GetName_is_not() => Alloc.VerifyAsync("""
        public enum Color { Red, Green }
        public class C
        {
            [HotPath]
            public int M(Color color)
            {
                var a = {|HOT110:Enum.GetValues(typeof(Color))|}.Length;
                var b = {|HOT110:Enum.GetValues<Color>()|}.Length;
                var c = {|HOT110:Enum.GetNames(typeof(Color))|}.Length;
                var d = {|HOT110:Enum.GetNames<Color>()|}.Length;
                var e = {|HOT110:Enum.GetValuesAsUnderlyingType<Color>()|}.Length;
                var name = Enum.GetName(color);
                var defined = Enum.IsDefined(color);
                return a + b + c + d + e + (name?.Length ?? 0) + (defined ? 1 : 0);
            }
        }
        """, "HOT110");

    [Fact]
    public Task BitConverter_GetBytes_is_reported_but_TryWriteBytes_is_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int i, double d, Span<byte> buffer)
            {
                var a = {|HOT110:BitConverter.GetBytes(i)|};
                var b = {|HOT110:BitConverter.GetBytes(d)|};
                var written = BitConverter.TryWriteBytes(buffer, i);
                var back = BitConverter.ToInt32(a, 0);
                return a.Length + b.Length + (written ? 1 : 0) + back;
            }
        }
        """, "HOT110");

    [Fact]
    public Task Convert_to_hex_and_base64_strings_are_reported_but_the_span_forms_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(byte[] bytes, ReadOnlySpan<byte> span, Span<char> chars)
            {
                var a = {|HOT110:Convert.ToHexString(bytes)|};
                var b = {|HOT110:Convert.ToHexString(span)|};
                var c = {|HOT110:Convert.ToHexStringLower(bytes)|};
                var d = {|HOT110:Convert.ToBase64String(bytes)|};
                var e = {|HOT110:Convert.ToBase64String(span)|};
                var f = {|HOT110:Convert.FromBase64String(d)|};
                var hex = Convert.TryToHexString(span, chars, out var n);
                var base64 = Convert.TryToBase64Chars(span, chars, out var m);
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + n + m + (hex && base64 ? 1 : 0);
            }
        }
        """, "HOT110");

    [Fact]
    public Task Array_Resize_and_Clone_are_reported_but_copies_into_existing_arrays_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(int[] array, int[] target)
            {
                {|HOT110:Array.Resize(ref array, array.Length * 2)|};
                var copy = (int[]){|HOT110:array.Clone()|};
                Array.Copy(array, target, 1);
                array.CopyTo(target, 0);
                return copy.Length;
            }
        }
        """, "HOT110");

    /// <summary>
    /// Channels' ChannelReader.ReadAsync: a canceled token gets a new canceled Task (152 bytes measured on .NET 10 for a
    /// Task&lt;int&gt;, through ValueTask.FromCanceled too); a faulted one in a catch stays cold.
    /// </summary>
    [Fact]
    public Task Canceled_and_faulted_tasks_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public ValueTask<int> Read(CancellationToken token, Exception? error)
            {
                if (token.IsCancellationRequested)
                {
                    return new ValueTask<int>({|HOT110:Task.FromCanceled<int>(token)|});
                }

                if (error is not null)
                {
                    return {|HOT110:ValueTask.FromException<int>(error)|};
                }

                try
                {
                    return token.CanBeCanceled ? {|HOT110:ValueTask.FromCanceled<int>(token)|} : new ValueTask<int>(1);
                }
                catch (Exception exc)
                {
                    return new ValueTask<int>(Task.FromException<int>(exc));
                }
            }

            [HotPath]
            public Task Fail(Exception error) => {|HOT110:Task.FromException(error)|};
        }
        """, "HOT110");

    /// <summary>Task.FromResult returns cached tasks for a few results on recent runtimes (docs/rules/HOT110.md), not in general.</summary>
    [Fact]
    public Task Task_FromResult_is_reported_but_CompletedTask_and_ValueTask_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public Task<int> M(int i) => {|HOT110:Task.FromResult(i)|};

            [HotPath]
            public Task<string> N(string s) => {|HOT110:Task.FromResult(s)|};

            [HotPath]
            public Task Done() => Task.CompletedTask;

            [HotPath]
            public ValueTask<int> Value(int i) => ValueTask.FromResult(i);

            [HotPath]
            public ValueTask<int> Value2(int i) => new ValueTask<int>(i);
        }
        """, "HOT110");

    /// <summary>
    /// Tuple.Create returns a new Tuple object, Task.Run and TaskFactory.StartNew a new Task (static lambdas here, so the
    /// delegate itself is cached and only HOT110 is left); ValueTuple.Create and Task.CompletedTask allocate nothing.
    /// </summary>
    [Fact]
    public Task Tuple_Create_Task_Run_and_StartNew_are_reported_but_ValueTuple_Create_and_CompletedTask_are_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int Pairs(int i, string s)
            {
                var pair = {|HOT110:Tuple.Create(i, s)|};
                var triple = {|HOT110:Tuple.Create(i, i, i)|};
                var value = ValueTuple.Create(i, s);
                (int, string) literal = (i, s);
                return pair.Item1 + triple.Item3 + value.Item1 + literal.Item1;
            }

            [HotPath]
            public Task Run() => {|HOT110:Task.Run(static () => Work())|};

            [HotPath]
            public Task<int> RunValue() => {|HOT110:Task.Run(static () => 1)|};

            [HotPath]
            public Task Start() => {|HOT110:Task.Factory.StartNew(static () => Work())|};

            [HotPath]
            public Task StartWithState(object state) => {|HOT110:Task.Factory.StartNew(static s => Work(), state)|};

            [HotPath]
            public Task<int> StartValue(TaskFactory<int> factory) => {|HOT110:factory.StartNew(static () => 1)|};

            [HotPath]
            public Task Done() => Task.CompletedTask;

            private static void Work() { }
        }
        """);

    /// <summary>
    /// ContinueWith, WhenAll, WhenAny and Delay each return a new Task (static lambdas here, so only HOT110 is left);
    /// awaiting the tasks themselves, Task.CompletedTask and ValueTask.CompletedTask allocate nothing.
    /// </summary>
    [Fact]
    public Task Task_ContinueWith_WhenAll_WhenAny_and_Delay_are_reported_but_awaiting_the_tasks_is_not() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public Task Then(Task t) => {|HOT110:t.ContinueWith(static _ => Work())|};

            [HotPath]
            public Task<int> ThenValue(Task<int> t) => {|HOT110:t.ContinueWith(static r => r.Result + 1)|};

            [HotPath]
            public Task Both(Task a, Task b) => {|HOT110:Task.WhenAll(a, b)|};

            [HotPath]
            public Task<Task> First(Task a, Task b) => {|HOT110:Task.WhenAny(a, b)|};

            [HotPath]
            public Task Wait(CancellationToken token) => {|HOT110:Task.Delay(10, token)|};

            [HotPath]
            public async Task {|HOT109:InTurn|}(Task a, Task b) // its own state machine is HOT109's
            {
                await a;
                await b;
                await Task.CompletedTask;
                await ValueTask.CompletedTask;
            }

            private static void Work() { }
        }
        """);

    [Fact]
    public Task A_designated_slice_of_a_string_or_a_list_in_a_list_pattern_is_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s, List<int> list)
            {
                var n = 0;
                if (s is [_, {|HOT110:.. var tail|}]) n += tail.Length;
                if (list is [var first, {|HOT110:.. var others|}]) n += first + others.Count;
                return n;
            }
        }
        """, "HOT102", "HOT110");

    /// <summary>A range on a string calls Substring like the slice of a list pattern: one rule for both, HOT110.</summary>
    [Fact]
    public Task A_range_of_a_string_is_a_Substring() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s)
            {
                var a = {|HOT110:s[1..3]|};
                var b = {|HOT110:s[^2..]|};
                var c = s[^1];
                if (s is [_, {|HOT110:.. var tail|}]) a = tail;
                return a.Length + b.Length + c;
            }
        }
        """, "HOT102", "HOT110");

    /// <summary>
    /// string.Substring(0) and Substring(0, Length) of the same string return the string itself: no allocation. Any
    /// other start, or a length of another string or a computed one, makes a new string.
    /// </summary>
    [Fact]
    public Task Substring_of_the_whole_string_returns_it_without_allocating() => Alloc.VerifyAsync("""
        public class C
        {
            private string _name = "";
            private static string s_text = "";

            [HotPath]
            public int M(string s, string other, int n)
            {
                var a = s.Substring(0);
                var b = s.Substring(0, s.Length);
                var c = _name.Substring(0, _name.Length);
                var d = s_text.Substring(0, s_text.Length);
                var e = this._name.Substring(0, _name.Length);
                var f = {|HOT110:s.Substring(1)|};
                var g = {|HOT110:s.Substring(n)|};
                var h = {|HOT110:s.Substring(0, other.Length)|};
                var i = {|HOT110:s.Substring(0, s.Length - 1)|};
                var j = {|HOT110:s.Substring(0, n)|};
                var k = {|HOT110:s.Substring(1, s.Length - 1)|};
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + i.Length + j.Length + k.Length;
            }
        }
        """, "HOT110");

    /// <summary>
    /// A constant full range of a string is Substring(0, Length), which returns the string itself, and of an
    /// ImmutableArray&lt;T&gt; a Slice that returns the array itself: neither allocates. An array's full range
    /// still copies (HOT102), a list's makes a new list, and a range that can be shorter is still reported.
    /// </summary>
    [Fact]
    public Task A_constant_full_range_of_a_string_or_an_immutable_array_returns_the_same_instance() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s, ImmutableArray<int> items, int[] array, List<int> list, int n)
            {
                var a = s[..];
                var b = s[0..];
                var c = s[..^0];
                var d = s[0..^0];
                var e = items[..];
                var f = items[0..^0];
                var g = s is [.. var all] ? all : s;
                var h = {|HOT110:s[1..]|};
                var i = {|HOT110:s[..^1]|};
                var j = {|HOT110:s[n..]|};
                var k = {|HOT110:s[0..n]|};
                var m = {|HOT102:array[..]|};
                var o = {|HOT110:list[..]|};
                var p = {|HOT110:items[1..]|};
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + i.Length + j.Length +
                    k.Length + m.Length + o.Count + p.Length;
            }
        }
        """, "HOT102", "HOT110");

    [Fact]
    public async Task A_range_of_a_string_is_named_as_the_Substring_it_calls()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public string M(string s) => s[1..];
            }
            """, "HOT110");

        Assert.Equal("'string.Substring' allocates on a hot path (called by the range 's[1..]'): slice a ReadOnlySpan<char> (AsSpan) instead", message);
    }

    [Fact]
    public async Task A_slice_in_a_list_pattern_is_named_with_the_method_it_calls()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public int M(List<int> list) => list is [_, .. var rest] ? rest.Count : 0;
            }
            """, "HOT110");

        Assert.StartsWith("'List<T>.Slice' allocates on a hot path (called by the slice '.. var rest'): ", message);
    }

    [Fact]
    public async Task Message_carries_advice()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public string M(string s) => s.Substring(1);
            }
            """, "HOT110");

        Assert.Contains("'string.Substring' allocates", message);
        Assert.Contains("AsSpan", message);
    }

    /// <summary>Generic type names (<c>List`1</c>) are written as <c>``List`1``</c> on the page.</summary>
    [Fact]
    public void The_rule_page_mirrors_the_table()
    {
        var page = File.ReadAllText(Path.Combine(RepoPaths.Docs, "rules", "HOT110.md"));
        var rows = Regex.Matches(page, @"^\| (?<tick>``?)(?<type>[^`]+(`\d+)?(\+[^`]+)?)\k<tick> \| `(?<member>[^`]+)` \|", RegexOptions.Multiline)
            .Select(m => (m.Groups["type"].Value, m.Groups["member"].Value))
            .ToArray();
        var table = AllocatingApiTable.Entries.Select(e => (e.Type, e.Member)).ToArray();

        Assert.Equal(table, rows);
    }
}
