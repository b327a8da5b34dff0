using System.Globalization;
using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Compression;

/// <summary>Writes the <c>Codec</c> property and the nested codec class of a [Columnar] type. Pure: model in, source out.</summary>
internal static class ColumnarEmitter
{
    private const string Values = "global::Hotpath.Compression.ColumnValues";
    private const string CodecClass = "__HotpathColumnarCodec";

    /// <summary>One stored column of a member: scratch and writer/reader method names and the conversion into it.</summary>
    private sealed class Physical
    {
        public Physical(string storage, Func<string, string> toColumn)
        {
            Storage = storage;
            ToColumn = toColumn;
        }

        public string Storage { get; } // Int64, Double, Single or String

        public Func<string, string> ToColumn { get; }
    }

    public static string Emit(ColumnarModel model)
    {
        var target = model.Target;
        var rowType = target.FullyQualifiedName;
        var writer = SourceWriter.CreateFile();
        TypeTargetEmitter.OpenType(writer, target);

        writer.Line("/// <summary>Encodes and decodes spans of <see cref=\"" + target.EscapedName + "\"/> rows as compressed columnar blocks.</summary>");
        writer.Line("public static " + (model.HidesInheritedCodec ? "new " : string.Empty) + "global::Hotpath.Compression.IColumnarCodec<" + rowType + "> Codec { get; } = new " + CodecClass + "();");
        writer.Line();
        writer.Line(GeneratedCodeMarker.Attribute);
        writer.Line("private sealed class " + CodecClass + " : global::Hotpath.Compression.IColumnarCodec<" + rowType + ">");
        writer.OpenBrace();
        writer.Line("private const ulong Fingerprint = 0x" + model.Fingerprint.ToString("X16", CultureInfo.InvariantCulture) + "UL;");
        writer.Line("private const int SectionCount = " + SourceWriter.Literal(SectionCount(model)) + ";");
        writer.Line();

        EmitEncode(writer, model, rowType);
        writer.Line();
        writer.Line("public int GetRowCount(global::System.ReadOnlySpan<byte> block) =>");
        writer.Line("    global::Hotpath.Compression.ColumnarBlock.ReadRowCount(block, Fingerprint, SectionCount);");
        writer.Line();
        EmitDecode(writer, model, rowType);

        writer.CloseBrace();
        TypeTargetEmitter.CloseType(writer, target);
        return writer.ToString();
    }

    private static int SectionCount(ColumnarModel model)
    {
        var count = 0;
        foreach (var member in model.Members)
        {
            count += Columns(member).Count + (member.IsNullable ? 1 : 0);
        }

        return count;
    }

    private static void EmitEncode(SourceWriter writer, ColumnarModel model, string rowType)
    {
        writer.Line("public void Encode(global::System.ReadOnlySpan<" + rowType + "> rows, global::System.Buffers.IBufferWriter<byte> output)");
        writer.OpenBrace();
        writer.Line("global::System.ArgumentNullException.ThrowIfNull(output);");
        if (!model.Target.IsValueType)
        {
            writer.Line("for (var i = 0; i < rows.Length; i++)");
            writer.OpenBrace();
            writer.Line("if (rows[i] is null)");
            writer.OpenBrace();
            writer.Line("throw " + Values + ".NullRow(i);");
            writer.CloseBrace();
            writer.CloseBrace();
            writer.Line();
        }

        writer.Line("var writer = new global::Hotpath.Compression.ColumnarBlockWriter(Fingerprint, rows.Length, SectionCount);");
        writer.Line("try");
        writer.OpenBrace();
        foreach (var member in model.Members)
        {
            var access = Access(model, member, "rows[i]");
            var encoding = "global::Hotpath.Compression.ColumnEncoding." + member.Encoding.ToString();
            writer.Line("// " + member.Name.TrimStart('@') + ": " + Describe(member));
            writer.OpenBrace();
            if (member.IsNullable)
            {
                writer.Line("var present = writer.Int64Scratch;");
                writer.Line("for (var i = 0; i < rows.Length; i++)");
                writer.OpenBrace();
                writer.Line("present[i] = " + access + ".HasValue ? 1L : 0L;");
                writer.CloseBrace();
                writer.Line();
                writer.Line("writer.WriteInt64(present, global::Hotpath.Compression.ColumnEncoding.Auto);");
            }

            var physical = Columns(member);
            for (var c = 0; c < physical.Count; c++)
            {
                var column = physical[c];
                if (c > 0)
                {
                    // Each physical column reuses the scratch names: close the previous scope first.
                    writer.CloseBrace();
                    writer.OpenBrace();
                }

                writer.Line("var column = writer." + column.Storage + "Scratch;");
                if (member.IsNullable)
                {
                    writer.Line("var count = 0;");
                    writer.Line("for (var i = 0; i < rows.Length; i++)");
                    writer.OpenBrace();
                    writer.Line("if (" + access + " is { } value)");
                    writer.OpenBrace();
                    writer.Line("column[count++] = " + column.ToColumn("value") + ";");
                    writer.CloseBrace();
                    writer.CloseBrace();
                    writer.Line();
                    writer.Line(WriteCall(column, "column.Slice(0, count)", encoding));
                }
                else
                {
                    // Scratch sliced to the rows' length: the loop bound covers both spans, no bounds checks.
                    writer.Line("column = column.Slice(0, rows.Length);");
                    writer.Line("for (var i = 0; i < rows.Length; i++)");
                    writer.OpenBrace();
                    writer.Line("column[i] = " + column.ToColumn(access) + ";");
                    writer.CloseBrace();
                    writer.Line();
                    writer.Line(WriteCall(column, "column", encoding));
                }
            }

            writer.CloseBrace();
            writer.Line();
        }

        writer.Line("writer.Complete(output);");
        writer.CloseBrace();
        writer.Line("finally");
        writer.OpenBrace();
        writer.Line("writer.Dispose();");
        writer.CloseBrace();
        writer.CloseBrace();
    }

    private static void EmitDecode(SourceWriter writer, ColumnarModel model, string rowType)
    {
        writer.Line("public int Decode(global::System.ReadOnlySpan<byte> block, global::System.Span<" + rowType + "> rows)");
        writer.OpenBrace();
        writer.Line("var reader = new global::Hotpath.Compression.ColumnarBlockReader(block, Fingerprint, SectionCount);");
        writer.Line("try");
        writer.OpenBrace();
        writer.Line("var n = reader.RowCount;");
        writer.Line("reader.EnsureDestination(rows.Length);");
        if (!model.Target.IsValueType)
        {
            writer.Line("for (var i = 0; i < n; i++)");
            writer.OpenBrace();
            writer.Line("rows[i] ??= new " + rowType + "();");
            writer.CloseBrace();
        }

        writer.Line();
        foreach (var member in model.Members)
        {
            var columns = Columns(member);
            var target = "rows[i]." + member.Name;
            writer.Line("// " + member.Name.TrimStart('@') + ": " + Describe(member));
            writer.OpenBrace();
            var count = "n";
            if (member.IsNullable)
            {
                writer.Line("var present = reader.ReadInt64(3, n);");
                writer.Line("var count = global::Hotpath.Compression.ColumnarBlockReader.CountPresent(present);");
                count = "count";
            }

            if (!member.IsNullable && columns.Count == 1 && columns[0].Storage is "Int64" or "Double")
            {
                // One page at a time: the page stays in the core's cache between decoding and the copy into rows.
                writer.Line("var pages = reader.Read" + columns[0].Storage + "Pages(n);");
                writer.Line("for (var start = 0; pages.Next(out var column); start += column.Length)");
                writer.OpenBrace();
                writer.Line("var into = rows.Slice(start, column.Length);");
                writer.Line("for (var i = 0; i < column.Length; i++)");
                writer.OpenBrace();
                writer.Line("into[i]." + member.Name + " = " + FromColumns(member, ["column"], "i") + ";");
                writer.CloseBrace();
                writer.CloseBrace();
                writer.CloseBrace();
                writer.Line();
                continue;
            }

            var names = new List<string>();
            for (var c = 0; c < columns.Count; c++)
            {
                var name = columns.Count == 1 ? "column" : "column" + c.ToString(CultureInfo.InvariantCulture);
                names.Add(name);
                writer.Line("var " + name + " = " + ReadCall(columns[c], c, count) + ";");
            }

            if (member.IsNullable)
            {
                writer.Line("var k = 0;");
                writer.Line("for (var i = 0; i < n; i++)");
                writer.OpenBrace();
                writer.Line("if (present[i] != 0)");
                writer.OpenBrace();
                writer.Line(target + " = " + FromColumns(member, names, "k") + ";");
                writer.Line("k++;");
                writer.CloseBrace();
                writer.Line("else");
                writer.OpenBrace();
                writer.Line(target + " = null;");
                writer.CloseBrace();
                writer.CloseBrace();
            }
            else
            {
                // Looping to the column's length over rows sliced to it lets the JIT drop both bounds checks.
                writer.Line("var into = rows.Slice(0, " + names[0] + ".Length);");
                writer.Line("for (var i = 0; i < " + names[0] + ".Length; i++)");
                writer.OpenBrace();
                writer.Line("into[i]." + member.Name + " = " + FromColumns(member, names, "i") + ";");
                writer.CloseBrace();
            }

            writer.CloseBrace();
            writer.Line();
        }

        writer.Line("reader.Complete();");
        writer.Line("return n;");
        writer.CloseBrace();
        writer.Line("finally");
        writer.OpenBrace();
        writer.Line("reader.Dispose();");
        writer.CloseBrace();
        writer.CloseBrace();
    }

    /// <summary>
    /// Reads a member of <paramref name="row"/>, an element of a <c>ReadOnlySpan</c>. A struct's property is read
    /// through <c>Unsafe.AsRef(in row)</c>, so the getter runs without a defensive copy of the row; that call binds
    /// to a <c>ref readonly</c> parameter (since .NET 8), a C# 12 feature, so below C# 12 the row is read directly
    /// (the compiler copies it for the getter: correct, a little slower).
    /// </summary>
    private static string Access(ColumnarModel model, ColumnarMember member, string row) =>
        model.Target.IsValueType && member.IsProperty && model.RefReadonlyArguments
            ? "global::System.Runtime.CompilerServices.Unsafe.AsRef(in " + row + ")." + member.Name // no defensive copy for the getter
            : row + "." + member.Name;

    private static string WriteCall(Physical column, string span, string encoding) => column.Storage switch
    {
        "Int64" => "writer.WriteInt64(" + span + ", " + encoding + ");",
        "String" => "writer.WriteString(" + span + ", " + encoding + ");",
        _ => "writer.Write" + column.Storage + "(" + span + ");",
    };

    private static string ReadCall(Physical column, int index, string count) => column.Storage == "Int64"
        ? "reader.ReadInt64(" + index.ToString(CultureInfo.InvariantCulture) + ", " + count + ")"
        : "reader.Read" + column.Storage + "(" + count + ")";

    private static string Describe(ColumnarMember member)
    {
        var text = member.Kind.ToString() + (member.IsNullable ? "?" : string.Empty);
        if (member.Encoding != MemberEncoding.Auto)
        {
            text += ", " + member.Encoding.ToString();
        }

        if (member.QuantizeDecimals >= 0)
        {
            text += ", quantized to " + member.QuantizeDecimals.ToString(CultureInfo.InvariantCulture) + " decimals";
        }

        return text;
    }

    private static List<Physical> Columns(ColumnarMember member)
    {
        var list = new List<Physical>();
        switch (member.Kind)
        {
            case ColumnKind.UInt64:
            case ColumnKind.Enum:
            case ColumnKind.IntPtr:
                list.Add(new Physical("Int64", static v => "unchecked((long)" + v + ")"));
                break;
            case ColumnKind.UIntPtr:
                list.Add(new Physical("Int64", static v => "unchecked((long)(ulong)" + v + ")"));
                break;
            case ColumnKind.Boolean:
                list.Add(new Physical("Int64", static v => "(" + v + " ? 1L : 0L)"));
                break;
            case ColumnKind.DateTime:
                list.Add(new Physical("Int64", static v => Values + ".FromDateTime(" + v + ")"));
                break;
            case ColumnKind.TimeSpan:
            case ColumnKind.TimeOnly:
                list.Add(new Physical("Int64", static v => v + ".Ticks"));
                break;
            case ColumnKind.DateOnly:
                list.Add(new Physical("Int64", static v => "(long)" + v + ".DayNumber"));
                break;
            case ColumnKind.Half:
                list.Add(new Physical("Int64", static v => Values + ".FromHalf(" + v + ")"));
                break;
            case ColumnKind.DateTimeOffset:
                list.Add(new Physical("Int64", static v => Values + ".DateTimeOffsetTicks(" + v + ")"));
                list.Add(new Physical("Int64", static v => Values + ".DateTimeOffsetMinutes(" + v + ")"));
                break;
            case ColumnKind.Guid:
                list.Add(new Physical("Int64", static v => Values + ".GuidLow(" + v + ")"));
                list.Add(new Physical("Int64", static v => Values + ".GuidHigh(" + v + ")"));
                break;
            case ColumnKind.Int128:
            case ColumnKind.UInt128:
            {
                var prefix = member.Kind.ToString();
                list.Add(new Physical("Int64", v => Values + "." + prefix + "Low(" + v + ")"));
                list.Add(new Physical("Int64", v => Values + "." + prefix + "High(" + v + ")"));
                break;
            }

            case ColumnKind.Decimal:
                list.Add(new Physical("Int64", static v => Values + ".DecimalLow(" + v + ")"));
                list.Add(new Physical("Int64", static v => Values + ".DecimalHigh(" + v + ")"));
                list.Add(new Physical("Int64", static v => Values + ".DecimalFlags(" + v + ")"));
                break;
            case ColumnKind.Double:
            case ColumnKind.Single:
            {
                var decimals = member.QuantizeDecimals;
                list.Add(new Physical(member.Kind.ToString(), decimals < 0
                    ? static v => v
                    : v => Values + ".Quantize(" + v + ", " + decimals.ToString(CultureInfo.InvariantCulture) + ")"));
                break;
            }

            case ColumnKind.String:
                list.Add(new Physical("String", static v => v));
                break;
            default:
                // Remaining integer types and char widen to long implicitly.
                list.Add(new Physical("Int64", static v => "(long)" + v));
                break;
        }

        return list;
    }

    private static string FromColumns(ColumnarMember member, List<string> columns, string index)
    {
        string C(int c) => columns[c] + "[" + index + "]";
        return member.Kind switch
        {
            ColumnKind.Boolean => C(0) + " != 0",
            ColumnKind.DateTime => Values + ".ToDateTime(" + C(0) + ")",
            ColumnKind.TimeSpan => "new global::System.TimeSpan(" + C(0) + ")",
            ColumnKind.DateOnly => Values + ".ToDateOnly(" + C(0) + ")",
            ColumnKind.TimeOnly => Values + ".ToTimeOnly(" + C(0) + ")",
            ColumnKind.Half => Values + ".ToHalf(" + C(0) + ")",
            ColumnKind.DateTimeOffset => Values + ".ToDateTimeOffset(" + C(0) + ", " + C(1) + ")",
            ColumnKind.Guid => Values + ".ToGuid(" + C(0) + ", " + C(1) + ")",
            ColumnKind.Int128 => Values + ".ToInt128(" + C(0) + ", " + C(1) + ")",
            ColumnKind.UInt128 => Values + ".ToUInt128(" + C(0) + ", " + C(1) + ")",
            ColumnKind.Decimal => Values + ".ToDecimal(" + C(0) + ", " + C(1) + ", " + C(2) + ")",
            ColumnKind.Double or ColumnKind.Single => C(0),
            ColumnKind.String => C(0) + "!", // null comes back as null; '!' keeps non-nullable string members warning-free
            ColumnKind.UIntPtr => "unchecked((nuint)(ulong)" + C(0) + ")",
            _ => "unchecked((" + member.TypeName + ")" + C(0) + ")",
        };
    }
}
