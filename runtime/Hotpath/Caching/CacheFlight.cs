namespace Hotpath.Caching;

/// <summary>A <c>GetOrAddAsync</c> load in flight, as its shard sees it: whether a later write took the key from it.</summary>
internal abstract class CacheFlight
{
    /// <summary>
    /// Set (under the key's shard lock) by a Set, Remove or Clear that came after the load registered: the load's
    /// value then goes to its callers but is not stored.
    /// </summary>
    public volatile bool Superseded;
}

/// <summary>A cache's loads in flight, superseded by its shards' writes.</summary>
internal interface ICacheFlights<in TKey>
{
    /// <summary>Marks the load of <paramref name="key"/>, if any, superseded and unregisters it. Called right after the write, under the shard's lock.</summary>
    void Supersede(TKey key);

    /// <summary>Marks every load in flight superseded and unregisters it (Clear).</summary>
    void SupersedeAll();
}
