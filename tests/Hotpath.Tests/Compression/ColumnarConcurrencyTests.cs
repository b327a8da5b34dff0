using System.Buffers;

namespace Hotpath.Tests.Compression;

/// <summary>One generated codec instance (a static singleton) shared by threads encoding and decoding at once.</summary>
public sealed class ColumnarConcurrencyTests
{
    [Fact]
    public void Encode_and_Decode_on_one_shared_codec_from_many_threads_match_the_single_threaded_results()
    {
        // Data sets of different sizes and shapes (so each block picks its own adaptive encodings and dictionaries),
        // encoded once on this thread as the reference; then threads encode and decode them interleaved at random.
        var sets = Enumerable.Range(0, 8).Select(i => ColumnarRoundTripTests.Metrics(1 + (i * 997 % 4_000), seed: 100 + i)).ToArray();
        var reference = sets.Select(static rows => MetricSample.Codec.Encode(rows)).ToArray();
        var failures = 0;
        var deadline = DateTime.UtcNow.AddSeconds(1.5);
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var writer = new ArrayBufferWriter<byte>();
            start.SignalAndWait();
            for (var n = 0; n < 400 && DateTime.UtcNow < deadline; n++)
            {
                var i = random.Next(sets.Length);
                writer.ResetWrittenCount();
                MetricSample.Codec.Encode(sets[i], writer);
                if (!writer.WrittenSpan.SequenceEqual(reference[i]))
                {
                    Interlocked.Increment(ref failures);
                }

                var j = random.Next(sets.Length);
                var rows = new MetricSample[MetricSample.Codec.GetRowCount(reference[j])];
                MetricSample.Codec.Decode(reference[j], rows);
                if (!Same(sets[j], rows))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, failures);
    }

    /// <summary>Every column back as the codec promises: lossless bit for bit, Memory quantized to 2 decimals.</summary>
    private static bool Same(MetricSample[] expected, MetricSample[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (e.UnixMs != a.UnixMs || e.Node != a.Node || e.Restarts != a.Restarts || e.Phase != a.Phase ||
                BitConverter.DoubleToInt64Bits(e.Cpu) != BitConverter.DoubleToInt64Bits(a.Cpu) ||
                Hotpath.Compression.ColumnValues.Quantize(e.Memory, 2) != a.Memory)
            {
                return false;
            }
        }

        return true;
    }
}
