namespace Hotpath.Caching;

/// <summary>Which queue of its shard's eviction policy a node is in.</summary>
internal enum CacheQueue : byte
{
    /// <summary>Unlinked: removed, replaced, evicted or expired.</summary>
    None,

    /// <summary>The admission window: new entries, in insertion order with a second chance.</summary>
    Window,

    /// <summary>Main space, probation segment: entries admitted from the window, evicted first.</summary>
    Probation,

    /// <summary>Main space, protected segment: entries hit again while in probation.</summary>
    Protected,
}

/// <summary>
/// One cache entry. Key, hash, value and expiry never change after the node is published (a replaced value
/// gets a new node), so lock-free readers always see a consistent entry. Readers only bump
/// <see cref="Hits"/>; everything else is written under the shard lock.
/// </summary>
internal sealed class CacheNode<TKey, TValue>
{
    public readonly TKey Key;
    public readonly TValue Value;
    public readonly int Hash;

    /// <summary>Clock tick (see <see cref="CacheClock"/>) at which the entry expires; <see cref="long.MaxValue"/> for never.</summary>
    public readonly long ExpiresAt;

    /// <summary>Next node in the same hash bucket. Published with a release write; never cleared on unlink, so a reader standing on an unlinked node can finish its walk.</summary>
    public CacheNode<TKey, TValue>? Next;

    /// <summary>Hits since the policy last looked at this node (saturates at 15). A racy byte increment: a lost update only costs a little frequency information, and a hot node stops writing once saturated.</summary>
    public byte Hits;

    public CacheQueue Queue;

    public CacheNode<TKey, TValue>? QueuePrevious;
    public CacheNode<TKey, TValue>? QueueNext;

    public CacheNode(TKey key, TValue value, int hash, long expiresAt)
    {
        Key = key;
        Value = value;
        Hash = hash;
        ExpiresAt = expiresAt;
    }
}

/// <summary>An intrusive doubly linked FIFO of nodes (head = oldest).</summary>
internal struct NodeQueue<TKey, TValue>
{
    public CacheNode<TKey, TValue>? Head;
    public CacheNode<TKey, TValue>? Tail;
    public int Count;

    public void AddLast(CacheNode<TKey, TValue> node, CacheQueue queue)
    {
        node.Queue = queue;
        node.QueueNext = null;
        node.QueuePrevious = Tail;
        if (Tail is null)
        {
            Head = node;
        }
        else
        {
            Tail.QueueNext = node;
        }

        Tail = node;
        Count++;
    }

    public void Remove(CacheNode<TKey, TValue> node)
    {
        if (node.QueuePrevious is null)
        {
            Head = node.QueueNext;
        }
        else
        {
            node.QueuePrevious.QueueNext = node.QueueNext;
        }

        if (node.QueueNext is null)
        {
            Tail = node.QueuePrevious;
        }
        else
        {
            node.QueueNext.QueuePrevious = node.QueuePrevious;
        }

        node.QueuePrevious = null;
        node.QueueNext = null;
        node.Queue = CacheQueue.None;
        Count--;
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="node"/> was.</summary>
    public void Replace(CacheNode<TKey, TValue> node, CacheNode<TKey, TValue> replacement)
    {
        replacement.Queue = node.Queue;
        replacement.QueuePrevious = node.QueuePrevious;
        replacement.QueueNext = node.QueueNext;
        if (node.QueuePrevious is null)
        {
            Head = replacement;
        }
        else
        {
            node.QueuePrevious.QueueNext = replacement;
        }

        if (node.QueueNext is null)
        {
            Tail = replacement;
        }
        else
        {
            node.QueueNext.QueuePrevious = replacement;
        }

        node.QueuePrevious = null;
        node.QueueNext = null;
        node.Queue = CacheQueue.None;
    }

    public void MoveToLast(CacheNode<TKey, TValue> node)
    {
        var queue = node.Queue;
        Remove(node);
        AddLast(node, queue);
    }

    public void Clear()
    {
        for (var node = Head; node is not null;)
        {
            var next = node.QueueNext;
            node.QueuePrevious = null;
            node.QueueNext = null;
            node.Queue = CacheQueue.None;
            node = next;
        }

        Head = null;
        Tail = null;
        Count = 0;
    }
}
