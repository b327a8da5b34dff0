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
    private const string Supported = "supported types are integers, bool, char, float, double, decimal, DateTime, DateTimeOffset, TimeSpan, Guid, enums, string and nullable forms of the value types";

    /// <summary>
    /// Parses <paramref name="type"/>. Each problem is added to <paramref name="diagnostics"/> (when given); the
    /// model is <see langword="null"/> when there was any.
    /// </summary>
    public static ColumnarModel? Parse(INamedTypeSymbol type, List<Diagnostic>? diagnostics, CancellationToken cancellationToken)
    {
        var errors = 0;
        void Report(Diagnostic diagnostic)
        {
            errors++;
            diagnostics?.Add(diagnostic);
        }

        if (type.TypeKind == TypeKind.Class && (type.IsAbstract || !HasParameterlessConstructor(type)))
        {
            Report(Diagnostic.Create(
                DiagnosticDescriptors.UnsupportedColumnarMember,
                TypeTargetParser.NameLocation(type, cancellationToken),
                type.Name,
                type.Name,
                "a [Columnar] class needs a parameterless constructor (and must not be abstract) so Decode can create rows"));
        }

        // Auto-properties: their backing fields are implicit; a get-only one is data Decode could not restore.
        var autoProperties = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true, AssociatedSymbol: { } associated })
            {
                autoProperties.Add(associated);
            }
        }

        var members = new List<ColumnarMember>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsStatic || member.IsImplicitlyDeclared)
            {
                continue;
            }

            ITypeSymbol memberType;
            bool isProperty;
            string? unsettable = null;
            switch (member)
            {
                case IFieldSymbol field when !field.IsConst:
                    memberType = field.Type;
                    isProperty = false;
                    if (field.IsReadOnly)
                    {
                        unsettable = "readonly fields cannot be set by Decode";
                    }

                    break;
                case IPropertySymbol { IsIndexer: false } property:
                    memberType = property.Type;
                    isProperty = true;
                    if (property.GetMethod is null)
                    {
                        unsettable = "a property without a getter cannot be encoded";
                    }
                    else if (property.ReturnsByRef || property.ReturnsByRefReadonly)
                    {
                        unsettable = "ref-returning properties are not supported";
                    }
                    else if (property.SetMethod is null)
                    {
                        if (!autoProperties.Contains(property))
                        {
                            continue; // computed property: derived from the stored members, nothing to store
                        }

                        unsettable = "get-only properties cannot be set by Decode; add a setter";
                    }
                    else if (property.SetMethod.IsInitOnly)
                    {
                        unsettable = "init-only properties cannot be set by Decode; use 'set'";
                    }

                    break;
                default:
                    continue;
            }

            var location = member.Locations.FirstOrDefault() ?? Location.None;
            var typeDisplay = memberType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            if (unsettable is not null)
            {
                Report(Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, location, member.Name, typeDisplay, unsettable));
                continue;
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
                Report(Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, location, member.Name, typeDisplay, "its type is not supported; " + Supported));
                continue;
            }

            if (!ReadEncoding(member, kind.Value, typeDisplay, Report, cancellationToken, out var encoding, out var decimals))
            {
                continue;
            }

            members.Add(new ColumnarMember(
                Identifiers.Escape(member.Name),
                valueType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                kind.Value,
                isNullable,
                isProperty,
                encoding,
                decimals));
        }

        if (errors > 0)
        {
            return null;
        }

        var target = TypeTargetParser.Create(type, cancellationToken);
        return new ColumnarModel(target, Fingerprint(members), members.ToEquatableArray());
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
        foreach (var attribute in member.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = attribute.AttributeClass?.ToDisplayString();
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? member.Locations.FirstOrDefault() ?? Location.None;
            string? problem = null;
            switch (name)
            {
                case AttributeNames.DeltaOfDelta:
                    found++;
                    encoding = MemberEncoding.DeltaOfDelta;
                    if (!IsIntegerLike(kind) || kind is ColumnKind.Boolean or ColumnKind.Guid or ColumnKind.Decimal)
                    {
                        problem = "[DeltaOfDelta] applies to integers, chars, enums, DateTime, DateTimeOffset and TimeSpan";
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
                report(Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, location, member.Name, typeDisplay, problem));
                ok = false;
            }
        }

        if (found > 1)
        {
            report(Diagnostic.Create(DiagnosticDescriptors.UnsupportedColumnarMember, member.Locations.FirstOrDefault() ?? Location.None, member.Name, typeDisplay, "a member takes at most one of [DeltaOfDelta], [Dictionary], [RunLength] and [Quantize]"));
            ok = false;
        }

        return ok;
    }

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
            }
        }

        return null;
    }

    private static bool HasParameterlessConstructor(INamedTypeSymbol type)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.Parameters.Length == 0)
            {
                return true;
            }
        }

        return false;
    }
}
