namespace Hotpath.Compression;

/// <summary>
/// Thrown when a columnar block is truncated, bit-flipped, foreign (not a Hotpath block) or written for
/// another schema. Derives from <see cref="FormatException"/> (<c>InvalidDataException</c> is sealed).
/// </summary>
public class CorruptBlockException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CorruptBlockException()
        : base("The columnar block is corrupt.")
    {
    }

    /// <summary>Creates the exception with a message saying what was wrong.</summary>
    /// <param name="message">What was wrong with the block.</param>
    public CorruptBlockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the corruption.</summary>
    /// <param name="message">What was wrong with the block.</param>
    /// <param name="innerException">The underlying error.</param>
    public CorruptBlockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
