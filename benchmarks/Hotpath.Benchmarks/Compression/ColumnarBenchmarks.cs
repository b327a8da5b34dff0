using System.Buffers;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;

namespace Hotpath.Benchmarks.Compression;

/// <summary>
/// Encoding a whole real file: Hotpath's [Columnar] codec against raw bytes (a memcpy floor) and
/// System.Text.Json + Brotli (Optimal, SmallestSize) / GZip, in the same run. Sizes (bits per value) are
/// deterministic and reported by tests/Hotpath.Tests/Compression/RealDataSizeTests (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Compression")]
public class ColumnarEncodeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private Dataset _data = null!;
    private byte[] _raw = [];

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    public static IEnumerable<string> Files => Dataset.Available();

    [GlobalSetup]
    public void Setup()
    {
        _data = Dataset.Load(File);
        _raw = new byte[_data.Rows * 64];
    }

    [Benchmark(Baseline = true, Description = "Hotpath [Columnar] encode")]
    public int Hotpath()
    {
        _output.ResetWrittenCount();
        _data.Encode(_output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "raw bytes (memcpy)")]
    public int Raw() => _data.CopyRaw(_raw);

    [Benchmark(Description = "System.Text.Json")]
    public int Json() => _data.SerializeJson().Length;

    [Benchmark(Description = "JSON + Brotli Optimal")]
    public int JsonBrotliOptimal() => Dataset.Brotli(_data.SerializeJson(), CompressionLevel.Optimal).Length;

    [Benchmark(Description = "JSON + Brotli SmallestSize")]
    public int JsonBrotliSmallest() => Dataset.Brotli(_data.SerializeJson(), CompressionLevel.SmallestSize).Length;

    [Benchmark(Description = "JSON + GZip Optimal")]
    public int JsonGZip() => Dataset.GZip(_data.SerializeJson(), CompressionLevel.Optimal).Length;
}

/// <summary>Decoding a whole real file back into rows: Hotpath against the same peers.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Compression")]
public class ColumnarDecodeBenchmarks
{
    private Dataset _data = null!;
    private byte[] _brotli = [];
    private byte[] _gzip = [];
    private byte[] _raw = [];

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    public static IEnumerable<string> Files => Dataset.Available();

    [GlobalSetup]
    public void Setup()
    {
        _data = Dataset.Load(File);
        _brotli = Dataset.Brotli(_data.Json, CompressionLevel.SmallestSize);
        _gzip = Dataset.GZip(_data.Json, CompressionLevel.Optimal);
        _raw = new byte[_data.Rows * 64];
    }

    [Benchmark(Baseline = true, Description = "Hotpath [Columnar] decode")]
    public int Hotpath() => _data.Decode();

    [Benchmark(Description = "raw bytes (memcpy)")]
    public int Raw() => _data.CopyRaw(_raw);

    [Benchmark(Description = "System.Text.Json")]
    public int Json() => _data.DeserializeJson(_data.Json);

    [Benchmark(Description = "Brotli + JSON")]
    public int BrotliJson() => _data.DeserializeJson(Dataset.Decompress(_brotli, brotli: true));

    [Benchmark(Description = "GZip + JSON")]
    public int GZipJson() => _data.DeserializeJson(Dataset.Decompress(_gzip, brotli: false));
}
