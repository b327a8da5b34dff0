using Hotpath.Generators.Pooling;
using Hotpath.TestSources;
using Hotpath.Testing;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>Snapshots of the generated code, one per reset rule and per type shape. Each output also compiles.</summary>
public sealed class PooledSnapshotTests
{
    private static GeneratorRun Run(string source) => GeneratorRunner.RunAndCompile(new PooledGenerator(), source);

    [Fact]
    public void Design_sample_PodState()
    {
        Snapshot.Verify(Run(DesignExampleSources.PooledPodState));
    }

    [Fact]
    public void Constant_initializers_are_restored()
    {
        Snapshot.Verify(Run("""
            namespace App;
            public enum Level { Low = 1, High = 2, Negative = -3 }

            [Hotpath.Pooled]
            public sealed partial class Constants
            {
                public int Count = 42;
                public long Wide = 7;
                public string Text = "a \"quoted\" line\n";
                public bool Enabled = true;
                public char Letter = 'x';
                public double Ratio = 0.25;
                public double Whole = 3d;
                public float Single = 1.5f;
                public decimal Money = 9.99m;
                public Level Level = Level.High;
                public Level Below = Level.Negative;
                public int? Maybe = 5;
                public const int NotAMember = 1;
                public uint Unsigned = 3u;
                public string? Nothing = null;
                public int Computed = 2 * 21;
                public string Settable { get; set; } = "prop";
            }
            """));
    }

    [Fact]
    public void Other_members_get_default()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Defaults
            {
                public int Number;
                public string? Name;
                public object? Tag;
                public System.DateTime When = System.DateTime.UtcNow;
                public System.Guid Id { get; set; } = System.Guid.NewGuid();
                public System.TimeSpan? Elapsed;
                private int _hidden;
                public event System.EventHandler? Changed;
                public int Computed => _hidden + Number;
                public int Explicit { get => _hidden; set => _hidden = value; }
                public static int Shared;
                public void Use() => Changed?.Invoke(this, System.EventArgs.Empty);
            }
            """));
    }

    [Fact]
    public void Collections_dictionaries_and_StringBuilder_are_cleared()
    {
        Snapshot.Verify(Run("""
            using System.Collections.Generic;
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Collections
            {
                public List<int> List { get; } = new();
                public readonly Dictionary<string, int> Map = new();
                public HashSet<string> Set = new();
                public Queue<int> Queue { get; } = new();
                public Stack<int> Stack { get; } = new();
                public System.Text.StringBuilder Builder { get; } = new();
                public IList<int> AsList { get; } = new List<int>();
                public IDictionary<int, int> AsMap { get; } = new Dictionary<int, int>();
                public System.Collections.Concurrent.ConcurrentDictionary<int, int> Concurrent { get; } = new();
                public List<int>? Maybe;
                public System.Text.StringBuilder? MaybeBuilder;
                public System.Collections.Immutable.ImmutableList<int> Immutable = System.Collections.Immutable.ImmutableList<int>.Empty;
                public IReadOnlyList<int> ReadOnly { get; set; } = new List<int>();
            }
            """));
    }

    [Fact]
    public void Arrays_are_cleared()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Arrays
            {
                public int[] Numbers = new int[8];
                public readonly string?[] Names = new string?[2];
                public double[,] Grid { get; } = new double[2, 2];
                public byte[]? Maybe;
            }
            """));
    }

    /// <summary>Lock objects of every shape beside state that is reset; <see cref="PooledCollectionResetTests"/> runs it.</summary>
    internal const string Locks = """
        namespace App;

        [Hotpath.Pooled]
        public sealed partial class Locks
        {
            private object _gate = new();
            public object SyncRoot { get; set; } = new object();
            private readonly object[] _stripes = [new(), new()];
            private object _assigned;
            public object? Payload = new System.Collections.Generic.List<int>();
            public object?[] Args = new object?[2];
            public int Value;

            public Locks() { _assigned = new object(); }

            public void Touch(int stripe)
            {
                lock (_gate) { Value++; }
                lock (_stripes[stripe]) { Value++; }
                System.Threading.Monitor.Enter(this._assigned);
                try { Value++; } finally { System.Threading.Monitor.Exit(this._assigned); }
            }
        }
        """;

    [Fact]
    public void Lock_objects_are_left_alone()
    {
        Snapshot.Verify(Run(Locks));
    }

    [Fact]
    public void Nested_pooled_and_resettable_members_are_reset_in_place()
    {
        Snapshot.Verify(Run("""
            using Microsoft.Extensions.ObjectPool;
            namespace App;

            [Hotpath.Pooled] public sealed partial class Usage { public double Cpu; }
            public sealed class Counter : IResettable { public int Value; public bool TryReset() { Value = 0; return true; } }
            public struct Tally : IResettable { public int Value; bool IResettable.TryReset() { Value = 0; return true; } }

            [Hotpath.Pooled]
            public sealed partial class Nested
            {
                public Usage Usage { get; } = new();
                public readonly Usage ReadonlyUsage = new();
                public Counter Counter { get; } = new();
                public IResettable? AnyResettable;
                public Tally TallyField;
                public Tally TallyProperty { get; set; }
            }
            """));
    }

    [Fact]
    public void Buffer_writers_and_memory_streams_are_emptied_in_place()
    {
        Snapshot.Verify(Run("""
            using System.Buffers;
            using System.IO;
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Buffers
            {
                public readonly ArrayBufferWriter<byte> Body = new();
                public MemoryStream Stream { get; } = new();
                public MemoryStream? Settable;
            }
            """));
    }

    [Fact]
    public void NoReset_members_and_immutable_readonly_members_are_left_alone()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Untouched
            {
                [Hotpath.NoReset] public long Generation;
                [Hotpath.NoReset] public System.Collections.Generic.List<int> Kept { get; } = new();
                [Hotpath.NoReset] public readonly System.IO.MemoryStream Stream = new();
                public readonly int Capacity = 16;
                public readonly string Id = System.Guid.NewGuid().ToString();
                private readonly object _gate = new();
                public int Version { get; } = 1;
                public System.Func<int>? Callback;
                public int Reset2;
                public object Gate => _gate;
            }
            """));
    }

    [Fact]
    public void OnReset_is_declared_and_called_last()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class WithHook
            {
                public int Value = 1;
                public int Calls;
                partial void OnReset() => Calls = -1;
            }
            """));
    }

    [Fact]
    public void Partial_properties_reset_their_storage_once()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Partials
            {
                private string _name = "unnamed";
                private readonly System.Collections.Generic.List<int> _items = new();
                public partial string Name { get; set; }
                public partial System.Collections.Generic.List<int> Items { get; }
                public partial int Count { get; set; }
                public partial int Computed { get; set; }
            }

            partial class Partials
            {
                public partial string Name { get => _name; set => _name = value; }
                public partial System.Collections.Generic.List<int> Items => this._items;
                public partial int Count { get => field; set => field = value; }
                public partial int Computed { get => _name.Length; set { } }
            }
            """));
    }

    [Fact]
    public void Inheritance_resets_the_base_part_too()
    {
        Snapshot.Verify(Run("""
            namespace App;

            [Hotpath.Pooled]
            public abstract partial class Event
            {
                public long UnixMs;
                public string Source = "unknown";
            }

            [Hotpath.Pooled(MaxRetained = 64)]
            public partial class PodEvent : Event
            {
                public string Pod = "";
            }

            public class Intermediate : PodEvent
            {
                public int NotPooledHere;
            }

            [Hotpath.Pooled(MaxRetained = 32)]
            public sealed partial class DeletedPodEvent : Intermediate
            {
                public bool Graceful = true;
            }
            """));
    }

    [Fact]
    public void Generic_types()
    {
        Snapshot.Verify(Run("""
            using System.Collections.Generic;
            namespace App;

            [Hotpath.Pooled(MaxRetained = 16)]
            public sealed partial class Envelope<TPayload, TKey>
                where TKey : notnull
            {
                public TPayload? Payload;
                public TKey? Key;
                public List<TPayload> History { get; } = new();
                public Dictionary<TKey, TPayload> ByKey { get; } = new();
                public int Attempts = 1;
            }
            """));
    }

    [Fact]
    public void Nested_types_and_the_global_namespace()
    {
        Snapshot.Verify(Run("""
            [Hotpath.Pooled]
            public sealed partial class GlobalState
            {
                public int Value = 2;
            }

            namespace App.Deep
            {
                public static partial class Outer
                {
                    internal partial class Middle<T>
                    {
                        [Hotpath.Pooled]
                        private sealed partial class Inner
                        {
                            public T? Item;
                            public int @class = 3;
                        }
                    }

                    public partial record Holder
                    {
                        [Hotpath.Pooled]
                        public sealed partial record Row
                        {
                            public string Name { get; set; } = "";
                        }
                    }
                }
            }
            """));
    }
}
