using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Caching;

/// <summary>Everything the emitter needs for one [ShardedCache] class. Strings and primitives only, so it caches.</summary>
/// <param name="Target">The attributed cache class.</param>
/// <param name="Key">The key struct built from the value type's [CacheKey] members.</param>
/// <param name="ValueTypeFullName">The value type as a <c>global::</c> name.</param>
/// <param name="ValueIsReferenceType">Whether <c>Set(value)</c> must reject null.</param>
/// <param name="AccessorsArePublic">
/// Whether the typed accessors (TryGet, GetOrAdd, GetOrAddAsync, Set, Remove) are public; internal when the cache can be
/// seen outside its assembly but the value type, a key part cannot (and so the key struct cannot).
/// </param>
/// <param name="Shards">Attribute value, validated (power of two).</param>
/// <param name="Capacity">Attribute value, validated (positive).</param>
/// <param name="TimeToLiveSeconds">Attribute value, validated (0 = no expiry).</param>
/// <param name="HidesInherited">The generated members that hide a visible member of a base class, declared <c>new</c> (CS0108/CS0114 otherwise).</param>
/// <param name="Overrides">
/// The generated members that implement an abstract member of a base class of exactly their signature, declared <c>override</c>
/// (a base's <c>public abstract int Count { get; }</c>).
/// </param>
/// <param name="HasPrimaryConstructor">
/// The class has a primary constructor: no constructors are generated (each would have to call it, CS8862) and the cache
/// field is created by its initializer, which the primary constructor runs.
/// </param>
/// <param name="OptionsParameter">The primary constructor's <c>ShardedCacheOptions</c> parameter the initializer uses, as an identifier; null: the attribute's values.</param>
/// <param name="OptionsParameterMayBeNull">That parameter is nullable: a null one falls back to the attribute's values.</param>
/// <param name="ArgumentTypeParameter">
/// The type parameter of the generated <c>GetOrAdd&lt;TArg&gt;</c> and <c>GetOrAddAsync&lt;TArg&gt;</c>: <c>TArg</c>, or a
/// free name when the cache class or a type it nests in has a type parameter of that name.
/// </param>
internal sealed record ShardedCacheModel(
    TypeTarget Target,
    CacheKeyModel Key,
    string ValueTypeFullName,
    bool ValueIsReferenceType,
    bool AccessorsArePublic,
    int Shards,
    int Capacity,
    int TimeToLiveSeconds,
    EquatableArray<string> HidesInherited,
    EquatableArray<string> Overrides,
    bool HasPrimaryConstructor,
    string? OptionsParameter,
    bool OptionsParameterMayBeNull,
    string ArgumentTypeParameter);

/// <summary>A valid cache and where its <c>typeof(TValue)</c> argument is (for a key-name collision, found only once all caches are known).</summary>
/// <param name="Model">What the emitter needs; selected on its own so that moving the attribute does not re-emit the cache.</param>
/// <param name="ValueArgument">The location of the value type argument.</param>
internal sealed record ShardedCacheTarget(ShardedCacheModel Model, ValueArgumentLocation ValueArgument);

/// <summary>The generated <c>{Value}Key</c> record struct, emitted once per value type beside it.</summary>
/// <param name="Namespace">Namespace of the value type (the key goes there), or null for the global namespace.</param>
/// <param name="Name">Key struct name: the value type's name + <c>Key</c>.</param>
/// <param name="FullName">The key as a <c>global::</c> name.</param>
/// <param name="IsPublic">Public when the value type and every key part type are effectively public, internal otherwise.</param>
/// <param name="ValueTypeFullName">The value type as a <c>global::</c> name (for <c>From(value)</c>).</param>
/// <param name="Parts">The [CacheKey] members in key order.</param>
/// <param name="ImportedFrom">
/// The referenced assembly whose Hotpath-generated key of the same value type and parts the cache uses (none is emitted
/// here: a second one would collide with it), or null when the key is emitted here.
/// </param>
internal sealed record CacheKeyModel(
    string? Namespace,
    string Name,
    string FullName,
    bool IsPublic,
    string ValueTypeFullName,
    EquatableArray<CacheKeyPart> Parts,
    string? ImportedFrom = null)
{
    /// <summary>Deterministic hint-name stem of the key's file (the generator makes it unique ignoring case).</summary>
    public string HintStem => Namespace is null ? Name : Namespace.Replace("@", string.Empty) + "." + Name;
}

/// <summary>One key part: a [CacheKey] member of the value type.</summary>
/// <param name="MemberName">Field or property name as an identifier (the key struct's property name), <c>@</c>-escaped when a keyword.</param>
/// <param name="TypeFullName">Member type as a <c>global::</c> name with nullable annotation.</param>
/// <param name="ParameterName">camelCase parameter name, <c>@</c>-escaped when a keyword.</param>
/// <param name="IsString">Strings compare ordinally.</param>
/// <param name="IsNeverNull">A non-nullable value type (its hash needs no null-forgiving operator).</param>
internal sealed record CacheKeyPart(string MemberName, string TypeFullName, string ParameterName, bool IsString, bool IsNeverNull);
