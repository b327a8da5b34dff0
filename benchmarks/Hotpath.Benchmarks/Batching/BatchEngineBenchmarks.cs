using System.Buffers;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Hotpath.Batching;

namespace Hotpath.Benchmarks.Batching;

/// <summary>
/// End-to-end throughput with a no-op handler and one producer: BatchEngine&lt;T&gt; vs a bounded Channel&lt;T&gt; with
/// a hand-written batching consumer (pooled buffer, flush on size or when the channel runs dry). One op pushes
/// <see cref="Items"/> items through and waits until all were handled; divide by the mean time for items/s.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Batching", "Engine")]
public class BatchEngineBenchmarks
{
    public const int Items = 1_000_000;
    private const int BatchSize = 1024;
    private const int Capacity = 65_536;

    private static readonly Func<ReadOnlyMemory<long>, CancellationToken, ValueTask> NoOp = static (_, _) => default;

    [Benchmark(Baseline = true, Description = "Channel<T> + batching loop")]
    public async Task<long> ChannelLoop()
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        var consumer = Task.Run(async () =>
        {
            var buffer = ArrayPool<long>.Shared.Rent(BatchSize);
            long handled = 0;
            var reader = channel.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var count = 0;
                while (count < BatchSize && reader.TryRead(out var item))
                {
                    buffer[count++] = item;
                }

                if (count > 0)
                {
                    await NoOp(new ReadOnlyMemory<long>(buffer, 0, count), CancellationToken.None).ConfigureAwait(false);
                    handled += count;
                }
            }

            ArrayPool<long>.Shared.Return(buffer);
            return handled;
        });

        var writer = channel.Writer;
        for (long i = 0; i < Items; i++)
        {
            if (!writer.TryWrite(i))
            {
                await writer.WriteAsync(i).ConfigureAwait(false);
            }
        }

        writer.Complete();
        return await consumer.ConfigureAwait(false);
    }

    [Benchmark(Description = "Hotpath BatchEngine<T>")]
    public async Task<long> Engine()
    {
        var engine = new BatchEngine<long>(
            new BatchEngineOptions { MaxBatchSize = BatchSize, Capacity = Capacity, MaxDelay = TimeSpan.FromMilliseconds(1), MaxConcurrentBatches = 1 },
            NoOp);
        for (long i = 0; i < Items; i++)
        {
            if (!engine.Post(i))
            {
                await engine.PostAsync(i).ConfigureAwait(false);
            }
        }

        await engine.DisposeAsync().ConfigureAwait(false);
        return engine.DeliveredCount;
    }
}
