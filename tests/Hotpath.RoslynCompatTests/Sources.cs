namespace Hotpath.RoslynCompatTests;

/// <summary>Test sources shared by the analyzer and code-fix tests.</summary>
internal static class Sources
{
    /// <summary>One or more violations of every rule; generated members (T.Pool) come from the generators.</summary>
    public const string Violations = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Hotpath;

        namespace Violations;

        // ---- HOT0xx ----
        [Pooled] public sealed class NotPartial { public int Value; }                                   // HOT001
        [Columnar] public partial struct BadColumn { public object Payload; }                           // HOT002
        public sealed class NoKey { public string Name = ""; }
        [ShardedCache(typeof(NoKey))] public sealed partial class NoKeyCache { }                        // HOT003
        public struct Input { public string NodeId; public long UnixMs; public double Cpu; }
        [BatchReducer(typeof(Input))] public partial struct BadReducer { [GroupKey] public string NodeId; [Sum("Missing")] public double Total; } // HOT004
        [Pooled] public sealed partial class NoDefaultCtor { public NoDefaultCtor(int value) { } }     // HOT005
        public sealed class Other { }
        [Pooled] public sealed partial class ReadonlyMember { public readonly Other Fixed = new(); }   // HOT006
        public sealed class HiddenKey { [CacheKey(0)] public string Region = ""; [field: CacheKey(1)] public int Id { get; set; } } // HOT003 (a key part other assemblies cannot see)
        public class HiddenNoReset { [field: NoReset] public virtual int Epoch { get; set; } }          // HOT006 (an override elsewhere is reset)
        public sealed class Keyed { [CacheKey(0)] public string Name = ""; }
        [ShardedCache(typeof(Keyed), Shards = 3)] public sealed partial class OddShards { }            // HOT007
        [Pooled] public sealed partial class Item { public int Value; }

        // ---- HOT1xx ----
        public sealed class Hot
        {
            private readonly List<int> _list = new();

            [HotPath]
            public int Allocations(string a, string b, IEnumerable<int> numbers, int n, System.Text.StringBuilder log)
            {
                var o = new object();                                     // HOT101
                var array = new int[n];                                   // HOT102
                var constants = new[] { 1, 2, 3 };                        // HOT102 (hoistable)
                object boxed = n;                                         // HOT103
                Func<int> closure = () => n + 1;                          // HOT104
                Func<int, int> group = Twice;                             // HOT105 (method group)
                Func<int, int> square = x => x * x;                       // HOT105 (can be static)
                var text = a + b;                                         // HOT106
                log.Append("n=" + n);                                     // HOT106 (handler overload)
                var evens = _list.Where(static x => x % 2 == 0).Count();  // HOT107
                var sum = 0;
                foreach (var x in numbers) { sum += x; }                  // HOT108
                var part = a.Substring(1);                                // HOT110
                var built = Helper.Build().Count;                         // HOT111
                return o.GetHashCode() + array.Length + constants[0] + boxed.GetHashCode() + closure() + group(1) + square(2)
                    + text.Length + evens + sum + part.Length + built;
            }

            [HotPath]
            public async Task<int> StateMachine() { await Task.Yield(); return 1; } // HOT109

            private int Twice(int x) => x * 2;
        }

        public static class Helper { public static List<int> Build() => new(); }

        // ---- HOT2xx ----
        public class Locks
        {
            private object _mutable = new object();
            public readonly object PublicGate = new object();
            private readonly object _gate = new object();
            private readonly object _a = new object();
            private readonly object _b = new object();
            private readonly SpinLock _readonlySpin = new SpinLock();     // HOT206
            private static Locks? s_instance;
            private static readonly object s_gate = new object();
            private int _count;
            private int _hits;

            public void Weak() { lock (this) { _count += 2; _count *= 3; } }           // HOT201
            public void NotReadonly() { lock (_mutable) { _count += 2; _count *= 3; } } // HOT202
            public void Public() { lock (PublicGate) { _count += 2; _count *= 3; } }   // HOT203
            public void Unguarded() { Monitor.Enter(_gate); _count *= 3; Monitor.Exit(_gate); } // HOT204
            public void Interlocked() { lock (_gate) { _hits++; } }                     // HOT205
            public void Blocking() { lock (_gate) { Thread.Sleep(1); } }                // HOT207
            public void AThenB() { lock (_a) { lock (_b) { _count *= 3; _count += 2; } } } // HOT208
            public void BThenA() { lock (_b) { lock (_a) { _count *= 3; _count += 2; } } }
            public static Locks Instance { get { if (s_instance == null) { lock (s_gate) { if (s_instance == null) s_instance = new Locks(); } } return s_instance; } } // HOT209
            [HotPath] public void HotLock() { lock (_gate) { _count *= 3; _count += 2; } } // HOT210
            public void Boxed() { lock ((object)_count) { _count *= 3; _count += 2; } }  // HOT211
            public bool Spin() => _readonlySpin.IsHeld;
        }

        // ---- HOT3xx ----
        public sealed class Pools
        {
            public int UseAfterReturn() { var item = Item.Pool.Rent(); Item.Pool.Return(item); return item.Value; } // HOT301
            public void DoubleReturn() { var item = Item.Pool.Rent(); Item.Pool.Return(item); Item.Pool.Return(item); } // HOT302
            public int Leak() { var item = Item.Pool.Rent(); return item.Value; }                                       // HOT303
        }
        """;
}
