using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>
/// Collections outside the ICollection/IDictionary rule: immutable collections go back to their <c>Empty</c> (not to a
/// <c>default</c> ImmutableArray whose every use throws, nor to null), and BCL collections with their own
/// <c>void Clear()</c> (PriorityQueue, the concurrent ones, BitArray) are cleared in place. Compiled and run.
/// </summary>
public sealed class PooledCollectionResetTests
{
    [Fact]
    public void Immutable_collections_without_a_constant_initializer_are_reset_to_Empty()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            using System.Collections.Frozen;
            using System.Collections.Immutable;
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Snapshot
            {
                public ImmutableArray<int> Array;
                public ImmutableList<int> List = ImmutableList.Create(1);
                public ImmutableDictionary<string, int> Map { get; set; } = ImmutableDictionary<string, int>.Empty;
                public ImmutableHashSet<int> Set = ImmutableHashSet<int>.Empty;
                public ImmutableSortedSet<int> Sorted = ImmutableSortedSet<int>.Empty;
                public ImmutableSortedDictionary<int, int> SortedMap = ImmutableSortedDictionary<int, int>.Empty;
                public ImmutableQueue<int> Queue = ImmutableQueue<int>.Empty;
                public ImmutableStack<int> Stack = ImmutableStack<int>.Empty;
                public FrozenSet<int> Frozen = FrozenSet<int>.Empty;
                public ImmutableList<int>? Explicit = null;
                public readonly ImmutableList<int> Fixed = ImmutableList.Create(7);
                public IImmutableList<int>? Interface;

                public static string Probe()
                {
                    var item = new Snapshot();
                    item.Array = ImmutableArray.Create(1, 2);
                    item.List = item.List.Add(2);
                    item.Map = item.Map.Add("a", 1);
                    item.Set = item.Set.Add(1);
                    item.Sorted = item.Sorted.Add(1);
                    item.SortedMap = item.SortedMap.Add(1, 1);
                    item.Queue = item.Queue.Enqueue(1);
                    item.Stack = item.Stack.Push(1);
                    item.Frozen = new[] { 1 }.ToFrozenSet();
                    item.Explicit = ImmutableList.Create(3);
                    item.Interface = ImmutableList.Create(4);
                    item.Reset();
                    return item.Array.Length + ":" + item.List.Count + ":" + item.Map.Count + ":" + item.Set.Count + ":" + item.Sorted.Count + ":" +
                        item.SortedMap.Count + ":" + item.Queue.IsEmpty + ":" + item.Stack.IsEmpty + ":" + item.Frozen.Count + ":" +
                        (item.Explicit is null) + ":" + item.Fixed.Count + ":" + (item.Interface is null);
                }
            }
            """);

        var generated = run.Source("App.Snapshot.Pooled.g.cs");
        Assert.Contains("this.Array = global::System.Collections.Immutable.ImmutableArray<int>.Empty;", generated, StringComparison.Ordinal);
        Assert.Contains("this.Map = global::System.Collections.Immutable.ImmutableDictionary<string, int>.Empty;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("this.Fixed", generated, StringComparison.Ordinal);
        Assert.Equal(
            "0:0:0:0:0:0:True:True:0:True:1:True",
            TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Snapshot", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public async Task A_readonly_immutable_collection_is_left_alone_without_HOT006()
    {
        await AnalyzerVerifier.VerifyAsync(
            """
            using System.Collections.Immutable;

            [Hotpath.Pooled]
            public sealed partial class Fixed
            {
                public readonly ImmutableList<int> List = ImmutableList.Create(1);
                public ImmutableDictionary<int, int> Map { get; } = ImmutableDictionary<int, int>.Empty;
                public System.Collections.Frozen.FrozenSet<int> Frozen { get; } = System.Collections.Frozen.FrozenSet<int>.Empty;
            }
            """,
            new DiagnosticAnalyzer[] { new PooledDiagnosticsAnalyzer() });
    }

    [Fact]
    public void BCL_collections_with_their_own_Clear_are_cleared_in_place_and_a_BitArray_is_zeroed()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            using System.Collections;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Work
            {
                public PriorityQueue<string, int> Queue { get; } = new();
                public readonly ConcurrentQueue<int> Inbox = new();
                public ConcurrentBag<int> Bag { get; } = new();
                public ConcurrentStack<int> Stack { get; } = new();
                public readonly BitArray Flags = new(8);
                public BitArray? Settable = new(4);

                public static string Probe()
                {
                    var item = new Work();
                    var queue = item.Queue;
                    var flags = item.Flags;
                    var settable = item.Settable!;
                    item.Queue.Enqueue("a", 1);
                    item.Inbox.Enqueue(1);
                    item.Bag.Add(1);
                    item.Stack.Push(1);
                    item.Flags[3] = true;
                    settable[1] = true;
                    item.Reset();
                    return item.Queue.Count + ":" + item.Inbox.Count + ":" + item.Bag.Count + ":" + item.Stack.Count + ":" +
                        ReferenceEquals(queue, item.Queue) + ":" + ReferenceEquals(flags, item.Flags) + ":" + item.Flags.Length + ":" + item.Flags[3] + ":" +
                        ReferenceEquals(settable, item.Settable) + ":" + settable[1];
                }
            }
            """);

        var generated = run.Source("App.Work.Pooled.g.cs");
        Assert.Contains("this.Queue?.Clear();", generated, StringComparison.Ordinal);
        Assert.Contains("this.Flags?.SetAll(false);", generated, StringComparison.Ordinal);
        Assert.Equal(
            "0:0:0:0:True:True:8:False:True:False",
            TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Work", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void A_System_Threading_Lock_is_left_untouched_so_the_next_renter_locks_the_same_one()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            using System.Threading;
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Conn
            {
                private readonly Lock _gate = new();
                public Lock Settable = new();
                private readonly Lock[] _stripes = [new(), new()];
                public int Value;

                public static string Probe()
                {
                    var item = new Conn();
                    var gate = item._gate;
                    var settable = item.Settable;
                    lock (item._gate) { item.Value++; }
                    item.Reset();
                    lock (item.Settable) { item.Value++; }
                    lock (item._stripes[1]) { item.Value++; }
                    return ReferenceEquals(gate, item._gate) + ":" + ReferenceEquals(settable, item.Settable) + ":" + item.Value;
                }
            }
            """);

        var generated = run.Source("App.Conn.Pooled.g.cs");
        Assert.DoesNotContain("_gate", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Settable", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("_stripes", generated, StringComparison.Ordinal);
        Assert.Equal(
            "True:True:2",
            TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Conn", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Lock_objects_are_left_untouched_so_the_next_renter_locks_the_same_ones()
    {
        // An object created bare ('= new()') holds no state, like a Lock: reset to null, the next 'lock' would throw
        // ArgumentNullException. So would a member the type locks on, and a cleared array of stripes it locks.
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            PooledSnapshotTests.Locks,
            """
            namespace App;

            partial class Locks
            {
                public static string Probe()
                {
                    var item = new Locks();
                    var gate = item._gate;
                    var root = item.SyncRoot;
                    var stripe = item._stripes[1];
                    var assigned = item._assigned;
                    item.Args[0] = "x";
                    item.Touch(1);
                    item.Reset();
                    item.Touch(1);
                    lock (item.SyncRoot) { item.Value++; }
                    return ReferenceEquals(gate, item._gate) + ":" + ReferenceEquals(root, item.SyncRoot) + ":" + ReferenceEquals(stripe, item._stripes[1]) + ":" +
                           ReferenceEquals(assigned, item._assigned) + ":" + (item.Payload is null) + ":" + (item.Args[0] is null) + ":" + item.Value;
                }
            }
            """);

        var generated = run.Source("App.Locks.Pooled.g.cs");
        Assert.DoesNotContain("_gate", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("SyncRoot", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("_stripes", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("_assigned", generated, StringComparison.Ordinal);
        Assert.Equal(
            "True:True:True:True:True:True:4",
            TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Locks", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void An_override_of_a_NoReset_property_is_left_alone_too()
    {
        // The override, without [NoReset] of its own, hid the base property's: the reset set it to 0.
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            namespace App;

            public class FeedBase
            {
                [Hotpath.NoReset] public virtual int Generation { get; set; }
                [field: Hotpath.NoReset] public virtual int Epoch { get; set; }
            }

            [Hotpath.Pooled]
            public sealed partial class Feed : FeedBase
            {
                public override int Generation { get; set; }
                public override int Epoch { get => base.Epoch; set => base.Epoch = value; }
                public int Calls;

                public static string Probe()
                {
                    var item = new Feed { Generation = 5, Epoch = 7, Calls = 3 };
                    item.Reset();
                    return item.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + item.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + item.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """);

        Assert.Equal("5:7:0", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Feed", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void NoReset_on_the_field_of_an_event_or_an_auto_property_leaves_it_alone()
    {
        // [NoReset] is for fields and properties: on an event it goes to the event's field ([field: NoReset]), which the
        // symbol API does not show; on an auto-property it may go to the backing field. Both were missed: the handlers
        // dropped, the property reset.
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            namespace App;

            [Hotpath.Pooled]
            public sealed partial class Feed
            {
                [field: Hotpath.NoReset] public event System.Action? Kept;
                [field: Hotpath.NoReset] public int Generation { get; set; } = 1;
                public event System.Action? Dropped;
                public int Calls;

                public static string Probe()
                {
                    var item = new Feed();
                    item.Kept += () => item.Calls++;
                    item.Dropped += () => item.Calls += 10;
                    item.Generation = 5;
                    item.Reset();
                    item.Kept?.Invoke();
                    item.Dropped?.Invoke();
                    return item.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + item.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            """);

        var generated = run.Source("App.Feed.Pooled.g.cs");
        Assert.DoesNotContain("Kept", generated, StringComparison.Ordinal);
        Assert.Contains("this.Dropped = null!;", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Generation", generated, StringComparison.Ordinal);
        Assert.Equal("1:5", TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Feed", throwOnError: true)!.GetMethod("Probe")!.Invoke(null, null));
    }

    [Fact]
    public void Readonly_and_get_only_buffers_are_emptied_in_place_keeping_instance_and_capacity()
    {
        var run = GeneratorRunner.RunAndCompile(
            new PooledGenerator(),
            """
            using System;
            using System.Buffers;
            using System.IO;
            namespace App;

            public sealed class Tracked : MemoryStream { }

            [Hotpath.Pooled]
            public sealed partial class Envelope
            {
                public readonly ArrayBufferWriter<byte> Body = new(256);
                public ArrayBufferWriter<int> Ids { get; } = new();
                public readonly MemoryStream Stream = new(128);
                public MemoryStream Image { get; init; } = new();
                public readonly Tracked Derived = new();
                public readonly MemoryStream Fixed = new(new byte[] { 1, 2, 3 }, writable: false);
                public MemoryStream? Settable = new();

                public static string Probe()
                {
                    var item = new Envelope();
                    var body = item.Body;
                    var stream = item.Stream;
                    item.Body.Write(new byte[] { 1, 2, 3 });
                    item.Ids.Write(new[] { 7 });
                    item.Stream.Write(new byte[300]);
                    item.Image.WriteByte(1);
                    item.Derived.WriteByte(1);
                    item.Fixed.ReadByte();
                    var bodyCapacity = item.Body.Capacity;
                    var streamCapacity = item.Stream.Capacity;
                    item.Reset();
                    return item.Body.WrittenCount + ":" + item.Ids.WrittenCount + ":" + item.Stream.Length + ":" + item.Stream.Position + ":" +
                        item.Image.Length + ":" + item.Derived.Length + ":" + item.Derived.Position + ":" + item.Fixed.Length + ":" + item.Fixed.Position + ":" +
                        ReferenceEquals(body, item.Body) + ":" + (item.Body.Capacity == bodyCapacity) + ":" +
                        ReferenceEquals(stream, item.Stream) + ":" + (item.Stream.Capacity == streamCapacity) + ":" + (item.Settable is null);
                }

                public static string ProbeDisposed()
                {
                    var item = new Envelope();
                    item.Stream.Dispose();
                    try { item.Reset(); return "reset"; }
                    catch (ObjectDisposedException) { return "ObjectDisposedException"; }
                }
            }
            """);

        var generated = run.Source("App.Envelope.Pooled.g.cs");
        Assert.Contains("this.Body?.Clear();", generated, StringComparison.Ordinal);
        Assert.Contains("__Stream.SetLength(0);", generated, StringComparison.Ordinal);
        Assert.Contains("this.Settable = default!;", generated, StringComparison.Ordinal);
        var type = TestCompilation.EmitAndLoad(run.OutputCompilation).GetType("App.Envelope", throwOnError: true)!;
        Assert.Equal("0:0:0:0:0:0:0:3:0:True:True:True:True:True", type.GetMethod("Probe")!.Invoke(null, null));
        Assert.Equal("ObjectDisposedException", type.GetMethod("ProbeDisposed")!.Invoke(null, null));
    }
}
