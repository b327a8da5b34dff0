using System.Reflection;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Tests.Shared;

/// <summary>
/// Compile-and-run snippets as an outside tester would write them from DESIGN.md sections 1–4 and the issues'
/// wording alone: every generator at once (as the package runs them), natural variations of each attribute, and
/// the behaviour DESIGN.md promises checked on the loaded assembly. Each snippet must compile with no error, no
/// generator diagnostic and no new warning caused by generated code (users build with warnings as errors).
/// </summary>
public sealed class DesignWordingGeneratorTests
{
    /// <summary>Tiny assertion helpers compiled into every snippet; a probe returns <c>Check.Result()</c>.</summary>
    private const string CheckSource = """
        public static class Check
        {
            public static readonly System.Collections.Generic.List<string> Failures = new System.Collections.Generic.List<string>();

            public static void Eq<T>(T expected, T actual, string what)
            {
                if (!System.Collections.Generic.EqualityComparer<T>.Default.Equals(expected, actual))
                {
                    Failures.Add(what + ": expected <" + expected + ">, got <" + actual + ">");
                }
            }

            public static void True(bool condition, string what)
            {
                if (!condition)
                {
                    Failures.Add(what);
                }
            }

            public static void Throws<TException>(System.Action action, string what) where TException : System.Exception
            {
                try
                {
                    action();
                    Failures.Add(what + ": nothing thrown");
                }
                catch (TException)
                {
                }
                catch (System.Exception other)
                {
                    Failures.Add(what + ": threw " + other.GetType().Name + ": " + other.Message);
                }
            }

            public static string Result() => Failures.Count == 0 ? "ok" : string.Join(System.Environment.NewLine, Failures);
        }
        """;

    // ---------------------------------------------------------------- [Pooled]

    [Fact]
    public void Pooled_every_reset_rule_in_the_global_namespace()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using System.Text;
            using Hotpath;
            using Microsoft.Extensions.ObjectPool;

            public enum Phase { Pending, Running, Done }

            [Flags] public enum Access { None = 0, Read = 1, Write = 2 }

            public static class Limits
            {
                public const int Max = 10;
                public const string Prefix = "pod-";
            }

            [Pooled] public sealed partial class Usage { public long Cpu; public List<int> Samples { get; } = new(); }

            public sealed class Counter : IResettable
            {
                public int N;
                public bool TryReset() { N = 0; return true; }
            }

            public struct Tally : IResettable
            {
                public int Hits;
                public bool TryReset() { Hits = 0; return true; }
            }

            [Pooled(MaxRetained = 16, Preallocate = 2)]
            public sealed partial class Session
            {
                public const int DefaultPort = 8080;
                public static int Shared = 5;

                // constant initializers (literals, const-referencing, enums, flags, nameof, conversions)
                public int Port = DefaultPort;
                public int Retries = Limits.Max * 2;
                public string Name = Limits.Prefix + "x";
                public string Blank = "";
                public string Empty = string.Empty;
                public Phase Phase = Phase.Running;
                public Access Access = Access.Read | Access.Write;
                public double Ratio = 0.5;
                public double NegativeZero = -0.0;
                public double NotANumber = double.NaN;
                public float Half = 0.5f;
                public bool Enabled = true;
                public long Widened = int.MaxValue;
                public int Negative = -1;
                public char Separator = ',';
                public decimal Price = 9.99m;
                public uint Unsigned = 7u;
                public byte Small = 200;
                public int? Maybe = 5;
                public string Label = nameof(Port);
                public string Title { get; set; } = "untitled";
                public int Next { get; set; } = DefaultPort + 1;
                public Phase State { get; private set; } = Phase.Done;

                // no constant initializer: default
                public string? Note;
                public int Plain;
                public TimeSpan Timeout = TimeSpan.FromSeconds(5);
                public Guid Id = Guid.NewGuid();
                public object? Tag;
                public event EventHandler? Changed;

                // containers: cleared in place, never reallocated
                public int[] Buffer = new int[4];
                public string[]? NoArray;
                public List<string> Items { get; } = new();
                public Dictionary<string, int> Map { get; } = new();
                public HashSet<int> Seen = new();
                public readonly StringBuilder Text = new();
                public Queue<int> Pending = new();
                public Stack<int> Stack { get; } = new();
                public IList<int> AsInterface { get; } = new List<int>();
                public IDictionary<string, int> AsDictionary { get; } = new Dictionary<string, int>();

                // nested [Pooled] and IResettable: reset in place
                public Usage Usage { get; } = new();
                public Usage? NoUsage;
                public readonly Counter Counter = new();
                public Tally Tally;
                public Tally TallyProperty { get; set; }

                // members named after keywords
                public int @class = 3;
                public List<int> @event { get; } = new();
                public int[] @fixed = new int[1];

                // left alone, and the hook
                [NoReset] public long Generation;
                [NoReset] public List<string> History { get; } = new();
                public int PortSeenByHook;

                partial void OnReset()
                {
                    Generation++;
                    PortSeenByHook = Port; // the rules ran first
                }

                public void Dirty()
                {
                    Port = 1; Retries = 1; Name = "n"; Blank = "b"; Empty = "e"; Phase = Phase.Pending; Access = Access.None;
                    Ratio = 9; NegativeZero = 1; NotANumber = 1; Half = 9; Enabled = false; Widened = 1; Negative = 1; Separator = ';';
                    Price = 1; Unsigned = 1; Small = 1; Maybe = null; Label = "l"; Title = "t"; Next = 1; State = Phase.Pending;
                    Note = "note"; Plain = 3; Timeout = TimeSpan.FromDays(1); Tag = new object(); Changed += (_, _) => { };
                    Buffer[0] = 7; Items.Add("a"); Map["a"] = 1; Seen.Add(1); Text.Append("x"); Pending.Enqueue(1); Stack.Push(1);
                    AsInterface.Add(1); AsDictionary["a"] = 1; Usage.Cpu = 5; Usage.Samples.Add(1); Counter.N = 4; Tally.Hits = 3;
                    TallyProperty = new Tally { Hits = 2 }; History.Add("h"); @class = 0; @event.Add(1); @fixed[0] = 1;
                }

                public bool HasHandlers => Changed is not null;
            }

            public static class Probe
            {
                public static string Run()
                {
                    var s = Session.Pool.Rent();
                    var buffer = s.Buffer; var items = s.Items; var map = s.Map; var text = s.Text; var usage = s.Usage; var counter = s.Counter;
                    s.Dirty();
                    s.Reset();

                    Check.Eq(8080, s.Port, "const-referencing initializer");
                    Check.Eq(20, s.Retries, "const expression");
                    Check.Eq("pod-x", s.Name, "const string concatenation");
                    Check.Eq("", s.Blank, "empty literal");
                    Check.Eq("", s.Empty, "string.Empty");
                    Check.Eq(Phase.Running, s.Phase, "enum constant");
                    Check.Eq(Access.Read | Access.Write, s.Access, "flags constant");
                    Check.Eq(0.5, s.Ratio, "double");
                    Check.True(s.NegativeZero == 0 && double.IsNegative(s.NegativeZero), "-0.0 keeps its sign");
                    Check.True(double.IsNaN(s.NotANumber), "NaN");
                    Check.Eq(0.5f, s.Half, "float");
                    Check.True(s.Enabled, "bool");
                    Check.Eq((long)int.MaxValue, s.Widened, "widened int");
                    Check.Eq(-1, s.Negative, "negative");
                    Check.Eq(',', s.Separator, "char");
                    Check.Eq(9.99m, s.Price, "decimal");
                    Check.Eq(7u, s.Unsigned, "uint");
                    Check.Eq((byte)200, s.Small, "byte");
                    Check.Eq((int?)5, s.Maybe, "nullable int");
                    Check.Eq("Port", s.Label, "nameof");
                    Check.Eq("untitled", s.Title, "auto-property initializer");
                    Check.Eq(8081, s.Next, "property const expression");
                    Check.Eq(Phase.Done, s.State, "private setter");

                    Check.Eq(null, s.Note, "no initializer");
                    Check.Eq(0, s.Plain, "plain int");
                    Check.Eq(TimeSpan.Zero, s.Timeout, "non-constant initializer gives default");
                    Check.Eq(null, s.Tag, "object");
                    Check.True(!s.HasHandlers, "event handlers dropped");

                    Check.True(ReferenceEquals(buffer, s.Buffer) && s.Buffer.Length == 4 && s.Buffer[0] == 0, "array cleared in place");
                    Check.True(ReferenceEquals(items, s.Items) && s.Items.Count == 0, "list cleared in place");
                    Check.True(ReferenceEquals(map, s.Map) && s.Map.Count == 0, "dictionary cleared");
                    Check.Eq(0, s.Seen.Count, "hash set cleared");
                    Check.True(ReferenceEquals(text, s.Text) && s.Text.Length == 0, "StringBuilder cleared");
                    Check.Eq(0, s.Pending.Count, "queue cleared");
                    Check.Eq(0, s.Stack.Count, "stack cleared");
                    Check.Eq(0, s.AsInterface.Count, "IList cleared");
                    Check.Eq(0, s.AsDictionary.Count, "IDictionary cleared");
                    Check.True(ReferenceEquals(usage, s.Usage) && s.Usage.Cpu == 0 && s.Usage.Samples.Count == 0, "nested [Pooled] reset in place");
                    Check.True(ReferenceEquals(counter, s.Counter) && s.Counter.N == 0, "IResettable class reset in place");
                    Check.Eq(0, s.Tally.Hits, "IResettable struct field");
                    Check.Eq(0, s.TallyProperty.Hits, "IResettable struct property");

                    Check.True(s.@class == 3 && s.@event.Count == 0 && s.@fixed[0] == 0, "keyword-named members");
                    Check.Eq(1L, s.Generation, "[NoReset] left alone, OnReset ran once");
                    Check.Eq(1, s.History.Count, "[NoReset] collection left alone");
                    Check.Eq(8080, s.PortSeenByHook, "OnReset called last");

                    // the pool: DESIGN.md's members
                    Session.Pool.Return(s);
                    var again = Session.Pool.Rent();
                    Check.Eq(2L, again.Generation, "Return resets");
                    Session.Pool.Return(again);
                    using (Session.Pool.Lease(out var leased))
                    {
                        Check.True(leased is not null, "Lease gives an item");
                    }

                    Check.Eq(16, Session.Pool.MaxRetained, "MaxRetained");
                    var stats = Session.Pool.Statistics;
                    Check.True(stats.Rents >= 3 && stats.Returns >= 3 && stats.Hits + stats.Misses == stats.Rents && stats.Drops == 0, "statistics " + stats);
                    Check.Throws<ArgumentNullException>(() => Session.Pool.Return(null!), "Return(null)");

                    // never grows past MaxRetained
                    var many = new List<Session>();
                    for (var i = 0; i < 40; i++) many.Add(Session.Pool.Rent());
                    foreach (var m in many) Session.Pool.Return(m);
                    Check.True(Session.Pool.Statistics.Drops >= 40 - 16, "drops past MaxRetained");

                    // the explicit IResettable works with DefaultObjectPool<T>
                    var policyPool = new DefaultObjectPool<Session>(new DefaultPooledObjectPolicy<Session>());
                    var fromPolicy = policyPool.Get();
                    fromPolicy.Port = 3;
                    policyPool.Return(fromPolicy);
                    Check.Eq(8080, policyPool.Get().Port, "DefaultObjectPool resets through IResettable");
                    IResettable resettable = fromPolicy;
                    Check.True(resettable.TryReset(), "TryReset returns true");
                    return Check.Result();
                }
            }
            """;

        Assert.Equal("ok", Run("Probe", Source));
    }

    [Fact]
    public void Pooled_namespaces_nesting_generics_inheritance_records_init_and_required()
    {
        const string Source = """
            using System.Collections.Generic;
            using System.Diagnostics.CodeAnalysis;
            using Hotpath;

            namespace App.Pooling
            {
                public partial class Outer
                {
                    [Pooled(MaxRetained = 8)]
                    public sealed partial class Envelope<TKey, TValue> where TKey : notnull
                    {
                        public TKey Key = default!;
                        public TValue? Value;
                        public Dictionary<TKey, TValue> Extra { get; } = new();
                        public List<TValue> Values { get; } = new();
                        public int Version = 1;
                    }

                    internal partial class Middle<T>
                    {
                        [Pooled] internal sealed partial class Leaf
                        {
                            public T? Item;
                            public List<T> Items = new();
                            public int Hops = 2;
                        }
                    }
                }

                [Pooled]
                public abstract partial class Message
                {
                    public string Id = "?";
                    public List<string> Headers { get; } = new();
                    [NoReset] public int BaseHooks;
                    partial void OnReset() => BaseHooks++;
                }

                [Pooled]
                public partial class Event : Message
                {
                    public long At = -1;
                }

                [Pooled]
                public sealed partial class PodEvent : Event
                {
                    public string Pod = "none";
                    public int[] Codes = new int[2];
                    [NoReset] public int Hooks;
                    partial void OnReset() => Hooks++;
                }

                [Pooled]
                public sealed partial record Request
                {
                    public string Path { get; set; } = "/";
                    public List<string> Query { get; } = new();
                    public int Attempt { get; set; }
                }

                [Pooled] public partial record BaseRecord { public int A { get; set; } = 1; }

                [Pooled] public sealed partial record DerivedRecord : BaseRecord { public int B { get; set; } = 2; }

                [Pooled]
                public sealed partial class Config
                {
                    public string Name { get; init; } = "cfg";
                    public int Level { get; init; } = 3;
                    public List<int> Ports { get; init; } = new();
                    public int Mutable = 1;
                }

                [Pooled]
                public sealed partial class Job
                {
                    [SetsRequiredMembers]
                    public Job()
                    {
                        Name = "job";
                    }

                    public required string Name { get; set; }
                    public required int Priority;
                }

                public class PlainBase
                {
                    public int BaseValue = 7;
                }

                [Pooled]
                public sealed partial class Holder : PlainBase
                {
                    private Holder() { }

                    public Outer.Envelope<string, int> Envelope { get; } = new();
                    private int _backing = 4;
                    public int Backing { get => _backing; set => _backing = value; }
                }

                public static class Probe
                {
                    public static string Run()
                    {
                        var holder = Holder.Pool.Rent();
                        holder.Envelope.Version = 5; holder.Envelope.Values.Add(3); holder.Backing = 9; holder.BaseValue = 1;
                        holder.Reset();
                        Check.True(holder.Envelope.Version == 1 && holder.Envelope.Values.Count == 0, "nested generic [Pooled] member reset in place");
                        Check.Eq(4, holder.Backing, "explicit backing field");
                        Check.Eq(1, holder.BaseValue, "members of a non-[Pooled] base are left alone (docs/pooling.md)");

                        var envelope = Outer.Envelope<string, int>.Pool.Rent();
                        envelope.Key = "k"; envelope.Value = 4; envelope.Extra["a"] = 1; envelope.Values.Add(1); envelope.Version = 9;
                        envelope.Reset();
                        Check.True(envelope.Key is null && envelope.Value == 0 && envelope.Extra.Count == 0 && envelope.Values.Count == 0 && envelope.Version == 1, "generic type reset");
                        Check.Eq(8, Outer.Envelope<string, int>.Pool.MaxRetained, "generic pool");
                        Check.True(!ReferenceEquals(Outer.Envelope<string, int>.Pool, Outer.Envelope<int, string>.Pool), "a pool per closed type");

                        var leaf = Outer.Middle<string>.Leaf.Pool.Rent();
                        leaf.Item = "x"; leaf.Items.Add("y"); leaf.Hops = 7;
                        Outer.Middle<string>.Leaf.Pool.Return(leaf);
                        leaf.Reset();
                        Check.True(leaf.Item is null && leaf.Items.Count == 0 && leaf.Hops == 2, "nested generic leaf reset");

                        PodEvent pod = PodEvent.Pool.Rent();
                        pod.Id = "id"; pod.Headers.Add("h"); pod.At = 5; pod.Pod = "p"; pod.Codes[1] = 3;
                        pod.Reset();
                        Check.True(pod.Id == "?" && pod.Headers.Count == 0 && pod.At == -1 && pod.Pod == "none" && pod.Codes[1] == 0, "derived reset covers every base");
                        Check.Eq(1, pod.Hooks, "derived OnReset");
                        Check.Eq(1, pod.BaseHooks, "base OnReset");
                        Message asBase = pod;
                        asBase.Reset();
                        Check.Eq(2, pod.Hooks, "Reset through the base type resets the derived part");
                        Event plain = Event.Pool.Rent();
                        Check.True(plain.GetType() == typeof(Event), "Event.Pool makes Events");
                        PodEvent.Pool.Return(pod);
                        Event.Pool.Return(plain);

                        var request = Request.Pool.Rent();
                        request.Path = "/x"; request.Query.Add("q"); request.Attempt = 3;
                        request.Reset();
                        Check.True(request.Path == "/" && request.Query.Count == 0 && request.Attempt == 0, "record reset");
                        var derivedRecord = DerivedRecord.Pool.Rent();
                        derivedRecord.A = 5; derivedRecord.B = 6;
                        derivedRecord.Reset();
                        Check.True(derivedRecord.A == 1 && derivedRecord.B == 2, "derived record reset");

                        var config = Config.Pool.Rent();
                        config.Ports.Add(80); config.Mutable = 5;
                        config.Reset();
                        Check.True(config.Name == "cfg" && config.Level == 3 && config.Ports.Count == 0 && config.Mutable == 1, "init members keep their constructed value; collections clear");

                        var job = Job.Pool.Rent();
                        job.Priority = 4;
                        job.Reset();
                        Check.Eq(0, job.Priority, "required member reset to default");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("App.Pooling.Probe", Source));
    }

    [Fact]
    public void Pooled_DESIGN_example_verbatim_with_exact_statistics()
    {
        const string Source = """
            using System.Collections.Generic;
            using Hotpath;

            namespace Cluster;

            public enum PodPhase { Pending, Running, Succeeded, Failed }

            public sealed class ContainerState { public string Name = ""; }

            [Pooled]
            public sealed partial class ResourceUsage { public double Cpu; public long MemoryBytes; }

            [Pooled(MaxRetained = 15_000, Preallocate = 1_000)]
            public sealed partial class PodState
            {
                public string Namespace = "";
                public PodPhase Phase;
                public List<ContainerState> Containers { get; } = new();   // cleared, never reallocated
                public ResourceUsage Usage { get; } = new();               // [Pooled] or IResettable: reset in place
                [NoReset] public long Generation;                          // left alone
                partial void OnReset() { Generation++; }                   // optional hook: declared by the generator, called last
            }

            [Pooled(MaxRetained = 2)]
            public sealed partial class Fresh { public int X; }

            public static class Probe
            {
                public static string Run()
                {
                    var state = PodState.Pool.Rent();
                    var containers = state.Containers;
                    state.Namespace = "kube-system"; state.Phase = PodPhase.Running; state.Containers.Add(new ContainerState { Name = "c" }); state.Usage.Cpu = 0.5;
                    PodState.Pool.Return(state);
                    Check.True(state.Namespace == "" && state.Phase == PodPhase.Pending && state.Containers.Count == 0 && ReferenceEquals(containers, state.Containers) && state.Usage.Cpu == 0 && state.Generation == 1, "reset on Return");
                    using (PodState.Pool.Lease(out var leased))
                    {
                        leased.Namespace = "x";
                    }

                    Check.Eq(15_000, PodState.Pool.MaxRetained, "MaxRetained");

                    var one = Fresh.Pool.Rent();   // miss
                    Fresh.Pool.Return(one);
                    var two = Fresh.Pool.Rent();   // hit
                    Check.True(ReferenceEquals(one, two), "a returned instance is rented again");
                    var three = Fresh.Pool.Rent(); // miss
                    var four = Fresh.Pool.Rent();  // miss
                    Fresh.Pool.Return(two); Fresh.Pool.Return(three); Fresh.Pool.Return(four); // the third is dropped
                    var stats = Fresh.Pool.Statistics;
                    Check.Eq("4 1 3 4 1", stats.Rents + " " + stats.Hits + " " + stats.Misses + " " + stats.Returns + " " + stats.Drops, "Rents Hits Misses Returns Drops");
                    return Check.Result();
                }
            }
            """;

        Assert.Equal("ok", Run("Cluster.Probe", Source));
    }

    // ---------------------------------------------------------------- [Columnar]

    [Fact]
    public void Columnar_every_supported_member_type_and_its_nullable_form_round_trips_bit_for_bit()
    {
        const string Source = """
            using System;
            using System.Buffers;
            using Hotpath;
            using Hotpath.Compression;

            namespace Data.Rows;

            public enum Level : byte { Low, Mid, High }
            public enum Huge : long { Min = long.MinValue, Zero = 0, Max = long.MaxValue }
            [Flags] public enum Bits : ushort { None = 0, X = 1, Top = 0x8000 }

            [Columnar]
            public partial struct Everything
            {
                public sbyte I8; public byte U8; public short I16; public ushort U16; public int I32; public uint U32; public long I64; public ulong U64;
                public nint NI; public nuint NU; public Int128 I128; public UInt128 U128;
                public bool Flag; public char Letter; public float F32; public double F64; public decimal Money;
                public DateTime At; public DateTimeOffset AtOffset; public TimeSpan Took; public Guid Id;
                public Level Level; public Huge Huge; public Bits Bits; public string Name;

                public sbyte? NI8; public byte? NU8; public short? NI16; public ushort? NU16; public int? NI32; public uint? NU32; public long? NI64; public ulong? NU64;
                public bool? NFlag; public char? NLetter; public float? NF32; public double? NF64; public decimal? NMoney;
                public DateTime? NAt; public DateTimeOffset? NAtOffset; public TimeSpan? NTook; public Guid? NId; public Level? NLevel; public string? NName;
                public nint? NNI; public Int128? NI128; public Huge? NHuge;
            }

            public static class Probe
            {
                private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
                private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
                private static bool Same(decimal a, decimal b) => decimal.GetBits(a).AsSpan().SequenceEqual(decimal.GetBits(b));
                private static bool Same(DateTime a, DateTime b) => a.ToBinary() == b.ToBinary();
                private static bool Same(DateTimeOffset a, DateTimeOffset b) => a.Ticks == b.Ticks && a.Offset == b.Offset;
                private static bool Same<T>(T? a, T? b, Func<T, T, bool> same) where T : struct => a.HasValue == b.HasValue && (!a.HasValue || same(a.Value, b!.Value));

                private static string Differences(in Everything a, in Everything b)
                {
                    var d = "";
                    if (a.I8 != b.I8 || a.U8 != b.U8 || a.I16 != b.I16 || a.U16 != b.U16 || a.I32 != b.I32 || a.U32 != b.U32 || a.I64 != b.I64 || a.U64 != b.U64) d += " integers";
                    if (a.NI != b.NI || a.NU != b.NU || a.I128 != b.I128 || a.U128 != b.U128) d += " native/128";
                    if (a.Flag != b.Flag || a.Letter != b.Letter) d += " bool/char";
                    if (!Same(a.F32, b.F32)) d += " float";
                    if (!Same(a.F64, b.F64)) d += " double";
                    if (!Same(a.Money, b.Money)) d += " decimal";
                    if (!Same(a.At, b.At)) d += " DateTime";
                    if (!Same(a.AtOffset, b.AtOffset)) d += " DateTimeOffset";
                    if (a.Took != b.Took || a.Id != b.Id) d += " TimeSpan/Guid";
                    if (a.Level != b.Level || a.Huge != b.Huge || a.Bits != b.Bits) d += " enums";
                    if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)) d += " string";
                    if (a.NI8 != b.NI8 || a.NU8 != b.NU8 || a.NI16 != b.NI16 || a.NU16 != b.NU16 || a.NI32 != b.NI32 || a.NU32 != b.NU32 || a.NI64 != b.NI64 || a.NU64 != b.NU64) d += " nullable integers";
                    if (a.NFlag != b.NFlag || a.NLetter != b.NLetter) d += " nullable bool/char";
                    if (!Same(a.NF32, b.NF32, Same) || !Same(a.NF64, b.NF64, Same) || !Same(a.NMoney, b.NMoney, Same)) d += " nullable floating";
                    if (!Same(a.NAt, b.NAt, Same) || !Same(a.NAtOffset, b.NAtOffset, Same) || a.NTook != b.NTook || a.NId != b.NId || a.NLevel != b.NLevel) d += " nullable others";
                    if (!string.Equals(a.NName, b.NName, StringComparison.Ordinal)) d += " nullable string";
                    if (a.NNI != b.NNI || a.NI128 != b.NI128 || a.NHuge != b.NHuge) d += " nullable native/128/long enum";
                    return d;
                }

                public static string Run()
                {
                    var random = new Random(7);
                    var rows = new Everything[300];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var odd = i % 2 == 1;
                        rows[i] = new Everything
                        {
                            I8 = (sbyte)random.Next(), U8 = (byte)random.Next(), I16 = (short)random.Next(), U16 = (ushort)random.Next(), I32 = random.Next(int.MinValue, int.MaxValue),
                            U32 = (uint)random.NextInt64(), I64 = random.NextInt64(long.MinValue, long.MaxValue), U64 = (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                            NI = (nint)random.NextInt64(long.MinValue, long.MaxValue), NU = (nuint)random.NextInt64(), I128 = new Int128((ulong)random.NextInt64(), (ulong)random.NextInt64()), U128 = UInt128.MaxValue - (ulong)i,
                            Flag = odd, Letter = (char)random.Next(0, 0xFFFF), F32 = (float)random.NextDouble() * 1e6f, F64 = random.NextDouble() * 1e300, Money = new decimal(random.Next(), random.Next(), random.Next(), odd, (byte)random.Next(0, 29)),
                            At = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), (DateTimeKind)(i % 3)),
                            AtOffset = new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-840, 841))),
                            Took = TimeSpan.FromTicks(random.NextInt64(long.MinValue, long.MaxValue)), Id = Guid.NewGuid(),
                            Level = (Level)(i % 3), Huge = i % 3 == 0 ? Huge.Min : i % 3 == 1 ? Huge.Max : (Huge)random.NextInt64(), Bits = (Bits)random.Next(0, 0x10000),
                            Name = i % 5 == 0 ? null! : "név-" + (i % 7) + "-\u263A",
                            NI8 = odd ? (sbyte)-5 : null, NU8 = odd ? null : (byte)9, NI16 = odd ? short.MinValue : null, NU16 = odd ? ushort.MaxValue : null, NI32 = odd ? int.MinValue : null,
                            NU32 = odd ? uint.MaxValue : null, NI64 = odd ? long.MinValue : null, NU64 = odd ? ulong.MaxValue : null, NFlag = i % 3 == 0 ? null : odd, NLetter = odd ? 'x' : null,
                            NF32 = odd ? -0.0f : null, NF64 = i % 3 == 0 ? null : BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0BAD), NMoney = odd ? -1.50m : null,
                            NAt = odd ? DateTime.MaxValue : null, NAtOffset = odd ? DateTimeOffset.MinValue : null, NTook = odd ? TimeSpan.MinValue : null, NId = odd ? Guid.Empty : null,
                            NLevel = odd ? Level.High : null, NName = odd ? "" : null, NNI = odd ? nint.MinValue : null, NI128 = odd ? Int128.MinValue : null, NHuge = odd ? null : Huge.Max,
                        };
                    }

                    rows[0].F64 = double.NaN; rows[1].F64 = -0.0; rows[2].F64 = double.PositiveInfinity; rows[3].F64 = double.NegativeInfinity; rows[4].F64 = double.Epsilon;
                    rows[5].F64 = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_DEAD_BEEF)); rows[6].F32 = float.NaN; rows[7].F32 = -0.0f; rows[8].F32 = BitConverter.Int32BitsToSingle(0x7FC0_1234);
                    rows[9].Money = 1.0m; rows[10].Money = 1.00m; rows[11].Money = decimal.MaxValue; rows[12].Money = decimal.MinValue;

                    // A signalling float NaN from bits in memory: a float constant, even BitConverter.Int32BitsToSingle(0x7F80_0001),
                    // is folded through a double by the JIT, which quiets it. The special values' bits are checked as fed.
                    rows[9].F32 = System.Runtime.InteropServices.MemoryMarshal.Cast<int, float>(new[] { 0x7F80_0001 })[0];
                    Check.Eq(0x7F80_0001, BitConverter.SingleToInt32Bits(rows[9].F32), "signalling float NaN fed");
                    Check.Eq(0x7FC0_1234, BitConverter.SingleToInt32Bits(rows[8].F32), "float NaN payload fed");
                    Check.Eq(unchecked((long)0xFFF0_0000_DEAD_BEEF), BitConverter.DoubleToInt64Bits(rows[5].F64), "signalling double NaN fed");

                    // the interface members
                    var writer = new ArrayBufferWriter<byte>();
                    Everything.Codec.Encode(rows, writer);
                    var block = writer.WrittenSpan.ToArray();
                    Check.Eq(rows.Length, Everything.Codec.GetRowCount(block), "GetRowCount");
                    var decoded = new Everything[rows.Length];
                    Check.Eq(rows.Length, Everything.Codec.Decode(block, decoded), "Decode count");
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var d = Differences(rows[i], decoded[i]);
                        if (d.Length > 0)
                        {
                            Check.True(false, "row " + i + " differs in" + d);
                            break;
                        }
                    }

                    // the helpers
                    byte[] again = Everything.Codec.Encode(rows);
                    Everything[] back = Everything.Codec.Decode(again);
                    Check.Eq(rows.Length, back.Length, "helper Decode length");
                    Check.Eq("", back.Length == rows.Length ? Differences(rows[5], back[5]) : "?", "helper round trip");
                    Check.Throws<ArgumentException>(() => Everything.Codec.Decode(block, new Everything[rows.Length - 1]), "destination too small");

                    // empty and one-row batches
                    Check.Eq(0, Everything.Codec.Decode(Everything.Codec.Encode(ReadOnlySpan<Everything>.Empty)).Length, "empty batch");
                    Check.Eq("", Differences(rows[3], Everything.Codec.Decode(Everything.Codec.Encode(rows.AsSpan(3, 1)))[0]), "one row");

                    // corrupt, truncated and foreign blocks
                    var flipped = (byte[])block.Clone();
                    flipped[flipped.Length / 2] ^= 0x10;
                    Check.Throws<CorruptBlockException>(() => Everything.Codec.Decode(flipped), "bit flip");
                    Check.Throws<CorruptBlockException>(() => Everything.Codec.Decode(block.AsSpan(0, block.Length - 3)), "truncated");
                    Check.Throws<CorruptBlockException>(() => Everything.Codec.GetRowCount(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }), "foreign bytes");
                    Check.Throws<FormatException>(() => Other.Codec.Decode(block), "other schema (a FormatException)");
                    return Check.Result();
                }
            }

            [Columnar] public partial struct Other { public int X; }
            """;

        Assert.Equal("ok", Run("Data.Rows.Probe", Source));
    }

    [Fact]
    public void Columnar_encoding_attributes_on_every_type_they_apply_to_and_Quantize()
    {
        const string Source = """
            using System;
            using Hotpath;

            public enum PodPhase { Pending, Running, Succeeded, Failed }

            [Columnar]
            public partial struct Encoded
            {
                [DeltaOfDelta] public long UnixMs;
                [DeltaOfDelta] public int Sequence;
                [DeltaOfDelta] public ulong Counter;
                [DeltaOfDelta] public DateTime At;
                [DeltaOfDelta] public DateTimeOffset AtOffset;
                [DeltaOfDelta] public TimeSpan Uptime;
                [DeltaOfDelta] public long? MaybeMs;
                [DeltaOfDelta] public PodPhase DeltaPhase;
                [DeltaOfDelta] public char Letter;
                [Dictionary] public string Node;
                [Dictionary] public string? Zone;
                [RunLength] public PodPhase Phase;
                [RunLength] public int Restarts;
                [RunLength] public string Status;
                [RunLength] public bool Ready;
                [RunLength] public long? Maybe;
                [RunLength] public Guid Owner;
                [RunLength] public decimal Price;
                [RunLength] public DateTime Since;
                [Quantize(2)] public double Memory;
                [Quantize(0)] public float Load;
                [Quantize(3)] public double? Temperature;
                [Quantize(1)] public float? Humidity;
                [Quantize(6)] public double Fine;
            }

            public static class Probe
            {
                public static string Run()
                {
                    var random = new Random(3);
                    var rows = new Encoded[1000];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        rows[i] = new Encoded
                        {
                            UnixMs = 1_700_000_000_000 + i * 1000L + (i % 7 == 0 ? 3 : 0), Sequence = -i, Counter = ulong.MaxValue - (ulong)i, At = DateTime.UnixEpoch.AddSeconds(i),
                            AtOffset = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(i % 3)).AddMinutes(i), Uptime = TimeSpan.FromMilliseconds(i * 10),
                            MaybeMs = i % 4 == 0 ? null : i * 1000L, DeltaPhase = (PodPhase)(i % 4), Letter = (char)('a' + i % 26),
                            Node = "node-" + (i % 5), Zone = i % 3 == 0 ? null : "zone-" + (i % 2), Phase = i < 500 ? PodPhase.Running : PodPhase.Failed,
                            Restarts = i / 100, Status = i % 50 == 0 ? "changed" : "steady", Ready = i > 10, Maybe = i % 10 == 0 ? null : 42, Owner = i < 900 ? Guid.Empty : new Guid(i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                            Price = i < 400 ? 1.10m : 2.200m, Since = DateTime.UnixEpoch,
                            Memory = random.NextDouble() * 1000, Load = (float)(random.NextDouble() * 100), Temperature = i % 5 == 0 ? null : random.NextDouble() * 40 - 20,
                            Humidity = i % 6 == 0 ? null : (float)random.NextDouble(), Fine = random.NextDouble(),
                        };
                    }

                    var back = Encoded.Codec.Decode(Encoded.Codec.Encode(rows));
                    Check.Eq(rows.Length, back.Length, "row count");
                    for (var i = 0; i < rows.Length && Check.Failures.Count == 0; i++)
                    {
                        var a = rows[i];
                        var b = back[i];
                        Check.True(a.UnixMs == b.UnixMs && a.Sequence == b.Sequence && a.Counter == b.Counter && a.At.ToBinary() == b.At.ToBinary() && a.AtOffset.Ticks == b.AtOffset.Ticks && a.AtOffset.Offset == b.AtOffset.Offset
                            && a.Uptime == b.Uptime && a.MaybeMs == b.MaybeMs && a.DeltaPhase == b.DeltaPhase && a.Letter == b.Letter, "row " + i + ": [DeltaOfDelta] members");
                        Check.True(a.Node == b.Node && a.Zone == b.Zone, "row " + i + ": [Dictionary] members");
                        Check.True(a.Phase == b.Phase && a.Restarts == b.Restarts && a.Status == b.Status && a.Ready == b.Ready && a.Maybe == b.Maybe && a.Owner == b.Owner
                            && decimal.GetBits(a.Price).AsSpan().SequenceEqual(decimal.GetBits(b.Price)) && a.Since.ToBinary() == b.Since.ToBinary(), "row " + i + ": [RunLength] members");
                        Check.True(Math.Abs(a.Memory - b.Memory) <= 0.005 + 1e-9, "row " + i + ": [Quantize(2)] " + a.Memory + " -> " + b.Memory);
                        Check.True(Math.Abs(a.Load - b.Load) <= 0.5 + 1e-4, "row " + i + ": [Quantize(0)] float " + a.Load + " -> " + b.Load);
                        Check.True(a.Temperature.HasValue == b.Temperature.HasValue && (!a.Temperature.HasValue || Math.Abs(a.Temperature.Value - b.Temperature!.Value) <= 0.0005 + 1e-9), "row " + i + ": [Quantize(3)] double?");
                        Check.True(a.Humidity.HasValue == b.Humidity.HasValue && (!a.Humidity.HasValue || Math.Abs(a.Humidity.Value - b.Humidity!.Value) <= 0.05 + 1e-6), "row " + i + ": [Quantize(1)] float?");
                        Check.True(Math.Abs(a.Fine - b.Fine) <= 0.0000005 + 1e-12, "row " + i + ": [Quantize(6)]");
                    }

                    // special values in a quantized column
                    var special = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e300, -1e300, double.MaxValue, double.Epsilon, 123456789012.345678 };
                    var specialRows = new Encoded[special.Length];
                    for (var i = 0; i < special.Length; i++) specialRows[i] = new Encoded { Memory = special[i], Fine = special[i], Temperature = special[i], Node = "n", Status = "s" };
                    var specialBack = Encoded.Codec.Decode(Encoded.Codec.Encode(specialRows));
                    for (var i = 0; i < special.Length; i++)
                    {
                        var v = special[i];
                        bool Near(double got, int decimals) => double.IsNaN(v) ? double.IsNaN(got) : double.IsInfinity(v) ? got == v : Math.Abs(got - v) <= Math.Max(0.5 * Math.Pow(10, -decimals), Math.Abs(v) * 1e-15) + 1e-12;
                        Check.True(Near(specialBack[i].Memory, 2) && Near(specialBack[i].Fine, 6) && Near(specialBack[i].Temperature!.Value, 3), "quantized special value " + v + " -> " + specialBack[i].Memory + " / " + specialBack[i].Fine + " / " + specialBack[i].Temperature);
                    }

                    Check.Throws<Hotpath.Compression.CorruptBlockException>(() => Encoded.Codec.GetRowCount(ReadOnlySpan<byte>.Empty), "GetRowCount of an empty block");

                    // DESIGN.md's wording: Memory with [Quantize(2)] keeps 2 decimals
                    var one = Encoded.Codec.Decode(Encoded.Codec.Encode(new[] { new Encoded { Memory = 12.3456, Node = "n", Status = "s" } }))[0];
                    Check.Eq(12.35, one.Memory, "Quantize(2) rounds to 2 decimals");
                    return Check.Result();
                }
            }
            """;

        Assert.Equal("ok", Run("Probe", Source));
    }

    [Fact]
    public void Columnar_classes_properties_records_nesting_empty_rows_and_DESIGNs_sample()
    {
        const string Source = """
            using System;
            using Hotpath;

            namespace Metrics
            {
                public enum PodPhase { Pending, Running, Succeeded, Failed }

                [Columnar]
                public partial struct MetricSample
                {
                    [DeltaOfDelta] public long UnixMs;     // timestamps
                    [Dictionary]   public string Node;     // low-cardinality strings
                    public double Cpu;                     // default for double: XOR-family float coding
                    [Quantize(2)]  public double Memory;   // lossy, opt-in only: 2 decimals
                    public int Restarts;                   // default for integers: delta + zigzag + bit-packing
                    [RunLength]    public PodPhase Phase;  // enums and repetitive values
                }

                [Columnar]
                public sealed partial class LogLine
                {
                    public long UnixMs { get; set; }
                    public string Message { get; set; } = "";
                    public int? Status { get; set; }
                    public string Upper => Message.ToUpperInvariant();
                }

                [Columnar]
                public partial record struct Tick(long UnixMs, double Price);

                [Columnar]
                public partial struct Empty { }

                public partial class Holder<T>
                {
                    [Columnar] public partial struct Row { public int X; public T? NotStored => default; }
                }

                public static partial class Outer
                {
                    [Columnar] internal partial struct Inner { public short A; public string? @event; public bool @checked; }
                }

                public static class Probe
                {
                    public static string Run()
                    {
                        var samples = new MetricSample[]
                        {
                            new() { UnixMs = 1_700_000_000_000, Node = "node-a", Cpu = 0.25, Memory = 512.123, Restarts = 0, Phase = PodPhase.Running },
                            new() { UnixMs = 1_700_000_060_000, Node = "node-b", Cpu = double.NaN, Memory = 100, Restarts = 2, Phase = PodPhase.Failed },
                        };
                        var s = MetricSample.Codec.Decode(MetricSample.Codec.Encode(samples));
                        Check.True(s[0].UnixMs == samples[0].UnixMs && s[0].Node == "node-a" && s[0].Cpu == 0.25 && s[0].Memory == 512.12 && s[1].Restarts == 2 && s[1].Phase == PodPhase.Failed && double.IsNaN(s[1].Cpu), "DESIGN sample");

                        var lines = new[] { new LogLine { UnixMs = 5, Message = "hi", Status = 200 }, new LogLine { UnixMs = 6, Message = "yo" } };
                        var l = LogLine.Codec.Decode(LogLine.Codec.Encode(lines));
                        Check.True(l.Length == 2 && l[0].Message == "hi" && l[0].Status == 200 && l[1].Status is null && l[1].UnixMs == 6 && !ReferenceEquals(l[0], lines[0]), "class rows with properties");

                        var ticks = new[] { new Tick(1, 1.5), new Tick(2, -0.0) };
                        var t = Tick.Codec.Decode(Tick.Codec.Encode(ticks));
                        Check.True(t[0] == ticks[0] && t[1].UnixMs == 2 && double.IsNegative(t[1].Price), "record struct rows");

                        var empties = Empty.Codec.Decode(Empty.Codec.Encode(new Empty[7]));
                        Check.Eq(7, empties.Length, "empty struct keeps the row count");
                        Check.Eq(7, Empty.Codec.GetRowCount(Empty.Codec.Encode(new Empty[7])), "empty struct GetRowCount");

                        var rows = Holder<string>.Row.Codec.Decode(Holder<string>.Row.Codec.Encode(new[] { new Holder<string>.Row { X = 3 } }));
                        Check.Eq(3, rows[0].X, "row nested in a generic type");

                        var inner = Outer.Inner.Codec.Decode(Outer.Inner.Codec.Encode(new[] { new Outer.Inner { A = -1, @event = "e", @checked = true } }));
                        Check.True(inner[0].A == -1 && inner[0].@event == "e" && inner[0].@checked, "keyword member names");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("Metrics.Probe", Source));
    }

    // ---------------------------------------------------------------- [BatchReducer]

    [Fact]
    public void BatchReducer_DESIGN_example_against_a_LINQ_reference_and_every_Reducer_member()
    {
        const string Source = """
            using System;
            using System.Linq;
            using Hotpath;
            using Hotpath.Batching;

            namespace Metrics;

            public enum PodPhase { Pending, Running, Succeeded, Failed }

            public struct NodeMetric
            {
                public string NodeId;
                public long UnixMs;
                public double Cpu;
                public double Memory;
                public PodPhase Phase;
            }

            [BatchReducer(typeof(NodeMetric))]
            public partial struct NodeMinute
            {
                [GroupKey]                              public string NodeId;
                [Window(60, nameof(NodeMetric.UnixMs))] public long WindowStartMs;
                [Count]                                 public long Samples;
                [Sum(nameof(NodeMetric.Cpu))]           public double CpuSum;
                [Min(nameof(NodeMetric.Cpu))]           public double CpuMin;
                [Max(nameof(NodeMetric.Cpu))]           public double CpuMax;
                [Mean(nameof(NodeMetric.Memory))]       public double MemoryMean;
                [Last(nameof(NodeMetric.Phase))]        public PodPhase Phase;
            }

            public static class Probe
            {
                public static string Run()
                {
                    var random = new Random(11);
                    var rows = new NodeMetric[5000];
                    for (var i = 0; i < rows.Length; i++)
                    {
                        rows[i] = new NodeMetric { NodeId = "node-" + random.Next(20), UnixMs = 1_700_000_000_000 + i * 97L, Cpu = random.Next(0, 1000) / 8.0, Memory = random.Next(0, 1000), Phase = (PodPhase)random.Next(4) };
                    }

                    var expected = rows.GroupBy(r => (r.NodeId, Start: r.UnixMs / 60_000 * 60_000))
                        .ToDictionary(g => g.Key, g => (Count: g.LongCount(), Sum: g.Sum(r => r.Cpu), Min: g.Min(r => r.Cpu), Max: g.Max(r => r.Cpu), Mean: g.Average(r => r.Memory), Last: g.Last().Phase));

                    IBatchReducer<NodeMetric, NodeMinute> reducer = new NodeMinute.Reducer();
                    foreach (var row in rows.AsSpan(0, 100)) reducer.Add(in row);
                    reducer.Add(rows.AsSpan(100));
                    Check.Eq(expected.Count, reducer.Count, "group count");
                    var partials = reducer.ToArray();
                    foreach (var p in partials)
                    {
                        var e = expected[(p.NodeId, p.WindowStartMs)];
                        Check.True(p.Samples == e.Count && p.CpuSum == e.Sum && p.CpuMin == e.Min && p.CpuMax == e.Max && Math.Abs(p.MemoryMean - e.Mean) < 1e-9 && p.Phase == e.Last,
                            "group " + p.NodeId + "@" + p.WindowStartMs);
                    }

                    var copied = new NodeMinute[reducer.Count + 3];
                    Check.Eq(reducer.Count, reducer.CopyTo(copied), "CopyTo count");

                    // partials from two reducers merge to the same answer in either order; Combine agrees
                    var left = new NodeMinute.Reducer();
                    var right = new NodeMinute.Reducer();
                    left.Add(rows.AsSpan(0, 2500));
                    right.Add(rows.AsSpan(2500));
                    var merged = new NodeMinute.Reducer();
                    foreach (var p in right.ToArray()) merged.Merge(in p);
                    foreach (var p in left.ToArray()) merged.Merge(in p);
                    Check.Eq(expected.Count, merged.Count, "merged group count");
                    foreach (var p in merged.ToArray())
                    {
                        var e = expected[(p.NodeId, p.WindowStartMs)];
                        Check.True(p.Samples == e.Count && p.CpuMin == e.Min && p.CpuMax == e.Max && Math.Abs(p.CpuSum - e.Sum) < 1e-6 && Math.Abs(p.MemoryMean - e.Mean) < 1e-9 && p.Phase == e.Last,
                            "merged group " + p.NodeId + "@" + p.WindowStartMs);
                    }

                    var a = left.ToArray().First(p => right.ToArray().Any(q => q.NodeId == p.NodeId && q.WindowStartMs == p.WindowStartMs));
                    var b = right.ToArray().First(q => q.NodeId == a.NodeId && q.WindowStartMs == a.WindowStartMs);
                    var ab = NodeMinute.Combine(in a, in b);
                    var ba = NodeMinute.Combine(in b, in a);
                    Check.True(ab.Samples == a.Samples + b.Samples && ab.Samples == ba.Samples && ab.CpuMin == ba.CpuMin && ab.CpuMax == ba.CpuMax && ab.MemoryMean == ba.MemoryMean && ab.Phase == ba.Phase, "Combine commutes");
                    var other = merged.ToArray().First(p => p.NodeId != a.NodeId);
                    Check.Throws<ArgumentException>(() => NodeMinute.Combine(in a, in other), "Combine of different groups");

                    // windows: the start of the 60 s window, floor for negative times
                    var w = new NodeMinute.Reducer();
                    w.Add(new NodeMetric { NodeId = "n", UnixMs = 59_999 });
                    w.Add(new NodeMetric { NodeId = "n", UnixMs = 60_000 });
                    w.Add(new NodeMetric { NodeId = "n", UnixMs = -1 });
                    var starts = w.ToArray().Select(p => p.WindowStartMs).OrderBy(x => x).ToArray();
                    Check.Eq("-60000,0,60000", string.Join(",", starts), "window starts");

                    // Clear keeps the reducer usable; steady-state Add allocates nothing
                    reducer.Clear();
                    Check.Eq(0, reducer.Count, "Clear");
                    reducer.Add(rows);
                    reducer.Clear();
                    reducer.Add(rows);
                    reducer.Clear();
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    reducer.Add(rows);
                    Check.Eq(0L, GC.GetAllocatedBytesForCurrentThread() - before, "steady-state Add allocates");
                    Check.Eq(expected.Count, reducer.Count, "after Clear");
                    return Check.Result();
                }
            }
            """;

        Assert.Equal("ok", Run("Metrics.Probe", Source));
    }

    [Fact]
    public void BatchReducer_every_aggregate_over_many_types_composite_keys_no_key_and_no_window()
    {
        const string Source = """
            using System;
            using System.Linq;
            using Hotpath;

            public enum Zone { North, South }

            public sealed record Order(string Customer, Zone Zone, int Quantity, long Cents, decimal Price, float Weight, DateTime At, char Grade, Guid Id, int? Shard = null);

            [BatchReducer(typeof(Order))]
            public partial struct CustomerTotals
            {
                [GroupKey] public string Customer;
                [GroupKey(nameof(Order.Zone))] public Zone Region;
                [Count] public int Orders;
                [Sum(nameof(Order.Quantity))] public long Units;
                [Sum(nameof(Order.Quantity))] public int UnitsInt;
                [Sum(nameof(Order.Price))] public decimal Revenue;
                [Sum(nameof(Order.Weight))] public double Weight;
                [Min(nameof(Order.Cents))] public long CheapestCents;
                [Max(nameof(Order.Price))] public decimal DearestPrice;
                [Min(nameof(Order.At))] public DateTime FirstAt;
                [Max(nameof(Order.Grade))] public char BestGrade;
                [Min(nameof(Order.Customer))] public string MinName;
                [Mean(nameof(Order.Quantity))] public double MeanQuantity;
                [Mean(nameof(Order.Weight))] public float MeanWeight;
                [Mean(nameof(Order.Price))] public decimal MeanPrice;
                [First(nameof(Order.Id))] public Guid FirstId;
                [Last(nameof(Order.Id))] public Guid LastId;
                [First(nameof(Order.Quantity))] public int FirstQuantity { get; set; }
                [Last(nameof(Order.Customer))] public string? LastCustomer { get; set; }
            }

            [BatchReducer(typeof(Order))]
            public partial struct Everything
            {
                [Count] public long Rows;
                [Sum(nameof(Order.Cents))] public long Cents;
                [Max(nameof(Order.Zone))] public Zone MaxZone;
            }

            [BatchReducer(typeof(Order))]
            public partial record struct ByDay
            {
                [GroupKey(nameof(Order.Id))] public Guid Id { get; set; }
                [GroupKey(nameof(Order.Quantity))] public int Quantity { get; set; }
                [GroupKey(nameof(Order.Shard))] public int? Shard { get; set; }
                [Count] public long Rows { get; set; }
            }

            public static class Probe
            {
                public static string Run()
                {
                    var random = new Random(5);
                    var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
                    var orders = Enumerable.Range(0, 2000).Select(i => new Order("c" + random.Next(8), (Zone)random.Next(2), random.Next(1, 10), random.Next(-500, 500), random.Next(1, 1000) / 100m,
                        random.Next(0, 100) / 4f, DateTime.UnixEpoch.AddMinutes(random.Next(100000)), (char)('A' + random.Next(5)), ids[random.Next(4)], i % 3 == 0 ? null : i % 2)).ToArray();

                    var reducer = new CustomerTotals.Reducer();
                    reducer.Add(orders);
                    var groups = orders.GroupBy(o => (o.Customer, o.Zone)).ToDictionary(g => g.Key);
                    Check.Eq(groups.Count, reducer.Count, "composite key groups");
                    foreach (var p in reducer.ToArray())
                    {
                        var g = groups[(p.Customer, p.Region)];
                        var what = "group " + p.Customer + "/" + p.Region + ": ";
                        Check.Eq(g.Count(), p.Orders, what + "Count");
                        Check.Eq((long)g.Sum(o => o.Quantity), p.Units, what + "Sum int->long");
                        Check.Eq(g.Sum(o => o.Quantity), p.UnitsInt, what + "Sum int");
                        Check.Eq(g.Sum(o => o.Price), p.Revenue, what + "Sum decimal");
                        Check.True(Math.Abs(g.Sum(o => (double)o.Weight) - p.Weight) < 1e-6, what + "Sum float->double");
                        Check.Eq(g.Min(o => o.Cents), p.CheapestCents, what + "Min long");
                        Check.Eq(g.Max(o => o.Price), p.DearestPrice, what + "Max decimal");
                        Check.Eq(g.Min(o => o.At), p.FirstAt, what + "Min DateTime");
                        Check.Eq(g.Max(o => o.Grade), p.BestGrade, what + "Max char");
                        Check.Eq(p.Customer, p.MinName, what + "Min string");
                        Check.True(Math.Abs(g.Average(o => o.Quantity) - p.MeanQuantity) < 1e-9, what + "Mean int->double");
                        Check.True(Math.Abs(g.Average(o => o.Weight) - p.MeanWeight) < 1e-3, what + "Mean float");
                        Check.Eq(g.Average(o => o.Price), p.MeanPrice, what + "Mean decimal");
                        Check.Eq(g.First().Id, p.FirstId, what + "First");
                        Check.Eq(g.Last().Id, p.LastId, what + "Last");
                        Check.Eq(g.First().Quantity, p.FirstQuantity, what + "First (property)");
                        Check.Eq(g.Last().Customer, p.LastCustomer, what + "Last (property)");
                        if (Check.Failures.Count > 0) break;
                    }

                    var all = new Everything.Reducer();
                    all.Add(orders);
                    var total = all.ToArray();
                    Check.True(total.Length == 1 && total[0].Rows == orders.Length && total[0].Cents == orders.Sum(o => o.Cents) && total[0].MaxZone == orders.Max(o => o.Zone), "no [GroupKey]: one group");
                    var combined = Everything.Combine(in total[0], in total[0]);
                    Check.Eq(2L * orders.Length, combined.Rows, "Combine without keys");

                    var byDay = new ByDay.Reducer();
                    byDay.Add(orders);
                    Check.Eq(orders.Select(o => (o.Id, o.Quantity, o.Shard)).Distinct().Count(), byDay.Count, "record struct with Guid, int and int? keys");
                    return Check.Result();
                }
            }
            """;

        Assert.Equal("ok", Run("Probe", Source));
    }

    [Fact]
    public void BatchReducer_keyword_member_names_and_a_nested_reducer_with_int_timestamps()
    {
        const string Source = """
            using Hotpath;

            namespace Telemetry
            {
                public class Sample
                {
                    public string @event = "";
                    public int @class;
                    public int Seconds;
                    public double @double;
                }

                public static partial class Reports
                {
                    [BatchReducer(typeof(Sample))]
                    public partial struct PerEvent
                    {
                        [GroupKey] public string @event;
                        [GroupKey] public int @class;
                        [Window(10, nameof(Sample.Seconds))] public long @fixed;
                        [Count] public long @int;
                        [Sum(nameof(Sample.@double))] public double @double;
                        [Mean(nameof(Sample.@double))] public double @base;
                        [First(nameof(Sample.@class))] public int @in;
                        [Last(nameof(Sample.@class))] public int @out;
                    }
                }

                public static class Probe
                {
                    public static string Run()
                    {
                        var reducer = new Reports.PerEvent.Reducer();
                        reducer.Add(new Sample { @event = "a", @class = 1, Seconds = 5_000, @double = 1 });
                        reducer.Add(new Sample { @event = "a", @class = 1, Seconds = 9_999, @double = 3 });
                        reducer.Add(new Sample { @event = "b", @class = 1, Seconds = 5_000, @double = 3 });
                        var parts = reducer.ToArray();
                        System.Array.Sort(parts, (x, y) => string.CompareOrdinal(x.@event, y.@event));
                        Check.Eq(2, parts.Length, "groups");
                        Check.True(parts[0].@int == 2 && parts[0].@double == 4 && parts[0].@base == 2 && parts[0].@fixed == 0 && parts[0].@in == 1 && parts[0].@out == 1, "keyword-named members");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("Telemetry.Probe", Source));
    }

    // ---------------------------------------------------------------- [ShardedCache]

    [Fact]
    public void ShardedCache_one_two_and_three_key_parts_and_every_generated_member()
    {
        const string Source = """
            using System;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Hotpath;
            using Hotpath.Caching;

            namespace Cluster
            {
                public enum Kind { Pod, Node, Service }

                public sealed partial class PodState { [CacheKey(0)] public string Namespace = ""; [CacheKey(1)] public string Name = ""; public int Restarts; }

                [ShardedCache(typeof(PodState), Shards = 16, Capacity = 10_000, TimeToLiveSeconds = 300)]
                public sealed partial class PodCache { }

                public sealed class Node { [CacheKey(0)] public int Id { get; set; } public string Label { get; set; } = ""; }

                [ShardedCache(typeof(Node), Capacity = 4)]
                public partial class NodeCache { }

                public sealed record Resource([property: CacheKey(0)] string Tenant, [property: CacheKey(2)] Kind Kind, [property: CacheKey(1)] Guid Uid)
                {
                    public int Version { get; init; }
                }

                [ShardedCache(typeof(Resource), Shards = 4, Capacity = 100, TimeToLiveSeconds = 60)]
                internal sealed partial class ResourceCache { }

                public sealed class ManualTime : TimeProvider
                {
                    public long Ticks = 1_000_000;
                    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
                    public override long GetTimestamp() => Ticks;
                    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(Ticks, TimeSpan.Zero);
                }

                public static class Probe
                {
                    public static string Run()
                    {
                        // DESIGN.md's example, every member, with DESIGN.md's parameter names
                        var pods = new PodCache();
                        Check.True(!pods.TryGet(@namespace: "kube-system", name: "dns", out _), "miss");
                        pods.Set(new PodState { Namespace = "kube-system", Name = "dns", Restarts = 2 });
                        Check.True(pods.TryGet("kube-system", "dns", out var value) && value.Restarts == 2, "hit after Set");
                        Check.True(!pods.TryGet("KUBE-SYSTEM", "dns", out _), "ordinal string keys");
                        PodStateKey seen = default;
                        var created = pods.GetOrAdd("default", "web", key => { seen = key; return new PodState { Namespace = key.Namespace, Name = key.Name }; });
                        Check.True(seen == new PodStateKey("default", "web") && created.Name == "web", "GetOrAdd factory gets the key struct");
                        Check.True(ReferenceEquals(created, pods.GetOrAdd("default", "web", _ => throw new InvalidOperationException())), "GetOrAdd hit");
                        var loads = 0;
                        var gate = new TaskCompletionSource();
                        var tasks = Enumerable.Range(0, 32).Select(_ => Task.Run(() => pods.GetOrAddAsync("default", "api", async (key, ct) =>
                        {
                            Interlocked.Increment(ref loads);
                            await gate.Task;
                            return new PodState { Namespace = key.Namespace, Name = key.Name };
                        }, CancellationToken.None).AsTask())).ToArray();
                        Thread.Sleep(50);
                        gate.SetResult();
                        Task.WaitAll(tasks);
                        Check.Eq(1, loads, "single-flight GetOrAddAsync");
                        Check.True(tasks.All(t => ReferenceEquals(t.Result, tasks[0].Result)), "every waiter sees the one value");
                        Check.Eq(3, pods.Count, "Count");
                        Check.True(pods.Remove("default", "web") && !pods.Remove("default", "web"), "Remove");
                        CacheStatistics stats = pods.Statistics;
                        Check.True(stats.Hits >= 2 && stats.Misses >= 3 && stats.Evictions == 0 && stats.Expirations == 0, "statistics " + stats);
                        pods.Clear();
                        Check.Eq(0, pods.Count, "Clear");
                        var counted = new PodCache();
                        counted.TryGet("a", "b", out _);                                                  // miss
                        counted.Set(new PodState { Namespace = "a", Name = "b" });
                        counted.TryGet("a", "b", out _);                                                  // hit
                        counted.GetOrAdd("a", "c", key => new PodState { Namespace = key.Namespace, Name = key.Name }); // miss
                        counted.GetOrAdd("a", "c", _ => throw new InvalidOperationException());          // hit
                        Check.Eq(new CacheStatistics(2, 2, 0, 0), counted.Statistics, "exact statistics");
                        var key2 = new PodStateKey("a", "b");
                        var (ns, name) = key2;
                        Check.True(ns == "a" && name == "b" && key2.Equals(new PodStateKey("a", "b")) && key2.GetHashCode() == new PodStateKey("a", "b").GetHashCode(), "key struct");

                        // one int key part, a bounded cache
                        var nodes = new NodeCache();
                        for (var i = 0; i < 50; i++) nodes.Set(new Node { Id = i, Label = "n" + i });
                        Check.True(nodes.Count <= 4, "Capacity bound: " + nodes.Count);
                        Check.True(nodes.Statistics.Evictions >= 46, "evictions counted");
                        Check.True(nodes.GetOrAdd(1000, id => new Node { Id = id.Id }).Id == 1000, "one-part GetOrAdd");
                        NodeKey nodeKey = new NodeKey(7);
                        Check.Eq(7, nodeKey.Id, "one-part key struct");

                        // three parts of different types in [CacheKey] order, a TimeProvider through the options constructor
                        var time = new ManualTime();
                        var resources = new ResourceCache(new ShardedCacheOptions { Shards = 2, Capacity = 10, TimeToLive = TimeSpan.FromSeconds(60), TimeProvider = time });
                        var uid = Guid.NewGuid();
                        resources.Set(new Resource("t", Kind.Service, uid) { Version = 3 });
                        Check.True(resources.TryGet("t", uid, Kind.Service, out var resource) && resource.Version == 3, "three-part key in CacheKey order");
                        Check.True(!resources.TryGet("t", uid, Kind.Pod, out _), "enum part compared");
                        time.Ticks += TimeSpan.TicksPerSecond * 61;
                        Check.True(!resources.TryGet("t", uid, Kind.Service, out _), "expired after the time to live");
                        Check.True(resources.Statistics.Expirations >= 1, "expirations counted");
                        var loaded = resources.GetOrAddAsync("u", uid, Kind.Node, static (key, _) => new ValueTask<Resource>(new Resource(key.Tenant, key.Kind, key.Uid))).AsTask().Result;
                        Check.Eq(Kind.Node, loaded.Kind, "three-part GetOrAddAsync");
                        var failed = resources.GetOrAddAsync("x", uid, Kind.Pod, static (_, ct) => ValueTask.FromException<Resource>(new InvalidOperationException("boom")));
                        Check.True(failed.AsTask().Exception?.InnerException is InvalidOperationException && !resources.TryGet("x", uid, Kind.Pod, out _), "a failed loader leaves no entry");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("Cluster.Probe", Source));
    }

    [Fact]
    public void ShardedCache_keyword_member_names_a_struct_value_in_the_global_namespace_and_a_cache_elsewhere()
    {
        const string Source = """
            using System;
            using Hotpath;

            public struct Lease
            {
                [CacheKey(0)] public string @namespace;
                [CacheKey(1)] public int @class;
                [CacheKey(2)] public Guid @event;
                public int Holder;
            }

            namespace App.Caches
            {
                [ShardedCache(typeof(Lease), Shards = 2, Capacity = 16)]
                public partial class LeaseCache { }

                public static class Probe
                {
                    public static string Run()
                    {
                        var cache = new LeaseCache();
                        var id = Guid.NewGuid();
                        cache.Set(new Lease { @namespace = "ns", @class = 2, @event = id, Holder = 9 });
                        Check.True(cache.TryGet(@namespace: "ns", @class: 2, @event: id, out var lease) && lease.Holder == 9, "TryGet with keyword parameter names");
                        var key = new LeaseKey("ns", 2, id);
                        Check.Eq("ns", key.@namespace, "key struct member named after a keyword");
                        Check.True(cache.Remove("ns", 2, id), "Remove");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("App.Caches.Probe", Source));
    }

    // ---------------------------------------------------------------- containing types of every kind

    [Fact]
    public void Every_generator_inside_records_structs_interfaces_and_generic_types()
    {
        const string Source = """
            using System;
            using System.Collections.Generic;
            using Hotpath;

            namespace Shapes
            {
                public enum Wide : ulong { Zero = 0, Top = ulong.MaxValue }
                public enum Tiny : sbyte { Low = sbyte.MinValue, High = sbyte.MaxValue }

                public partial record Host
                {
                    [Pooled] public sealed partial class Item { public int Value = 4; public List<int> Values { get; } = new(); }

                    [Columnar] public partial struct Row { public Wide Wide; public Tiny Tiny; public Wide? MaybeWide; }
                }

                public partial struct Box
                {
                    [Pooled] public sealed partial class Item { public string Text = "t"; }

                    [BatchReducer(typeof(Input))] public partial struct Totals { [GroupKey] public Tiny Tiny; [Window(1, nameof(Input.At))] public long Start; [First(nameof(Input.Value))] public int FirstValue; [Max(nameof(Input.Wide))] public Wide MaxWide; }
                }

                public partial interface IHost
                {
                    [Pooled] public sealed partial class Item { public long Ticks = 1; }
                }

                public partial class Generic<T> where T : struct
                {
                    [Pooled] public sealed partial class Item { public T Value; public List<T> Values = new(); }

                    [ShardedCache(typeof(Value))] public sealed partial class Cache { }

                    [BatchReducer(typeof(Input))] public partial struct PerWide { [GroupKey] public Wide Wide; [Count] public long N; [Mean(nameof(Input.Value))] public double Mean; }
                }

                public sealed class Value { [CacheKey(0)] public Wide Wide { get; set; } [CacheKey(1)] public DateTime At { get; set; } }

                public struct Input { public Tiny Tiny; public ulong At; public int Value; public Wide Wide; }

                [BatchReducer(typeof(Input))]
                public partial record struct Positional([property: GroupKey] Tiny Tiny, [property: Count] long N, [property: Sum(nameof(Input.Value))] long Sum);

                public static class Probe
                {
                    public static string Run()
                    {
                        var a = Host.Item.Pool.Rent(); a.Value = 1; a.Values.Add(1); a.Reset();
                        Check.True(a.Value == 4 && a.Values.Count == 0, "[Pooled] in a record");
                        var b = Box.Item.Pool.Rent(); b.Text = "x"; b.Reset();
                        Check.Eq("t", b.Text, "[Pooled] in a struct");
                        var c = IHost.Item.Pool.Rent(); c.Ticks = 5; c.Reset();
                        Check.Eq(1L, c.Ticks, "[Pooled] in an interface");
                        var d = Generic<int>.Item.Pool.Rent(); d.Value = 3; d.Values.Add(3); d.Reset();
                        Check.True(d.Value == 0 && d.Values.Count == 0, "[Pooled] in a generic class");

                        var rows = Host.Row.Codec.Decode(Host.Row.Codec.Encode(new[] { new Host.Row { Wide = Wide.Top, Tiny = Tiny.Low, MaybeWide = Wide.Top }, new Host.Row { Tiny = Tiny.High } }));
                        Check.True(rows[0].Wide == Wide.Top && rows[0].Tiny == Tiny.Low && rows[0].MaybeWide == Wide.Top && rows[1].Tiny == Tiny.High && rows[1].MaybeWide is null, "ulong and sbyte enums");

                        var totals = new Box.Totals.Reducer();
                        totals.Add(new Input { Tiny = Tiny.Low, At = 1500, Value = 2, Wide = Wide.Top });
                        totals.Add(new Input { Tiny = Tiny.Low, At = 1200, Value = 1, Wide = Wide.Zero });
                        var t = totals.ToArray();
                        Check.True(t.Length == 1 && t[0].Start == 1000 && t[0].FirstValue == 1 && t[0].MaxWide == Wide.Top, "reducer in a struct: window over a ulong source, First by time");

                        var perWide = new Generic<int>.PerWide.Reducer();
                        perWide.Add(new Input { Wide = Wide.Top, Value = 1 });
                        perWide.Add(new Input { Wide = Wide.Top, Value = 2 });
                        Check.Eq(1.5, perWide.ToArray()[0].Mean, "reducer in a generic class");

                        var positional = new Positional.Reducer();
                        positional.Add(new Input { Tiny = Tiny.High, Value = 4 });
                        positional.Add(new Input { Tiny = Tiny.High, Value = 5 });
                        Check.Eq(new Positional(Tiny.High, 2, 9), positional.ToArray()[0], "positional record struct reducer");

                        var cache = new Generic<int>.Cache();
                        cache.Set(new Value { Wide = Wide.Top, At = DateTime.UnixEpoch });
                        Check.True(cache.TryGet(Wide.Top, DateTime.UnixEpoch, out _) && !cache.TryGet(Wide.Zero, DateTime.UnixEpoch, out _), "cache in a generic class with enum and DateTime parts");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("Shapes.Probe", Source));
    }

    // ---------------------------------------------------------------- nullable reference types off

    [Fact]
    public void Every_generator_with_nullable_reference_types_off()
    {
        const string Source = """
            using System.Collections.Generic;
            using Hotpath;

            namespace Oblivious
            {
                [Pooled] public sealed partial class State { public string Name = "x"; public List<string> Items = new List<string>(); public object Tag; }

                [Columnar] public partial struct Row { public string Name; public int? Count; [Dictionary] public string Node; }

                public struct Input { public string Key; public double Value; }

                [BatchReducer(typeof(Input))] public partial struct Totals { [GroupKey] public string Key; [Sum("Value")] public double Sum; [Last("Key")] public string LastKey; }

                public sealed class Item { [CacheKey(0)] public string Name; [CacheKey(1)] public int? Version; }

                [ShardedCache(typeof(Item))] public sealed partial class ItemCache { }

                public static class Probe
                {
                    public static string Run()
                    {
                        var state = State.Pool.Rent();
                        state.Name = null; state.Items.Add("a"); state.Tag = 1;
                        state.Reset();
                        Check.True(state.Name == "x" && state.Items.Count == 0 && state.Tag == null, "pooled");

                        var rows = Row.Codec.Decode(Row.Codec.Encode(new[] { new Row { Name = null, Count = 1, Node = "n" } }));
                        Check.True(rows[0].Name == null && rows[0].Count == 1 && rows[0].Node == "n", "columnar");

                        var reducer = new Totals.Reducer();
                        reducer.Add(new Input { Key = "k", Value = 1 });
                        reducer.Add(new Input { Key = "k", Value = 2 });
                        Check.True(reducer.ToArray()[0].Sum == 3, "reducer");
                        reducer.Add(new Input { Key = null, Value = 5 });
                        reducer.Add(new Input { Key = null, Value = 6 });
                        var nullGroup = System.Array.Find(reducer.ToArray(), p => p.Key == null);
                        Check.True(reducer.Count == 2 && nullGroup.Sum == 11 && Totals.Combine(nullGroup, nullGroup).Sum == 22, "a null string key is a group of its own");

                        var cache = new ItemCache();
                        cache.Set(new Item { Name = null, Version = null });
                        Check.True(cache.TryGet(null, null, out var item) && item != null, "cache with null key parts");
                        return Check.Result();
                    }
                }
            }
            """;

        Assert.Equal("ok", Run("Oblivious.Probe", NullableContextOptions.Disable, Source));
        Assert.Equal("ok", Run("Oblivious.Probe", NullableContextOptions.Enable, "#nullable disable\n" + Source));
    }

    // ---------------------------------------------------------------- HOT001–HOT007 as section 5 words them

    private const string Inputs = """
        public struct Metric { public string Node; public long UnixMs; public double Cpu; }
        public sealed class Pod { [Hotpath.CacheKey(0)] public string Name = ""; }
        public sealed class Unkeyed { public string Name = ""; }
        """;

    public static TheoryData<string, string> InvalidSnippets => new()
    {
        { "HOT001", "[Hotpath.Pooled] public sealed class PodState { public string Name = \"\"; }" },
        { "HOT001", "public class Outer { [Hotpath.Columnar] public partial struct Row { public int X; } }" },
        { "HOT001", "[Hotpath.BatchReducer(typeof(Metric))] public struct NodeMinute { [Hotpath.GroupKey] public string Node; [Hotpath.Count] public long Samples; }" },
        { "HOT001", "[Hotpath.ShardedCache(typeof(Pod))] public sealed class PodCache { }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { public object Payload; }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { public System.Collections.Generic.List<int> Items; }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { public byte[] Bytes; }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { [Hotpath.Quantize(2)] public int Count; }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { [Hotpath.Quantize(2)] public decimal Price; }" },
        { "HOT002", "[Hotpath.Columnar] public partial struct Row { [Hotpath.DeltaOfDelta] public string Name; }" },
        { "HOT003", "[Hotpath.ShardedCache(typeof(Unkeyed))] public sealed partial class UnkeyedCache { }" },
        { "HOT004", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Node; [Hotpath.Sum(nameof(Metric.Node))] public double S; }" },
        { "HOT004", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Node; [Hotpath.Max(\"Missing\")] public double M; }" },
        { "HOT004", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Zone; [Hotpath.Count] public long N; }" },
        { "HOT004", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Node; [Hotpath.Window(60, nameof(Metric.Node))] public long Start; }" },
        { "HOT005", "[Hotpath.Pooled] public sealed partial class P { public P(int x) { } }" },
        { "HOT006", "[Hotpath.Pooled] public sealed partial class P { public readonly System.Random Rng = new(); }" },
        { "HOT006", "[Hotpath.Pooled] public sealed partial class P { public System.Random Rng { get; } = new(); }" },
        { "HOT007", "[Hotpath.Pooled(MaxRetained = 0)] public sealed partial class P { }" },
        { "HOT007", "[Hotpath.Pooled(MaxRetained = 10, Preallocate = 20)] public sealed partial class P { }" },
        { "HOT007", "[Hotpath.ShardedCache(typeof(Pod), Shards = 3)] public sealed partial class C { }" },
        { "HOT007", "[Hotpath.ShardedCache(typeof(Pod), Capacity = 0)] public sealed partial class C { }" },
        { "HOT007", "[Hotpath.ShardedCache(typeof(Pod), TimeToLiveSeconds = -1)] public sealed partial class C { }" },
        { "HOT007", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Node; [Hotpath.Window(0, nameof(Metric.UnixMs))] public long Start; }" },
        { "HOT007", "[Hotpath.BatchReducer(typeof(Metric))] public partial struct R { [Hotpath.GroupKey] public string Node; [Hotpath.Window(-60, nameof(Metric.UnixMs))] public long Start; }" },
    };

    [Theory]
    [MemberData(nameof(InvalidSnippets))]
    public void Each_HOT0xx_rule_is_reported_as_an_error_and_the_type_gets_no_code(string id, string snippet)
    {
        var driver = GeneratorRunner.CreateDriver(new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator());
        var run = GeneratorRunner.Run(driver, TestCompilation.Create(Inputs, snippet));

        var reported = run.Result.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(reported.Length > 0, id + " not reported; got: " + TestCompilation.Format(run.Result.Diagnostics));
        Assert.All(reported, static d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Empty(run.GeneratedSources);
    }

    // ---------------------------------------------------------------- harness

    private static string Run(string probeType, params string[] sources) => Run(probeType, NullableContextOptions.Enable, sources);

    /// <summary>
    /// Compiles <paramref name="sources"/> with every Hotpath generator, fails on a generator diagnostic, a compile
    /// error or a warning that only the generated code brought, then loads the assembly and returns
    /// <c>{probeType}.Run()</c>.
    /// </summary>
    private static string Run(string probeType, NullableContextOptions nullable, params string[] sources)
    {
        var compilation = TestCompilation.Create([.. sources, CheckSource]);
        compilation = compilation.WithOptions(compilation.Options.WithNullableContextOptions(nullable));
        var driver = GeneratorRunner.CreateDriver(new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator());
        var run = GeneratorRunner.Run(driver, compilation);

        Assert.True(run.Result.Diagnostics.IsEmpty, "Generator diagnostics on valid code:" + Environment.NewLine + TestCompilation.Format(run.Result.Diagnostics));
        TestCompilation.AssertNoErrors(run.OutputCompilation);
        var before = compilation.GetDiagnostics().Select(static d => d.ToString()).ToHashSet(StringComparer.Ordinal);
        var broughtByGeneratedCode = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Warning && d.Location.IsInSource && !before.Contains(d.ToString()))
            .ToArray();
        Assert.True(broughtByGeneratedCode.Length == 0, "Warnings brought by generated code:" + Environment.NewLine + TestCompilation.Format(broughtByGeneratedCode));

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);
        try
        {
            return (string)assembly.GetType(probeType, throwOnError: true)!.GetMethod("Run")!.Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return "threw " + e.InnerException;
        }
    }
}
