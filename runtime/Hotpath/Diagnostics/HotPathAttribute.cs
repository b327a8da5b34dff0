namespace Hotpath;

/// <summary>
/// Marks code as hot: the Hotpath analyzers report hidden heap allocations (HOT1xx) and locks (HOT210) in it.
/// On a type, every member is hot except static constructors and static field initialisers.
/// Applies to methods, constructors, accessors, local functions and whole types.
/// </summary>
[AttributeUsage(
    AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property | AttributeTargets.Event |
    AttributeTargets.Class | AttributeTargets.Struct,
    AllowMultiple = false, Inherited = false)]
public sealed class HotPathAttribute : Attribute
{
}
