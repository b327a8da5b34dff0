using System.Collections.Immutable;
using Hotpath.Testing;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>Every trap of the issue in one [HotPath] type: no HOT1xx rule may report any of it.</summary>
public sealed class ColdPathTrapTests
{
    [Fact]
    public Task No_rule_reports_the_traps() => Alloc.VerifyAsync("""
        public readonly record struct Key(int Id);

        [HotPath]
        public sealed class Traps
        {
            private static readonly Dictionary<string, int> s_lookup = new() { ["a"] = 1 };
            private static readonly Func<int, int> s_twice = x => x * 2;
            private static readonly string[] s_names;
            private static readonly Lock s_gate = new();
            private readonly List<int> _list;
            private readonly HashSet<int> _set;
            private readonly Dictionary<int, string> _map;
            private readonly int[] _array;
            private ImmutableArray<int> _immutable;

            static Traps() { s_names = new[] { "x", "y" }; }

            public Traps(List<int> list, HashSet<int> set, Dictionary<int, string> map, int[] array, ImmutableArray<int> immutable)
            {
                _list = list; _set = set; _map = map; _array = array; _immutable = immutable;
            }

            public int Run(string text, int value, Span<int> span, ReadOnlySpan<byte> bytes)
            {
                if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "negative: " + value);
                var checkedText = text ?? throw new ArgumentNullException(nameof(text), $"missing {value}");
                Debug.Assert(value < 1000, "too large: " + value.ToString());
                Debug.WriteLine(new object());

                Span<int> scratch = stackalloc int[8];
                var head = span[..2];
                var tail = span.Slice(1);
                var chars = checkedText.AsSpan()[1..];
                var key = new Key(value);
                var pair = (value, key);
                int? maybe = value;
                const string Label = "const" + "ant";
                var folded = Label + "!";

                var sum = 0;
                foreach (var x in _array) sum += x;
                foreach (var x in _list) sum += x;
                foreach (var x in span) sum += x;
                foreach (var b in bytes) sum += b;
                foreach (var x in _immutable) sum += x;
                foreach (var pairItem in _map) sum += pairItem.Key;
                foreach (var x in _set) sum += x;
                foreach (var c in checkedText) sum += c;

                var doubled = _list.Find(static x => x > 0);
                lock (s_gate) { sum++; }

                try { sum += int.Parse(checkedText); }
                catch (FormatException ex)
                {
                    var message = "bad input: " + ex.Message + value;
                    var parts = message.Split(' ').ToList();
                    sum -= parts.Count;
                }

                return sum + head.Length + tail.Length + chars.Length + scratch.Length + pair.value + (maybe ?? 0)
                    + folded.Length + doubled + s_twice(1) + s_lookup.Count + s_names.Length + nameof(Run).Length;
            }
        }
        """);

    /// <summary>
    /// A call to a [DoesNotReturn] method (a throw helper, Environment.FailFast) is a throw: its arguments are built
    /// only to fail and HOT111 does not follow it. So is a throw helper of the compilation without the attribute whose
    /// body can only end by throwing (Kestrel's RejectRequestLine). One that may return, one an override could replace,
    /// and an async one (its task carries the exception) are ordinary calls.
    /// </summary>
    [Fact]
    public Task Calls_to_DoesNotReturn_throw_helpers_are_cold() => Alloc.VerifyAsync("""
        using System.Diagnostics.CodeAnalysis;
        public static class ThrowHelper
        {
            [DoesNotReturn]
            public static void ThrowOutOfRange(string message) { var e = new ArgumentOutOfRangeException("index", message); e.Data["at"] = message.Length; throw e; }
            [DoesNotReturn]
            public static void ThrowFull(int capacity) { var message = "full at " + capacity; throw new InvalidOperationException(message); }
            public static void Fail(int capacity) { var message = "full at " + capacity; throw new InvalidOperationException(message); }
            public static int FailWith(int capacity) => throw new InvalidOperationException("full at " + capacity);
            public static void MayFail(int capacity) { var message = "full at " + capacity; if (capacity > 0) throw new InvalidOperationException(message); }
            public static void ReturnsEarly(int capacity) { if (capacity == 0) return; var message = "full at " + capacity; throw new InvalidOperationException(message); }
            public static async Task FailAsync(int capacity) { await Task.Yield(); var message = "full at " + capacity; throw new InvalidOperationException(message); }
        }
        public class Overridable
        {
            public virtual void Fail(int capacity) { var message = "full at " + capacity; throw new InvalidOperationException(message); }
        }
        public class Ring
        {
            private readonly int[] _items = new int[16];
            private int _count;

            [HotPath]
            public void Add(int item, int index, Overridable o)
            {
                if (index < 0) ThrowHelper.ThrowOutOfRange($"index {index} is negative");
                if (_count == _items.Length) ThrowHelper.ThrowFull(_items.Length);
                if (item < 0) Environment.FailFast("negative item " + item);
                if (item > 1000) ThrowHelper.Fail(item);
                if (item > 2000) ThrowHelper.FailWith(item * 2);
                if (item > 3000) {|HOT111:ThrowHelper.MayFail(item)|};
                if (item > 4000) {|HOT111:ThrowHelper.ReturnsEarly(item)|};
                if (item > 5000) _ = {|HOT109:ThrowHelper.FailAsync(item)|};
                if (item > 6000) {|HOT111:o.Fail(item)|};
                if (item == 999) ThrowLocal(item);
                if (item == 998) FailLocal(item);
                if (item == 997) MayFailLocal(item);
                _items[_count++] = item;

                [DoesNotReturn]
                static void ThrowLocal(int value) { var message = "bad " + value; throw new ArgumentException(message); }

                static void FailLocal(int value) { var message = "bad " + value; throw new ArgumentException(message); }

                static void MayFailLocal(int value) { var message = {|HOT106:"bad " + value|}; if (value > 0) throw new ArgumentException(message); }
            }
        }
        """);

    /// <summary>
    /// A method that loops before its last throw (a pump that runs until it fails) is not a throw helper: its loop is
    /// hot work, reported in a local function's body and followed by HOT111 in a method's.
    /// </summary>
    [Fact]
    public Task A_method_that_loops_before_its_last_throw_is_not_a_throw_helper() => Alloc.VerifyAsync("""
        public static class Worker
        {
            public static void Pump(int count)
            {
                for (var i = 0; i < count; i++) { var b = new byte[64]; b[0] = 1; }
                throw new InvalidOperationException("ended");
            }
        }
        public class C
        {
            [HotPath]
            public void Run(int n)
            {
                {|HOT111:Worker.Pump(n)|};
                Drain(n);

                void Drain(int count)
                {
                    while (count-- > 0)
                    {
                        var buffer = {|HOT102:new byte[64]|};
                        buffer[0] = 1;
                    }
                    throw new InvalidOperationException("ended");
                }
            }
        }
        """);

    /// <summary>
    /// A call to a [Conditional("DEBUG")] method is not in a Release build: what it allocates is not followed (HOT111),
    /// like Debug.Assert's arguments. A condition the build defines (TRACE, defined by SDK projects in Release too)
    /// runs: Trace.WriteLine's argument and a [Conditional("TRACE")] method of ours are reported.
    /// </summary>
    [Fact]
    public Task Debug_only_calls_are_cold_but_a_defined_condition_runs() => AnalyzerVerifier.VerifyAsync("""
        #define TRACE
        using System;
        using System.Diagnostics;
        using Hotpath;
        public class C
        {
            [Conditional("DEBUG")]
            private static void Check(int x) { var s = "x = " + x; Console.WriteLine(s); }

            [Conditional("TRACE")]
            private static void Note(int x) { var s = "x = " + x; Console.WriteLine(s); }

            [Conditional("NEVER_DEFINED")]
            private static void Off(int x) { var s = "x = " + x; Console.WriteLine(s); }

            [HotPath]
            public int M(int x)
            {
                Check(x);
                Debug.WriteLine("x " + x);
                Off(x);
                {|HOT111:Note(x)|};
                Trace.WriteLine({|HOT106:"x " + x|});
                return x;
            }
        }
        """, Alloc.All(), new AnalyzerTestOptions { OnlyIds = Alloc.AllIds.ToImmutableArray() });

    /// <summary>
    /// A cache-miss factory: the lambda's allocation is HOT101 (a lambda is not followed as cold: passed to a per-item
    /// callback it is hot), and the documented way to write it, a static method group, is quiet: the compiler caches
    /// the delegate (not HOT105) and the method is only handed on, not called, so HOT111 does not follow it.
    /// </summary>
    [Fact]
    public Task A_cache_miss_factory_as_a_static_method_group_is_quiet() => Alloc.VerifyAsync("""
        using System.Collections.Concurrent;
        public sealed class RateBucket { public int Tokens; }
        public sealed class Limiter
        {
            private readonly ConcurrentDictionary<string, RateBucket> _buckets = new();

            [HotPath]
            public bool TryTakeLambda(string key) => _buckets.GetOrAdd(key, static k => {|HOT101:new RateBucket()|}).Tokens > 0;

            [HotPath]
            public bool TryTake(string key) => _buckets.GetOrAdd(key, CreateBucket).Tokens > 0;

            private static RateBucket CreateBucket(string key) => new RateBucket();

            private readonly ConcurrentDictionary<string, byte[]> _buffers = new();

            [HotPath]
            public int BufferLambda(string key) => _buffers.GetOrAdd(key, static k => {|HOT102:new byte[4096]|}).Length;

            [HotPath]
            public int Buffer(string key) => _buffers.GetOrAdd(key, CreateBuffer).Length;

            private static byte[] CreateBuffer(string key) => new byte[4096];
        }
        """);
}
