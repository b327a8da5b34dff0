using System.Runtime.CompilerServices;

namespace Hotpath.Caching;

/// <summary>
/// An exact counter that many threads increment without sharing a cache line: each thread picks a cell by its
/// managed thread id, cells sit 128 bytes apart (no false sharing, adjacent-line prefetch included), and the
/// sum is read rarely (statistics, metrics).
/// </summary>
internal sealed class StripedCounter
{
    private const int Stride = 16; // longs: 128 bytes
    private readonly long[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        var stripes = 1;
        while (stripes < Environment.ProcessorCount * 2 && stripes < 64)
        {
            stripes <<= 1;
        }

        _mask = stripes - 1;
        _cells = new long[(stripes + 1) * Stride]; // cell i at (i + 1) * Stride: none shares a line with the array header
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment()
    {
        var cell = ((Environment.CurrentManagedThreadId & _mask) + 1) * Stride;
        Interlocked.Increment(ref _cells[cell]);
    }

    public long Sum()
    {
        long sum = 0;
        for (var i = Stride; i < _cells.Length; i += Stride)
        {
            sum += Volatile.Read(ref _cells[i]);
        }

        return sum;
    }
}
