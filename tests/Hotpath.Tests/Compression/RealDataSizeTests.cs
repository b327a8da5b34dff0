using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Hotpath.Compression;
using Xunit.Abstractions;

namespace Hotpath.Tests.Compression;

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

/// <summary>
/// Deterministic size report on the real files in ../shared/data/timeseries (skipped with a message when
/// absent): bits per value per column, bytes per row, beside raw binary, JSON + Brotli/GZip. Sizes do not
/// depend on the machine, so this table is what docs/benchmarks.md records under "Compressor".
/// </summary>
public sealed class RealDataSizeTests(ITestOutputHelper output)
{
    [Fact]
    public void Real_files_round_trip_losslessly_and_beat_the_targets()
    {
        var folder = FindData();
        if (folder is null)
        {
            output.WriteLine("SKIPPED: ../shared/data/timeseries not found next to the repository; no real-data sizes measured.");
            return;
        }

        var report = new StringBuilder();
        report.AppendLine("| file | rows | column bits/value (Hotpath) | Hotpath bytes/row | Hotpath | raw binary | CSV | JSON | JSON+Brotli Optimal | JSON+Brotli SmallestSize | JSON+GZip Optimal |");
        report.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        foreach (var name in new[] { "City-temp.csv", "Stocks-USA.csv" })
        {
            var rows = ReadDoubles(Path.Combine(folder, name));
            var block = DoubleRow.Codec.Encode(rows);
            var back = DoubleRow.Codec.Decode(block);
            for (var i = 0; i < rows.Length; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(rows[i].Value), BitConverter.DoubleToInt64Bits(back[i].Value));
            }

            var bits = ColumnBits(block, rows.Length, ["value"]);
            var json = JsonSerializer.SerializeToUtf8Bytes(Array.ConvertAll(rows, r => r.Value));
            var sizes = Row(report, name, rows.Length, bits, block.Length, rows.Length * 8L, new FileInfo(Path.Combine(folder, name)).Length, json);
            if (name == "City-temp.csv")
            {
                // Targets: fewer bits than Gorilla (56.8) and at most an ALP-style coder's 10.7 on this file.
                Assert.True(bits[0].Bits <= 10.7, $"City-temp: {bits[0].Bits:F2} bits per value");
            }

            Assert.True(block.Length < sizes.BrotliSmallest && block.Length < sizes.BrotliOptimal, $"{name}: {block.Length} bytes vs JSON+Brotli {sizes.BrotliOptimal} / {sizes.BrotliSmallest}");
        }

        {
            var rows = ReadResponseTimes(Path.Combine(folder, "ResponseTime_Detail.csv"));
            var block = ResponseTimeRow.Codec.Encode(rows);
            Assert.Equal(rows, ResponseTimeRow.Codec.Decode(block));
            var json = JsonSerializer.SerializeToUtf8Bytes(rows, new JsonSerializerOptions { IncludeFields = true });
            var sizes = Row(report, "ResponseTime_Detail.csv", rows.Length, ColumnBits(block, rows.Length, ["NodeId", "Time", "AvgResponseTime"]), block.Length, rows.Length * 20L, new FileInfo(Path.Combine(folder, "ResponseTime_Detail.csv")).Length, json);
            Assert.True(block.Length < sizes.BrotliSmallest && block.Length < sizes.BrotliOptimal);
        }

        {
            var rows = ReadTraffic(Path.Combine(folder, "SmallInterfaceTraffic_Detail.csv"));
            var block = InterfaceTrafficRow.Codec.Encode(rows);
            Assert.Equal(rows, InterfaceTrafficRow.Codec.Decode(block));
            var json = JsonSerializer.SerializeToUtf8Bytes(rows, new JsonSerializerOptions { IncludeFields = true });
            var sizes = Row(report, "SmallInterfaceTraffic_Detail.csv", rows.Length, ColumnBits(block, rows.Length, ["NodeId", "InterfaceId", "Time", "InAveragebps", "OutAveragebps", "InTotalBytes", "OutTotalBytes"]), block.Length, rows.Length * 48L, new FileInfo(Path.Combine(folder, "SmallInterfaceTraffic_Detail.csv")).Length, json);
            Assert.True(block.Length < sizes.BrotliSmallest && block.Length < sizes.BrotliOptimal);
        }

        output.WriteLine(report.ToString());
    }

    /// <summary>HOTPATH_SIZE_REPORT=1 adds JSON + Brotli SmallestSize (slow) to the table and its assertion.</summary>
    private static bool FullReport => Environment.GetEnvironmentVariable("HOTPATH_SIZE_REPORT") == "1";

    internal static string? FindData()
    {
        var root = typeof(RealDataSizeTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "HotpathRepoRoot")?.Value ?? AppContext.BaseDirectory;
        for (var directory = new DirectoryInfo(root); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "..", "shared", "data", "timeseries");
            if (File.Exists(Path.Combine(candidate, "City-temp.csv")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private (long BrotliSmallest, long BrotliOptimal) Row(StringBuilder report, string name, int rows, List<(string Column, double Bits)> bits, long hotpath, long raw, long csv, byte[] json)
    {
        var brotliOptimal = Compress(json, s => new BrotliStream(s, CompressionLevel.Optimal, leaveOpen: true));
        // Brotli quality 11 takes seconds on these inputs: measured only in the full report run.
        var brotliSmallest = FullReport ? Compress(json, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true)) : long.MaxValue;
        var gzip = Compress(json, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));
        var columns = string.Join(", ", bits.Select(b => $"{b.Column} {b.Bits.ToString("F2", CultureInfo.InvariantCulture)}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rows:N0} | {columns} | {(double)hotpath / rows:F2} | {hotpath:N0} | {raw:N0} | {csv:N0} | {json.Length:N0} | {brotliOptimal:N0} | {(FullReport ? brotliSmallest.ToString("N0", CultureInfo.InvariantCulture) : "(HOTPATH_SIZE_REPORT=1)")} | {gzip:N0} |"));
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {rows:N0} | {columns} | {(double)hotpath / rows:F2} | {hotpath:N0} | {raw:N0} | {csv:N0} | {json.Length:N0} | {brotliOptimal:N0} | {(FullReport ? brotliSmallest.ToString("N0", CultureInfo.InvariantCulture) : "(HOTPATH_SIZE_REPORT=1)")} | {gzip:N0} |");
        return (brotliSmallest, brotliOptimal);
    }

    private static long Compress(byte[] data, Func<Stream, Stream> create)
    {
        using var memory = new MemoryStream();
        using (var compressor = create(memory))
        {
            compressor.Write(data);
        }

        return memory.Length;
    }

    /// <summary>Bits per value of each section, read from the block's section table (docs/format.md).</summary>
    private static List<(string Column, double Bits)> ColumnBits(byte[] block, int rows, string[] names)
    {
        var result = new List<(string, double)>();
        var position = ColumnarBlock.HeaderSize;
        for (var s = 0; s < names.Length; s++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(position + 1));
            result.Add((names[s], length * 8.0 / rows));
            position += ColumnarBlock.SectionHeaderSize + length;
        }

        return result;
    }

    internal static DoubleRow[] ReadDoubles(string path)
    {
        var rows = new List<DoubleRow>();
        foreach (var line in File.ReadLines(path))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                rows.Add(new DoubleRow { Value = double.Parse(line, CultureInfo.InvariantCulture) });
            }
        }

        return [.. rows];
    }

    internal static ResponseTimeRow[] ReadResponseTimes(string path)
    {
        var rows = new List<ResponseTimeRow>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length == 3)
            {
                rows.Add(new ResponseTimeRow
                {
                    NodeId = int.Parse(parts[0], CultureInfo.InvariantCulture),
                    Time = DateTime.ParseExact(parts[1], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                    AvgResponseTime = double.Parse(parts[2], CultureInfo.InvariantCulture),
                });
            }
        }

        return [.. rows];
    }

    internal static InterfaceTrafficRow[] ReadTraffic(string path)
    {
        var rows = new List<InterfaceTrafficRow>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length == 7)
            {
                rows.Add(new InterfaceTrafficRow
                {
                    NodeId = int.Parse(parts[0], CultureInfo.InvariantCulture),
                    InterfaceId = int.Parse(parts[1], CultureInfo.InvariantCulture),
                    Time = DateTime.ParseExact(parts[2], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                    InAveragebps = double.Parse(parts[3], CultureInfo.InvariantCulture),
                    OutAveragebps = double.Parse(parts[4], CultureInfo.InvariantCulture),
                    InTotalBytes = double.Parse(parts[5], CultureInfo.InvariantCulture),
                    OutTotalBytes = double.Parse(parts[6], CultureInfo.InvariantCulture),
                });
            }
        }

        return [.. rows];
    }
}
