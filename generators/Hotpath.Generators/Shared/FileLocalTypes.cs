using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// File-local types (<c>file class X</c>) can be named only in the file that declares them, and generated code is
/// always another file: it can neither extend such a type (HOT001) nor name one (HOT002/HOT003/HOT004).
/// </summary>
internal static class FileLocalTypes
{
    /// <summary>
    /// The file-local type that keeps <paramref name="type"/> from being named in another file (itself, a type it nests
    /// in, an element or a type argument), or <see langword="null"/>.
    /// </summary>
    public static INamedTypeSymbol? Find(ITypeSymbol type) => TypeParts.First(type, static part => part.IsFileLocal);
}
