namespace Hotpath.Tests.Compression;

public enum PodPhase : byte
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

public enum BigFlags : ulong
{
    None = 0,
    Top = 1UL << 63,
}

/// <summary>DESIGN.md's example.</summary>
[Columnar]
public partial struct MetricSample
{
    [DeltaOfDelta] public long UnixMs;
    [Dictionary] public string Node;
    public double Cpu;
    [Quantize(2)] public double Memory;
    public int Restarts;
    [RunLength] public PodPhase Phase;
}

/// <summary>Every supported member type, as fields and properties, plain and nullable.</summary>
[Columnar]
public partial struct AllTypes
{
    public sbyte SByte;
    public byte Byte;
    public short Int16;
    public ushort UInt16;
    public int Int32;
    public uint UInt32;
    public long Int64;
    public ulong UInt64;
    public nint IntPtr;
    public nuint UIntPtr;
    public Int128 Int128;
    public UInt128 UInt128;
    public char Char;
    public bool Bool;
    public PodPhase Phase;
    public BigFlags Flags;
    public DateTime DateTime;
    public DateTimeOffset DateTimeOffset;
    public TimeSpan TimeSpan;
    public Guid Guid;
    public decimal Decimal;
    public double Double;
    public float Single;
    public string? String;

    public sbyte? NullableSByte { get; set; }
    public byte? NullableByte { get; set; }
    public short? NullableInt16 { get; set; }
    public ushort? NullableUInt16 { get; set; }
    public int? NullableInt32 { get; set; }
    public uint? NullableUInt32 { get; set; }
    public long? NullableInt64 { get; set; }
    public ulong? NullableUInt64 { get; set; }
    public nint? NullableIntPtr { get; set; }
    public nuint? NullableUIntPtr { get; set; }
    public Int128? NullableInt128 { get; set; }
    public UInt128? NullableUInt128 { get; set; }
    public char? NullableChar { get; set; }
    public double? NullableDouble { get; set; }
    public float? NullableSingle { get; set; }
    public bool? NullableBool { get; set; }
    public decimal? NullableDecimal { get; set; }
    public Guid? NullableGuid { get; set; }
    public DateTime? NullableDateTime { get; set; }
    public DateTimeOffset? NullableDateTimeOffset { get; set; }
    public TimeSpan? NullableTimeSpan { get; set; }
    public PodPhase? NullablePhase { get; set; }
    public BigFlags? NullableFlags { get; set; }

    [DeltaOfDelta] public DateTime Timestamp { get; set; }
    [RunLength] public string? Label { get; set; }

    public readonly int Computed => Int32 + 1; // derived: not stored
}

/// <summary>A class row with properties.</summary>
[Columnar]
public sealed partial class ClassRow
{
    public string? Name { get; set; }
    public int? Count { get; set; }
    public double Value;
    [Quantize(1)] public float Ratio { get; set; }
}

/// <summary>No members at all.</summary>
[Columnar]
public partial struct NoMembers
{
}

/// <summary>A single double column, for the real-data and float-coder tests.</summary>
[Columnar]
public partial struct DoubleRow
{
    public double Value;
}

/// <summary><see cref="DoubleRow"/>'s shape under another member name: another schema.</summary>
[Columnar]
public partial struct AmountRow
{
    public double Amount;
}

/// <summary><see cref="DoubleRow"/>'s members under another type name: the same schema.</summary>
[Columnar]
public partial struct RenamedDoubleRow
{
    public double Value;
}
