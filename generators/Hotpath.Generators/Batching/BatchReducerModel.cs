using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Batching;

/// <summary>Everything the emitter needs for one [BatchReducer] struct. Strings, primitives and equatable arrays only.</summary>
/// <param name="Target">Where the generated members go.</param>
/// <param name="InputType">The input row type, fully qualified.</param>
/// <param name="ReducerIsPublic">Whether the nested Reducer is public; internal when the input type is internal and the struct is not.</param>
/// <param name="Members">The attributed members, in declaration order.</param>
/// <param name="WindowSizeMs">The window length in source units (ms), or 0 without a [Window].</param>
/// <param name="HasStructLayout">Whether the struct already declares a StructLayout (then none is emitted).</param>
internal sealed record BatchReducerModel(
    TypeTarget Target,
    string InputType,
    bool ReducerIsPublic,
    EquatableArray<ReducerMember> Members,
    long WindowSizeMs,
    bool HasStructLayout)
{
    /// <summary>The [Window] member, if any.</summary>
    public ReducerMember? Window
    {
        get
        {
            foreach (var member in Members)
            {
                if (member.Role == ReducerRole.Window)
                {
                    return member;
                }
            }

            return null;
        }
    }
}

/// <summary>One attributed member of the aggregate struct.</summary>
/// <param name="Name">The member name as an identifier (<c>@</c>-escaped when a keyword).</param>
/// <param name="Type">The member type, fully qualified.</param>
/// <param name="Role">What it holds.</param>
/// <param name="Source">The input member it reads, as an identifier (null for [Count]).</param>
/// <param name="Kind">How values of <paramref name="Type"/> are added, compared or hashed.</param>
/// <param name="AccumulatorType">For [Mean]: the type of the hidden running sum; otherwise empty.</param>
/// <param name="CheckedTime">For [Window]: the source is unsigned (<c>ulong</c>, <c>nuint</c>), so its conversion to <c>long</c> is checked (a time past long.MaxValue throws instead of wrapping).</param>
/// <param name="ValueType">The type of the member's values, fully qualified: <paramref name="Type"/>, or its <c>T</c> when <paramref name="SkipsNulls"/> and the member is <c>T?</c>.</param>
/// <param name="SkipsNulls">[Sum], [Min], [Max] or [Mean] of a nullable number: null rows are skipped, as LINQ does (a group of nulls only sums to 0 and has no extreme or mean: null).</param>
internal sealed record ReducerMember(
    string Name,
    string Type,
    ReducerRole Role,
    string? Source,
    ValueKind Kind,
    string AccumulatorType,
    bool CheckedTime = false,
    string? ValueType = null,
    bool SkipsNulls = false)
{
    /// <summary>The type of the member's values (<see cref="Type"/> unless it is the nullable of it).</summary>
    public string Value => ValueType ?? Type;

    /// <summary>Whether the member is <c>T?</c> of its values' type.</summary>
    public bool IsNullable => Value != Type;
}

/// <summary>What an attributed member holds.</summary>
internal enum ReducerRole
{
    Key,
    Window,
    Count,
    Sum,
    Min,
    Max,
    Mean,
    First,
    Last,
}

/// <summary>How the generated code treats values of a member's type.</summary>
internal enum ValueKind
{
    /// <summary>Anything else: equality through EqualityComparer&lt;T&gt;.Default.</summary>
    Other,

    /// <summary>Built-in integers: sums and counts are <c>checked</c>.</summary>
    Integer,

    /// <summary><c>double</c>: min/max through ReducerMath (NaN and ±0 rules).</summary>
    Double,

    /// <summary><c>float</c>: as Double.</summary>
    Single,

    /// <summary><c>decimal</c>.</summary>
    Decimal,

    /// <summary><c>Int128</c>, <c>UInt128</c>: sums and counts are <c>checked</c> (their checked operators); hashed through EqualityComparer&lt;T&gt;.Default.</summary>
    WideInteger,

    /// <summary><c>Half</c>: min/max through ReducerMath's <c>float</c> overloads (the NaN and ±0 rules); converts exactly to float and double.</summary>
    Half,

    /// <summary>Ordered with &lt; and &gt; (enums, char).</summary>
    Operator,

    /// <summary><c>string</c>: ordinal equality, hash and order.</summary>
    String,

    /// <summary>Implements IComparable&lt;T&gt;: ordered through Comparer&lt;T&gt;.Default.</summary>
    Comparable,
}
