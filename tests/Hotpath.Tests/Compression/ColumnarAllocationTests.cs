using Hotpath.Tests.Shared;
using System.Buffers;

namespace Hotpath.Tests.Compression;

/// <summary>
/// Runs alone: the shared ArrayPool and StringPool are process-wide, and tests running beside this one churn
/// them (evicting the pooled strings and arrays this test warmed up), which would count their refills here.
/// </summary>
[CollectionDefinition(nameof(ColumnarAllocationTests), DisableParallelization = true)]
public sealed class ColumnarAllocationCollection
{
}

[Collection(nameof(ColumnarAllocationTests))]
public sealed class ColumnarAllocationTests
{
    [Fact]
    public void Warm_encode_and_decode_allocate_nothing_beyond_the_output()
    {
        var metrics = ColumnarRoundTripTests.Metrics(5_000, seed: 31);
        var all = AllTypesData.Create(2_000, seed: 32);
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var metricRows = new MetricSample[metrics.Length];
        var allRows = new AllTypes[all.Length];

        void RoundTrip()
        {
            output.ResetWrittenCount();
            MetricSample.Codec.Encode(metrics, output);
            var metricLength = output.WrittenCount;
            AllTypes.Codec.Encode(all, output);
            MetricSample.Codec.Decode(output.WrittenSpan.Slice(0, metricLength), metricRows);
            AllTypes.Codec.Decode(output.WrittenSpan.Slice(metricLength), allRows);
        }

        for (var i = 0; i < 3; i++)
        {
            RoundTrip(); // warm: JIT, pooled buffers, the string pool
        }

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                RoundTrip();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
        Assert.Equal(metrics[^1].UnixMs, metricRows[^1].UnixMs);
        Assert.Equal(all[^1].Guid, allRows[^1].Guid);
    }
}
