using System.Text;
using Microsoft.Extensions.ObjectPool;

namespace Hotpath.Tests.Pooling;

public enum PodPhase
{
    Unknown,
    Pending,
    Running,
    Failed = -1,
}

public sealed class ContainerState
{
    public string Name = "";
}

/// <summary>Nested [Pooled] member: reset in place.</summary>
[Pooled]
public sealed partial class ResourceUsage
{
    public double CpuCores;
    public long MemoryBytes = 512;
}

/// <summary>The DESIGN.md sample type.</summary>
[Pooled(MaxRetained = 15_000, Preallocate = 10)]
public sealed partial class PodState
{
    public string Namespace = "";
    public PodPhase Phase;
    public List<ContainerState> Containers { get; } = new();
    public ResourceUsage Usage { get; } = new();
    [NoReset] public long Generation;

    partial void OnReset() { Generation++; }
}

/// <summary>A hand-written IResettable member (class and struct).</summary>
public sealed class Counter : IResettable
{
    public int Value;

    public bool TryReset()
    {
        Value = 0;
        return true;
    }
}

public struct StructCounter : IResettable
{
    public int Value;

    public bool TryReset()
    {
        Value = -1; // distinguishable from default: proves TryReset ran on the field itself, not a copy
        return true;
    }
}

/// <summary>One member per reset rule.</summary>
[Pooled(MaxRetained = 8)]
public sealed partial class EveryRule
{
    public int Number = 42;
    public string Text = "hello";
    public double Ratio = 0.5;
    public long Big = 5;
    public PodPhase Phase = PodPhase.Running;
    public PodPhase Failed = PodPhase.Failed;
    public bool Flag = true;
    public char Letter = 'x';
    public decimal Money = 1.25m;
    public int? Maybe = 3;
    public int Plain;
    public string? Name;
    public object? Tag;
    public DateTime When = DateTime.UnixEpoch; // not a constant: back to default
    public string Settable { get; set; } = "prop";
    public readonly List<int> Numbers = new();
    public Dictionary<string, int> Lookup { get; } = new();
    public HashSet<string> Seen { get; } = new();
    public Queue<int> Pending { get; } = new();
    public StringBuilder Builder { get; } = new();
    public ICollection<int> AsInterface { get; } = new List<int>();
    public int[] Buffer = new int[4];
    public readonly byte[] Bytes = new byte[2];
    public ResourceUsage Usage { get; } = new();
    public Counter Counter { get; } = new();
    public StructCounter StructField;
    public StructCounter StructProperty { get; set; }
    [NoReset] public int Untouched = 7;
    [NoReset] public readonly object Gate = new();
    public readonly int Immutable = 9;
    public event EventHandler? Changed;
    [NoReset] public int OnResetCalls;
    [NoReset] public bool ListsWereEmptyWhenOnResetRan;

    public void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    public bool HasChangedHandlers => Changed is not null;

    partial void OnReset()
    {
        OnResetCalls++;
        ListsWereEmptyWhenOnResetRan = Numbers.Count == 0 && Lookup.Count == 0;
    }
}

/// <summary>Inheritance: the derived reset resets the base part too.</summary>
[Pooled]
public partial class BaseState
{
    public int BaseValue = 1;
    public List<int> BaseItems { get; } = new();
    [NoReset] public int BaseOnResetCalls;

    partial void OnReset() => BaseOnResetCalls++;
}

[Pooled(MaxRetained = 4)]
public sealed partial class DerivedState : BaseState
{
    public string DerivedValue = "d";
    public List<int> DerivedItems { get; } = new();
    [NoReset] public int DerivedOnResetCalls;

    partial void OnReset() => DerivedOnResetCalls++;
}

[Pooled]
public abstract partial class AbstractState
{
    public int Shared = 3;
}

[Pooled]
public sealed partial class ConcreteState : AbstractState
{
    public int Own = 4;
}

/// <summary>Generics.</summary>
[Pooled(MaxRetained = 4)]
public sealed partial class Box<T>
{
    public T? Value;
    public List<T> Items { get; } = new();
    public int Count = 1;
}

/// <summary>Nesting.</summary>
public static partial class Outer
{
    public partial class Middle<TKey>
        where TKey : notnull
    {
        [Pooled]
        internal sealed partial class Inner
        {
            public Dictionary<TKey, int> Map { get; } = new();
            public int Value = 11;
        }
    }
}

/// <summary>A private parameterless constructor is enough: the generated Pool lives inside the type.</summary>
[Pooled]
public sealed partial class PrivateConstructor
{
    public int Value;

    private PrivateConstructor()
    {
        Value = 1;
    }

    public static PrivateConstructor Create() => new();
}
