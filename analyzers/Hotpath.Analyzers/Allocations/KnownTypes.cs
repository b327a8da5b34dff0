using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Well-known types the allocation analyzers need, resolved once per compilation and shared by every
/// HOT1xx analyzer (a <see cref="ConditionalWeakTable{TKey,TValue}"/> keyed by the compilation).
/// </summary>
internal sealed class KnownTypes
{
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new();

    private KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
        Scope = HotPathScope.Create(compilation);
        Span = compilation.GetTypeByMetadataName("System.Span`1");
        ReadOnlySpan = compilation.GetTypeByMetadataName("System.ReadOnlySpan`1");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        FormattableString = compilation.GetTypeByMetadataName("System.FormattableString");
        IFormattable = compilation.GetTypeByMetadataName("System.IFormattable");
        ImmutableArray = compilation.GetTypeByMetadataName("System.Collections.Immutable.ImmutableArray`1");
        ICollectionOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_ICollection_T);
        IListOfT = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IList_T);
        AsyncStateMachineAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.AsyncStateMachineAttribute");
        IteratorStateMachineAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.IteratorStateMachineAttribute");
        AsyncIteratorStateMachineAttribute = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute");
        IAsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        IAsyncEnumeratorOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerator`1");
        HasCreateSpan = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeHelpers") is { } helpers
            && !helpers.GetMembers("CreateSpan").IsEmpty;
        Apis = AllocatingApiTable.Create(compilation);
    }

    public Compilation Compilation { get; }

    /// <summary>Null when Hotpath.dll is not referenced: then nothing is hot and every HOT1xx analyzer is off.</summary>
    public HotPathScope? Scope { get; }

    public INamedTypeSymbol? Span { get; }
    public INamedTypeSymbol? ReadOnlySpan { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? FormattableString { get; }
    public INamedTypeSymbol? IFormattable { get; }
    public INamedTypeSymbol? ImmutableArray { get; }
    public INamedTypeSymbol ICollectionOfT { get; }
    public INamedTypeSymbol IListOfT { get; }
    public INamedTypeSymbol? AsyncStateMachineAttribute { get; }
    public INamedTypeSymbol? IteratorStateMachineAttribute { get; }
    public INamedTypeSymbol? AsyncIteratorStateMachineAttribute { get; }
    public INamedTypeSymbol? IAsyncEnumerableOfT { get; }
    public INamedTypeSymbol? IAsyncEnumeratorOfT { get; }

    /// <summary>Whether the runtime has RuntimeHelpers.CreateSpan: constant data of any primitive type then lives in the binary.</summary>
    public bool HasCreateSpan { get; }

    public AllocatingApiTable Apis { get; }

    public static KnownTypes Get(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownTypes(c));

    public bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, Span)
            || SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ReadOnlySpan));

    public bool IsReadOnlySpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ReadOnlySpan);

    public bool IsImmutableArray(ITypeSymbol? type) =>
        type is INamedTypeSymbol { IsGenericType: true } named
        && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, ImmutableArray);
}
