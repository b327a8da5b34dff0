namespace Hotpath;

/// <summary>
/// Marks a <c>partial</c> struct as the aggregate of rows of <see cref="InputType"/>. The generator emits a
/// nested <c>Reducer</c> class (<c>Hotpath.Batching.IBatchReducer&lt;TIn, TOut&gt;</c>) and
/// <c>public static T Combine(in T a, in T b)</c>, which is associative and commutative.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class BatchReducerAttribute : Attribute
{
    /// <summary>Aggregates rows of <paramref name="inputType"/>.</summary>
    public BatchReducerAttribute(Type inputType) => InputType = inputType;

    /// <summary>The input row type.</summary>
    public Type InputType { get; }
}

/// <summary>Base of the aggregate attributes: names the input member an aggregate reads.</summary>
public abstract class AggregateAttribute : Attribute
{
    private protected AggregateAttribute(string? source) => Source = source;

    /// <summary>The input member read by this aggregate (<see langword="null"/> for <see cref="CountAttribute"/>).</summary>
    public string? Source { get; }
}

/// <summary>
/// A grouping key: rows with equal keys (and the same window) aggregate together. Copies the input member of
/// the same name, or the one named. Several group keys form a composite key.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GroupKeyAttribute : Attribute
{
    /// <summary>Copies the input member with the same name.</summary>
    public GroupKeyAttribute() { }

    /// <summary>Copies the input member named <paramref name="source"/>.</summary>
    public GroupKeyAttribute(string source) => Source = source;

    /// <summary>The input member copied, or <see langword="null"/> for the member of the same name.</summary>
    public string? Source { get; }
}

/// <summary>
/// Holds the start of a tumbling time window of <see cref="Seconds"/> seconds over the input member
/// <see cref="Source"/> (Unix milliseconds). The start is in the unit of the source member.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class WindowAttribute : Attribute
{
    /// <summary>A window of <paramref name="seconds"/> seconds over <paramref name="source"/> (Unix ms).</summary>
    public WindowAttribute(int seconds, string source)
    {
        Seconds = seconds;
        Source = source;
    }

    /// <summary>Window length in seconds; must be positive.</summary>
    public int Seconds { get; }

    /// <summary>The input member holding the timestamp in Unix milliseconds.</summary>
    public string Source { get; }
}

/// <summary>Counts the rows aggregated.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class CountAttribute : AggregateAttribute
{
    /// <summary>Counts rows.</summary>
    public CountAttribute() : base(null) { }
}

/// <summary>Sums the input member <see cref="AggregateAttribute.Source"/>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SumAttribute : AggregateAttribute
{
    /// <summary>Sums <paramref name="source"/>.</summary>
    public SumAttribute(string source) : base(source) { }
}

/// <summary>Keeps the smallest value of the input member <see cref="AggregateAttribute.Source"/>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MinAttribute : AggregateAttribute
{
    /// <summary>Minimum of <paramref name="source"/>.</summary>
    public MinAttribute(string source) : base(source) { }
}

/// <summary>Keeps the largest value of the input member <see cref="AggregateAttribute.Source"/>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MaxAttribute : AggregateAttribute
{
    /// <summary>Maximum of <paramref name="source"/>.</summary>
    public MaxAttribute(string source) : base(source) { }
}

/// <summary>The exact arithmetic mean of the input member <see cref="AggregateAttribute.Source"/>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MeanAttribute : AggregateAttribute
{
    /// <summary>Mean of <paramref name="source"/>.</summary>
    public MeanAttribute(string source) : base(source) { }
}

/// <summary>The first value of the input member <see cref="AggregateAttribute.Source"/> seen.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FirstAttribute : AggregateAttribute
{
    /// <summary>First value of <paramref name="source"/>.</summary>
    public FirstAttribute(string source) : base(source) { }
}

/// <summary>The last value of the input member <see cref="AggregateAttribute.Source"/> seen.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LastAttribute : AggregateAttribute
{
    /// <summary>Last value of <paramref name="source"/>.</summary>
    public LastAttribute(string source) : base(source) { }
}
