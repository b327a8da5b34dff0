using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Type identity as C# sees it in a signature (overloading, hiding, overriding) and in the runtime type: nullable
/// reference annotations, tuple element names and <c>dynamic</c> (for <c>object</c>) are not part of it, and
/// <c>nint</c>/<c>nuint</c> are <c>IntPtr</c>/<c>UIntPtr</c>. <see cref="SymbolEqualityComparer.Default"/> ignores only the
/// annotations, so <c>(int Low, int High)</c> and <c>(int, int)</c>, or <c>List&lt;dynamic&gt;</c> and <c>List&lt;object&gt;</c>, are unequal to it.
/// </summary>
internal static class SignatureTypes
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are one type to a signature.</summary>
    public static bool Equal(ITypeSymbol a, ITypeSymbol b)
    {
        var left = Special(a);
        var right = Special(b);
        if (left != SpecialType.None || right != SpecialType.None)
        {
            return left == right; // object and dynamic; nint and IntPtr; int and Int32
        }

        switch (a)
        {
            case IArrayTypeSymbol array:
                return b is IArrayTypeSymbol other && array.Rank == other.Rank && Equal(array.ElementType, other.ElementType);
            case IPointerTypeSymbol pointer:
                return b is IPointerTypeSymbol otherPointer && Equal(pointer.PointedAtType, otherPointer.PointedAtType);
            case INamedTypeSymbol { TypeKind: not TypeKind.Error } named when b is INamedTypeSymbol { TypeKind: not TypeKind.Error } otherNamed:
                var x = named.TupleUnderlyingType ?? named;
                var y = otherNamed.TupleUnderlyingType ?? otherNamed;
                if (!SymbolEqualityComparer.Default.Equals(x.OriginalDefinition, y.OriginalDefinition))
                {
                    return false;
                }

                // The type arguments of the type and of the types it nests in (Outer<int>.Inner, Outer<string>.Inner).
                for (INamedTypeSymbol? p = x, q = y; p is not null && q is not null; p = p.ContainingType, q = q.ContainingType)
                {
                    for (var i = 0; i < p.TypeArguments.Length; i++)
                    {
                        if (!Equal(p.TypeArguments[i], q.TypeArguments[i]))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case { TypeKind: TypeKind.Error }:
                return b.TypeKind == TypeKind.Error && a.ToDisplayString() == b.ToDisplayString();
            default:
                return SymbolEqualityComparer.Default.Equals(a, b);
        }
    }

    /// <summary><c>dynamic</c> as <c>object</c>; otherwise the type's special type (<c>nint</c> has IntPtr's).</summary>
    private static SpecialType Special(ITypeSymbol type) => type.TypeKind == TypeKind.Dynamic ? SpecialType.System_Object : type.SpecialType;
}
