using System.Diagnostics;
using Hotpath.Compression;
using Hotpath.TestSources;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Hotpath.Tests.Compression;

/// <summary>
/// Mutation fuzzing: only <see cref="CorruptBlockException"/> may escape Decode/GetRowCount. Half the mutants
/// keep a broken checksum (the common case: caught up front); the other half are resealed with a fresh
/// CRC-32C, so the mutation reaches every section parser. Set HOTPATH_FUZZ_ITERATIONS for a longer run.
/// The mutants run on a worker watched for progress, so a decoder hang fails the test naming its mutant.
/// </summary>
public sealed class ColumnarFuzzTests(ITestOutputHelper output)
{
    /// <summary>A mutant decodes in microseconds; this long on one is a hang even on a starved CI core.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Mutated_blocks_only_ever_throw_CorruptBlockException()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("HOTPATH_FUZZ_ITERATIONS"), out var configured) ? configured : 100_000;
        var summary = StallWatchdog.Run<Progress>(progress => RunMutants(iterations, progress), StallLimit, "columnar fuzz");
        output.WriteLine(summary);
    }

    [Fact]
    public void A_mutant_that_never_finishes_fails_the_run_instead_of_stalling_it()
    {
        using var release = new ManualResetEventSlim();
        var mutant = new byte[] { 0x48, 0x50, 0x43, 0x42 };
        try
        {
            var failure = Assert.Throws<FailException>(() => StallWatchdog.Run<Progress>(
                progress =>
                {
                    progress.Start(7, 2, mutant);
                    release.Wait(); // stands in for a decoder that loops forever
                    return "finished";
                },
                TimeSpan.FromMilliseconds(300),
                "columnar fuzz"));
            Assert.Contains("iteration 7 (seed 2)", failure.Message, StringComparison.Ordinal);
            Assert.Contains("48504342", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            release.Set(); // let the abandoned worker end
        }
    }

    /// <summary>What the worker is decoding, read by the watchdog.</summary>
    private sealed class Progress : WatchedProgress
    {
        private int _iteration;
        private int _seed;
        private byte[] _mutant = [];

        public void Start(int iteration, int seed, byte[] mutant)
        {
            _iteration = iteration;
            _seed = seed;
            _mutant = mutant;
            Advance();
        }

        public override string Describe() => $"iteration {_iteration} (seed {_seed})\nBlock: {Convert.ToHexString(_mutant)}";
    }

    private static string RunMutants(int iterations, Progress progress)
    {
        var seeds = new[]
        {
            MetricSample.Codec.Encode(ColumnarRoundTripTests.Metrics(40, seed: 21)),
            AllTypes.Codec.Encode(AllTypesData.Create(12, seed: 22)),
            ClassRow.Codec.Encode([new ClassRow { Name = "α", Count = 3, Value = 0.5, Ratio = 2f }, new ClassRow()]),
            NoMembers.Codec.Encode(new NoMembers[3000]),
            MetricSample.Codec.Encode(ColumnarRoundTripTests.Metrics(300, seed: 23)), // Rice pages of 256+ codes: two streams
            CalendarRow.Codec.Encode(ColumnarCalendarTests.Rows(48, seed: 24)), // DateOnly, TimeOnly, Half, their nullable forms and encodings
        };
        var random = new Random(12345);
        var metrics = new MetricSample[64];
        var all = new AllTypes[64];
        var classes = new ClassRow[64];
        var empty = new NoMembers[4096];
        var longer = new MetricSample[512];
        var calendar = new CalendarRow[64];
        var calendarRangeChecks = 0;
        var stopwatch = Stopwatch.StartNew();
        var decodedAnyway = 0;
        var perSeed = new long[seeds.Length * 2];
        for (var i = 0; i < iterations; i++)
        {
            var which = i % seeds.Length;
            var started = Stopwatch.GetTimestamp();
            var mutant = Mutate(seeds[which], random);
            if (((i / seeds.Length) & 1) == 1)
            {
                ColumnarCorruptionTests.Reseal(mutant);
            }

            progress.Start(i, which, mutant);

            try
            {
                _ = which switch
                {
                    0 => MetricSample.Codec.GetRowCount(mutant) + MetricSample.Codec.Decode(mutant, metrics),
                    1 => AllTypes.Codec.GetRowCount(mutant) + AllTypes.Codec.Decode(mutant, all),
                    2 => ClassRow.Codec.GetRowCount(mutant) + ClassRow.Codec.Decode(mutant, classes),
                    3 => NoMembers.Codec.GetRowCount(mutant) + NoMembers.Codec.Decode(mutant, empty),
                    4 => MetricSample.Codec.GetRowCount(mutant) + MetricSample.Codec.Decode(mutant, longer),
                    _ => CalendarRow.Codec.GetRowCount(mutant) + CalendarRow.Codec.Decode(mutant, calendar),
                };
                decodedAnyway++; // a resealed mutant can be a different valid block (e.g. a flipped value bit)
            }
            catch (CorruptBlockException ex)
            {
                if (ex.Message.Contains("A DateOnly column", StringComparison.Ordinal) || ex.Message.Contains("A TimeOnly column", StringComparison.Ordinal) ||
                    ex.Message.Contains("A Half column", StringComparison.Ordinal))
                {
                    calendarRangeChecks++; // a resealed mutant reached a calendar column's values
                }
            }
            catch (ArgumentException) when (mutant.Length > 0 && IsOnlyTooSmall(which, mutant))
            {
                // A resealed mutant may validly claim more rows than the fixed destination holds.
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i} (seed {which}) threw {ex.GetType().Name}: {ex.Message}\nBlock: {Convert.ToHexString(mutant)}\n{ex}");
            }

            perSeed[(which * 2) + ((i / seeds.Length) & 1)] += Stopwatch.GetTimestamp() - started;
        }

        // The DateOnly, TimeOnly and Half columns' own range checks are reached, not only the checksum and headers.
        Assert.True(iterations < 10_000 || calendarRangeChecks > 0, $"No mutant reached a DateOnly, TimeOnly or Half column's range check in {iterations} iterations.");
        return $"{iterations} mutants in {stopwatch.ElapsedMilliseconds} ms; {decodedAnyway} decoded as other valid blocks; {calendarRangeChecks} stopped by a calendar column's range check; " +
               $"ticks per seed/resealed: {string.Join(", ", perSeed)}";
    }

    private static bool IsOnlyTooSmall(int which, byte[] mutant)
    {
        var count = which switch
        {
            0 or 4 => MetricSample.Codec.GetRowCount(mutant),
            1 => AllTypes.Codec.GetRowCount(mutant),
            2 => ClassRow.Codec.GetRowCount(mutant),
            3 => NoMembers.Codec.GetRowCount(mutant),
            _ => CalendarRow.Codec.GetRowCount(mutant),
        };
        return count > which switch { 3 => 4096, 4 => 512, _ => 64 };
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var block = seed.ToArray();
        switch (random.Next(6))
        {
            case 0: // flip 1 to 4 bits
                for (var f = random.Next(1, 5); f > 0; f--)
                {
                    var bit = random.Next(block.Length * 8);
                    block[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return block;
            case 1: // overwrite a byte
                block[random.Next(block.Length)] = (byte)random.Next(256);
                return block;
            case 2: // truncate
                return block.AsSpan(0, random.Next(block.Length)).ToArray();
            case 3: // a random run of bytes
            {
                var start = random.Next(block.Length);
                random.NextBytes(block.AsSpan(start, Math.Min(block.Length - start, random.Next(1, 16))));
                return block;
            }

            case 4: // insert bytes
            {
                var at = random.Next(block.Length);
                var extra = new byte[random.Next(1, 8)];
                random.NextBytes(extra);
                return [.. block.AsSpan(0, at), .. extra, .. block.AsSpan(at)];
            }

            default: // 0x00 / 0xFF in a header-ish place (counts, lengths, widths)
                block[random.Next(Math.Min(block.Length, 64))] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                return block;
        }
    }
}
