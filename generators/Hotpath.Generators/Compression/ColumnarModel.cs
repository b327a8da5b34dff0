using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Compression;

/// <summary>What a member is stored as; decides its physical columns and conversions.</summary>
internal enum ColumnKind
{
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    IntPtr,
    UIntPtr,
    Int128,
    UInt128,
    Char,
    Boolean,
    Enum,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    Guid,
    Decimal,
    Double,
    Single,
    String,
    DateOnly,
    TimeOnly,
    Half,
}

/// <summary>The member's encoding attribute (mirrors Hotpath.Compression.ColumnEncoding).</summary>
internal enum MemberEncoding
{
    Auto = 0,
    DeltaOfDelta = 1,
    Dictionary = 2,
    RunLength = 3,
}

/// <summary>One encodable member of a [Columnar] type.</summary>
/// <param name="Name">Member name as written (escaped if a keyword).</param>
/// <param name="TypeName">Fully qualified name of the member's value type (the underlying type for nullables).</param>
/// <param name="Kind">How it is stored.</param>
/// <param name="IsNullable">A <c>Nullable&lt;T&gt;</c> member: stored as a presence column plus the non-null values.</param>
/// <param name="IsProperty">A property (struct rows read it through a ref to avoid a defensive copy).</param>
/// <param name="Encoding">The encoding attribute.</param>
/// <param name="QuantizeDecimals">Decimal places kept by [Quantize], or -1.</param>
internal sealed record ColumnarMember(
    string Name,
    string TypeName,
    ColumnKind Kind,
    bool IsNullable,
    bool IsProperty,
    MemberEncoding Encoding,
    int QuantizeDecimals);

/// <summary>A valid [Columnar] type: where to emit, its members (base classes' first) and its schema fingerprint.</summary>
/// <param name="Target">Where the codec goes.</param>
/// <param name="Fingerprint">The schema's fingerprint (<see cref="ColumnarParser.Fingerprint"/>).</param>
/// <param name="Members">The columns: inherited members first, outermost base first, each type in declaration order.</param>
/// <param name="RefReadonlyArguments">
/// The code is compiled as C# 12 or later, so struct rows' properties can be read through
/// <c>Unsafe.AsRef(in row)</c> (a <c>ref readonly</c> parameter since .NET 8: CS8936 before C# 12).
/// </param>
/// <param name="HidesInheritedCodec">A base class has a <c>Codec</c> (e.g. a [Columnar] base): the generated one is declared <c>new</c>.</param>
internal sealed record ColumnarModel(
    TypeTarget Target,
    ulong Fingerprint,
    EquatableArray<ColumnarMember> Members,
    bool RefReadonlyArguments,
    bool HidesInheritedCodec);
