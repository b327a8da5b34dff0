namespace Hotpath;

/// <summary>Settings of a <see cref="Pool{T}"/>.</summary>
public sealed class PoolOptions
{
    /// <summary>The default <see cref="MaxRetained"/>: 1024.</summary>
    public const int DefaultMaxRetained = 1024;

    /// <summary>The most instances the pool keeps; returns beyond it are dropped. Must be positive.</summary>
    public int MaxRetained { get; set; } = DefaultMaxRetained;

    /// <summary>How many instances the pool creates up front, between 0 and <see cref="MaxRetained"/>.</summary>
    public int Preallocate { get; set; }

    /// <summary>
    /// An optional name, published as the <c>pool</c> tag of the pool's metrics (the <c>type</c> tag always
    /// carries the pooled type's name).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// When <see langword="true"/>, returning an instance that is already in the pool throws
    /// <see cref="InvalidOperationException"/>. Costs a table lookup per rent and return, so it is meant for
    /// debug builds and tests. Also enabled for every pool by the <c>Hotpath.Pool.DetectDoubleReturn</c>
    /// <see cref="AppContext"/> switch, and by the generated <c>Pool</c> properties of a build that defines
    /// the <c>HOTPATH_POOL_DEBUG</c> symbol.
    /// </summary>
    public bool DetectDoubleReturn { get; set; }
}
