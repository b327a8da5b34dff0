using System.Text;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Compression;

/// <summary>
/// Reads a [Columnar] type into a <see cref="ColumnarModel"/>. Shared by the generator (which keeps only
/// valid models) and <see cref="ColumnarDiagnosticsAnalyzer"/> (which reports what it finds: HOT002, HOT007).
/// </summary>
internal static class ColumnarParser
{

    private const string Supported = "supported types are integers, bool, char, float, double, Half, decimal, DateTime, DateTimeOffset, TimeSpan, DateOnly, TimeOnly, Guid, enums, string and nullable forms of the value types";

    /// <summary>
    /// Parses <paramref name="type"/>. Each problem is added to <paramref name="diagnostics"/> (when given); the
    /// model is <see langword="null"/> when there was any. <paramref name="refReadonlyArguments"/> says whether the
    /// type's code is compiled as C# 12 or later (see <see cref="ColumnarModel.RefReadonlyArguments"/>).
    /// <paramref name="semanticModels"/> finds the primary-constructor parameters the members capture (HOT002); without
    /// it they are not looked for.
    /// </summary>
    /// <remarks>
    /// The columns are the instance fields and settable properties of the type and of its base classes, base
    /// members first (outermost base first, each type in declaration order), so no inherited state is lost. A
    /// member hidden by a more derived one of the same name (<c>new</c>, or <c>override</c>) counts once, as the
    /// most derived. Inherited members the generated code cannot reach are HOT002 on the type's name.
    /// </remarks>
    public static ColumnarModel? Parse(INamedTypeSymbol type, AttributeData attribute, List<Diagnostic>? diagnostics, CancellationToken cancellationToken, bool refReadonlyArguments = true, Func<SyntaxTree, SemanticModel?>? semanticModels = null)
    {
        var errors = 0;
        void Report(Diagnostic diagnostic)
        {
            errors++;
            diagnostics?.Add(diagnostic);
        }

        void ReportOnType(string reason) => Report(Diagnostic.Create(
            DiagnosticDescriptors.UnsupportedColumnarMember,
            TypeTargetParser.NameLocation(type, cancellationToken),
            "'" + type.Name + "'",
            reason));

        if (type.IsRefLikeType)
        {
            ReportOnType("a ref struct cannot be a [Columnar] row: rows are passed as Span<T> and the codec is an IColumnarCodec<T>, and a ref struct cannot be a type argument; use a plain struct");
        }

        if (type.TypeKind == TypeKind.Class)
        {
            var call = Construction.FindParameterlessCall(type);
            var constructor = call.Constructor;
            if (call.Ambiguous.Count > 0 && !type.IsAbstract)
            {
                ReportOnType("Decode creates rows with 'new " + type.Name + "()', which is ambiguous between " + Construction.Describe(call.Ambiguous) +
                             " (CS0121); declare a parameterless constructor, which 'new " + type.Name + "()' prefers");
            }
            else if (type.IsAbstract || constructor is null)
            {
                ReportOnType("a [Columnar] class needs a constructor that can be called without arguments (and must not be abstract) so Decode can create rows" +
                             (!type.IsAbstract && Construction.PrimaryConstructor(type, cancellationToken) is not null
                                 ? "; declare one that calls the primary constructor ('public " + type.Name + "() : this(...) { }')"
                                 : string.Empty));
            }
            else if (RequiredMembers.BlockNew(type, constructor))
            {
                ReportOnType("it has required members, so Decode cannot create rows with 'new()' (CS9035); mark the parameterless constructor [SetsRequiredMembers] (Decode sets every column), or drop 'required'");
            }
        }

        foreach (var (parameter, location, reason) in RecordParameterAttributes.Find(type, IsEncoding, cancellationToken))
        {
            Report(MemberDiagnostic(location, parameter.Name, parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), reason));
        }

        // The type and its base classes, outermost base first (object has no instance state).
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, current);
            if (current.TypeKind != TypeKind.Class)
            {
                break; // a struct's base (ValueType) has no state
            }
        }

        // Which names a more derived type declares: a base member of that name is hidden and counts once (the most
        // derived). The value says whether the hiding member is an instance field or property (else the hidden
        // base member cannot be reached by name).
        var hiddenBy = new Dictionary<string, (INamedTypeSymbol Declaring, bool IsData)>(StringComparer.Ordinal);
        var chosen = new List<(INamedTypeSymbol Declaring, ISymbol Member)>[chain.Count];
        var autoProperties = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var level = chain.Count - 1; level >= 0; level--)
        {
            var declaring = chain[level];
            var own = new List<(INamedTypeSymbol Declaring, ISymbol Member)>();
            var declared = new List<(string Name, bool IsData)>();
            if (semanticModels is not null)
            {
                foreach (var (parameter, _) in PrimaryConstructorCaptures.Find(declaring, semanticModels, cancellationToken))
                {
                    // A primary constructor parameter the members use: state the codec cannot reach (a nested type cannot
                    // use the parameter, and the compiler's field for it has no name to write).
                    var inherited = level < chain.Count - 1;
                    var parameterType = parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                    var name = parameter.Name;
                    Report(MemberDiagnostic(
                        inherited ? TypeTargetParser.NameLocation(type, cancellationToken) : parameter.Locations.FirstOrDefault() ?? Location.None,
                        inherited ? declaring.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "." + name : name,
                        parameterType,
                        "it is a primary constructor parameter captured by the type's members, held in a hidden field that the generated codec can neither read nor set (its value would come back as 0 or null); copy it into a field or settable property ('public " +
                        parameterType + " " + char.ToUpperInvariant(name[0]) + name.Substring(1) + " { get; set; } = " + name + ";') and use that"));
                }
            }

            foreach (var member in declaring.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IFieldSymbol && (member.IsImplicitlyDeclared || member.Name.StartsWith("<", StringComparison.Ordinal)))
                {
                    // A compiler-generated field (its name is unspeakable): an auto-property's backing field (a get-only
                    // auto-property is data Decode could not restore), found by name when the base comes from metadata
                    // (where AssociatedSymbol is null: see BackingFieldOwner);
                    // or a captured primary constructor parameter's, reported above from the parameter's uses.
                    if (((IFieldSymbol)member).AssociatedSymbol is { } associated)
                    {
                        autoProperties.Add(associated);
                    }
                    else if (BackingFieldOwner(declaring, member.Name) is { } owner)
                    {
                        autoProperties.Add(owner);
                    }
                    else if (!member.IsStatic && !declaring.Locations.Any(static l => l.IsInSource))
                    {
                        // In a base from another assembly, imported with its private members (an IDE may): hidden state,
                        // which there is no syntax to trace to its parameter.
                        Report(MemberDiagnostic(TypeTargetParser.NameLocation(type, cancellationToken), Qualified(declaring, member), TypeDisplay(member),
                            "it is a field the compiler declared in '" + declaring.Name + "' (for a primary constructor parameter its members capture), private to another assembly: the generated codec can neither read nor set it (its value would come back as 0 or null); copy the parameter into a protected or public member of '" + declaring.Name + "'"));
                    }

                    continue;
                }

                if (member is IEventSymbol @event && semanticModels is not null)
                {
                    ReportEventFieldEncodings(type, declaring, @event, level < chain.Count - 1, semanticModels, Report, cancellationToken);
                }

                if (member.IsImplicitlyDeclared || member is IMethodSymbol)
                {
                    continue; // compiler-generated, or a method (constructors, accessors, operators): no state
                }

                var isData = !member.IsStatic && member is IFieldSymbol { IsConst: false } or IPropertySymbol { IsIndexer: false };
                if (!isData && member is IFieldSymbol or IPropertySymbol)
                {
                    ReportStrayEncodings(type, declaring, member, level < chain.Count - 1,
                        member.IsStatic ? "a row stores its instance members, not a static member or a constant" : "a row does not store an indexer", Report, cancellationToken);
                }

                declared.Add((member.Name, isData));
                if (level < chain.Count - 1 && hiddenBy.TryGetValue(member.Name, out var hider))
                {
                    if (isData && !hider.IsData)
                    {
                        var display = Qualified(declaring, member);
                        Report(MemberDiagnostic(TypeTargetParser.NameLocation(type, cancellationToken), display, TypeDisplay(member),
                            "it is hidden by a member of '" + hider.Declaring.Name + "' that is not an instance field or property, so the generated codec of '" + type.Name + "' cannot reach it (its value would be lost); rename one of them"));
                    }

                    continue;
                }

                if (isData)
                {
                    own.Add((declaring, member));
                }
            }

            foreach (var (name, isData) in declared)
            {
                if (!hiddenBy.ContainsKey(name))
                {
                    hiddenBy.Add(name, (declaring, isData));
                }
            }

            chosen[level] = own;
        }

        var members = new List<ColumnarMember>();
        for (var level = 0; level < chain.Count; level++)
        {
            var inherited = level < chain.Count - 1;
            foreach (var (declaring, member) in chosen[level])
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Read(type, declaring, member, inherited, autoProperties, Report, cancellationToken) is { } column)
                {
                    members.Add(column);
                }
            }
        }

        if (errors == 0 && MinimumLanguageVersion.CheckColumnar(type, attribute) is { } tooOld)
        {
            Report(tooOld);
        }

        if (errors > 0)
        {
            return null;
        }

        var target = TypeTargetParser.Create(type, cancellationToken);
        return new ColumnarModel(target, Fingerprint(members), members.ToEquatableArray(), refReadonlyArguments, InheritsCodec(type));
    }

    /// <summary>One instance field or non-indexer property as a column, <see langword="null"/> if it is not stored or has a mistake.</summary>
    private static ColumnarMember? Read(
        INamedTypeSymbol type,
        INamedTypeSymbol declaring,
        ISymbol member,
        bool inherited,
        HashSet<ISymbol> autoProperties,
        Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        ITypeSymbol memberType;
        bool isProperty;
        string? unsettable = null;
        switch (member)
        {
            case IFieldSymbol field:
                memberType = field.Type;
                isProperty = false;
                if (field.IsReadOnly)
                {
                    unsettable = "readonly fields cannot be set by Decode";
                }
                else if (inherited)
                {
                    unsettable = Unreachable(type, declaring, field.DeclaredAccessibility, "it is");
                }

                break;
            case IPropertySymbol property:
                memberType = property.Type;
                isProperty = true;
                var getter = Getter(property);
                var setter = Setter(property);
                if (!property.ExplicitInterfaceImplementations.IsEmpty)
                {
                    if (setter is null && !autoProperties.Contains(property))
                    {
                        ReportStrayEncodings(type, declaring, member, inherited, Computed, report, cancellationToken);
                        return null; // computed: derived from the stored members, nothing to store
                    }

                    unsettable = "it is an explicit interface implementation, which the generated codec cannot reach by name (through the interface it would box a struct row and lose what Decode sets); implement the property implicitly, e.g. 'public " + TypeDisplay(member) + " " + property.ExplicitInterfaceImplementations[0].Name + " { get; set; }'";
                }
                else if (getter is null)
                {
                    unsettable = "a property without a getter cannot be encoded";
                }
                else if (property.ReturnsByRef || property.ReturnsByRefReadonly)
                {
                    unsettable = "ref-returning properties are not supported";
                }
                else if (setter is null)
                {
                    if (!autoProperties.Contains(property) && !BackingFieldAttributes.IsMetadataAutoProperty(property, getter))
                    {
                        ReportStrayEncodings(type, declaring, member, inherited, Computed, report, cancellationToken);
                        return null; // computed property: derived from the stored members, nothing to store
                    }

                    unsettable = "get-only properties cannot be set by Decode; add a setter";
                }
                else if (setter.IsInitOnly)
                {
                    unsettable = "init-only properties cannot be set by Decode; use 'set'";
                }
                else if (inherited)
                {
                    unsettable = Unreachable(type, declaring, property.DeclaredAccessibility, "it is")
                        ?? Unreachable(type, declaring, getter.DeclaredAccessibility, "its getter is")
                        ?? Unreachable(type, declaring, setter.DeclaredAccessibility, "its setter is");
                }

                break;
            default:
                return null;
        }

        // An inherited member's mistakes go on the [Columnar] type's name: that is where the user acts, and the base
        // may be in another file or assembly.
        var location = inherited ? TypeTargetParser.NameLocation(type, cancellationToken) : member.Locations.FirstOrDefault() ?? Location.None;
        var name = inherited ? Qualified(declaring, member) : member.Name;
        var typeDisplay = TypeDisplay(member);
        if (unsettable is not null)
        {
            report(MemberDiagnostic(location, name, typeDisplay, unsettable));
            return null;
        }

        var isNullable = false;
        var valueType = memberType;
        if (memberType is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            isNullable = true;
            valueType = nullable.TypeArguments[0];
        }

        var kind = Classify(valueType);
        if (kind is null)
        {
            report(MemberDiagnostic(location, name, typeDisplay, "its type is not supported; " + Supported));
            return null;
        }

        if (!ReadEncoding(member, name, inherited ? location : null, kind.Value, typeDisplay, report, cancellationToken, out var encoding, out var decimals))
        {
            return null;
        }

        return new ColumnarMember(
            Identifiers.Escape(member.Name),
            valueType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            kind.Value,
            isNullable,
            isProperty,
            encoding,
            decimals);
    }

    private const string Computed = "a computed property (a getter and no backing field) is derived from the stored members, not stored";

    /// <summary>
    /// HOT002 at every encoding attribute of a field or property that is not a column (<paramref name="why"/>): a static
    /// member, a constant, an indexer or a computed property. The attribute says the user meant it to be stored, so it
    /// is not silently dropped. An inherited member's is reported on the type's name, as other inherited mistakes; one of
    /// a base from another assembly is not (no state is lost, and the user of that base cannot move the attribute).
    /// </summary>
    private static void ReportStrayEncodings(
        INamedTypeSymbol type,
        INamedTypeSymbol declaring,
        ISymbol member,
        bool inherited,
        string why,
        Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        if (!declaring.Locations.Any(static l => l.IsInSource))
        {
            return;
        }

        foreach (var attribute in BackingFieldAttributes.Of(member))
        {
            var attributeName = attribute.AttributeClass?.ToDisplayString();
            if (attributeName is not null && IsEncoding(attributeName))
            {
                report(MemberDiagnostic(
                    inherited
                        ? TypeTargetParser.NameLocation(type, cancellationToken)
                        : attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? member.Locations.FirstOrDefault() ?? Location.None,
                    inherited ? Qualified(declaring, member) : member.Name,
                    TypeDisplay(member),
                    "[" + AttributeNames.ShortName(attributeName) + "] is on a member that is not a column (" + why + "); remove it, or make the member a settable instance field or property"));
            }
        }
    }

    /// <summary>
    /// HOT002 at every encoding attribute on the field of a field-like event (<c>[field: Quantize(2)] public event
    /// Action? Changed;</c>, the only place C# lets it go on an event): an event is not a column, so the encoding asked
    /// for would be silently dropped. An inherited event's is reported on the type's name, as other inherited mistakes.
    /// </summary>
    private static void ReportEventFieldEncodings(
        INamedTypeSymbol type,
        INamedTypeSymbol declaring,
        IEventSymbol @event,
        bool inherited,
        Func<SyntaxTree, SemanticModel?> semanticModels,
        Action<Diagnostic> report,
        CancellationToken cancellationToken)
    {
        foreach (var (syntax, attributeName) in EventFieldAttributes.All(@event, semanticModels, cancellationToken))
        {
            if (IsEncoding(attributeName))
            {
                report(MemberDiagnostic(
                    inherited ? TypeTargetParser.NameLocation(type, cancellationToken) : syntax.GetLocation(),
                    inherited ? Qualified(declaring, @event) : @event.Name,
                    TypeDisplay(@event),
                    "[" + AttributeNames.ShortName(attributeName) + "] is on the field of an event, which is not a column (the generated codec stores fields and properties, never an event's handlers); remove it"));
            }
        }
    }

    /// <summary>
    /// Why code nested in <paramref name="type"/> cannot use a member of its base <paramref name="declaring"/> with
    /// <paramref name="accessibility"/> (through a receiver of <paramref name="type"/>), or <see langword="null"/> if it can.
    /// </summary>
    private static string? Unreachable(INamedTypeSymbol type, INamedTypeSymbol declaring, Accessibility accessibility, string subject)
    {
        // The codec is nested in the row type and reads and sets the row's members (a receiver of the row type).
        if (InheritedAccess.IsAccessible(accessibility, declaring, type, type))
        {
            return null;
        }

        var fix = ", so the generated codec of '" + type.Name + "' cannot read or set it (its value would be lost); ";
        return accessibility == Accessibility.Private
            ? subject + " inherited and private to '" + declaring.Name + "'" + fix + "make it protected or internal, or move it into '" + type.Name + "'"
            : subject + " inherited and internal to another assembly ('" + declaring.ContainingAssembly.Name + "')" + fix + "make it protected or public, or give this assembly InternalsVisibleTo";
    }

    /// <summary>The getter a property uses: its own, or the one it inherits from the property it overrides.</summary>
    private static IMethodSymbol? Getter(IPropertySymbol property)
    {
        for (IPropertySymbol? current = property; current is not null; current = current.OverriddenProperty)
        {
            if (current.GetMethod is { } getter)
            {
                return getter;
            }
        }

        return null;
    }

    /// <summary>The setter a property uses: its own, or the one it inherits from the property it overrides.</summary>
    private static IMethodSymbol? Setter(IPropertySymbol property)
    {
        for (IPropertySymbol? current = property; current is not null; current = current.OverriddenProperty)
        {
            if (current.SetMethod is { } setter)
            {
                return setter;
            }
        }

        return null;
    }

    /// <summary>
    /// The property whose backing field <paramref name="fieldName"/> (<c>&lt;Name&gt;k__BackingField</c>) is, in a metadata type.
    /// </summary>
    /// <remarks>
    /// The compiler's field name is the only link: Roslyn sets <see cref="IFieldSymbol.AssociatedSymbol"/> for a source
    /// field, but for a field loaded from metadata only when it backs an event, never a property (a test asserts it, so
    /// this can go if that changes). The property's accessors carry <c>[CompilerGenerated]</c>, which says it is an
    /// auto-property but not which field is its own, and a captured primary-constructor parameter's field is
    /// <c>[CompilerGenerated]</c> too. The name is what the C# compiler has always emitted, and what decompilers and
    /// debuggers read it by.
    /// </remarks>
    private static IPropertySymbol? BackingFieldOwner(INamedTypeSymbol declaring, string fieldName)
    {
        const string Suffix = ">k__BackingField";
        if (!fieldName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = fieldName.Substring(1, fieldName.Length - Suffix.Length - 1);
        return declaring.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault();
    }

    private static string Qualified(INamedTypeSymbol declaring, ISymbol member) =>
        declaring.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "." + member.Name;

    private static string TypeDisplay(ISymbol member) => member switch
    {
        IFieldSymbol field => field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        IPropertySymbol property => property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        IEventSymbol @event => @event.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
        _ => string.Empty,
    };

    /// <summary>HOT002 about one member: <c>Member 'Name' of type 'T' cannot be encoded by [Columnar]: reason</c>.</summary>
    private static Diagnostic MemberDiagnostic(Location location, string name, string typeDisplay, string reason) =>
        Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, location, "Member '" + name + "' of type '" + typeDisplay + "'", reason);

    /// <summary>Whether a base class has a <c>Codec</c> the generated one hides (a [Columnar] base's own, or a member so named).</summary>
    private static bool InheritsCodec(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return false;
        }

        for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            if (current.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == AttributeNames.Columnar))
            {
                return true;
            }

            foreach (var member in current.GetMembers("Codec"))
            {
                if (member.DeclaredAccessibility != Accessibility.Private)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>FNV-1a 64 of the schema (member names, kinds, nullability, encodings), not of the type's name.</summary>
    public static ulong Fingerprint(IReadOnlyList<ColumnarMember> members)
    {
        var text = new StringBuilder("hotpath-columnar-1;");
        foreach (var m in members)
        {
            text.Append(m.Name.TrimStart('@')).Append(':').Append(m.Kind.ToString())
                .Append(m.IsNullable ? "?" : string.Empty).Append(':').Append(((int)m.Encoding).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(':').Append(m.QuantizeDecimals.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(';');
        }

        var hash = 14695981039346656037UL;
        foreach (var c in text.ToString())
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    private static bool ReadEncoding(
        ISymbol member,
        string name,
        Location? inheritedAt,
        ColumnKind kind,
        string typeDisplay,
        Action<Diagnostic> report,
        CancellationToken cancellationToken,
        out MemberEncoding encoding,
        out int decimals)
    {
        encoding = MemberEncoding.Auto;
        decimals = -1;
        var found = 0;
        var ok = true;
        // An auto-property's encoding may be on its backing field ([field: Quantize(2)]): it is the property's column's. An
        // override without one of its own keeps the encoding of the property it overrides.
        foreach (var attribute in BackingFieldAttributes.Roles(member, IsEncoding))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attributeName = attribute.AttributeClass?.ToDisplayString();
            var location = inheritedAt ?? attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? member.Locations.FirstOrDefault() ?? Location.None;
            string? problem = null;
            switch (attributeName)
            {
                case AttributeNames.DeltaOfDelta:
                    found++;
                    encoding = MemberEncoding.DeltaOfDelta;
                    if (!IsIntegerLike(kind) || kind is ColumnKind.Boolean or ColumnKind.Guid or ColumnKind.Decimal or ColumnKind.Half)
                    {
                        problem = "[DeltaOfDelta] applies to integers, chars, enums, DateTime, DateTimeOffset, TimeSpan, DateOnly and TimeOnly";
                    }

                    break;
                case AttributeNames.Dictionary:
                    found++;
                    encoding = MemberEncoding.Dictionary;
                    if (kind != ColumnKind.String)
                    {
                        problem = "[Dictionary] applies to string members (other types already code repeats in a few bits)";
                    }

                    break;
                case AttributeNames.RunLength:
                    found++;
                    encoding = MemberEncoding.RunLength;
                    if (kind is ColumnKind.Double or ColumnKind.Single)
                    {
                        problem = "[RunLength] does not apply to floating-point members (their default coding already stores a repeat in 2 bits)";
                    }

                    break;
                case AttributeNames.Quantize:
                    found++;
                    if (kind is not (ColumnKind.Double or ColumnKind.Single))
                    {
                        problem = "[Quantize] applies only to float and double members (it is the only lossy encoding)";
                        break;
                    }

                    if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int d)
                    {
                        if (d is < 0 or > 15)
                        {
                            report(Diagnostic.Create(DiagnosticDescriptors.ArgumentOutOfRange, location, "Quantize", "decimals", d.ToString(System.Globalization.CultureInfo.InvariantCulture), "it must be between 0 and 15"));
                            ok = false;
                        }

                        decimals = d;
                    }
                    else
                    {
                        ok = false; // a compile error already marks the attribute
                    }

                    break;
                default:
                    continue;
            }

            if (problem is not null)
            {
                report(MemberDiagnostic(location, name, typeDisplay, problem));
                ok = false;
            }
        }

        if (found > 1)
        {
            report(MemberDiagnostic(inheritedAt ?? member.Locations.FirstOrDefault() ?? Location.None, name, typeDisplay, "a member takes at most one of [DeltaOfDelta], [Dictionary], [RunLength] and [Quantize]"));
            ok = false;
        }

        return ok;
    }

    /// <summary>Whether <paramref name="attributeName"/> is one of the encoding attributes ([DeltaOfDelta], [Dictionary], [RunLength], [Quantize]).</summary>
    private static bool IsEncoding(string attributeName) => attributeName is AttributeNames.DeltaOfDelta or AttributeNames.Dictionary or AttributeNames.RunLength or AttributeNames.Quantize;

    private static bool IsIntegerLike(ColumnKind kind) => kind is not (ColumnKind.Double or ColumnKind.Single or ColumnKind.String);

    private static ColumnKind? Classify(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return ColumnKind.Enum;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_SByte: return ColumnKind.SByte;
            case SpecialType.System_Byte: return ColumnKind.Byte;
            case SpecialType.System_Int16: return ColumnKind.Int16;
            case SpecialType.System_UInt16: return ColumnKind.UInt16;
            case SpecialType.System_Int32: return ColumnKind.Int32;
            case SpecialType.System_UInt32: return ColumnKind.UInt32;
            case SpecialType.System_Int64: return ColumnKind.Int64;
            case SpecialType.System_UInt64: return ColumnKind.UInt64;
            case SpecialType.System_IntPtr: return ColumnKind.IntPtr;
            case SpecialType.System_UIntPtr: return ColumnKind.UIntPtr;
            case SpecialType.System_Char: return ColumnKind.Char;
            case SpecialType.System_Boolean: return ColumnKind.Boolean;
            case SpecialType.System_DateTime: return ColumnKind.DateTime;
            case SpecialType.System_Decimal: return ColumnKind.Decimal;
            case SpecialType.System_Double: return ColumnKind.Double;
            case SpecialType.System_Single: return ColumnKind.Single;
            case SpecialType.System_String: return ColumnKind.String;
        }

        if (type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true } && type.TypeKind == TypeKind.Struct)
        {
            switch (type.MetadataName)
            {
                case "DateTimeOffset": return ColumnKind.DateTimeOffset;
                case "TimeSpan": return ColumnKind.TimeSpan;
                case "Guid": return ColumnKind.Guid;
                case "Int128": return ColumnKind.Int128;
                case "UInt128": return ColumnKind.UInt128;
                case "DateOnly": return ColumnKind.DateOnly;
                case "TimeOnly": return ColumnKind.TimeOnly;
                case "Half": return ColumnKind.Half;
            }
        }

        return null;
    }
}
