using Hotpath.Batching;

namespace Hotpath.Tests.Batching;

/// <summary>A key part that is a struct holding a string (hashed and compared through its own equality).</summary>
public readonly record struct ShapeTag(string? Name, int Level);

/// <summary>Rows for the key shapes below: strings of every length (null and empty included), and one key of each other kind.</summary>
public struct ShapeRow
{
    public string? A;
    public string? B;
    public string? C { get; set; }
    public int N;
    public int? MaybeN;
    public Guid Id;
    public PodPhase Phase;
    public long UnixMs;
    public ShapeTag Tag;
    public TouchyTag Touchy;
    public int Value;
}

/// <summary>A key part whose hash code throws for negative values, as a user's GetHashCode may.</summary>
public readonly struct TouchyTag(int value) : IEquatable<TouchyTag>
{
    public int Value { get; } = value;

    public bool Equals(TouchyTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is TouchyTag other && Equals(other);

    public override int GetHashCode() => Value >= 0 ? Value : throw new InvalidOperationException("No hash code for a negative tag.");
}

/// <summary>A string key, then a key whose hash code can throw after the string was hashed.</summary>
[BatchReducer(typeof(ShapeRow))]
public partial struct ShapeTouchy
{
    [GroupKey] public string? A;
    [GroupKey] public TouchyTag Touchy;
    [Count] public long Rows;
}

/// <summary>One string key.</summary>
[BatchReducer(typeof(ShapeRow))]
public partial struct ShapeOneString
{
    [GroupKey] public string? A;
    [Count] public long Rows;
    [Sum(nameof(ShapeRow.Value))] public long Total;
}

/// <summary>Three string keys, one read from a property into a property; members named like the reducer's locals.</summary>
[BatchReducer(typeof(ShapeRow))]
public partial struct ShapeThreeStrings
{
    [GroupKey(nameof(ShapeRow.A))] public string? rest;
    [GroupKey(nameof(ShapeRow.B))] public string? chunk;
    [GroupKey(nameof(ShapeRow.C))] public string? f0 { get; set; }
    [Count] public long Rows;
    [Sum(nameof(ShapeRow.Value))] public long Total;
}

/// <summary>A string between several other keys (an int, an enum, a Guid) and a window.</summary>
[BatchReducer(typeof(ShapeRow))]
public partial struct ShapeStringAndOthers
{
    [GroupKey(nameof(ShapeRow.N))] public int h;
    [GroupKey(nameof(ShapeRow.A))] public string? k0;
    [GroupKey] public PodPhase Phase;
    [GroupKey(nameof(ShapeRow.Id))] public Guid k1;
    [Window(10, nameof(ShapeRow.UnixMs))] public long Start;
    [Count] public long Rows;
    [Sum(nameof(ShapeRow.Value))] public long Total;
}

/// <summary>A nullable key first, then a string key.</summary>
[BatchReducer(typeof(ShapeRow))]
public partial struct ShapeNullableAndString
{
    [GroupKey] public int? MaybeN;
    [GroupKey(nameof(ShapeRow.B))] public string? B;
    [Count] public long Rows;
    [Sum(nameof(ShapeRow.Value))] public long Total;
}

/// <summary>Generic containing types: a struct key holding a string, and two string keys.</summary>
public static partial class ShapeOuter<TOuter>
{
    public partial class Middle
    {
        [BatchReducer(typeof(ShapeRow))]
        public partial struct ShapeTagged
        {
            [GroupKey] public ShapeTag Tag;
            [GroupKey(nameof(ShapeRow.C))] public string? C;
            [GroupKey(nameof(ShapeRow.A))] public string? A;
            [Count] public long Rows;
            [Sum(nameof(ShapeRow.Value))] public long Total;
        }
    }
}

public sealed class ReducerKeyShapeTests
{
    private static readonly string?[] Pool = MakePool();

    private static string?[] MakePool()
    {
        // Every length class of the string hash: null, 0 to 3 chars, 4 to 8, 9 to 16, longer (several 16-byte steps).
        var pool = new List<string?> { null, string.Empty, "a", "ab", "abc" };
        for (var length = 4; length <= 40; length++)
        {
            pool.Add(new string('k', length - 2) + (length % 10));
            pool.Add("z" + new string('k', length - 1));
        }

        return pool.ToArray();
    }

    /// <summary>Random rows whose key strings are shared instances (a few thousand groups at most).</summary>
    private static ShapeRow[] Rows(int seed, int count, int distinct)
    {
        var random = new Random(seed);
        var strings = Enumerable.Range(0, distinct).Select(i => Pool[i % Pool.Length] is { } s ? s + (i / Pool.Length == 0 ? string.Empty : "#" + (i / Pool.Length)) : null).ToArray();
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToArray();
        var rows = new ShapeRow[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = new ShapeRow
            {
                A = strings[random.Next(strings.Length)],
                B = strings[random.Next(Math.Min(strings.Length, 7))],
                C = Pool[random.Next(6)],
                N = random.Next(3),
                MaybeN = random.Next(4) == 0 ? null : random.Next(3),
                Id = ids[random.Next(ids.Length)],
                Phase = (PodPhase)random.Next(2),
                UnixMs = random.Next(-20_000, 20_000),
                Tag = new ShapeTag(Pool[random.Next(4)], random.Next(2)),
                Value = random.Next(-100, 100),
            };
        }

        return rows;
    }

    /// <summary>The same rows with a new string object for every key string (as when each row was parsed).</summary>
    private static ShapeRow[] Fresh(ShapeRow[] rows)
    {
        static string? Copy(string? s) => s is null ? null : new string(s.AsSpan());
        var result = rows.ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            ref var r = ref result[i];
            r.A = Copy(r.A);
            r.B = Copy(r.B);
            r.C = Copy(r.C);
            r.Tag = r.Tag with { Name = Copy(r.Tag.Name) };
        }

        return result;
    }

    public static TheoryData<int, int> Sizes => new()
    {
        { 20_000, 300 }, // a small table: the memos throughout
        { 24_000, 9_000 }, // the table grows past the prefetch threshold mid-span
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_key_shape_groups_alike_through_spans_single_rows_and_Merge(int count, int distinct)
    {
        var shared = Rows(count + distinct, count, distinct);
        var fresh = Fresh(shared);
        var half = count / 2;
        ShapeRow[][] inputs =
        [
            shared,
            fresh,
            [.. shared[..half], .. fresh[half..]], // the memos stop paying mid-way
            [.. fresh[..half], .. shared[half..]],
        ];

        foreach (var rows in inputs)
        {
            Check(rows, static () => new ShapeOneString.Reducer(), static p => (Key(p.A), p.Rows, p.Total));
            Check(rows, static () => new ShapeThreeStrings.Reducer(), static p => (Key(p.rest, p.chunk, p.f0), p.Rows, p.Total));
            Check(rows, static () => new ShapeStringAndOthers.Reducer(), static p => (Key(p.h.ToString(), p.k0, p.Phase.ToString(), p.k1.ToString(), p.Start.ToString()), p.Rows, p.Total));
            Check(rows, static () => new ShapeNullableAndString.Reducer(), static p => (Key(p.MaybeN?.ToString(), p.B), p.Rows, p.Total));
            Check(rows, static () => new ShapeOuter<int>.Middle.ShapeTagged.Reducer(), static p => (Key(p.Tag.Name, p.Tag.Level.ToString(), p.C, p.A), p.Rows, p.Total));
        }
    }

    private static string Key(params string?[] parts) => string.Join("|", parts.Select(static p => p is null ? "<null>" : "\"" + p + "\""));

    private static void Check<TPartial>(ShapeRow[] rows, Func<IBatchReducer<ShapeRow, TPartial>> create, Func<TPartial, (string Key, long Rows, long Total)> project)
    {
        (string Key, long Rows, long Total)[] Result(IBatchReducer<ShapeRow, TPartial> reducer)
        {
            var result = reducer.ToArray().Select(project).OrderBy(static g => g.Key, StringComparer.Ordinal).ToArray();
            Assert.Equal(result.Length, result.Select(static g => g.Key).Distinct().Count()); // no group split in two
            return result;
        }

        var oneByOne = create();
        foreach (ref readonly var row in rows.AsSpan())
        {
            oneByOne.Add(in row);
        }

        var expected = Result(oneByOne);
        Assert.Equal(rows.Length, expected.Sum(static g => g.Rows));

        foreach (var span in new[] { rows.Length, 1_000, 7 })
        {
            var reducer = create();
            for (var round = 0; round < 2; round++) // after Clear: the memos start afresh, the table stays grown
            {
                reducer.Clear();
                for (var start = 0; start < rows.Length; start += span)
                {
                    reducer.Add(rows.AsSpan(start, Math.Min(span, rows.Length - start)));
                }

                Assert.Equal(expected, Result(reducer));
            }

            // Merge hashes directly: the partials of the one-by-one reducer must find the groups spans made.
            foreach (var partial in oneByOne.ToArray())
            {
                reducer.Merge(in partial);
            }

            Assert.Equal(expected.Select(static g => (g.Key, g.Rows * 2, g.Total * 2)), Result(reducer));

            // And rows added one at a time after the spans (direct hash) join the same groups.
            foreach (ref readonly var row in rows.AsSpan())
            {
                reducer.Add(in row);
            }

            Assert.Equal(expected.Select(static g => (g.Key, g.Rows * 3, g.Total * 3)), Result(reducer));
        }
    }

    [Fact]
    public void Clear_lets_go_of_a_key_string_whose_row_threw_before_any_group_was_added()
    {
        // The string is hashed (and remembered) before the other key's GetHashCode throws: no group is added, and
        // Clear must still drop the remembered string.
        var reducer = new ShapeTouchy.Reducer();
        var key = AddAThrowingRow(reducer);
        Assert.Equal(0, reducer.Count);
        reducer.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(key.IsAlive);
        GC.KeepAlive(reducer);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference AddAThrowingRow(ShapeTouchy.Reducer reducer)
    {
        var rows = new[] { new ShapeRow { A = new string('t', 12), Touchy = new TouchyTag(-1) } };
        Assert.Throws<InvalidOperationException>(() => reducer.Add(rows)); // a span: through the memo
        return new WeakReference(rows[0].A);
    }
}
