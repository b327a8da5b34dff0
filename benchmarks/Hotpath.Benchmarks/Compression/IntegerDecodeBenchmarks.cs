using BenchmarkDotNet.Attributes;
using Hotpath.Compression;

namespace Hotpath.Benchmarks.Compression;

[Columnar]
public partial struct Int64Row
{
    public long Value;
}

[Columnar]
public partial struct Int32Row
{
    public int Value;
}

/// <summary>
/// Decode throughput of bit-packed integers (target: at least 1 G integers/s on one core). Each operation
/// is one integer (<c>OperationsPerInvoke</c>), so Mean is nanoseconds per integer: 1 ns = 1 G/s. The column
/// is 2^20 uniformly random values below 2^Width, which the codec stores as frame-of-reference pages of
/// Width bits; the whole block is decoded into rows (checksum, unpacking and the row copy included). Peer:
/// a memcpy of the same rows. ResponseTime_Detail's integer columns (NodeId, Time) are in
/// <see cref="ColumnarDecodeBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Compression")]
public class ColumnarIntegerDecodeBenchmarks
{
    private const int Rows = 1 << 20;
    private readonly Int64Row[] _longs = new Int64Row[Rows];
    private readonly Int64Row[] _longDestination = new Int64Row[Rows];
    private readonly Int32Row[] _ints = new Int32Row[Rows];
    private readonly Int32Row[] _intDestination = new Int32Row[Rows];
    private byte[] _longBlock = [];
    private byte[] _intBlock = [];

    [Params(4, 12, 24)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Width);
        for (var i = 0; i < Rows; i++)
        {
            var value = random.NextInt64(1L << Width);
            value |= (i & 1023) == 0 ? (1L << Width) - 1 : 0; // every page spans the full width
            _longs[i].Value = value;
            _ints[i].Value = (int)value;
        }

        _longBlock = Int64Row.Codec.Encode(_longs);
        _intBlock = Int32Row.Codec.Encode(_ints);
        Console.WriteLine($"// Width {Width}: long block {_longBlock.Length * 8.0 / Rows:F2} bits/value, int block {_intBlock.Length * 8.0 / Rows:F2} bits/value");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "Hotpath decode long column")]
    public int DecodeLong() => Int64Row.Codec.Decode(_longBlock, _longDestination);

    [Benchmark(OperationsPerInvoke = Rows, Description = "Hotpath decode int column")]
    public int DecodeInt() => Int32Row.Codec.Decode(_intBlock, _intDestination);

    [Benchmark(OperationsPerInvoke = Rows, Description = "raw long rows (memcpy)")]
    public int CopyLong()
    {
        _longs.AsSpan().CopyTo(_longDestination);
        return Rows;
    }
}
