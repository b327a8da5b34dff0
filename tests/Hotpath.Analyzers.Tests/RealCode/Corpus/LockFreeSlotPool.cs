// Written for Hotpath's analyzer tests after the idiom of dotnet/aspnetcore src/ObjectPool/src/DefaultObjectPool.cs
// and DisposableObjectPool.cs (MIT): a first slot and a wrapper array taken and filled by Interlocked.CompareExchange,
// a volatile disposed flag, a throw helper. Not a copy: see README.md.
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RealCode.Pools;

public class LockFreeSlotPool<T> : IDisposable where T : class, new()
{
    private readonly Slot[] _items;
    private T? _firstItem;
    private volatile bool _isDisposed;

    public LockFreeSlotPool(int maximumRetained)
    {
        _items = new Slot[maximumRetained - 1];
    }

    public T Get()
    {
        if (_isDisposed)
        {
            ThrowDisposed();
        }

        var item = _firstItem;
        if (item == null || Interlocked.CompareExchange(ref _firstItem, null, item) != item)
        {
            var items = _items;
            for (var i = 0; i < items.Length; i++)
            {
                item = items[i].Element;
                if (item != null && Interlocked.CompareExchange(ref items[i].Element, null, item) == item)
                {
                    return item;
                }
            }

            item = Create();
        }

        return item;

        void ThrowDisposed() => throw new ObjectDisposedException(GetType().Name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Create() => new T();

    public void Return(T obj)
    {
        if (_isDisposed || !TryStore(obj))
        {
            (obj as IDisposable)?.Dispose();
        }
    }

    private bool TryStore(T obj)
    {
        if (_firstItem == null && Interlocked.CompareExchange(ref _firstItem, obj, null) == null)
        {
            return true;
        }

        var stored = false;
        var items = _items;
        for (var i = 0; i < items.Length && !(stored = Interlocked.CompareExchange(ref items[i].Element, obj, null) == null); i++)
        {
        }

        return stored;
    }

    public void Dispose()
    {
        _isDisposed = true;
        (Interlocked.Exchange(ref _firstItem, null) as IDisposable)?.Dispose();
        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            (Interlocked.Exchange(ref items[i].Element, null) as IDisposable)?.Dispose();
        }
    }

    // A struct wrapper: no array-covariance check when a slot is written.
    private struct Slot
    {
        public T? Element;
    }
}
