namespace Hotpath;

/// <summary>
/// Marks a <c>partial</c> class whose instances are recycled through a pool. The generator emits
/// <c>public void Reset()</c>, an explicit <see cref="Microsoft.Extensions.ObjectPool.IResettable"/>
/// implementation and <c>public static Hotpath.Pool&lt;T&gt; Pool { get; }</c>.
/// </summary>
/// <remarks>
/// Reset rules: a member with a constant initializer gets that constant back; other members get
/// <see langword="default"/>; collections, dictionaries and <see cref="System.Text.StringBuilder"/> are
/// cleared in place; arrays are cleared; nested pooled or resettable members are reset in place;
/// members marked <see cref="NoResetAttribute"/> are left alone. A <c>partial void OnReset()</c>, when
/// declared, is called last.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PooledAttribute : Attribute
{
    /// <summary>The most instances the pool keeps; returns beyond it are dropped. Must be positive.</summary>
    public int MaxRetained { get; set; } = 1024;

    /// <summary>How many instances the pool creates up front. Must not exceed <see cref="MaxRetained"/>.</summary>
    public int Preallocate { get; set; }
}

/// <summary>Excludes a field or property of a <see cref="PooledAttribute"/> type from the generated <c>Reset()</c>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class NoResetAttribute : Attribute
{
}
