namespace Hotpath.Caching;

/// <summary>A <c>GetOrAddAsync</c> load in flight, as its shard sees it: whether a later write took the key from it.</summary>
internal abstract class CacheFlight
{
    /// <summary>
    /// Set (under the key's shard lock, which registered the load) by a Set, Remove or Clear that came after the load
    /// registered, which also unregisters it: the load's value then goes to its callers but is not stored.
    /// </summary>
    public volatile bool Superseded;

    /// <summary>
    /// The loads whose loaders the current asynchronous flow is inside, innermost first: set (only on a miss) around
    /// the call of a loader, so it flows into the loader and everything it awaits, and read only by a caller that
    /// finds its key already loading. One chain for every cache, so cycles through other caches are seen too.
    /// </summary>
    public static readonly AsyncLocal<LoadLink?> Loading = new();

    /// <summary>This load's link in <see cref="Loading"/>, once its loader has been called.</summary>
    public LoadLink? Link;

    /// <summary>
    /// Callers that found this load running, counted by the shard under its lock when it hands the load to them, so
    /// before they touch it: once the load is unregistered and this is still 0, no caller but its starter ever held it.
    /// </summary>
    public int Joined;
}

/// <summary>
/// One load in a <see cref="CacheFlight.Loading"/> chain. It is not the flight itself, so a context that outlives the
/// load (a timer or task the loader started) keeps only these small links alive, not the loaded values.
/// </summary>
internal sealed class LoadLink(LoadLink? outer)
{
    public readonly LoadLink? Outer = outer;

    /// <summary>Whether <paramref name="link"/> is this link or one of its outer links.</summary>
    public bool Contains(LoadLink link)
    {
        for (var current = this; current is not null; current = current.Outer)
        {
            if (current == link)
            {
                return true;
            }
        }

        return false;
    }
}
