namespace Hotpath.Caching;

/// <summary>
/// A count-min sketch of 4-bit counters (the TinyLFU frequency filter): four counters per key, packed sixteen
/// to a <see cref="long"/>, estimating how often a key was seen recently. All counters are halved once
/// ten times the capacity's increments have been recorded, so old popularity fades. Not thread-safe: the
/// owning shard calls it under its lock.
/// </summary>
internal sealed class FrequencySketch
{
    private readonly long[] _table;
    private readonly int _mask;
    private readonly int _sampleSize;
    private int _size;

    public FrequencySketch(int capacity)
    {
        var length = 16;
        while (length < capacity)
        {
            length <<= 1;
        }

        _table = new long[length];
        _mask = length - 1;
        _sampleSize = SampleSize(capacity);
    }

    /// <summary>Increments between agings: ten per entry, in <see cref="long"/> and capped (10 × int overflowed above 214,748,364 entries, and a negative size aged on every increment).</summary>
    internal static int SampleSize(int capacity) => (int)Math.Min(int.MaxValue, 10L * Math.Max(capacity, 16));

    /// <summary>The estimated recent frequency of the key with hash <paramref name="hash"/> (0 to 15).</summary>
    public int Frequency(int hash)
    {
        var spread = Spread(hash);
        var start = (int)(spread & 3) << 2;
        var frequency = 15;
        for (var i = 0; i < 4; i++)
        {
            var count = (int)((_table[Index(spread, i)] >> ((start + i) << 2)) & 0xF);
            frequency = Math.Min(frequency, count);
        }

        return frequency;
    }

    /// <summary>Records one occurrence of the key with hash <paramref name="hash"/>.</summary>
    public void Increment(int hash)
    {
        var spread = Spread(hash);
        var start = (int)(spread & 3) << 2;
        var added = false;
        for (var i = 0; i < 4; i++)
        {
            var index = Index(spread, i);
            var offset = (start + i) << 2;
            var mask = 0xFL << offset;
            if ((_table[index] & mask) != mask)
            {
                _table[index] += 1L << offset;
                added = true;
            }
        }

        if (added && ++_size >= _sampleSize)
        {
            Age();
        }
    }

    public void Clear()
    {
        Array.Clear(_table);
        _size = 0;
    }

    private void Age()
    {
        for (var i = 0; i < _table.Length; i++)
        {
            _table[i] = (_table[i] >>> 1) & 0x7777_7777_7777_7777L;
        }

        _size /= 2;
    }

    private static ulong Spread(int hash)
    {
        var x = (ulong)(uint)hash * 0x9E37_79B9_7F4A_7C15UL;
        x ^= x >> 29;
        x *= 0xBF58_476D_1CE4_E5B9UL;
        return x ^ (x >> 32);
    }

    private int Index(ulong spread, int depth)
    {
        var x = (spread + ((ulong)(uint)depth * 0x9E37_79B9_7F4A_7C15UL)) * 0xC2B2_AE3D_27D4_EB4FUL;
        return (int)(x ^ (x >> 31)) & _mask;
    }
}
