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

/// <summary>[Quantize] at every accepted number of decimals, doubles and floats.</summary>
[Columnar]
public partial struct QuantizedRow
{
    [Quantize(0)] public double D0;
    [Quantize(1)] public double D1;
    [Quantize(2)] public double D2;
    [Quantize(3)] public double D3;
    [Quantize(4)] public double D4;
    [Quantize(5)] public double D5;
    [Quantize(6)] public double D6;
    [Quantize(7)] public double D7;
    [Quantize(8)] public double D8;
    [Quantize(9)] public double D9;
    [Quantize(10)] public double D10;
    [Quantize(11)] public double D11;
    [Quantize(12)] public double D12;
    [Quantize(13)] public double D13;
    [Quantize(14)] public double D14;
    [Quantize(15)] public double D15;
    [Quantize(0)] public float F0;
    [Quantize(1)] public float F1;
    [Quantize(2)] public float F2;
    [Quantize(3)] public float F3;
    [Quantize(4)] public float F4;
    [Quantize(5)] public float F5;
    [Quantize(6)] public float F6;
    [Quantize(7)] public float F7;
    [Quantize(8)] public float F8;
    [Quantize(9)] public float F9;
    [Quantize(10)] public float F10;
    [Quantize(11)] public float F11;
    [Quantize(12)] public float F12;
    [Quantize(13)] public float F13;
    [Quantize(14)] public float F14;
    [Quantize(15)] public float F15;
    [Quantize(3)] public double? NullableD3 { get; set; }
    [Quantize(2)] public float? NullableF2 { get; set; }
}

/// <summary>DateOnly, TimeOnly and Half members, plain, nullable and with the encodings they take.</summary>
[Columnar]
public partial struct CalendarRow
{
    public DateOnly Date;
    public TimeOnly Time;
    public Half Level;
    public DateOnly? MaybeDate { get; set; }
    public TimeOnly? MaybeTime { get; set; }
    public Half? MaybeLevel { get; set; }
    [DeltaOfDelta] public DateOnly Day;
    [DeltaOfDelta] public TimeOnly At;
    [RunLength] public Half Setting;
    [RunLength] public DateOnly? Since { get; set; }
}
