// Polyfills the netstandard2.0 Roslyn components need for modern C# (records, init accessors).
// Linked into each component by Directory.Build.props; internal, so each assembly has its own copy.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
