using System;
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

    private readonly Lazy<bool> _hasCreateSpan;

    private KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
        Scope = HotPathScope.Create(compilation);

        // Resolved on first use, and in the core library only (one assembly, not every reference).
        _hasCreateSpan = new Lazy<bool>(() =>
            compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly
                .GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeHelpers") is { } helpers
            && !helpers.GetMembers("CreateSpan").IsEmpty);
    }

    public Compilation Compilation { get; }

    /// <summary>Null when Hotpath.dll is not referenced: then nothing is hot and every HOT1xx analyzer is off.</summary>
    public HotPathScope? Scope { get; }

    /// <summary>Whether the runtime has RuntimeHelpers.CreateSpan: constant data of any primitive type then lives in the binary.</summary>
    public bool HasCreateSpan => _hasCreateSpan.Value;

    /// <summary>The HOT110 table (also used by HOT101, HOT107 and HOT111); matched by names, so shared by every compilation.</summary>
    public AllocatingApiTable Apis => AllocatingApiTable.Instance;

    public static KnownTypes Get(Compilation compilation) => Cache.GetValue(compilation, static c => new KnownTypes(c));

    public bool IsSpan(ITypeSymbol? type) => TypeNames.Is(type, "System.Span`1") || TypeNames.Is(type, "System.ReadOnlySpan`1");

    public bool IsReadOnlySpan(ITypeSymbol? type) => TypeNames.Is(type, "System.ReadOnlySpan`1");

    public bool IsImmutableArray(ITypeSymbol? type) => TypeNames.Is(type, "System.Collections.Immutable.ImmutableArray`1");

    public bool IsEnumerable(ITypeSymbol? type) => TypeNames.Is(type, "System.Linq.Enumerable");

    public bool IsFormattable(ITypeSymbol? type) => TypeNames.Is(type, "System.FormattableString") || TypeNames.Is(type, "System.IFormattable");

    public bool IsAsyncEnumerable(ITypeSymbol? type) =>
        TypeNames.Is(type, "System.Collections.Generic.IAsyncEnumerable`1") || TypeNames.Is(type, "System.Collections.Generic.IAsyncEnumerator`1");

    public bool IsCollectionOrListInterface(ITypeSymbol? type) =>
        type?.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_ICollection_T or SpecialType.System_Collections_Generic_IList_T;
}
