// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/System.Private.CoreLib/src/System/Runtime/
// Intrinsics/Scalar.cs (MIT): the generic element arithmetic behind the software paths of Vector128<T> and friends,
// one typeof(T) == typeof(X) branch per primitive that the JIT keeps for the instantiation at hand, each converting
// through (X)(object)value and back with (T)(object)result: a box unboxed at once, folded by the JIT. SR is a small
// stand-in; ExtractMostSignificantBit keeps the TARGET_64BIT branches. Excerpt: see README.md.
using System;
using System.Runtime.CompilerServices;

namespace RealCode.Numerics;

internal static class ScalarStrings
{
    internal const string Arg_TypeNotSupported = "Specified type is not supported";
}

internal static class ScalarMath<T>
    where T : struct
{
    public static T AllBitsSet
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (typeof(T) == typeof(byte))
            {
                return (T)(object)byte.MaxValue;
            }
            else if (typeof(T) == typeof(double))
            {
                return (T)(object)BitConverter.Int64BitsToDouble(-1);
            }
            else if (typeof(T) == typeof(short))
            {
                return (T)(object)(short)-1;
            }
            else if (typeof(T) == typeof(int))
            {
                return (T)(object)-1;
            }
            else if (typeof(T) == typeof(long))
            {
                return (T)(object)(long)-1;
            }
            else if (typeof(T) == typeof(nint))
            {
                return (T)(object)(nint)(-1);
            }
            else if (typeof(T) == typeof(nuint))
            {
                return (T)(object)nuint.MaxValue;
            }
            else if (typeof(T) == typeof(sbyte))
            {
                return (T)(object)(sbyte)-1;
            }
            else if (typeof(T) == typeof(float))
            {
                return (T)(object)BitConverter.Int32BitsToSingle(-1);
            }
            else if (typeof(T) == typeof(ushort))
            {
                return (T)(object)ushort.MaxValue;
            }
            else if (typeof(T) == typeof(uint))
            {
                return (T)(object)uint.MaxValue;
            }
            else if (typeof(T) == typeof(ulong))
            {
                return (T)(object)ulong.MaxValue;
            }
            else
            {
                throw new NotSupportedException(ScalarStrings.Arg_TypeNotSupported);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs(T value)
    {
        // byte, ushort, uint, and ulong should have already been handled

        if (typeof(T) == typeof(double))
        {
            return (T)(object)Math.Abs((double)(object)value);
        }
        else if (typeof(T) == typeof(short))
        {
            return (T)(object)Math.Abs((short)(object)value);
        }
        else if (typeof(T) == typeof(int))
        {
            return (T)(object)Math.Abs((int)(object)value);
        }
        else if (typeof(T) == typeof(long))
        {
            return (T)(object)Math.Abs((long)(object)value);
        }
        else if (typeof(T) == typeof(nint))
        {
            return (T)(object)Math.Abs((nint)(object)value);
        }
        else if (typeof(T) == typeof(sbyte))
        {
            return (T)(object)Math.Abs((sbyte)(object)value);
        }
        else if (typeof(T) == typeof(float))
        {
            return (T)(object)Math.Abs((float)(object)value);
        }
        else
        {
            throw new NotSupportedException(ScalarStrings.Arg_TypeNotSupported);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T left, T right)
    {
        if (typeof(T) == typeof(byte))
        {
            return (T)(object)(byte)((byte)(object)left + (byte)(object)right);
        }
        else if (typeof(T) == typeof(double))
        {
            return (T)(object)(double)((double)(object)left + (double)(object)right);
        }
        else if (typeof(T) == typeof(short))
        {
            return (T)(object)(short)((short)(object)left + (short)(object)right);
        }
        else if (typeof(T) == typeof(int))
        {
            return (T)(object)((int)(object)left + (int)(object)right);
        }
        else if (typeof(T) == typeof(long))
        {
            return (T)(object)((long)(object)left + (long)(object)right);
        }
        else if (typeof(T) == typeof(nint))
        {
            return (T)(object)((nint)(object)left + (nint)(object)right);
        }
        else if (typeof(T) == typeof(nuint))
        {
            return (T)(object)((nuint)(object)left + (nuint)(object)right);
        }
        else if (typeof(T) == typeof(sbyte))
        {
            return (T)(object)(sbyte)((sbyte)(object)left + (sbyte)(object)right);
        }
        else if (typeof(T) == typeof(float))
        {
            return (T)(object)(float)((float)(object)left + (float)(object)right);
        }
        else if (typeof(T) == typeof(ushort))
        {
            return (T)(object)(ushort)((ushort)(object)left + (ushort)(object)right);
        }
        else if (typeof(T) == typeof(uint))
        {
            return (T)(object)((uint)(object)left + (uint)(object)right);
        }
        else if (typeof(T) == typeof(ulong))
        {
            return (T)(object)((ulong)(object)left + (ulong)(object)right);
        }
        else
        {
            throw new NotSupportedException(ScalarStrings.Arg_TypeNotSupported);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equals(T left, T right)
    {
        if (typeof(T) == typeof(byte))
        {
            return (byte)(object)left == (byte)(object)right;
        }
        else if (typeof(T) == typeof(double))
        {
            return (double)(object)left == (double)(object)right;
        }
        else if (typeof(T) == typeof(short))
        {
            return (short)(object)left == (short)(object)right;
        }
        else if (typeof(T) == typeof(int))
        {
            return (int)(object)left == (int)(object)right;
        }
        else if (typeof(T) == typeof(long))
        {
            return (long)(object)left == (long)(object)right;
        }
        else if (typeof(T) == typeof(nint))
        {
            return (nint)(object)left == (nint)(object)right;
        }
        else if (typeof(T) == typeof(nuint))
        {
            return (nuint)(object)left == (nuint)(object)right;
        }
        else if (typeof(T) == typeof(sbyte))
        {
            return (sbyte)(object)left == (sbyte)(object)right;
        }
        else if (typeof(T) == typeof(float))
        {
            return (float)(object)left == (float)(object)right;
        }
        else if (typeof(T) == typeof(ushort))
        {
            return (ushort)(object)left == (ushort)(object)right;
        }
        else if (typeof(T) == typeof(uint))
        {
            return (uint)(object)left == (uint)(object)right;
        }
        else if (typeof(T) == typeof(ulong))
        {
            return (ulong)(object)left == (ulong)(object)right;
        }
        else
        {
            throw new NotSupportedException(ScalarStrings.Arg_TypeNotSupported);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ExtractMostSignificantBit(T value)
    {
        if (typeof(T) == typeof(byte))
        {
            uint bits = (byte)(object)value;
            return bits >> 7;
        }
        else if (typeof(T) == typeof(double))
        {
            ulong bits = BitConverter.DoubleToUInt64Bits((double)(object)value);
            return (uint)(bits >> 63);
        }
        else if (typeof(T) == typeof(short))
        {
            uint bits = (ushort)(short)(object)value;
            return bits >> 15;
        }
        else if (typeof(T) == typeof(int))
        {
            uint bits = (uint)(int)(object)value;
            return bits >> 31;
        }
        else if (typeof(T) == typeof(long))
        {
            ulong bits = (ulong)(long)(object)value;
            return (uint)(bits >> 63);
        }
        else if (typeof(T) == typeof(nint))
        {
            ulong bits = (ulong)(nint)(object)value;
            return (uint)(bits >> 63);
        }
        else if (typeof(T) == typeof(nuint))
        {
            ulong bits = (ulong)(nuint)(object)value;
            return (uint)(bits >> 63);
        }
        else if (typeof(T) == typeof(sbyte))
        {
            uint bits = (byte)(sbyte)(object)value;
            return bits >> 7;
        }
        else if (typeof(T) == typeof(float))
        {
            uint bits = BitConverter.SingleToUInt32Bits((float)(object)value);
            return bits >> 31;
        }
        else if (typeof(T) == typeof(ushort))
        {
            uint bits = (ushort)(object)value;
            return bits >> 15;
        }
        else if (typeof(T) == typeof(uint))
        {
            uint bits = (uint)(object)value;
            return bits >> 31;
        }
        else if (typeof(T) == typeof(ulong))
        {
            ulong bits = (ulong)(object)value;
            return (uint)(bits >> 63);
        }
        else
        {
            throw new NotSupportedException(ScalarStrings.Arg_TypeNotSupported);
        }
    }
}
