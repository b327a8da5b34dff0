using System.Globalization;
using System.Runtime.CompilerServices;
using Hotpath.Compression;
using Xunit.Abstractions;

namespace Hotpath.Tests.Compression;

/// <summary>Integer columns, three of them with the encodings that narrow the modes a page may take.</summary>
[Columnar]
public partial struct IntegerShapesRow
{
    public long A;
    public long B;
    public long C;
    public int D;
    public ulong E;
    [DeltaOfDelta] public long Dod;
    [DeltaOfDelta] public DateTime Stamp;
    [RunLength] public long Runs;
    [RunLength] public PodPhase Phase;
    public DateTime At;
    public long? Maybe { get; set; }
}

/// <summary>Double, float and Half columns, plain, quantized and nullable.</summary>
[Columnar]
public partial struct FloatingShapesRow
{
    public double A;
    public double B;
    public float C;
    public float D;
    [Quantize(2)] public double Rounded;
    [Quantize(1)] public float RoundedFloat;
    public Half Level;
    public double? MaybeDouble { get; set; }
    public float? MaybeFloat { get; set; }
}

/// <summary>String columns: plain or dictionary as it pays, forced dictionary, dictionary with run-length indexes.</summary>
[Columnar]
public partial struct TextShapesRow
{
    public string? A;
    public string? B;
    [Dictionary] public string? Host;
    [RunLength] public string? State;
}

/// <summary>A base class that is not a row itself: its members come first in the derived row's columns.</summary>
public class ReferenceRowBase
{
    public long Id;

    public string? Tag { get; set; }
}

/// <summary>A class row with inherited members.</summary>
[Columnar]
public sealed partial class DerivedReferenceRow : ReferenceRowBase
{
    public double Value;

    public Guid? Key { get; set; }
}

/// <summary>
/// <see cref="ReferenceColumnarReader"/>, written from docs/format.md alone, reads every block the generated codecs
/// write to exactly the values encoded (bit for bit: NaN payloads, -0.0, decimal scales, DateTime's ambiguous-hour
/// flag) and to what the codec's own Decode returns, over row types covering every supported member type and
/// encoding attribute, with random and adversarial data shaped so that every integer mode (0–10, scaled pages,
/// two-stream Rice, escapes, patched exceptions), both double and float page modes (decimal with exceptions, every
/// Chimp flag), float NaN runs, and every string layout (plain, dictionary, front-coded, UTF-16) is met, as the
/// reader's own record of what it read says.
/// </summary>
public sealed class ReferenceReaderTests(ITestOutputHelper output)
{
    private static readonly int[] Counts = [0, 1, 2, 3, 257, 1023, 1024, 1025, 2100];

    private static readonly string[] ExpectedModes =
    [
        "int:0", "int:1", "int:2", "int:3", "int:4", "int:5", "int:6", "int:7", "int:8", "int:9", "int:10",
        "int:scaled", "int:rice-two-streams", "int:rice-escape", "int:patched-exception",
        "double:decimal", "double:chimp", "float:decimal", "float:chimp", "decimal:exception",
        "chimp:flag0", "chimp:flag1", "chimp:flag2", "chimp:flag3", "float:nan-run", "float:nan-run-same",
        "string:dictionary", "string:plain", "string:front-coded", "string:utf16", "padding",
    ];

    private readonly ReferenceColumnarReader _reader = new();
    private int _blocks;

    [Fact]
    public void The_reference_reader_reads_every_block_bit_for_bit_and_meets_every_mode()
    {
        for (var seed = 0; seed < 5; seed++)
        {
            foreach (var count in Counts)
            {
                var random = new Random((seed * 7919) + count);
                Check(IntegerShapesRow.Codec, IntegerRows(count, random), seed);
                Check(FloatingShapesRow.Codec, FloatingRows(count, random), seed);
                Check(TextShapesRow.Codec, TextRows(count, random), seed);
            }

            Check(AllTypes.Codec, AllTypesData.Create(seed == 0 ? 0 : 300 * seed, seed), seed);
            Check(CalendarRow.Codec, ColumnarCalendarTests.Rows(200 * seed, seed), seed);
            Check(MetricSample.Codec, ColumnarRoundTripTests.Metrics(500 * seed, seed), seed);
            Check(NoMembers.Codec, new NoMembers[1000 * seed], seed);
            Check(QuantizedRow.Codec, QuantizedRows(100 * seed, new Random(seed)), seed);
            Check(ClassRow.Codec, Enumerable.Range(0, 50 * seed).Select(i => new ClassRow { Name = i % 3 == 0 ? null : "n" + (i % 7), Count = i % 4 == 0 ? null : i, Value = i / 8.0, Ratio = i * 0.37f }).ToArray(), seed);
            Check(DerivedReferenceRow.Codec, Enumerable.Range(0, 40 * seed).Select(i => new DerivedReferenceRow { Id = i * 3L, Tag = i % 5 == 0 ? null : "t" + (i % 3), Value = Math.Sqrt(i), Key = i % 2 == 0 ? null : Guid.NewGuid() }).ToArray(), seed);
        }

        output.WriteLine($"{_blocks} blocks; modes met: {string.Join(' ', _reader.Modes.Order(StringComparer.Ordinal))}");
        Assert.Empty(ExpectedModes.Except(_reader.Modes));
    }

    /// <summary>Encodes, reads with the reference reader and with the codec, and compares every member's bits.</summary>
    private void Check<T>(IColumnarCodec<T> codec, T[] rows, int seed)
    {
        _blocks++;
        var block = codec.Encode(rows);
        var columns = ReferenceColumnarReader.ColumnsOf(typeof(T));
        var read = _reader.Read(block, columns);
        var decoded = codec.Decode(block);
        Assert.Equal(rows.Length, decoded.Length);
        for (var c = 0; c < columns.Length; c++)
        {
            var column = columns[c];
            Assert.Equal(rows.Length, read[c].Length);
            for (var i = 0; i < rows.Length; i++)
            {
                var actual = Key(read[c][i]);
                if (!Equals(actual, Key(ReferenceColumnarReader.ValueOf(decoded[i]!, column))) ||
                    (column.Decimals < 0 && !Equals(actual, Key(ReferenceColumnarReader.ValueOf(rows[i]!, column)))))
                {
                    Assert.Fail($"{typeof(T).Name}.{column.Name}, seed {seed}, row {i} of {rows.Length}: the reference reader read {actual ?? "null"}, " +
                        $"the codec decoded {Key(ReferenceColumnarReader.ValueOf(decoded[i]!, column)) ?? "null"} from {Key(ReferenceColumnarReader.ValueOf(rows[i]!, column)) ?? "null"}");
                }
            }
        }
    }

    /// <summary>A value that is equal to another only when its bits are.</summary>
    private static object? Key(object? value) => value switch
    {
        double d => BitConverter.DoubleToUInt64Bits(d),
        float f => BitConverter.SingleToUInt32Bits(f),
        Half h => BitConverter.HalfToUInt16Bits(h),
        decimal m => string.Join(' ', decimal.GetBits(m).Select(w => w.ToString("X8", CultureInfo.InvariantCulture))),
        DateTime t => Unsafe.As<DateTime, ulong>(ref t),
        DateTimeOffset o => (o.Ticks, o.Offset),
        _ => value,
    };

    private static IntegerShapesRow[] IntegerRows(int count, Random random)
    {
        var a = Integers(count, random);
        var b = Integers(count, random);
        var c = Integers(count, random);
        var d = Integers(count, random);
        var e = Integers(count, random);
        var dod = Integers(count, random);
        var stamp = Integers(count, random);
        var runs = Integers(count, random);
        var at = Integers(count, random);
        var maybe = Integers(count, random);
        var phaseRun = random.Next(1, 600);
        var rows = new IntegerShapesRow[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new IntegerShapesRow
            {
                A = a[i],
                B = b[i],
                C = c[i],
                D = (int)d[i],
                E = (ulong)e[i],
                Dod = dod[i],
                Stamp = AsDateTime(stamp[i]),
                Runs = runs[i],
                Phase = (PodPhase)(i / phaseRun % 5),
                At = AsDateTime(at[i]),
                Maybe = random.Next(4) == 0 ? null : maybe[i],
            };
        }

        return rows;
    }

    /// <summary>A valid DateTime of any kind (the ambiguous-hour flag too) near the given ticks.</summary>
    private static DateTime AsDateTime(long value)
    {
        var ticks = (ulong)value % (ulong)(DateTime.MaxValue.Ticks + 1);
        var raw = ticks | ((ulong)value >> 62 << 62);
        return Unsafe.As<ulong, DateTime>(ref raw);
    }

    /// <summary>
    /// One column of a shape picked at random: the shapes each integer mode is made for (uniform, sorted with
    /// uniform gaps, a curve with jittered deltas of deltas, peaked noise, random walks, rare large outliers, runs,
    /// gauges that mostly hold still, constants with spikes, series timestamps with jumps back, milliseconds as
    /// ticks) and adversarial ones (the extremes of long, all equal, alternating extremes).
    /// </summary>
    private static long[] Integers(int count, Random random)
    {
        var values = new long[count];
        var shape = random.Next(15);
        var start = random.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
        long value = start, step = random.Next(1, 5000);
        for (var i = 0; i < count; i++)
        {
            values[i] = shape switch
            {
                0 => random.NextInt64(-1_000_000, 1_000_000),
                1 => value += random.Next(1024),
                2 => value += step += random.Next(-512, 512),
                3 => start + Laplace(random, 30),
                4 => value += Laplace(random, 30),
                5 => value += step += Laplace(random, 4),
                6 => value = random.Next(200) == 0 ? random.NextInt64() : value,
                7 => value += random.Next(10) < 8 ? 0 : Laplace(random, 100),
                8 => random.Next(300) == 0 ? random.NextInt64() : start,
                9 => value = i % 97 == 0 ? start + (i % 3 * 5) : value + 1000,
                10 => start - (start % 10_000) + (random.NextInt64(0, 1L << 40) * 10_000),
                11 => random.Next(3) switch { 0 => long.MinValue, 1 => long.MaxValue, _ => random.NextInt64() },
                12 => i % 2 == 0 ? long.MinValue : long.MaxValue,
                13 => start + Laplace(random, 8) + (random.Next(100) == 0 ? random.NextInt64(1L << 40) : 0),
                _ => start,
            };
        }

        return values;
    }

    /// <summary>A two-sided exponential (Laplace) value of the given mean magnitude: deltas of real signals.</summary>
    private static long Laplace(Random random, double scale)
    {
        var magnitude = (long)(-scale * Math.Log(1 - random.NextDouble()));
        return random.Next(2) == 0 ? magnitude : -magnitude;
    }

    private static FloatingShapesRow[] FloatingRows(int count, Random random)
    {
        var a = Doubles(count, random);
        var b = Doubles(count, random);
        var c = Doubles(count, random);
        var d = Doubles(count, random);
        var rounded = Doubles(count, random);
        var roundedFloat = Doubles(count, random);
        var maybeDouble = Doubles(count, random);
        var maybeFloat = Doubles(count, random);
        var nanRun = FloatNan(random);
        var nanPeriod = random.Next(30, 120); // NaN runs that cross page boundaries too
        var rows = new FloatingShapesRow[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new FloatingShapesRow
            {
                A = a[i],
                B = b[i],
                C = (float)c[i],
                D = i % nanPeriod < 20 ? nanRun : i % nanPeriod < 23 ? FloatNan(random) : (float)d[i],
                Rounded = rounded[i],
                RoundedFloat = (float)roundedFloat[i],
                Level = BitConverter.UInt16BitsToHalf((ushort)random.Next(65536)),
                MaybeDouble = random.Next(3) == 0 ? null : maybeDouble[i],
                MaybeFloat = random.Next(3) == 0 ? null : (float)maybeFloat[i],
            };
        }

        return rows;
    }

    private static float FloatNan(Random random) => BitConverter.UInt32BitsToSingle((uint)(random.Next(2) << 31) | 0x7F80_0000u | (uint)random.Next(1, 1 << 23));

    /// <summary>
    /// One column of a shape picked at random: decimals (prices, a walk of cents), full-precision noise, a slowly
    /// moving sensor, integers as doubles, constants, adversarial values (NaN payloads, ±0.0, ±∞, subnormals, the
    /// extremes) alone or sprinkled among decimals.
    /// </summary>
    private static double[] Doubles(int count, Random random)
    {
        var values = new double[count];
        var shape = random.Next(8);
        var walk = Math.Round(random.NextDouble() * 100, 2);
        var sensor = random.NextDouble() * 50;
        for (var i = 0; i < count; i++)
        {
            values[i] = shape switch
            {
                0 => Math.Round(random.NextDouble() * 1000, 2),
                1 => walk = Math.Round(walk + (random.Next(-50, 51) / 100.0), 2),
                2 => random.NextDouble() * Math.Exp(random.Next(-50, 50)),
                3 => sensor += random.Next(8) == 0 ? 0 : random.NextDouble() * 1e-3,
                4 => random.NextInt64(-1L << 40, 1L << 40),
                5 => ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)],
                6 => random.Next(10) == 0 ? ColumnarRoundTripTests.AdversarialDoubles[random.Next(ColumnarRoundTripTests.AdversarialDoubles.Length)] : Math.Round(random.NextDouble() * 100, 1),
                _ => -0.0,
            };
        }

        return values;
    }

    private static TextShapesRow[] TextRows(int count, Random random)
    {
        var a = Strings(count, random);
        var b = Strings(count, random);
        var host = Strings(count, random);
        var state = Strings(count, random);
        var rows = new TextShapesRow[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new TextShapesRow { A = a[i], B = b[i], Host = host[i], State = state[i] };
        }

        return rows;
    }

    private static readonly string?[] Odd = [null, "", "a", "héllo", "日本語", "😀 emoji", "tab\t\0nul", new string('x', 300)];

    /// <summary>
    /// One column of a shape picked at random: node names differing in a suffix, unique Unicode text, a few states,
    /// odd strings (null, empty, emoji, NUL), lone surrogates (UTF-16), all null, all empty.
    /// </summary>
    private static string?[] Strings(int count, Random random)
    {
        var values = new string?[count];
        var shape = random.Next(7);
        var run = random.Next(1, 300);
        for (var i = 0; i < count; i++)
        {
            values[i] = shape switch
            {
                0 => "node-" + random.Next(40).ToString("D4", CultureInfo.InvariantCulture),
                1 => "ünïcødé " + random.NextInt64().ToString(CultureInfo.InvariantCulture) + " 日本",
                2 => (i / run % 3) switch { 0 => "Running", 1 => "Pending", _ => null },
                3 => Odd[random.Next(Odd.Length)],
                4 => random.Next(3) == 0 ? "\uDC00 lone" + random.Next(5).ToString(CultureInfo.InvariantCulture) : "ok",
                5 => null,
                _ => "",
            };
        }

        return values;
    }

    private static QuantizedRow[] QuantizedRows(int count, Random random)
    {
        var rows = new QuantizedRow[count];
        for (var i = 0; i < count; i++)
        {
            var v = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 9));
            rows[i] = new QuantizedRow
            {
                D0 = v, D1 = v, D2 = v, D3 = v, D4 = v, D5 = v, D6 = v, D7 = v, D8 = v, D9 = v, D10 = v, D11 = v, D12 = v, D13 = v, D14 = v, D15 = v,
                F0 = (float)v, F1 = (float)v, F2 = (float)v, F3 = (float)v, F4 = (float)v, F5 = (float)v, F6 = (float)v, F7 = (float)v,
                F8 = (float)v, F9 = (float)v, F10 = (float)v, F11 = (float)v, F12 = (float)v, F13 = (float)v, F14 = (float)v, F15 = (float)v,
                NullableD3 = i % 3 == 0 ? null : v,
                NullableF2 = i % 4 == 0 ? null : (float)v,
            };
        }

        return rows;
    }
}
