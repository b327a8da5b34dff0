using System.Collections.Immutable;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Batching;

/// <summary>
/// Reads a [BatchReducer] struct into a <see cref="BatchReducerModel"/>. Shared by the generator (which keeps only
/// valid models) and <see cref="BatchReducerDiagnosticsAnalyzer"/> (which reports the diagnostics). Uses symbols
/// only (no Compilation), so both callers can use it.
/// </summary>
internal static class BatchReducerParser
{
    private static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// Parses <paramref name="type"/>. <paramref name="semanticModels"/> binds the <c>[field: …]</c> attributes of its
    /// field-like events (see <see cref="ReportEventFieldRoles"/>).
    /// </summary>
    public static ParseResult<BatchReducerModel> Parse(INamedTypeSymbol type, AttributeData attribute, Func<SyntaxTree, SemanticModel?> semanticModels, CancellationToken cancellationToken)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        if (attribute.ConstructorArguments.Length != 1 ||
            attribute.ConstructorArguments[0].Value is not ITypeSymbol input ||
            input.TypeKind == TypeKind.Error)
        {
            return new ParseResult<BatchReducerModel>(null, diagnostics.ToImmutable()); // the compiler reports it
        }

        if (RefStructReducer(type, input) is { } refStruct)
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, TypeTargetParser.NameLocation(type, cancellationToken), type.Name, "BatchReducer", refStruct));
        }

        if (UnusableInput(type, input) is { } unusable)
        {
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidReducerInput,
                InputLocation(attribute, type, cancellationToken),
                "[BatchReducer]",
                type.Name,
                unusable));
            return new ParseResult<BatchReducerModel>(null, diagnostics.ToImmutable());
        }

        if (Caching.ShardedCacheParser.IsOpenGeneric(input))
        {
            var named = (INamedTypeSymbol)input;
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidReducerInput,
                InputLocation(attribute, type, cancellationToken),
                "[BatchReducer]",
                type.Name,
                "the input type '" + Display(input) + "' is an open generic type, which has no rows to add; name a constructed type such as '" +
                named.Name + "<" + string.Join(", ", Enumerable.Repeat("int", named.Arity)) + ">'"));
            return new ParseResult<BatchReducerModel>(null, diagnostics.ToImmutable());
        }

        if (FileLocalTypes.Find(input) is { } fileLocal)
        {
            var subject = SymbolEqualityComparer.Default.Equals(fileLocal, input) ? "the input type '" + Display(input) + "' is" : "'" + fileLocal.Name + "', in the input type '" + Display(input) + "', is";
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidReducerInput,
                InputLocation(attribute, type, cancellationToken),
                "[BatchReducer]",
                type.Name,
                subject + " file-local, and the generated '" + type.Name + ".Reducer' lives in another file, where it cannot be named; remove 'file' from '" + fileLocal.Name + "'"));
            return new ParseResult<BatchReducerModel>(null, diagnostics.ToImmutable());
        }

        // The nested Reducer implements IBatchReducer<TIn, TAgg> and takes TIn rows: public when TIn can be named
        // wherever the struct can, internal when TIn is internal (CS0051/CS0061 otherwise). A TIn narrower than that
        // (private in a containing type of a wider struct) leaves no accessibility that is both consistent and useful.
        var inputDomain = AccessibilityDomain.OfReferenced(input);
        var reducerDomain = AccessibilityDomain.OfDeclared(type);
        var reducerIsPublic = inputDomain.Contains(reducerDomain);
        if (!reducerIsPublic && !inputDomain.Contains(reducerDomain.Intersect(AccessibilityDomain.Assembly)))
        {
            var hidden = AccessibilityDomain.NarrowestPart(input);
            var why = hidden?.ContainingType is { } container
                ? "'" + hidden.Name + "' is " + AccessibilityText(hidden) + " in '" + container.Name + "'; make '" + hidden.Name + "' internal or public, or make '" + type.Name + "' private"
                : "'" + Display(input) + "' cannot be named there; make it internal or public";
            diagnostics.Add(Diagnostic.Create(
                DiagnosticDescriptors.InvalidReducerInput,
                InputLocation(attribute, type, cancellationToken),
                "[BatchReducer]",
                type.Name,
                "the generated '" + type.Name + ".Reducer' adds '" + Display(input) + "' rows and can be used wherever '" + type.Name + "' can, but " + why));
            return new ParseResult<BatchReducerModel>(null, diagnostics.ToImmutable());
        }

        foreach (var (parameter, location, reason) in RecordParameterAttributes.Find(type, static name => RoleOf(name) is not null, cancellationToken))
        {
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidReducerInput, location, "Record parameter '" + parameter.Name + "'", type.Name, reason));
        }

        var members = new List<ReducerMember>();
        var windowSizeMs = 0L;
        var hasWindow = false;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is IEventSymbol @event)
            {
                ReportEventFieldRoles(type, @event, semanticModels, diagnostics, cancellationToken);
            }

            if (member.IsImplicitlyDeclared || member is not (IFieldSymbol or IPropertySymbol))
            {
                continue;
            }

            if (member.IsStatic)
            {
                ReportStaticMember(type, member, diagnostics, cancellationToken);
                continue;
            }

            var parsed = ParseMember(type, member, input, diagnostics, ref hasWindow, ref windowSizeMs, cancellationToken);
            if (parsed is not null)
            {
                members.Add(parsed);
            }
        }

        BatchReducerConstruction.Check(type, diagnostics, cancellationToken);

        var hasStructLayout = type.GetAttributes().Any(static a => a.AttributeClass?.ToDisplayString() == "System.Runtime.InteropServices.StructLayoutAttribute");
        var model = diagnostics.Count == 0 && type.TypeKind == TypeKind.Struct
            ? new BatchReducerModel(
                TypeTargetParser.Create(type, cancellationToken),
                input.ToDisplayString(FullyQualified),
                reducerIsPublic,
                members.ToEquatableArray(),
                windowSizeMs,
                hasStructLayout)
            : null;
        if (model is not null && MinimumLanguageVersion.CheckBatchReducer(type, attribute, model) is { } tooOld)
        {
            diagnostics.Add(tooOld);
            model = null;
        }

        return new ParseResult<BatchReducerModel>(model, diagnostics.ToImmutable());
    }

    /// <summary>
    /// Why a ref struct reducer type cannot take the generated members (HOT001), or null: the nested Reducer keeps the
    /// partials in a <c>TOut[]</c> and implements <c>IBatchReducer&lt;TIn, TOut&gt;</c>.
    /// </summary>
    private static string? RefStructReducer(INamedTypeSymbol type, ITypeSymbol input) => type.IsRefLikeType
        ? "it is a ref struct, and the generated '" + type.Name + ".Reducer' keeps its partials in an '" + type.Name + "[]' and implements IBatchReducer<" +
          Display(input) + ", " + type.Name + ">: a ref struct can be neither an array element nor a type argument; remove 'ref'"
        : null;

    /// <summary>
    /// Why <paramref name="input"/> cannot be the row type of the generated Reducer (HOT004 on the <c>typeof</c>), or null:
    /// it is the first type argument of <c>IBatchReducer&lt;TIn, TOut&gt;</c> and of <c>ReadOnlySpan&lt;TIn&gt;</c>, and a
    /// parameter type of <c>Add</c>. Open generic and file-local input types are checked after this.
    /// </summary>
    private static string? UnusableInput(INamedTypeSymbol type, ITypeSymbol input)
    {
        var subject = "the input type '" + Display(input) + "' ";
        var typeArgument = "cannot be a type argument of the generated '" + type.Name + ".Reducer' (IBatchReducer<TIn, " + type.Name + ">)";
        const string PointerRemedy = "; use a struct that holds the pointer, or an 'nint'";
        if (input.IsRefLikeType || input.SpecialType is SpecialType.System_TypedReference or SpecialType.System_ArgIterator or SpecialType.System_RuntimeArgumentHandle)
        {
            return subject + "is a ref struct, and the generated '" + type.Name + ".Reducer' implements IBatchReducer<" + Display(input) + ", " + type.Name +
                   "> and takes rows as ReadOnlySpan<" + Display(input) + ">: a ref struct cannot be a type argument; use a plain struct";
        }

        var element = input;
        while (element is IArrayTypeSymbol array)
        {
            element = array.ElementType;
        }

        switch (element.TypeKind)
        {
            case TypeKind.Pointer when !ReferenceEquals(element, input):
            case TypeKind.FunctionPointer when !ReferenceEquals(element, input):
                return subject + "is an array of pointers, which " + typeArgument + PointerRemedy;
            case TypeKind.Pointer:
                return subject + "is a pointer type, which " + typeArgument + PointerRemedy;
            case TypeKind.FunctionPointer:
                return subject + "is a function pointer type, which " + typeArgument + PointerRemedy;
            case TypeKind.Dynamic when input.TypeKind == TypeKind.Dynamic:
                return subject + "cannot be named by typeof (CS1962) nor implemented in IBatchReducer<dynamic, " + type.Name + ">; use 'object', or name the row type";
        }

        if (FirstTypeParameter(input) is { } parameter)
        {
            var owner = parameter.ContainingSymbol is INamedTypeSymbol declaring ? " of '" + declaring.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat) + "'" : string.Empty;
            return subject + (ReferenceEquals(parameter, input) ? "is a type parameter" : "uses the type parameter '" + parameter.Name + "'") + owner +
                   ", which an attribute argument cannot use (CS0416); name a concrete row type";
        }

        if (input.SpecialType == SpecialType.System_Void)
        {
            return subject + "has no values, so there are no rows to add; name the row type";
        }

        if (input.IsStatic)
        {
            return subject + "is a static class, which has no instances to add and " + typeArgument + "; name the row type";
        }

        return null;
    }

    /// <summary>The first type parameter <paramref name="type"/> is or is built from (type arguments, array elements), or null.</summary>
    private static ITypeParameterSymbol? FirstTypeParameter(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return parameter;
            case IArrayTypeSymbol array:
                return FirstTypeParameter(array.ElementType);
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                {
                    if (FirstTypeParameter(argument) is { } found)
                    {
                        return found;
                    }
                }

                return named.ContainingType is { } outer ? FirstTypeParameter(outer) : null;
            default:
                return null;
        }
    }

    /// <summary>HOT004 for a static (or const) member that carries an aggregate attribute, which would otherwise be ignored.</summary>
    private static void ReportStaticMember(INamedTypeSymbol type, ISymbol member, ImmutableArray<Diagnostic>.Builder diagnostics, CancellationToken cancellationToken)
    {
        foreach (var candidate in BackingFieldAttributes.Of(member))
        {
            if (RoleOf(candidate.AttributeClass?.ToDisplayString()) is not null)
            {
                var what = member is IFieldSymbol { IsConst: true } ? "a constant" : "static";
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidReducerInput,
                    AttributeLocation(candidate, member, cancellationToken),
                    "Member '" + member.Name + "'",
                    type.Name,
                    "it is " + what + ", so every partial would share it and the reducer would never set it; make it an instance field or property"));
                return;
            }
        }
    }

    private static ReducerMember? ParseMember(
        INamedTypeSymbol type,
        ISymbol member,
        ITypeSymbol input,
        ImmutableArray<Diagnostic>.Builder diagnostics,
        ref bool hasWindow,
        ref long windowSizeMs,
        CancellationToken cancellationToken)
    {
        AttributeData? roleAttribute = null;
        ReducerRole role = default;
        var roles = 0;
        foreach (var candidate in BackingFieldAttributes.Of(member)) // an auto-property's role may be on its backing field ([field: GroupKey])
        {
            if (RoleOf(candidate.AttributeClass?.ToDisplayString()) is { } r)
            {
                roles++;
                roleAttribute ??= candidate;
                if (roles == 1)
                {
                    role = r;
                }
            }
        }

        if (roleAttribute is null)
        {
            return null;
        }

        var location = AttributeLocation(roleAttribute, member, cancellationToken);
        void Report(string reason) =>
            diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidReducerInput, location, "Member '" + member.Name + "'", type.Name, reason));

        if (roles > 1)
        {
            Report("it carries more than one of [GroupKey], [Window], [Count], [Sum], [Min], [Max], [Mean], [First] and [Last]; give each its own member");
            return null;
        }

        if (Unusable(member) is { } unusable)
        {
            Report(unusable);
            return null;
        }

        var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
        if (PointerMember(memberType) is { } pointer)
        {
            Report(pointer);
            return null;
        }

        var writable = member is IFieldSymbol f ? !f.IsReadOnly && !f.IsConst : ((IPropertySymbol)member).SetMethod is { IsInitOnly: false };
        if (!writable)
        {
            Report(type.IsReadOnly
                ? "the reducer must assign it, and '" + type.Name + "' is a readonly struct, whose fields must all be readonly; remove 'readonly' from '" + type.Name + "' and from the member"
                : member is IPropertySymbol { SetMethod.IsInitOnly: true }
                    ? "the reducer must assign it after the struct is created, which an 'init' accessor does not allow; make it 'set'"
                    : "the reducer must assign it; make it a non-readonly field or a property with a setter");
            return null;
        }

        var attributeName = "[" + RoleName(role) + "]";
        string? sourceName = role switch
        {
            ReducerRole.Count => null,
            ReducerRole.Key => roleAttribute.ConstructorArguments.Length == 1 ? roleAttribute.ConstructorArguments[0].Value as string : member.Name,
            ReducerRole.Window => roleAttribute.ConstructorArguments.Length == 2 ? roleAttribute.ConstructorArguments[1].Value as string : null,
            _ => roleAttribute.ConstructorArguments.Length == 1 ? roleAttribute.ConstructorArguments[0].Value as string : null,
        };

        ITypeSymbol? sourceType = null;
        if (role != ReducerRole.Count)
        {
            if (string.IsNullOrEmpty(sourceName))
            {
                Report(attributeName + " must name an input member of '" + input.Name + "'");
                return null;
            }

            sourceType = FindInputMember(input, sourceName!, type, out var declaredTwice);
            if (declaredTwice is var (first, second))
            {
                Report(attributeName + " reads '" + sourceName + "', which the input type '" + input.Name + "' inherits from two interfaces that declare it, '" + first.Name + "' and '" +
                       second.Name + "', so 'row." + sourceName + "' would be ambiguous (CS0229); declare it on '" + input.Name + "' ('new " + Display(sourceType!) + " " + sourceName +
                       " { get; }', implemented by the rows), or give the two different names");
                return null;
            }

            if (sourceType is null)
            {
                Report(attributeName + " reads '" + sourceName + "', but '" + input.Name + "' has no accessible instance field or readable property of that name");
                return null;
            }
        }

        // An aggregate of a nullable number (int?, double?) skips the nulls, as LINQ does: its member is then a nullable
        // number too (a group of nulls only has no minimum, maximum or mean), whose values are of the underlying type.
        var skipsNulls = role is ReducerRole.Sum or ReducerRole.Min or ReducerRole.Max or ReducerRole.Mean && IsNullableNumber(sourceType!);
        var valueType = skipsNulls ? WithoutNullable(memberType) : memberType;
        var kind = KindOf(valueType);
        var accumulator = string.Empty;
        switch (role)
        {
            case ReducerRole.Key:
            case ReducerRole.First:
            case ReducerRole.Last:
                if (!ConvertsImplicitly(sourceType!, memberType))
                {
                    Report(attributeName + " copies '" + sourceName + "' of type '" + Display(sourceType!) + "', which does not convert implicitly to '" + Display(memberType) + "'");
                    return null;
                }

                if (NullabilityMismatch(sourceType!, memberType, attributeName, "copies", sourceName!) is { } copied)
                {
                    Report(copied);
                    return null;
                }

                break;

            case ReducerRole.Window:
                if (roleAttribute.ConstructorArguments.Length == 2 && roleAttribute.ConstructorArguments[0].Value is int seconds && seconds <= 0)
                {
                    diagnostics.Add(Diagnostic.Create(
                        DiagnosticDescriptors.ArgumentOutOfRange,
                        ArgumentLocation(roleAttribute, 0, cancellationToken) ?? location,
                        "Window",
                        "seconds",
                        seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "a window must be at least 1 second long"));
                    return null;
                }

                if (hasWindow)
                {
                    Report("only one member may carry [Window]");
                    return null;
                }

                if (KindOf(sourceType!) != ValueKind.Integer)
                {
                    Report("[Window] reads '" + sourceName + "' of type '" + Display(sourceType!) + "', but a window needs a timestamp of a built-in integer type up to 64 bits ('long' Unix milliseconds)");
                    return null;
                }

                if (memberType.SpecialType != SpecialType.System_Int64)
                {
                    Report("[Window] holds the window start in source units and must be of type 'long', not '" + Display(memberType) + "'");
                    return null;
                }

                hasWindow = true;
                windowSizeMs = (long)(int)roleAttribute.ConstructorArguments[0].Value! * 1000L;
                break;

            case ReducerRole.Count:
                if (kind is not (ValueKind.Integer or ValueKind.WideInteger))
                {
                    Report("[Count] must be of an integer type such as 'long', not '" + Display(memberType) + "'");
                    return null;
                }

                break;

            case ReducerRole.Sum:
                if (SumMismatch(sourceName!, sourceType!, memberType) is { } sum)
                {
                    Report(sum);
                    return null;
                }

                break;

            case ReducerRole.Min:
            case ReducerRole.Max:
                if (skipsNulls && !IsNullableValue(memberType) && ConvertsImplicitly(WithoutNullable(sourceType!), memberType))
                {
                    Report(attributeName + " reads '" + sourceName + "' of type '" + Display(sourceType!) + "', which may be null, and a group whose every '" + sourceName +
                           "' is null has no " + (role == ReducerRole.Min ? "minimum (LINQ's Min" : "maximum (LINQ's Max") + " is then null); declare the member '" + Display(memberType) + "?'");
                    return null;
                }

                if (kind == ValueKind.Other)
                {
                    Report(!IsNullableNumber(memberType)
                        ? attributeName + " needs an ordered type (a number, enum, char, string or IComparable<T>), not '" + Display(memberType) + "'"
                        : IsNullableValue(sourceType!)
                            ? attributeName + " reads '" + sourceName + "' of type '" + Display(sourceType!) + "', which does not convert implicitly to '" + Display(memberType) + "'"
                            : attributeName + " reads '" + sourceName + "' of type '" + Display(sourceType!) + "', which is never null: declare the member '" + Display(WithoutNullable(memberType)) + "'");
                    return null;
                }

                if (!ConvertsImplicitly(skipsNulls ? WithoutNullable(sourceType!) : sourceType!, memberType))
                {
                    Report(attributeName + " reads '" + sourceName + "' of type '" + Display(sourceType!) + "', which does not convert implicitly to '" + Display(memberType) + "'");
                    return null;
                }

                if (NullabilityMismatch(sourceType!, memberType, attributeName, "reads", sourceName!) is { } read)
                {
                    Report(read);
                    return null;
                }

                break;

            case ReducerRole.Mean:
                if (MeanMismatch(sourceName!, sourceType!, memberType) is { } mean)
                {
                    Report(mean);
                    return null;
                }

                accumulator = kind == ValueKind.Decimal ? "decimal" : "double";
                break;
        }

        return new ReducerMember(Identifiers.Escape(member.Name), memberType.ToDisplayString(FullyQualified), role, sourceName is null ? null : Identifiers.Escape(sourceName), kind, accumulator,
            CheckedTime: role == ReducerRole.Window && sourceType!.SpecialType is SpecialType.System_UInt64 or SpecialType.System_UIntPtr,
            ValueType: valueType.ToDisplayString(FullyQualified),
            SkipsNulls: skipsNulls);
    }

    /// <summary>
    /// Why an aggregate member of a pointer type cannot be generated (HOT004), or null: the generated part of the struct
    /// is not <c>unsafe</c>, and keys and extremes go through <c>EqualityComparer&lt;T&gt;</c>/<c>Comparer&lt;T&gt;</c>.
    /// </summary>
    private static string? PointerMember(ITypeSymbol memberType) => memberType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
        ? "its type '" + Display(memberType) + "' is a pointer type, which the generated code (outside an unsafe context, comparing and hashing members through generic helpers) cannot use; declare it 'nint'"
        : null;

    /// <summary>
    /// Why <c>[Sum]</c> of <paramref name="sourceType"/> into <paramref name="memberType"/> cannot be generated, or null. Of a
    /// nullable number (<c>int?</c>) the nulls are skipped and a group of nulls only sums to 0, as LINQ's <c>Sum</c> does,
    /// into a member of the number's type or a wider one, nullable or not.
    /// </summary>
    private static string? SumMismatch(string sourceName, ITypeSymbol sourceType, ITypeSymbol memberType)
    {
        var skipsNulls = IsNullableNumber(sourceType);
        if (skipsNulls)
        {
            memberType = WithoutNullable(memberType);
        }

        var kind = KindOf(memberType);
        var sourceKind = KindOf(WithoutNullable(sourceType));
        if (kind == ValueKind.Half)
        {
            return "[Sum] into a 'Half' member would round at every row (11 significant bits); declare the member 'float' or 'double', which a 'Half' converts to exactly";
        }

        if (!IsNumeric(kind))
        {
            return "[Sum] needs a numeric member (an integer type, 'float', 'double' or 'decimal'), not '" + Display(memberType) + "'";
        }

        if (!IsNumeric(sourceKind))
        {
            return "[Sum] reads '" + sourceName + "' of type '" + Display(sourceType) + "', which is not a number";
        }

        if (!ConvertsImplicitly(WithoutNullable(sourceType), memberType))
        {
            var shown = Display(WithoutNullable(sourceType));
            var wider = sourceKind switch
            {
                ValueKind.Half or ValueKind.Single => "'float' or 'double'",
                ValueKind.Integer => "'" + shown + "' or 'Int128'",
                _ => "'" + shown + "'",
            };
            return "[Sum] reads '" + sourceName + "' of type '" + Display(sourceType) + "', which does not widen implicitly to '" + Display(memberType) +
                   "' (the sum is added in the member's type); declare the member " + wider;
        }

        return null;
    }

    /// <summary>
    /// Why <c>[Mean]</c> of <paramref name="sourceType"/> into <paramref name="memberType"/> cannot be generated, or null:
    /// a <c>double</c>/<c>float</c> mean keeps a <c>double</c> running sum (any number but <c>decimal</c>), a <c>decimal</c>
    /// mean a <c>decimal</c> one (integers and <c>decimal</c>).
    /// </summary>
    private static string? MeanMismatch(string sourceName, ITypeSymbol sourceType, ITypeSymbol memberType)
    {
        // Of a nullable number the nulls are skipped, and a group of nulls only has no mean: the member is nullable.
        var skipsNulls = IsNullableNumber(sourceType);
        var kind = KindOf(skipsNulls ? WithoutNullable(memberType) : memberType);
        var sourceKind = KindOf(WithoutNullable(sourceType));
        if (kind is not (ValueKind.Double or ValueKind.Single or ValueKind.Decimal))
        {
            return "[Mean] needs a 'double', 'float' or 'decimal' member" + (skipsNulls ? " ('double?', 'float?' or 'decimal?' of a nullable input)" : string.Empty) +
                   ", not '" + Display(memberType) + "'";
        }

        if (skipsNulls && !IsNullableValue(memberType))
        {
            return "[Mean] reads '" + sourceName + "' of type '" + Display(sourceType) + "', which may be null, and a group whose every '" + sourceName +
                   "' is null has no mean (LINQ's Average is then null); declare the member '" + Display(memberType) + "?'";
        }

        if (!IsNumeric(sourceKind))
        {
            return "[Mean] reads '" + sourceName + "' of type '" + Display(sourceType) + "', which is not a number";
        }

        if (kind != ValueKind.Decimal && sourceKind == ValueKind.Decimal)
        {
            return "[Mean] of '" + sourceName + "' (decimal) needs a 'decimal' member: its running sum is kept in the member's kind of number, and a 'double' would round a 'decimal'; declare the member 'decimal'";
        }

        if (kind == ValueKind.Decimal && sourceKind is not (ValueKind.Integer or ValueKind.WideInteger or ValueKind.Decimal))
        {
            return "[Mean] of '" + sourceName + "' (" + Display(sourceType) + ") into a 'decimal' member: a 'decimal' mean keeps a 'decimal' running sum, which takes integer and 'decimal' sources only; declare the member 'double' or 'float'";
        }

        return null;
    }

    /// <summary>
    /// HOT004 at every role attribute on the field of a field-like event (<c>[field: Sum(...)] public event Action?
    /// Changed;</c>, the only place C# lets it go on an event): the reducer sets fields and properties, never an event,
    /// so the role would be silently dropped (a dropped [GroupKey] would merge the rows of every group).
    /// </summary>
    private static void ReportEventFieldRoles(
        INamedTypeSymbol type,
        IEventSymbol @event,
        Func<SyntaxTree, SemanticModel?> semanticModels,
        ImmutableArray<Diagnostic>.Builder diagnostics,
        CancellationToken cancellationToken)
    {
        foreach (var (syntax, attributeName) in EventFieldAttributes.All(@event, semanticModels, cancellationToken))
        {
            if (RoleOf(attributeName) is { } role)
            {
                diagnostics.Add(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidReducerInput,
                    syntax.GetLocation(),
                    "Event '" + @event.Name + "'",
                    type.Name,
                    "[" + RoleName(role) + "] is on the field of an event, which the reducer never sets (it sets fields and properties, and an event holds handlers, not an aggregate); put it on a field or a property with a setter"));
            }
        }
    }

    /// <summary>
    /// Why the generated reducer cannot use <paramref name="member"/> (it writes <c>partial.Name</c> and reads it back to
    /// combine partials), or null: an indexer has no name to write ('this[]'), an explicit interface implementation only
    /// the interface's, and a set-only property cannot be read.
    /// </summary>
    private static string? Unusable(ISymbol member) => member switch
    {
        IPropertySymbol { IsIndexer: true } => "an indexer holds no aggregate the reducer can set by name; use a field or a property with a setter",
        IPropertySymbol { GetMethod: null, SetMethod: not null } => "the reducer reads it back to combine partials, and it has no getter; give the property a getter",
        IPropertySymbol { ExplicitInterfaceImplementations.IsEmpty: false } property =>
            "it is an explicit interface implementation, which the reducer cannot set by name; implement it implicitly ('public " +
            Display(property.Type) + " " + property.ExplicitInterfaceImplementations[0].Name + " { get; set; }')",
        _ => null,
    };

    private static ReducerRole? RoleOf(string? attributeName) => attributeName switch
    {
        AttributeNames.GroupKey => ReducerRole.Key,
        AttributeNames.Window => ReducerRole.Window,
        AttributeNames.Count => ReducerRole.Count,
        AttributeNames.Sum => ReducerRole.Sum,
        AttributeNames.Min => ReducerRole.Min,
        AttributeNames.Max => ReducerRole.Max,
        AttributeNames.Mean => ReducerRole.Mean,
        AttributeNames.First => ReducerRole.First,
        AttributeNames.Last => ReducerRole.Last,
        _ => null,
    };

    private static string RoleName(ReducerRole role) => role == ReducerRole.Key ? "GroupKey" : role.ToString();

    private static Location AttributeLocation(AttributeData attribute, ISymbol member, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? member.Locations.FirstOrDefault() ?? Location.None;

    /// <summary>The location of the attribute's positional argument <paramref name="index"/>, where HOT007 goes.</summary>
    private static Location? ArgumentLocation(AttributeData attribute, int index, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list } && list.Arguments.Count > index
            ? list.Arguments[index].GetLocation()
            : null;

    /// <summary>The attribute's <c>typeof(...)</c> argument, where diagnostics about the input type go.</summary>
    private static Location InputLocation(AttributeData attribute, INamedTypeSymbol type, CancellationToken cancellationToken) =>
        ArgumentLocation(attribute, 0, cancellationToken)
        ?? attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation()
        ?? TypeTargetParser.NameLocation(type, cancellationToken);

    private static string AccessibilityText(ISymbol symbol) => symbol.DeclaredAccessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    /// <summary>
    /// The type of the readable, accessible instance field or property <paramref name="name"/> of the input type (or its
    /// bases). <paramref name="declaredTwice"/>: for an interface input, the two unrelated base interfaces that both
    /// declare it (then the type returned is the first one's, for the message).
    /// </summary>
    private static ITypeSymbol? FindInputMember(ITypeSymbol input, string name, INamedTypeSymbol within, out (INamedTypeSymbol First, INamedTypeSymbol Second)? declaredTwice)
    {
        declaredTwice = null;
        for (var current = input; current is not null; current = current.BaseType)
        {
            foreach (var candidate in current.GetMembers(name))
            {
                if (candidate.IsStatic || !InheritedAccess.IsAccessible(candidate, within, input))
                {
                    continue;
                }

                switch (candidate)
                {
                    case IFieldSymbol field:
                        return field.Type;
                    case IPropertySymbol { GetMethod: not null, IsIndexer: false } property when InheritedAccess.IsAccessible(property.GetMethod, within, input):
                        return property.Type;
                }
            }
        }

        return input.TypeKind == TypeKind.Interface ? FindBaseInterfaceMember(input, name, within, out declaredTwice) : null;
    }

    /// <summary>
    /// The type of the readable property <paramref name="name"/> an interface input inherits from its base interfaces
    /// (an interface has no <see cref="ITypeSymbol.BaseType"/>; <c>row.Name</c> finds them): the one no other declaring
    /// interface hides ('new' in a more derived one). Two such (unrelated interfaces, or the two sides of a diamond that
    /// each hide the top's) make <c>row.Name</c> ambiguous (CS0229): <paramref name="declaredTwice"/> names them.
    /// </summary>
    private static ITypeSymbol? FindBaseInterfaceMember(ITypeSymbol input, string name, INamedTypeSymbol within, out (INamedTypeSymbol First, INamedTypeSymbol Second)? declaredTwice)
    {
        declaredTwice = null;
        var candidates = new List<IPropertySymbol>();
        foreach (var @interface in input.AllInterfaces)
        {
            foreach (var candidate in @interface.GetMembers(name))
            {
                if (candidate is IPropertySymbol { IsStatic: false, GetMethod: not null, IsIndexer: false } property &&
                    InheritedAccess.IsAccessible(property, within, input) && InheritedAccess.IsAccessible(property.GetMethod, within, input))
                {
                    candidates.Add(property);
                }
            }
        }

        var visible = candidates.Where(p => !candidates.Any(other => Inherits(other.ContainingType, p.ContainingType))).ToList();
        if (visible.Count > 1)
        {
            var two = visible.Take(2).OrderBy(static p => p.ContainingType.Name, StringComparer.Ordinal).ToArray();
            declaredTwice = (two[0].ContainingType, two[1].ContainingType);
        }

        return visible.Count > 0 ? visible[0].Type : null;

        static bool Inherits(INamedTypeSymbol derived, INamedTypeSymbol @base) =>
            derived.AllInterfaces.Contains(@base, SymbolEqualityComparer.Default);
    }

    private static ValueKind KindOf(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return ValueKind.Integer;
            case SpecialType.System_Double:
                return ValueKind.Double;
            case SpecialType.System_Single:
                return ValueKind.Single;
            case SpecialType.System_Decimal:
                return ValueKind.Decimal;
            case SpecialType.System_Char:
                return ValueKind.Operator;
            case SpecialType.System_String:
                return ValueKind.String;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return ValueKind.Operator;
        }

        if (IsSystemStruct(type, "Int128") || IsSystemStruct(type, "UInt128"))
        {
            return ValueKind.WideInteger;
        }

        if (IsSystemStruct(type, "Half"))
        {
            return ValueKind.Half;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (candidate is { Name: "IComparable", Arity: 1 } &&
                candidate.ContainingNamespace?.ToDisplayString() == "System" &&
                SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type))
            {
                return ValueKind.Comparable;
            }
        }

        return ValueKind.Other;
    }

    private static bool IsNumeric(ValueKind kind) => kind is ValueKind.Integer or ValueKind.WideInteger or ValueKind.Double or ValueKind.Single or ValueKind.Decimal or ValueKind.Half;

    /// <summary>Whether <paramref name="type"/> is a nullable value type (<c>T?</c> of a struct).</summary>
    private static bool IsNullableValue(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };

    /// <summary>The <c>T</c> of a nullable value type <c>T?</c>; any other type as it is.</summary>
    private static ITypeSymbol WithoutNullable(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    /// <summary>Whether <paramref name="type"/> is a nullable value type of a number (<c>int?</c>, <c>double?</c>).</summary>
    private static bool IsNullableNumber(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && IsNumeric(KindOf(nullable.TypeArguments[0]));

    /// <summary>Whether <paramref name="type"/> is <c>System.{name}</c> (Int128, UInt128 and Half have no <see cref="SpecialType"/>).</summary>
    private static bool IsSystemStruct(ITypeSymbol type, string name) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Struct, Arity: 0, ContainingType: null } named &&
        named.Name == name &&
        named.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>
    /// The C# implicit conversions that matter here, from symbols alone: identity, the implicit numeric widenings (to
    /// <c>Int128</c>/<c>UInt128</c> and <c>Half</c> too), T to T?, and reference conversions to a base type or interface;
    /// and <c>Half</c> to <c>float</c>/<c>double</c>, which C# declares explicit but which is exact (the generated code
    /// always casts).
    /// </summary>
    private static bool ConvertsImplicitly(ITypeSymbol source, ITypeSymbol target)
    {
        if (SymbolEqualityComparer.Default.Equals(source, target))
        {
            return true;
        }

        if (target is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return ConvertsImplicitly(source, nullable.TypeArguments[0]);
        }

        if (source.IsReferenceType)
        {
            if (target.SpecialType == SpecialType.System_Object)
            {
                return true;
            }

            for (var b = source.BaseType; b is not null; b = b.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(b, target))
                {
                    return true;
                }
            }

            return source.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, target));
        }

        return Array.IndexOf(WidensTo(source.SpecialType), target.SpecialType) >= 0 || WidensToSystemNumber(source, target);
    }

    /// <summary>The exact conversions into and out of <c>Int128</c>, <c>UInt128</c> and <c>Half</c> (see <see cref="ConvertsImplicitly"/>).</summary>
    private static bool WidensToSystemNumber(ITypeSymbol source, ITypeSymbol target)
    {
        if (IsSystemStruct(source, "Half"))
        {
            return target.SpecialType is SpecialType.System_Single or SpecialType.System_Double;
        }

        if (IsSystemStruct(target, "Int128"))
        {
            return source.SpecialType is SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
                SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Char or
                SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
        }

        if (IsSystemStruct(target, "UInt128"))
        {
            return source.SpecialType is SpecialType.System_Byte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
                SpecialType.System_Char or SpecialType.System_UIntPtr;
        }

        return IsSystemStruct(target, "Half") && source.SpecialType is SpecialType.System_Byte or SpecialType.System_SByte;
    }

    /// <summary>
    /// Why copying a <paramref name="source"/> value into a <paramref name="target"/> member would break the member's
    /// nullable annotation (the generated code would then carry CS8600/CS8601/CS8619, errors with warnings as errors),
    /// or null. Members in a nullable-oblivious context accept anything, as hand-written code would.
    /// </summary>
    private static string? NullabilityMismatch(ITypeSymbol source, ITypeSymbol target, string attributeName, string verb, string sourceName)
    {
        if (!source.IsValueType && source.NullableAnnotation == NullableAnnotation.Annotated && target.NullableAnnotation == NullableAnnotation.NotAnnotated)
        {
            var nullable = target.WithNullableAnnotation(NullableAnnotation.Annotated);
            return attributeName + " " + verb + " '" + sourceName + "' of type '" + Display(source) + "', which may be null, into a member declared non-nullable '" +
                   Display(target) + "'; declare the member '" + Display(nullable) + "'" + (attributeName == "[GroupKey]" ? " (a null key is then a group of its own)" : string.Empty);
        }

        var sourceTop = source.WithNullableAnnotation(NullableAnnotation.None);
        var targetTop = target.WithNullableAnnotation(NullableAnnotation.None);
        if (SymbolEqualityComparer.Default.Equals(sourceTop, targetTop) && !SymbolEqualityComparer.IncludeNullability.Equals(sourceTop, targetTop) &&
            HasNullableAnnotations(source) && HasNullableAnnotations(target))
        {
            return attributeName + " " + verb + " '" + sourceName + "' of type '" + Display(source) + "' into '" + Display(target) +
                   "', whose type arguments differ in nullability; declare the member '" + Display(source) + "'";
        }

        return null;
    }

    /// <summary>Whether the type was written in a nullable-aware context (oblivious types compare with anything).</summary>
    private static bool HasNullableAnnotations(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol named => named.TypeArguments.Length == 0
            ? named.NullableAnnotation != NullableAnnotation.None
            : named.TypeArgumentNullableAnnotations.All(static a => a != NullableAnnotation.None) && named.TypeArguments.All(HasNullableAnnotations),
        IArrayTypeSymbol array => array.ElementNullableAnnotation != NullableAnnotation.None && HasNullableAnnotations(array.ElementType),
        _ => true,
    };

    private static SpecialType[] WidensTo(SpecialType source) => source switch
    {
        SpecialType.System_SByte => [SpecialType.System_Int16, SpecialType.System_Int32, SpecialType.System_Int64, SpecialType.System_IntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Byte => [SpecialType.System_Int16, SpecialType.System_UInt16, SpecialType.System_Int32, SpecialType.System_UInt32, SpecialType.System_Int64, SpecialType.System_UInt64, SpecialType.System_IntPtr, SpecialType.System_UIntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Int16 => [SpecialType.System_Int32, SpecialType.System_Int64, SpecialType.System_IntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_UInt16 => [SpecialType.System_Int32, SpecialType.System_UInt32, SpecialType.System_Int64, SpecialType.System_UInt64, SpecialType.System_IntPtr, SpecialType.System_UIntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Int32 => [SpecialType.System_Int64, SpecialType.System_IntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_UInt32 => [SpecialType.System_Int64, SpecialType.System_UInt64, SpecialType.System_UIntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Int64 or SpecialType.System_UInt64 => [SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_IntPtr => [SpecialType.System_Int64, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_UIntPtr => [SpecialType.System_UInt64, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Char => [SpecialType.System_UInt16, SpecialType.System_Int32, SpecialType.System_UInt32, SpecialType.System_Int64, SpecialType.System_UInt64, SpecialType.System_IntPtr, SpecialType.System_UIntPtr, SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal],
        SpecialType.System_Single => [SpecialType.System_Double],
        _ => [],
    };
}
