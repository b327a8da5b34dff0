namespace Hotpath;

/// <summary>
/// Marks a <c>partial</c> struct or class whose rows are compressed column by column. The generator emits
/// <c>public static Hotpath.Compression.IColumnarCodec&lt;T&gt; Codec { get; }</c>. Members without an
/// encoding attribute get the best lossless encoding for their type, chosen per block.
/// </summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ColumnarAttribute : Attribute
{
}

/// <summary>Encodes an integer or timestamp member with delta-of-delta coding (regular intervals cost ~1 bit).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DeltaOfDeltaAttribute : Attribute
{
}

/// <summary>Encodes a low-cardinality member (typically a string) as indexes into a per-block dictionary.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DictionaryAttribute : Attribute
{
}

/// <summary>Encodes a member as runs of (value, length): for enums and values that rarely change.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class RunLengthAttribute : Attribute
{
}

/// <summary>
/// Lossy, opt-in: rounds a floating-point member to <see cref="Decimals"/> decimal places before encoding.
/// The only lossy encoding; every other member round-trips bit for bit.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class QuantizeAttribute : Attribute
{
    /// <summary>Keeps <paramref name="decimals"/> decimal places.</summary>
    /// <param name="decimals">Decimal places to keep, 0 to 15.</param>
    public QuantizeAttribute(int decimals) => Decimals = decimals;

    /// <summary>Decimal places kept.</summary>
    public int Decimals { get; }
}
