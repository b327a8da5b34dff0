using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hotpath.Batching;

/// <summary>
/// Remembers the string part of a generated reducer's key hash (<see cref="ReducerMath.FoldString"/>) per string
/// object, so that a row whose key is a string the reducer has already seen skips hashing its characters: a load and
/// a reference compare instead. Group keys usually are a few shared instances (node and pod names kept by the
/// service), and hashing them was a third of the reducer's time a row. Public for the generated code only.
/// </summary>
/// <remarks>
/// <para>
/// Two slots per string, both from the object's address: the first, a hit's only probe, keeps strings allocated
/// together in neighbouring slots; the second, from the address mixed, is where a string goes when another takes its
/// first slot, so strings from far-apart places that share a first slot (addresses a multiple of the table's span
/// apart) both stay instead of evicting each other row after row. The address is only an index: a string the garbage
/// collector has moved is simply not found, and is folded again. What is remembered is the fold of the string's content, so equal strings
/// that are different objects fold alike whichever path computed it; the memo changes how fast a hash is, never what
/// it is.
/// </para>
/// <para>
/// When rows keep bringing strings it has not seen (a key freshly allocated a row, as when each row was parsed),
/// the memo only costs; <see cref="Pays"/> tells the reducer so after a few thousand rows, and the reducer hashes
/// directly until its next <c>Clear</c>. The memo holds references to key strings, so <see cref="Clear"/> lets go of
/// them as the reducer's own <c>Clear</c> does.
/// </para>
/// <para>A mutable struct: keep it in a field that is not readonly and call it through that field.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct StringFoldMemo
{
    // Judged over at least this many rows, and over at least as many rows as there are slots: a fresh table's first
    // rows miss once per key string, and a memo has four slots per entry, so that warm-up is at most a quarter of a
    // period.
    private const int JudgeEvery = 4096;

    private readonly ulong _seed;
    private Slot[] _slots;
    private int _misses; // since the last judgement
    private int _rows; // since the last judgement
    private bool _written; // since the last Clear: Clear skips an untouched array

    /// <summary>Creates a memo of <paramref name="length"/> slots for strings folded with <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of the key member (the one <see cref="ReducerMath.FoldString"/> would be given).</param>
    /// <param name="length">A power of two (see <see cref="ReducerMath.MemoFor"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not a positive power of two.</exception>
    public StringFoldMemo(ulong seed, int length)
    {
        if (length <= 0 || (length & (length - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The memo length must be a positive power of two.");
        }

        _seed = seed;
        _slots = new Slot[length];
    }

    /// <summary>The number of slots.</summary>
    public readonly int Length => _slots.Length;

    /// <summary><see cref="ReducerMath.FoldString"/> of <paramref name="value"/> with this memo's seed.</summary>
    /// <param name="value">A key string, or null.</param>
    /// <returns>The fold, exactly as <see cref="ReducerMath.FoldString"/> computes it.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Fold(string? value)
    {
        if (value is not null)
        {
            var slots = _slots;
            ref var slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), IndexOf(value, slots.Length));
            if ((object?)slot.Key == value)
            {
                return slot.Fold;
            }

            return Miss(ref slot, value);
        }

        return ReducerMath.FoldString(null, _seed);
    }

    /// <summary>
    /// Counts <paramref name="rows"/> more rows folded through the memo, and tells whether it still pays: false once
    /// more than half of the rows of a judgement period (4,096 rows, or the memo's length if larger) missed. A
    /// reducer that hears false hashes directly until its next <c>Clear</c>, which calls <see cref="Clear"/>; the memo
    /// lets go of its strings as it says false.
    /// </summary>
    /// <param name="rows">Rows folded since the last call.</param>
    /// <returns>Whether to keep using the memo.</returns>
    public bool Pays(int rows)
    {
        var period = Math.Max(JudgeEvery, _slots.Length);
        _rows += rows;
        bool pays;
        if (_rows < period)
        {
            pays = _misses <= period / 2;
        }
        else
        {
            pays = _misses <= _rows / 2;
            _rows = 0;
            _misses = 0;
        }

        if (!pays && _written)
        {
            // The reducer stops using the memo until its Clear: let go of the strings now (new objects a row, most of
            // them, which nothing else holds), not at that Clear.
            Array.Clear(_slots);
            _written = false;
        }

        return pays;
    }

    /// <summary>Forgets every string (letting go of the references) and starts judging afresh.</summary>
    public void Clear()
    {
        if (_written)
        {
            Array.Clear(_slots);
            _written = false;
        }

        _rows = 0;
        _misses = 0;
    }

    /// <summary>Replaces the slots with <paramref name="length"/> empty ones (a reducer that grew).</summary>
    /// <param name="length">A power of two.</param>
    public void Resize(int length)
    {
        this = new StringFoldMemo(_seed, length);
    }

    /// <summary>The slot <paramref name="value"/> maps to while it stays where it is (tests choose strings by it).</summary>
    internal readonly int SlotOf(string value) => (int)IndexOf(value, _slots.Length);

    /// <summary>Folds that missed since the last judgement (for tests).</summary>
    internal readonly int MissesSinceJudgement => _misses;

    /// <summary>The second slot <paramref name="value"/> maps to while it stays where it is (for tests).</summary>
    internal readonly int SecondSlotOf(string value) => (int)SecondIndexOf(value, _slots.Length);

    // The address as a number, only to pick a slot (objects are 8-byte aligned and strings at least 24 bytes), so
    // strings allocated together take neighbouring slots; strings from far-apart places can share one (their second
    // slots then keep them both, see Miss).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint IndexOf(string value, int length) =>
        (nint)(((nuint)Unsafe.As<string, nint>(ref value) >> 4) & (nuint)(uint)(length - 1));

    // The address mixed (Fibonacci hashing: the product's upper half depends on every bit of it), so two strings that
    // share a first slot almost never share a second one too.
    private static nint SecondIndexOf(string value, int length) =>
        (nint)((((ulong)Unsafe.As<string, nint>(ref value) >> 4) * 0x9E37_79B9_7F4A_7C15UL) >> 32) & (nint)(length - 1);

    // Not in the first slot: look in the second; else fold, take the first slot, and move the string it held to that
    // string's second slot (a string whose first slot another took is found there, one probe later).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Miss(ref Slot slot, string value)
    {
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        var length = _slots.Length;
        ref var second = ref Unsafe.Add(ref slots, SecondIndexOf(value, length));
        if ((object?)second.Key == value)
        {
            return second.Fold;
        }

        var fold = ReducerMath.FoldString(value, _seed);
        if (slot.Key is { } evicted)
        {
            ref var home = ref Unsafe.Add(ref slots, SecondIndexOf(evicted, length));
            if (!Unsafe.AreSame(ref home, ref slot))
            {
                home = slot;
            }
        }

        slot.Key = value;
        slot.Fold = fold;
        _written = true;
        _misses++;
        return fold;
    }

    private struct Slot
    {
        public string? Key;
        public ulong Fold;
    }
}
