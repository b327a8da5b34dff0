// Written for Hotpath's analyzer tests after the idiom of dotnet/runtime
// src/libraries/System.Private.CoreLib/src/System/Threading/LazyInitializer.cs (MIT): a Volatile.Read fast path,
// a lock object itself made lazily with Interlocked.CompareExchange, the factory run under that lock, the flag
// published with Volatile.Write. Not a copy: see README.md.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace RealCode.Threading;

public static class LazyInit
{
    public static T EnsureInitialized<T>([NotNull] ref T? target, Func<T> valueFactory) where T : class
        => Volatile.Read(ref target!) ?? EnsureInitializedCore(ref target, valueFactory);

    private static T EnsureInitializedCore<T>([NotNull] ref T? target, Func<T> valueFactory) where T : class
    {
        var value = valueFactory() ?? throw new InvalidOperationException("The factory returned null.");
        Interlocked.CompareExchange(ref target, value, null);
        return target;
    }

    public static T EnsureInitialized<T>([AllowNull] ref T target, ref bool initialized, [NotNullIfNotNull("syncLock")] ref object? syncLock, Func<T> valueFactory)
    {
        if (Volatile.Read(ref initialized))
        {
            return target!;
        }

        lock (EnsureLockInitialized(ref syncLock))
        {
            if (!Volatile.Read(ref initialized))
            {
                target = valueFactory();
                Volatile.Write(ref initialized, true);
            }
        }

        return target!;
    }

    private static object EnsureLockInitialized([NotNull] ref object? syncLock) =>
        syncLock ??
        Interlocked.CompareExchange(ref syncLock, new object(), null) ??
        syncLock;
}
