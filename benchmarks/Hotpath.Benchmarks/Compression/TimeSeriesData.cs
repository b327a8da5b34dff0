using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Hotpath.Compression;

namespace Hotpath.Benchmarks.Compression;

[Columnar]
public partial struct ValueRow
{
    public double Value;
}

[Columnar]
public partial struct ResponseTimeRow
{
    public int NodeId;
    public DateTime Time;
    public double AvgResponseTime;
}

[Columnar]
public partial struct InterfaceTrafficRow
{
    public int NodeId;
    public int InterfaceId;
    public DateTime Time;
    public double InAveragebps;
    public double OutAveragebps;
    public double InTotalBytes;
    public double OutTotalBytes;
}

/// <summary>One real file as rows, with every peer's encoded form prepared once.</summary>
public abstract class Dataset
{
    private static readonly JsonSerializerOptions s_json = new() { IncludeFields = true };

    public static readonly string[] Names = ["City-temp.csv", "Stocks-USA.csv", "ResponseTime_Detail.csv", "SmallInterfaceTraffic_Detail.csv"];

    public abstract int Rows { get; }

    public abstract int Values { get; }

    public abstract byte[] Block { get; }

    public abstract byte[] Json { get; }

    public abstract void Encode(IBufferWriter<byte> output);

    public abstract int Decode();

    public abstract byte[] SerializeJson();

    public abstract int DeserializeJson(ReadOnlySpan<byte> json);

    public abstract int CopyRaw(Span<byte> destination);

    /// <summary>
    /// The real files present, the suites' parameter values. None (with a message) when ../shared/data is absent:
    /// BenchmarkDotNet then has no case to run, so no figure can pass for a real-file one.
    /// </summary>
    public static IEnumerable<string> Available()
    {
        var folder = FindFolder();
        if (folder is null)
        {
            Console.WriteLine("Compression benchmarks SKIPPED: ../shared/data/timeseries not found relative to the repository; no real-file figures measured.");
            return [];
        }

        var present = Names.Where(n => File.Exists(Path.Combine(folder, n))).ToArray();
        foreach (var missing in Names.Except(present))
        {
            Console.WriteLine($"Compression benchmarks: {missing} not found in {folder}; skipped.");
        }

        return present;
    }

    public static Dataset Load(string name)
    {
        var folder = FindFolder() ?? throw new InvalidOperationException("../shared/data/timeseries not found: the real-file suites have nothing to load.");
        var path = Path.Combine(folder, name);
        return name switch
        {
            "ResponseTime_Detail.csv" => new Dataset<ResponseTimeRow>(ReadResponseTimes(path), ResponseTimeRow.Codec, 3),
            "SmallInterfaceTraffic_Detail.csv" => new Dataset<InterfaceTrafficRow>(ReadTraffic(path), InterfaceTrafficRow.Codec, 7),
            _ => new Dataset<ValueRow>(ReadValues(path), ValueRow.Codec, 1),
        };
    }

    public static byte[] Brotli(byte[] data, CompressionLevel level)
    {
        using var memory = new MemoryStream();
        using (var brotli = new BrotliStream(memory, level, leaveOpen: true))
        {
            brotli.Write(data);
        }

        return memory.ToArray();
    }

    public static byte[] GZip(byte[] data, CompressionLevel level)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, level, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return memory.ToArray();
    }

    public static byte[] Decompress(byte[] data, bool brotli)
    {
        using var input = new MemoryStream(data);
        using Stream decompressor = brotli ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    internal static JsonSerializerOptions JsonOptions => s_json;

    private static string? FindFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "..", "shared", "data", "timeseries");
                if (File.Exists(Path.Combine(candidate, "City-temp.csv")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    private static ValueRow[] ReadValues(string path) =>
        File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => new ValueRow { Value = double.Parse(l, CultureInfo.InvariantCulture) }).ToArray();

    private static ResponseTimeRow[] ReadResponseTimes(string path) =>
        File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Where(p => p.Length == 3).Select(p => new ResponseTimeRow
        {
            NodeId = int.Parse(p[0], CultureInfo.InvariantCulture),
            Time = DateTime.ParseExact(p[1], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            AvgResponseTime = double.Parse(p[2], CultureInfo.InvariantCulture),
        }).ToArray();

    private static InterfaceTrafficRow[] ReadTraffic(string path) =>
        File.ReadLines(path).Skip(1).Select(l => l.Split(',')).Where(p => p.Length == 7).Select(p => new InterfaceTrafficRow
        {
            NodeId = int.Parse(p[0], CultureInfo.InvariantCulture),
            InterfaceId = int.Parse(p[1], CultureInfo.InvariantCulture),
            Time = DateTime.ParseExact(p[2], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            InAveragebps = double.Parse(p[3], CultureInfo.InvariantCulture),
            OutAveragebps = double.Parse(p[4], CultureInfo.InvariantCulture),
            InTotalBytes = double.Parse(p[5], CultureInfo.InvariantCulture),
            OutTotalBytes = double.Parse(p[6], CultureInfo.InvariantCulture),
        }).ToArray();
}

public sealed class Dataset<T> : Dataset
    where T : struct
{
    private readonly T[] _rows;
    private readonly T[] _destination;
    private readonly IColumnarCodec<T> _codec;

    public Dataset(T[] rows, IColumnarCodec<T> codec, int columns)
    {
        _rows = rows;
        _destination = new T[rows.Length];
        _codec = codec;
        Values = rows.Length * columns;
        Block = codec.Encode(rows);
        Json = SerializeJson();
    }

    public override int Rows => _rows.Length;

    public override int Values { get; }

    public override byte[] Block { get; }

    public override byte[] Json { get; }

    public override void Encode(IBufferWriter<byte> output) => _codec.Encode(_rows, output);

    public override int Decode() => _codec.Decode(Block, _destination);

    public override byte[] SerializeJson() => JsonSerializer.SerializeToUtf8Bytes(_rows, JsonOptions);

    public override int DeserializeJson(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T[]>(json, JsonOptions)!.Length;

    public override int CopyRaw(Span<byte> destination)
    {
        var bytes = MemoryMarshal.AsBytes(_rows.AsSpan());
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}
