using System.Runtime;
using System.Runtime.InteropServices;
using Hotpath.Batching;
using Hotpath.Tests.Shared;

namespace Hotpath.Tests.Batching;

public sealed class StringFoldMemoTests
{
    private const ulong Seed = 0x1234_5678_9abc_def0UL;

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(static i => "node-" + i).ToArray();

    [Fact]
    public void Fold_is_FoldString_for_shared_fresh_null_and_long_strings()
    {
        var memo = new StringFoldMemo(Seed, 64);
        var names = Names(200).Append(string.Empty).Append(new string('x', 100)).ToArray();
        for (var round = 0; round < 3; round++) // the first round misses, later ones hit (or meet a slot's other string)
        {
            foreach (var name in names)
            {
                Assert.Equal(ReducerMath.FoldString(name, Seed), memo.Fold(name));
                Assert.Equal(ReducerMath.FoldString(name, Seed), memo.Fold(new string(name.AsSpan()))); // equal content, another object
            }
        }

        Assert.Equal(ReducerMath.FoldString(null, Seed), memo.Fold(null));
        Assert.NotEqual(ReducerMath.FoldString("node-1", Seed + 1), memo.Fold("node-1")); // the memo's own seed
    }

    [Fact]
    public void Fold_stays_right_after_the_collector_moves_the_strings_and_after_Clear_and_Resize()
    {
        var memo = new StringFoldMemo(Seed, 1024);
        var names = Names(300);
        foreach (var name in names)
        {
            memo.Fold(name);
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true); // strings move: their slots go stale
        foreach (var name in names)
        {
            Assert.Equal(ReducerMath.FoldString(name, Seed), memo.Fold(name));
        }

        memo.Clear();
        Assert.Equal(ReducerMath.FoldString(names[7], Seed), memo.Fold(names[7]));
        memo.Resize(128);
        Assert.Equal(128, memo.Length);
        foreach (var name in names)
        {
            Assert.Equal(ReducerMath.FoldString(name, Seed), memo.Fold(name));
        }
    }

    [Fact]
    public void Pays_while_rows_bring_strings_seen_before_and_not_once_most_are_new_objects()
    {
        // Pinned, one to a slot: strings that other threads' allocations split into far-apart bands can share slots and
        // evict each other row after row (CI saw more than half of a period miss that way); sharing is tested below.
        var memo = new StringFoldMemo(Seed, 4096);
        using var pinned = PinnedStrings.OneToASlot(memo, 250);
        var shared = pinned.Strings;
        for (var chunk = 0; chunk < 50; chunk++)
        {
            for (var i = 0; i < 4096; i++)
            {
                memo.Fold(shared[(i * 7 + chunk) % shared.Length]);
            }

            Assert.True(memo.Pays(4096), $"chunk {chunk}");
        }

        // A new object a row: every fold misses, and the memo says so within one judgement period.
        var said = -1;
        for (var chunk = 0; chunk < 4 && said < 0; chunk++)
        {
            for (var i = 0; i < 1024; i++)
            {
                memo.Fold(new string(shared[i % shared.Length].AsSpan()));
            }

            if (!memo.Pays(1024))
            {
                said = chunk;
            }
        }

        Assert.InRange(said, 0, 3);

        // Clear starts judging afresh: shared strings pay again.
        memo.Clear();
        for (var i = 0; i < 4096; i++)
        {
            memo.Fold(shared[i % shared.Length]);
        }

        Assert.True(memo.Pays(4096));
    }

    [Fact]
    public void A_large_memo_pays_through_the_first_miss_of_each_of_thousands_of_shared_strings()
    {
        // A reducer of 4,096 entries has a memo of 16,384 slots; after a Clear its first rows bring every key string
        // once. 3,000 shared strings in the first 4,096 rows are a warm-up, not strings that are new objects a row.
        // Pinned: a service's key strings are old and stay put, while these are new, and a collection that other
        // tests' allocations set off mid-loop would move them all at once (and every one would miss once more). One to
        // a slot, as in the test above.
        var memo = new StringFoldMemo(Seed, 16_384);
        using var pinned = PinnedStrings.OneToASlot(memo, 3_000);
        var shared = pinned.Strings;
        for (var chunk = 0; chunk < 8; chunk++)
        {
            for (var i = 0; i < 4096; i++)
            {
                memo.Fold(shared[((chunk * 4096) + i) % shared.Length]);
            }

            Assert.True(memo.Pays(4096), $"chunk {chunk}");
        }
    }

    [Fact]
    public void Strings_that_share_a_first_slot_all_stay_and_the_memo_keeps_paying_when_they_take_turns()
    {
        // 3 × 4,096 pinned strings in 4,096 slots: take three that share a first slot and whose second slots are
        // all different (from the first slot and from each other).
        var memo = new StringFoldMemo(Seed, 4096);
        var candidates = Names(3 * 4096);
        var pins = candidates.Select(static s => GCHandle.Alloc(s, GCHandleType.Pinned)).ToArray();
        try
        {
            var sharing = candidates.GroupBy(memo.SlotOf)
                .Select(g => g.Take(3).ToArray())
                .First(g => g.Length == 3 && g.Select(memo.SecondSlotOf).Append(memo.SlotOf(g[0])).Distinct().Count() == 4);
            Assert.Equal(memo.SlotOf(sharing[0]), memo.SlotOf(sharing[2]));
            for (var i = 0; i < 4096; i++)
            {
                var name = sharing[i % 3];
                Assert.Equal(ReducerMath.FoldString(name, Seed), memo.Fold(name));
            }

            // Each missed once (the first round) and then stayed: in its first slot, or in its second after the next
            // one took the first. Direct-mapped, each fold would have evicted the one before and every fold missed.
            Assert.Equal(3, memo.MissesSinceJudgement);
            Assert.True(memo.Pays(4096));
            for (var i = 0; i < 4096; i++)
            {
                Assert.Equal(ReducerMath.FoldString(sharing[i % 3], Seed), memo.Fold(sharing[i % 3]));
            }

            Assert.Equal(0, memo.MissesSinceJudgement);
            Assert.True(memo.Pays(4096));
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Free();
            }
        }
    }

    [Fact]
    public void Clear_lets_go_of_the_strings()
    {
        var memo = new StringFoldMemo(Seed, 256);
        var weak = FoldStringsOnlyTheMemoHolds(ref memo);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Contains(weak, static w => w.IsAlive); // the memo holds them: the check below can fail

        memo.Clear();
        CollectEverything();
        Assert.All(weak, static w => Assert.False(w.IsAlive));
    }

    [Fact]
    public void A_memo_that_stops_paying_lets_go_of_its_strings_at_once()
    {
        // The reducer hashes directly from then on until its Clear: the strings (new objects a row) are dead weight.
        var memo = new StringFoldMemo(Seed, 256);
        var weak = FoldNewStringsUntilTheMemoStopsPaying(ref memo);
        CollectEverything();
        Assert.All(weak, static w => Assert.False(w.IsAlive));
    }

    /// <summary>
    /// <paramref name="count"/> strings pinned where no two map to one slot of <paramref name="memo"/>, chosen from
    /// names allocated until that many slots are taken; the others are let go.
    /// </summary>
    private sealed class PinnedStrings : IDisposable
    {
        private readonly GCHandle[] _pins;

        private PinnedStrings(string[] strings, GCHandle[] pins)
        {
            Strings = strings;
            _pins = pins;
        }

        public string[] Strings { get; }

        public static PinnedStrings OneToASlot(StringFoldMemo memo, int count)
        {
            var strings = new List<string>(count);
            var pins = new List<GCHandle>(count);
            var taken = new HashSet<int>();
            for (var i = 0; strings.Count < count; i++)
            {
                Assert.True(i < memo.Length * 4, "no free slot found");
                var name = "node-" + i;
                var pin = GCHandle.Alloc(name, GCHandleType.Pinned);
                if (taken.Add(memo.SlotOf(name)))
                {
                    strings.Add(name);
                    pins.Add(pin);
                }
                else
                {
                    pin.Free();
                }
            }

            return new PinnedStrings(strings.ToArray(), pins.ToArray());
        }

        public void Dispose()
        {
            foreach (var pin in _pins)
            {
                pin.Free();
            }
        }
    }

    private static void CollectEverything()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] FoldNewStringsUntilTheMemoStopsPaying(ref StringFoldMemo memo)
    {
        var kept = new List<WeakReference>();
        for (var i = 0; i < 4096; i++)
        {
            var name = new string('n', 3) + i;
            memo.Fold(name);
            if (i % 64 == 63)
            {
                kept.Add(new WeakReference(name)); // the last one stays in its slot until the memo lets go
            }
        }

        Assert.False(memo.Pays(4096));
        return kept.ToArray();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] FoldStringsOnlyTheMemoHolds(ref StringFoldMemo memo)
    {
        var names = Enumerable.Range(0, 20).Select(static i => new string('k', 3) + i).ToArray();
        foreach (var name in names)
        {
            memo.Fold(name);
        }

        return names.Select(static n => new WeakReference(n)).ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    [InlineData(96)]
    public void The_length_must_be_a_positive_power_of_two(int length)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StringFoldMemo(Seed, length));
        Assert.Equal("length", error.ParamName);
    }

    [Fact]
    public void A_warm_hit_allocates_nothing()
    {
        var memo = new StringFoldMemo(Seed, 1024);
        var names = Names(100);
        foreach (var name in names)
        {
            memo.Fold(name);
        }

        ulong sum = 0;
        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100_000; i++)
            {
                sum += memo.Fold(names[i % names.Length]);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });
        Assert.NotEqual(0UL, sum);
    }
}
