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
/// is <c>Rows</c> uniformly random values below 2^Width, which the codec stores as frame-of-reference pages of
/// Width bits; the whole block is decoded into rows (checksum, unpacking and the row copy included), 2^20
/// integers an invoke. 2^16 rows stay in the core's caches; 2^20 rows (8 MB of rows, and as much scratch)
/// measure memory bandwidth as much as decoding. Peer: a memcpy of the same rows. ResponseTime_Detail's integer columns (NodeId, Time) are in
/// <see cref="ColumnarDecodeBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Compression")]
public class ColumnarIntegerDecodeBenchmarks
{
    private const int Integers = 1 << 20;
    private Int64Row[] _longs = [];
    private Int64Row[] _longDestination = [];
    private Int32Row[] _ints = [];
    private Int32Row[] _intDestination = [];
    private byte[] _longBlock = [];
    private byte[] _intBlock = [];

    [Params(4, 12, 24)]
    public int Width { get; set; }

    [Params(1 << 16, 1 << 20)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _longs = new Int64Row[Rows];
        _longDestination = new Int64Row[Rows];
        _ints = new Int32Row[Rows];
        _intDestination = new Int32Row[Rows];
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
        Console.WriteLine($"// Width {Width}, {Rows} rows: long block {_longBlock.Length * 8.0 / Rows:F2} bits/value, int block {_intBlock.Length * 8.0 / Rows:F2} bits/value");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Integers, Description = "Hotpath decode long column")]
    public int DecodeLong()
    {
        var total = 0;
        for (var done = 0; done < Integers; done += Rows)
        {
            total += Int64Row.Codec.Decode(_longBlock, _longDestination);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Integers, Description = "Hotpath decode int column")]
    public int DecodeInt()
    {
        var total = 0;
        for (var done = 0; done < Integers; done += Rows)
        {
            total += Int32Row.Codec.Decode(_intBlock, _intDestination);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Integers, Description = "raw long rows (memcpy)")]
    public int CopyLong()
    {
        for (var done = 0; done < Integers; done += Rows)
        {
            _longs.AsSpan().CopyTo(_longDestination);
        }

        return Integers;
    }
}
