using System.Runtime.CompilerServices;

namespace Hotpath.Compression;

// Fixed-size scratch on the stack without stackalloc. The JIT cannot move a method that has loops and a stackalloc
// to tier 1 (on-stack replacement does not support stackalloc), so it compiles such a method once, optimised but
// without tier 1's profile data and its static readonly constants, and the method stays so; a local of one of these
// types leaves tiering alone. (Variable-size scratch in such methods comes from the caller instead.)

/// <summary>Four elements of scratch.</summary>
[InlineArray(4)]
internal struct Scratch4<T>
{
    private T _first;
}

/// <summary>Eight elements of scratch.</summary>
[InlineArray(8)]
internal struct Scratch8<T>
{
    private T _first;
}

/// <summary>Sixteen elements of scratch.</summary>
[InlineArray(16)]
internal struct Scratch16<T>
{
    private T _first;
}

/// <summary>Thirty-two elements of scratch.</summary>
[InlineArray(32)]
internal struct Scratch32<T>
{
    private T _first;
}

/// <summary>Sixty-five elements of scratch: a histogram of bit lengths 0 to 64.</summary>
[InlineArray(65)]
internal struct Scratch65<T>
{
    private T _first;
}

/// <summary>256 elements of scratch.</summary>
[InlineArray(256)]
internal struct Scratch256<T>
{
    private T _first;
}
