using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Caching;

/// <summary>
/// Reads a [ShardedCache] class and its value type's [CacheKey] members. Shared by the generator (which keeps only
/// valid models) and <see cref="ShardedCacheDiagnosticsAnalyzer"/> (which reports the diagnostics).
/// </summary>
internal static class ShardedCacheParser
{
    public const int DefaultShards = 16;
    public const int DefaultCapacity = 10_000;
    public const int MaxShards = 1 << 16;

    private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The typed accessors: internal on a public cache whose key struct is internal.</summary>
    private static readonly HashSet<string> Typed = new(StringComparer.Ordinal) { "TryGet", "GetOrAdd", "GetOrAddAsync", "Set", "Remove" };

    /// <summary>Names the generated members already use as parameters; a key part with one of them gets a <c>Key</c> suffix.</summary>
    private static readonly HashSet<string> ReservedParameterNames = new(StringComparer.Ordinal) { "value", "factory", "factoryArgument", "loader", "loaderArgument", "cancellationToken" };

    /// <summary>
    /// The type parameter of the generated <c>GetOrAdd&lt;TArg&gt;</c> and <c>GetOrAddAsync&lt;TArg&gt;</c>, unless the cache
    /// class or a type it nests in has one of that name (<see cref="ArgumentTypeParameterOf"/>).
    /// </summary>
    internal const string ArgumentTypeParameter = "TArg";

    /// <summary>
    /// Parses <paramref name="cacheType"/>. <paramref name="semanticModels"/> binds the <c>[field: …]</c> attributes of
    /// the value type's field-like events (their fields are no symbols of the API), to find a <c>[field: CacheKey]</c>
    /// there.
    /// </summary>
    public static ParseResult<ShardedCacheModel> Parse(INamedTypeSymbol cacheType, AttributeData attribute, Func<SyntaxTree, SemanticModel?> semanticModels, CancellationToken cancellationToken)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var fallbackLocation = attributeSyntax?.GetLocation() ?? TypeTargetParser.NameLocation(cacheType, cancellationToken);

        var shards = DefaultShards;
        var capacity = DefaultCapacity;
        var timeToLive = 0;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Value.Value is not int number)
            {
                continue;
            }

            switch (argument.Key)
            {
                case "Shards":
                    shards = number;
                    break;
                case "Capacity":
                    capacity = number;
                    break;
                case "TimeToLiveSeconds":
                    timeToLive = number;
                    break;
            }
        }

        if (shards <= 0 || (shards & (shards - 1)) != 0 || shards > MaxShards)
        {
            diagnostics.Add(OutOfRange(attributeSyntax, "Shards", shards, "the shard count must be a power of two from 1 to 65536", fallbackLocation));
        }

        if (capacity <= 0)
        {
            diagnostics.Add(OutOfRange(attributeSyntax, "Capacity", capacity, "the capacity must be positive", fallbackLocation));
        }

        if (timeToLive < 0)
        {
            diagnostics.Add(OutOfRange(attributeSyntax, "TimeToLiveSeconds", timeToLive, "the time to live must be 0 (never expire) or positive", fallbackLocation));
        }

        var valueLocation = attributeSyntax?.ArgumentList is { Arguments.Count: > 0 } list ? list.Arguments[0].GetLocation() : fallbackLocation;
        CacheKeyModel? key = null;
        var hidesInherited = Array.Empty<string>();
        var overrides = Array.Empty<string>();
        var valueType = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (cacheType.IsStatic && valueType is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, TypeTargetParser.NameLocation(cacheType, cancellationToken), valueType.Name, cacheType.Name,
                $"'{cacheType.Name}' is static: the generated constructors, cache field and accessors are instance members; remove 'static' and create the cache once (a static readonly field holding it, say)"));
        }

        var construction = ShardedCacheConstruction.Parse(cacheType, diagnostics, cancellationToken);
        if (valueType is null || valueType.TypeKind == TypeKind.Error)
        {
            // typeof(...) does not bind: the compiler already reports that.
        }
        else if (IsOpenGeneric(valueType))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, valueLocation, valueType.Name, cacheType.Name, "has no [CacheKey] member (an open generic type has no key members; name a constructed type)"));
        }
        else
        {
            key = ParseKey(valueType, cacheType, construction.HasPrimaryConstructor, valueLocation, semanticModels, diagnostics, out hidesInherited, out overrides, cancellationToken);
        }

        if (diagnostics.Count > 0 || key is null || valueType is null)
        {
            return new ParseResult<ShardedCacheModel>(null, diagnostics.ToImmutable());
        }

        var model = new ShardedCacheModel(
            TypeTargetParser.Create(cacheType, cancellationToken),
            key,
            valueType.ToDisplayString(FullyQualified),
            valueType.IsReferenceType,
            AccessorsArePublic(key.IsPublic, cacheType),
            shards,
            capacity,
            timeToLive,
            hidesInherited.ToEquatableArray(),
            overrides.ToEquatableArray(),
            construction.HasPrimaryConstructor,
            construction.OptionsParameter,
            construction.OptionsMayBeNull,
            ArgumentTypeParameterOf(cacheType, key));
        if (MinimumLanguageVersion.CheckShardedCache(cacheType, attribute, model) is { } tooOld)
        {
            diagnostics.Add(tooOld);
            return new ParseResult<ShardedCacheModel>(null, diagnostics.ToImmutable()); // no code, so no key that could collide
        }

        return new ParseResult<ShardedCacheModel>(model, diagnostics.ToImmutable());
    }

    private static CacheKeyModel? ParseKey(INamedTypeSymbol valueType, INamedTypeSymbol cacheType, bool hasPrimaryConstructor, Location location, Func<SyntaxTree, SemanticModel?> semanticModels, ImmutableArray<Diagnostic>.Builder diagnostics, out string[] hidesInherited, out string[] overrides, CancellationToken cancellationToken)
    {
        hidesInherited = [];
        overrides = [];
        // The key struct and the accessors are generated in another file, where a file-local type cannot be named.
        // (A key part of a file-local type is always found here: a type that is not file-local cannot have a
        // member of a file-local type (CS9051), so the value type is file-local, nests in one or has one as a type argument.)
        if (FileLocalTypes.Find(valueType) is { } fileLocal)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                $"'{fileLocal.Name}' is file-local, and the generated key struct '{valueType.Name}Key' and accessors live in another file, where it cannot be named; remove 'file' from '{fileLocal.Name}'"));
            return null;
        }

        var members = KeyMembers(valueType, cancellationToken);
        if (KeyMistake(members) is { } mistake)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, mistake));
            return null;
        }

        if (MarkedEventField(valueType, semanticModels, cancellationToken) is { } @event)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                $"its [CacheKey] is on the compiler's field of the event '{@event.Name}' ([field: CacheKey]): an event is no key part (the field holds its handlers); mark a field or a property with a getter"));
            return null;
        }

        for (var type = valueType; type is not null; type = type.BaseType)
        {
            foreach (var (_, _, reason) in RecordParameterAttributes.Find(type, static name => name == AttributeNames.CacheKey, cancellationToken))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, reason));
                return null;
            }
        }

        // Only a key with no part or a gap in its orders asks whether a part may be on a backing field not imported.
        var missing = MissingOrder(members);
        var hidden = members.Count == 0 || missing is not null ? WithHiddenBackingFields(valueType, cancellationToken) : null;
        if (members.Count == 0)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, hidden is null
                ? "has no [CacheKey] member; mark the members that identify a value with [CacheKey(0)], [CacheKey(1)], …"
                : $"has no [CacheKey] member that can be seen here: {HiddenBackingFieldsReason(hidden)}; mark the properties themselves, [CacheKey(0)], [CacheKey(1)], …"));
            return null;
        }

        if (hidden is not null && missing is not null)
        {
            var orders = string.Join(", ", members.Select(static m => m.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                $"its [CacheKey] orders here are {orders}, without {missing.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {HiddenBackingFieldsReason(hidden)}, " +
                "so a key part marked there would be left out of the key; mark the properties themselves, [CacheKey(order)], or number the parts from 0 without gaps"));
            return null;
        }

        foreach (var (_, _, member, _) in members)
        {
            if (!IsReadableFrom(member, cacheType))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, $"has no [CacheKey] member that '{cacheType.Name}' can read: '{member.Name}' is not accessible (make it public or internal, with a getter)"));
                return null;
            }
        }

        foreach (var (_, _, member, type) in members)
        {
            if (ComparedByReference(type) is { } held)
            {
                var shownType = type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                var which = SymbolEqualityComparer.Default.Equals(held, WithoutNullable(type))
                    ? "which compares by reference"
                    : $"whose '{held.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' compares by reference";
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                    $"its [CacheKey] member '{member.Name}' is of type '{shownType}', {which}: two values with equal content make different keys, so a lookup with equal content misses; " +
                    "use a string or an immutable value type (a record struct of the parts) instead"));
                return null;
            }

            if (NotEquatableStruct(type) is { } part)
            {
                var shown = part.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                    $"its [CacheKey] member '{member.Name}' is of type '{type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', a struct that does not implement IEquatable<{shown}>: " +
                    $"the key's equality would go through ValueType.Equals, with reflection and boxing on every lookup; implement IEquatable<{shown}> (a record struct does)"));
                return null;
            }
        }

        var parts = new List<CacheKeyPart>(members.Count);
        var parameterNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, _, member, type) in members)
        {
            var parameter = CamelCase(member.Name);
            if (ReservedParameterNames.Contains(parameter))
            {
                parameter += "Key";
            }

            var unique = parameter;
            for (var n = 2; !parameterNames.Add(unique); n++)
            {
                unique = parameter + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var neverNull = type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;
            parts.Add(new CacheKeyPart(Identifiers.Escape(member.Name), type.ToDisplayString(FullyQualified), Identifiers.Escape(unique), type.SpecialType == SpecialType.System_String, neverNull));
        }

        var (ns, name, fullName) = KeyName(valueType);

        // The key struct lives at namespace level: it can name the value type and the key parts only if the whole
        // assembly can (not a private or protected nested type), and is public only if they all are (CS0051/CS0053).
        var domain = AccessibilityDomain.OfReferenced(valueType);
        if (AccessibilityDomain.NarrowestPart(valueType) is { } hiddenValue)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                $"'{hiddenValue.Name}' is {AccessibilityText(hiddenValue)} in '{hiddenValue.ContainingType!.Name}', and the key struct '{name}' is generated at namespace level, where it cannot name '{hiddenValue.Name}'; make '{hiddenValue.Name}' internal or public"));
            return null;
        }

        foreach (var (_, _, member, type) in members)
        {
            if (AccessibilityDomain.NarrowestPart(type) is { } hiddenPart)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name,
                    $"its [CacheKey] member '{member.Name}' is of type '{type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}', and '{hiddenPart.Name}' is {AccessibilityText(hiddenPart)} in '{hiddenPart.ContainingType!.Name}', so the key struct '{name}', generated at namespace level, cannot name it; make '{hiddenPart.Name}' internal or public"));
                return null;
            }

            domain = domain.Intersect(AccessibilityDomain.OfReferenced(type));
        }

        if (ShardedCacheExistingKey.Problem(valueType, cacheType, name, domain.IsEverywhere, members.Select(static m => m.Member.Name).ToArray(), cancellationToken, out var hotpathKeys) is { } taken)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, taken));
            return null;
        }

        var importedFrom = ShardedCacheImportedKey.Reused(valueType, name, hotpathKeys, members.Select(static m => (m.Member.Name, m.Type)).ToArray(), out var unusable);
        if (unusable is not null)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.MissingCacheKey, location, valueType.Name, cacheType.Name, unusable));
            return null;
        }

        var clashes = new List<Diagnostic>();
        var emitted = EmittedMembers(valueType, fullName, members.Select(static m => m.Type), constructors: !hasPrimaryConstructor);
        GeneratedMemberClashes.Check(cacheType, AttributeNames.ShardedCache, emitted, clashes, cancellationToken);
        if (clashes.Count > 0)
        {
            diagnostics.AddRange(clashes);
            return null;
        }

        var accessorsArePublic = AccessorsArePublic(domain.IsEverywhere, cacheType);
        overrides = ShardedCacheAbstractMembers.Implemented(cacheType, emitted, name => Typed.Contains(name) && !accessorsArePublic ? Accessibility.Internal : Accessibility.Public, clashes, cancellationToken);
        if (clashes.Count > 0)
        {
            diagnostics.AddRange(clashes);
            return null;
        }

        hidesInherited = GeneratedMemberClashes.HiddenInherited(cacheType, emitted, GeneratedInBases(cacheType, cancellationToken)).Except(overrides).ToArray();

        return new CacheKeyModel(
            ns,
            name,
            fullName,
            domain.IsEverywhere,
            valueType.ToDisplayString(FullyQualified),
            parts.ToEquatableArray(),
            importedFrom);
    }

    /// <summary>
    /// <see cref="ArgumentTypeParameter"/>, or with the first number from 2 that makes it a name no type parameter of the cache
    /// class or of a type it nests in has (a method type parameter of an outer one's name is CS0693, a warning many builds
    /// make an error), nor a parameter of the generated methods (CS0412).
    /// </summary>
    private static string ArgumentTypeParameterOf(INamedTypeSymbol cacheType, CacheKeyModel key)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var type = cacheType; type is not null; type = type.ContainingType)
        {
            foreach (var parameter in type.TypeParameters)
            {
                taken.Add(parameter.Name);
            }
        }

        foreach (var part in key.Parts)
        {
            taken.Add(part.ParameterName.TrimStart('@'));
        }

        var name = ArgumentTypeParameter;
        for (var n = 2; taken.Contains(name); n++)
        {
            name = ArgumentTypeParameter + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>
    /// Whether the typed accessors are public. They name the value type, the key struct and the key parts: public when
    /// all of them are public, internal when the cache could be seen outside the assembly but one of them cannot (CS0050/CS0051).
    /// </summary>
    private static bool AccessorsArePublic(bool keyIsPublic, INamedTypeSymbol cacheType) =>
        (keyIsPublic ? AccessibilityDomain.Everywhere : AccessibilityDomain.Assembly).Contains(AccessibilityDomain.OfDeclared(cacheType));

    /// <summary>The key struct of <paramref name="valueType"/>: <c>{TValue}Key</c> in the value type's namespace (null: the global one), and its <c>global::</c> name.</summary>
    private static (string? Namespace, string Name, string FullName) KeyName(INamedTypeSymbol valueType)
    {
        var ns = valueType.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : null;
        var name = valueType.Name + "Key";
        return (ns, name, "global::" + (ns is null ? name : ns + "." + name));
    }

    /// <summary>The value type's [CacheKey] members (its own and inherited ones, static ones too: they are a mistake) in key order.</summary>
    private static List<(int Order, int Index, ISymbol Member, ITypeSymbol Type)> KeyMembers(INamedTypeSymbol valueType, CancellationToken cancellationToken)
    {
        var members = new List<(int Order, int Index, ISymbol Member, ITypeSymbol Type)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        for (var type = valueType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var memberType = member switch
                {
                    // An auto-property's backing field: its [field: CacheKey] is the property's (KeyOrder).
                    IFieldSymbol { AssociatedSymbol: IPropertySymbol } or IFieldSymbol { CanBeReferencedByName: false } => null,
                    IFieldSymbol field => field.Type,
                    IPropertySymbol property => property.Type, // an indexer too: [CacheKey] on one is a mistake (KeyMistake)
                    _ => null,
                };
                if (memberType is null || !seen.Add(member.Name))
                {
                    continue; // an override or hiding member was already seen in a more derived type
                }

                if (KeyOrder(member) is { } order)
                {
                    members.Add((order, index++, member, memberType));
                }
            }
        }

        members.Sort(static (a, b) => a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Index.CompareTo(b.Index));
        return members;
    }

    /// <summary>
    /// The key order of <paramref name="member"/>: its own <c>[CacheKey(order)]</c>, else, for a property with a backing
    /// field (an auto-property, or one using <c>field</c>), the field's <c>[field: CacheKey(order)]</c>; else, for an
    /// override, the overridden property's (overriding a key property, to validate its setter say, does not make it
    /// something else: it was dropped from the key without a word, and values that differ in it overwrote each other).
    /// Null when none has one (<see cref="BackingFieldAttributes.Roles"/>, as the other generators read their roles). (Two
    /// different orders on the property and its field are a mistake, <see cref="KeyMistake"/>.)
    /// </summary>
    private static int? KeyOrder(ISymbol member)
    {
        foreach (var attribute in BackingFieldAttributes.Roles(member, static name => name == AttributeNames.CacheKey))
        {
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int order)
            {
                return order;
            }
        }

        return null;
    }

    /// <summary>The order of <paramref name="symbol"/>'s <c>[CacheKey(order)]</c>, or null when it has none.</summary>
    private static int? CacheKeyOrder(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.CacheKey &&
                attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int order)
            {
                return order;
            }
        }

        return null;
    }

    /// <summary>
    /// The first field-like event of the value type (or of a base declared in source) whose field carries
    /// <c>[field: CacheKey]</c>, or null (the attribute is on a field the symbol API does not show).
    /// </summary>
    private static IEventSymbol? MarkedEventField(INamedTypeSymbol valueType, Func<SyntaxTree, SemanticModel?> semanticModels, CancellationToken cancellationToken)
    {
        for (var type = valueType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IEventSymbol @event && EventFieldAttributes.Has(@event, AttributeNames.CacheKey, semanticModels, cancellationToken))
                {
                    return @event;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The first of <paramref name="valueType"/> and its bases that comes from metadata and has an auto-property
    /// (<see cref="BackingFieldAttributes.IsMetadataAutoProperty"/>) whose backing field was not imported and whose
    /// property has no [CacheKey] of its own; or null.
    /// A build imports no private member of a referenced assembly (and a reference assembly has none), so a
    /// <c>[field: CacheKey]</c> there, on the backing field, cannot be seen.
    /// </summary>
    private static INamedTypeSymbol? WithHiddenBackingFields(INamedTypeSymbol valueType, CancellationToken cancellationToken)
    {
        for (var type = valueType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IPropertySymbol { GetMethod: { } getter } property && BackingFieldAttributes.IsMetadataAutoProperty(property, getter) &&
                    CacheKeyOrder(property) is null && BackingFieldAttributes.BackingField(property) is null)
                {
                    return type;
                }
            }
        }

        return null;
    }

    private static string HiddenBackingFieldsReason(INamedTypeSymbol type) =>
        $"'{type.Name}' is declared in the referenced assembly '{type.ContainingAssembly?.Name}', whose auto-properties' backing fields (where [field: CacheKey] puts the attribute) the compiler does not import";

    /// <summary>The first order from 0 that no key member has, below the highest one; null when the orders are 0, 1, 2, … without a gap.</summary>
    private static int? MissingOrder(List<(int Order, int Index, ISymbol Member, ITypeSymbol Type)> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].Order != i)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// A static [CacheKey] member (read from no value, it would be left out of the key) or two of one order (the order of
    /// the parts would be the declaration order's, which nothing says); null when there is neither.
    /// </summary>
    private static string? KeyMistake(List<(int Order, int Index, ISymbol Member, ITypeSymbol Type)> members)
    {
        foreach (var (_, _, member, _) in members)
        {
            if (member.IsStatic)
            {
                return $"its [CacheKey] member '{member.Name}' is static: a key part is read from each value, and a static one would be left out of the key; remove 'static' or the [CacheKey] attribute";
            }

            if (member is IPropertySymbol { IsIndexer: true } indexer)
            {
                var shown = "this[" + string.Join(", ", indexer.Parameters.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat))) + "]";
                return $"its [CacheKey] member '{shown}' is an indexer: a key part is read from each value without arguments, and an indexer takes them; mark a field or a property with a getter";
            }

            if (member is IPropertySymbol property && CacheKeyOrder(property) is { } own &&
                BackingFieldAttributes.BackingField(property) is { } field && CacheKeyOrder(field) is { } onField && onField != own)
            {
                return $"its member '{property.Name}' has [CacheKey({own.ToString(System.Globalization.CultureInfo.InvariantCulture)})] and, on its backing field, " +
                       $"[field: CacheKey({onField.ToString(System.Globalization.CultureInfo.InvariantCulture)})]: the two say different orders; keep one of them";
            }
        }

        for (var i = 1; i < members.Count; i++)
        {
            if (members[i].Order == members[i - 1].Order)
            {
                var names = new[] { members[i - 1].Member.Name, members[i].Member.Name };
                Array.Sort(names, StringComparer.Ordinal);
                return $"its [CacheKey] members '{names[0]}' and '{names[1]}' both have order {members[i].Order.ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
                       "so the order of the key parts (and of the accessors' parameters) is not said; give each its own order";
            }
        }

        return null;
    }

    /// <summary>
    /// A key part of a struct type (or a nullable one) that is not <c>IEquatable&lt;itself&gt;</c>: <c>EqualityComparer&lt;T&gt;.Default</c>
    /// then goes through <c>ValueType.Equals(object)</c>, with reflection and boxing on every lookup. Enums have a comparer of their own.
    /// </summary>
    private static INamedTypeSymbol? NotEquatableStruct(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Struct } named)
        {
            return null;
        }

        foreach (var implemented in named.AllInterfaces)
        {
            if (implemented.OriginalDefinition.ToDisplayString() == "System.IEquatable<T>" &&
                SignatureTypes.Equal(implemented.TypeArguments[0], named)) // a named tuple (int Low, int High) is IEquatable<(int, int)>
            {
                return null;
            }
        }

        return named;
    }

    /// <summary>
    /// The type in a key part that compares by reference although it holds content, so equal content makes unequal keys:
    /// an array, <c>Memory&lt;T&gt;</c>, <c>ReadOnlyMemory&lt;T&gt;</c>, <c>ArraySegment&lt;T&gt;</c>, <c>ImmutableArray&lt;T&gt;</c>
    /// (each equal only to a view of the same array), or a collection class or interface of <c>System.Collections.*</c>
    /// (none overrides <c>Equals</c>); the part itself or, in a nullable or tuple part, the element that is one. Null for
    /// any other type.
    /// </summary>
    private static ITypeSymbol? ComparedByReference(ITypeSymbol type)
    {
        type = WithoutNullable(type);
        if (type is IArrayTypeSymbol)
        {
            return type;
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.IsTupleType)
        {
            foreach (var element in named.TupleElements)
            {
                if (ComparedByReference(element.Type) is { } held)
                {
                    return held;
                }
            }

            return null;
        }

        if (named.OriginalDefinition.ToDisplayString() is "System.Memory<T>" or "System.ReadOnlyMemory<T>" or "System.ArraySegment<T>" or "System.Collections.Immutable.ImmutableArray<T>")
        {
            return type;
        }

        return named.TypeKind is TypeKind.Class or TypeKind.Interface &&
               named.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System.Collections" || ns.StartsWith("System.Collections.", StringComparison.Ordinal))
            ? type
            : null;
    }

    private static ITypeSymbol WithoutNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);

    /// <summary>
    /// The members generated into a [ShardedCache] base class of <paramref name="cacheType"/> declared in this compilation
    /// (the generator does not see its own output, so they are not among the base's members yet).
    /// </summary>
    private static List<EmittedMember> GeneratedInBases(INamedTypeSymbol cacheType, CancellationToken cancellationToken)
    {
        var generated = new List<EmittedMember>();
        for (var ancestor = cacheType.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ancestor.DeclaringSyntaxReferences.Length == 0)
            {
                continue; // from another assembly: its generated members are in its metadata
            }

            foreach (var attribute in ancestor.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.ShardedCache &&
                    attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol { TypeKind: not TypeKind.Error } value && !IsOpenGeneric(value))
                {
                    generated.AddRange(EmittedMembers(value, KeyName(value).FullName, KeyMembers(value, cancellationToken).Select(static m => m.Type), constructors: false));
                }
            }
        }

        return generated;
    }

    /// <summary>
    /// The members <see cref="ShardedCacheEmitter.EmitCache"/> declares, with the parameter lists that follow from the key parts;
    /// the constructors only when <paramref name="constructors"/> (not in a class with a primary constructor).
    /// </summary>
    private static EmittedMember[] EmittedMembers(INamedTypeSymbol valueType, string keyFullName, IEnumerable<ITypeSymbol> partTypes, bool constructors)
    {
        var parts = partTypes.Select(static t => EmittedParameter.ByValue(TypePattern.Of(t))).ToArray();
        var value = TypePattern.Of(valueType);
        var key = TypePattern.Named(keyFullName);
        var argument = TypePattern.MethodTypeParameter(0, ArgumentTypeParameter);
        var cancellationToken = TypePattern.Named("global::System.Threading.CancellationToken");
        EmittedMember[] constructed = constructors
            ? [new EmittedMember(WellKnownMemberNames.InstanceConstructorName, []),
               new EmittedMember(WellKnownMemberNames.InstanceConstructorName, [EmittedParameter.ByValue(TypePattern.Named("global::Hotpath.Caching.ShardedCacheOptions"))])]
            : [];
        return
        [
            new EmittedMember("_hotpathCache", null),
            new EmittedMember("Count", null, TypePattern.Named("int")),
            new EmittedMember("Statistics", null, TypePattern.Named("global::Hotpath.Caching.CacheStatistics")),
            .. constructed,
            new EmittedMember("TryGet", [.. parts, new EmittedParameter(value, RefKind.Out)], TypePattern.Named("bool")),
            new EmittedMember("GetOrAdd", [.. parts, EmittedParameter.ByValue(TypePattern.Generic("System.Func`2", key, value))], value),
            new EmittedMember("GetOrAddAsync", [.. parts,
                EmittedParameter.ByValue(TypePattern.Generic("System.Func`3", key, cancellationToken, TypePattern.Generic("System.Threading.Tasks.ValueTask`1", value))),
                EmittedParameter.ByValue(cancellationToken)], TypePattern.Generic("System.Threading.Tasks.ValueTask`1", value)),
            new EmittedMember("GetOrAdd", [.. parts, EmittedParameter.ByValue(TypePattern.Generic("System.Func`3", key, argument, value)), EmittedParameter.ByValue(argument)], value, Arity: 1),
            new EmittedMember("GetOrAddAsync", [.. parts,
                EmittedParameter.ByValue(TypePattern.Generic("System.Func`4", key, argument, cancellationToken, TypePattern.Generic("System.Threading.Tasks.ValueTask`1", value))),
                EmittedParameter.ByValue(argument), EmittedParameter.ByValue(cancellationToken)], TypePattern.Generic("System.Threading.Tasks.ValueTask`1", value), Arity: 1),
            new EmittedMember("Set", [EmittedParameter.ByValue(value)], TypePattern.Named("void")),
            new EmittedMember("Remove", parts, TypePattern.Named("bool")),
            new EmittedMember("Clear", [], TypePattern.Named("void")),
        ];
    }

    /// <summary>An open generic type (<c>typeof(Lease&lt;&gt;)</c>): it has no members to read and cannot be named in generated code.</summary>
    internal static bool IsOpenGeneric(ITypeSymbol type) => type is INamedTypeSymbol { IsUnboundGenericType: true };

    private static Diagnostic OutOfRange(AttributeSyntax? attribute, string argument, int value, string reason, Location fallback)
    {
        var location = fallback;
        if (attribute?.ArgumentList is { } list)
        {
            foreach (var syntax in list.Arguments)
            {
                if (syntax.NameEquals?.Name.Identifier.ValueText == argument)
                {
                    location = syntax.GetLocation();
                    break;
                }
            }
        }

        return Diagnostic.Create(DiagnosticDescriptors.ArgumentOutOfRange, location, "ShardedCache", argument, SourceWriter.Literal(value), reason);
    }

    /// <summary>Whether the generated key struct, at namespace level in the cache's assembly, reads <paramref name="member"/> (in <c>From(value)</c>).</summary>
    private static bool IsReadableFrom(ISymbol member, INamedTypeSymbol cacheType)
    {
        if (!InheritedAccess.IsAccessibleAtNamespaceLevel(member, cacheType))
        {
            return false;
        }

        return member is not IPropertySymbol property ||
               (property.GetMethod is { } getter && InheritedAccess.IsAccessibleAtNamespaceLevel(getter, cacheType));
    }

    private static string AccessibilityText(ISymbol symbol) => symbol.DeclaredAccessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Internal => "internal",
        _ => "public",
    };

    /// <summary>camelCase: <c>Namespace</c> → <c>namespace</c>, <c>ID</c> → <c>id</c>, <c>URLPath</c> → <c>urlPath</c>.</summary>
    internal static string CamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length && char.IsUpper(chars[i]); i++)
        {
            // Keep the last capital of an acronym when a lower-case letter follows it: URLPath → urlPath.
            if (i > 0 && i + 1 < chars.Length && char.IsLower(chars[i + 1]))
            {
                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }
}
