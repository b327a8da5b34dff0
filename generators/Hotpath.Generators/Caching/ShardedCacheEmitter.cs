using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Caching;

/// <summary>Turns models into source: the typed members of a [ShardedCache] class, and the key struct. Pure functions.</summary>
internal static class ShardedCacheEmitter
{
    private const string CacheType = "global::Hotpath.Caching.ShardedCache";
    private const string OptionsType = "global::Hotpath.Caching.ShardedCacheOptions";
    private const string FieldName = "_hotpathCache";

    /// <summary>
    /// The cache class's members: constructors, TryGet/GetOrAdd/GetOrAddAsync (each of the two also with an argument for the
    /// factory or loader)/Set/Remove/Clear, Count, Statistics.
    /// </summary>
    public static string EmitCache(ShardedCacheModel model)
    {
        var key = model.Key;
        var value = model.ValueTypeFullName;
        var writer = SourceWriter.CreateFile();
        TypeTargetEmitter.OpenType(writer, model.Target);

        var parameters = string.Join(", ", key.Parts.Select(static p => p.TypeFullName + " " + p.ParameterName));
        var arguments = string.Join(", ", key.Parts.Select(static p => p.ParameterName));
        var newKey = "new " + key.FullName + "(" + arguments + ")";
        var cache = CacheType + "<" + key.FullName + ", " + value + ">";
        var summaryKey = string.Join(", ", key.Parts.Select(static p => p.MemberName));
        var typed = model.AccessorsArePublic ? "public " : "internal ";
        var arg = model.ArgumentTypeParameter;
        string New(string name) => model.Overrides.Contains(name) ? "override " : model.HidesInherited.Contains(name) ? "new " : string.Empty;

        var attributeOptions = "new " + OptionsType + " { Shards = " + SourceWriter.Literal(model.Shards) + ", Capacity = " + SourceWriter.Literal(model.Capacity) +
                               ", TimeToLive = " + (model.TimeToLiveSeconds == 0 ? "null" : "global::System.TimeSpan.FromSeconds(" + SourceWriter.Literal(model.TimeToLiveSeconds) + ")") +
                               ", Name = " + SourceWriter.Literal(model.Target.Name) + " }";
        var configured = SourceWriter.Literal(model.Shards) + (model.Shards == 1 ? " shard, " : " shards, ") + SourceWriter.Literal(model.Capacity) + (model.Capacity == 1 ? " entry, " : " entries, ") +
                         (model.TimeToLiveSeconds == 0 ? "no expiry" : "entries expire after " + SourceWriter.Literal(model.TimeToLiveSeconds) + " s");
        if (model.HasPrimaryConstructor)
        {
            // Every constructor of a type with a primary constructor must call it (CS8862): none is generated, and the
            // primary constructor runs this initializer, which may read its parameters.
            var options = model.OptionsParameter is null ? attributeOptions
                : model.OptionsParameterMayBeNull ? model.OptionsParameter + " ?? " + attributeOptions
                : model.OptionsParameter;
            writer.Line("/// <summary>The cache, created when the primary constructor runs: " +
                        (model.OptionsParameter is null ? "configured by the [ShardedCache] attribute (" + configured + ")"
                            : "configured by its parameter <c>" + model.OptionsParameter.TrimStart('@') + "</c>" + (model.OptionsParameterMayBeNull ? " or, when it is null, by the [ShardedCache] attribute (" + configured + ")" : string.Empty)) + ".</summary>");
            writer.Line(GeneratedCodeMarker.Attribute);
            writer.Line("private " + New(FieldName) + "readonly " + cache + " " + FieldName + " = new " + cache + "(" + options + ");");
            writer.Line();
        }
        else
        {
            writer.Line(GeneratedCodeMarker.Attribute);
            writer.Line("private " + New(FieldName) + "readonly " + cache + " " + FieldName + ";");
            writer.Line();
            writer.Line("/// <summary>A cache configured by its [ShardedCache] attribute: " + configured + ".</summary>");
            writer.Line("public " + model.Target.EscapedName + "()");
            writer.Indent();
            writer.Line(": this(" + attributeOptions + ")");
            writer.Unindent();
            writer.OpenBrace();
            writer.CloseBrace();
            writer.Line();
            writer.Line("/// <summary>A cache configured by <paramref name=\"options\"/> (the attribute's values are not used).</summary>");
            writer.Line("public " + model.Target.EscapedName + "(" + OptionsType + " options)");
            writer.OpenBrace();
            writer.Line(FieldName + " = new " + cache + "(options);");
            writer.CloseBrace();
            writer.Line();
        }

        writer.Line("/// <summary>Entries currently held.</summary>");
        writer.Line("public " + New("Count") + "int Count => " + FieldName + ".Count;");
        writer.Line();
        writer.Line("/// <summary>A snapshot of the hit, miss, eviction and expiration counters.</summary>");
        writer.Line("public " + New("Statistics") + "global::Hotpath.Caching.CacheStatistics Statistics => " + FieldName + ".Statistics;");
        writer.Line();
        writer.Line("/// <summary>Gets the value cached for (" + summaryKey + ") without a lock or an allocation.</summary>");
        writer.Line(typed + New("TryGet") + "bool TryGet(" + parameters + ", [global::System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out " + value + " value)");
        writer.Indent().Line("=> " + FieldName + ".TryGet(" + newKey + ", out value);").Unindent();
        writer.Line();
        writer.Line("/// <summary>Gets the value cached for (" + summaryKey + "), or creates it with <paramref name=\"factory\"/> and caches it.</summary>");
        writer.Line(typed + New("GetOrAdd") + value + " GetOrAdd(" + parameters + ", global::System.Func<" + key.FullName + ", " + value + "> factory)");
        writer.Indent().Line("=> " + FieldName + ".GetOrAdd(" + newKey + ", factory);").Unindent();
        writer.Line();
        writer.Line("/// <summary>Gets the value cached for (" + summaryKey + "), or creates it with <paramref name=\"factory\"/>, which is handed <paramref name=\"factoryArgument\"/> (so a static lambda needs no closure), and caches it.</summary>");
        writer.Line(typed + New("GetOrAdd`1") + value + " GetOrAdd<" + arg + ">(" + parameters + ", global::System.Func<" + key.FullName + ", " + arg + ", " + value + "> factory, " + arg + " factoryArgument)");
        writer.Indent().Line("=> " + FieldName + ".GetOrAdd<" + arg + ">(" + newKey + ", factory, factoryArgument);").Unindent();
        writer.Line();
        writer.Line("/// <summary>Gets the value cached for (" + summaryKey + "), or loads it once however many callers miss at the same time.</summary>");
        writer.Line(typed + New("GetOrAddAsync") + "global::System.Threading.Tasks.ValueTask<" + value + "> GetOrAddAsync(" + parameters + ", global::System.Func<" + key.FullName +
                    ", global::System.Threading.CancellationToken, global::System.Threading.Tasks.ValueTask<" + value + ">> loader, global::System.Threading.CancellationToken cancellationToken = default)");
        writer.Indent().Line("=> " + FieldName + ".GetOrAddAsync(" + newKey + ", loader, cancellationToken);").Unindent();
        writer.Line();
        writer.Line("/// <summary>Gets the value cached for (" + summaryKey + "), or loads it once however many callers miss at the same time, handing <paramref name=\"loader\"/> <paramref name=\"loaderArgument\"/> (so a static lambda needs no closure).</summary>");
        writer.Line(typed + New("GetOrAddAsync`1") + "global::System.Threading.Tasks.ValueTask<" + value + "> GetOrAddAsync<" + arg + ">(" + parameters + ", global::System.Func<" + key.FullName + ", " + arg +
                    ", global::System.Threading.CancellationToken, global::System.Threading.Tasks.ValueTask<" + value + ">> loader, " + arg + " loaderArgument, global::System.Threading.CancellationToken cancellationToken = default)");
        writer.Indent().Line("=> " + FieldName + ".GetOrAddAsync<" + arg + ">(" + newKey + ", loader, loaderArgument, cancellationToken);").Unindent();
        writer.Line();
        writer.Line("/// <summary>Stores <paramref name=\"value\"/> under the key read from its [CacheKey] members, replacing any entry.</summary>");
        writer.Line(typed + New("Set") + "void Set(" + value + " value)");
        writer.OpenBrace();
        if (model.ValueIsReferenceType)
        {
            writer.Line("global::System.ArgumentNullException.ThrowIfNull(value);");
        }

        writer.Line(FieldName + ".Set(" + key.FullName + ".From(value), value);");
        writer.CloseBrace();
        writer.Line();
        writer.Line("/// <summary>Removes the entry for (" + summaryKey + "); true when there was one.</summary>");
        writer.Line(typed + New("Remove") + "bool Remove(" + parameters + ")");
        writer.Indent().Line("=> " + FieldName + ".Remove(" + newKey + ");").Unindent();
        writer.Line();
        writer.Line("/// <summary>Removes every entry.</summary>");
        writer.Line("public " + New("Clear") + "void Clear() => " + FieldName + ".Clear();");

        TypeTargetEmitter.CloseType(writer, model.Target);
        return writer.ToString();
    }

    /// <summary>The <c>{Value}Key</c> readonly record struct: ordinal string equality, allocation-free hashing.</summary>
    public static string EmitKey(CacheKeyModel key)
    {
        var writer = SourceWriter.CreateFile();
        if (key.Namespace is not null)
        {
            writer.Line("namespace " + key.Namespace);
            writer.OpenBrace();
        }

        var parts = key.Parts;
        writer.Line("/// <summary>A cache key: the value type's [CacheKey] members, in order.</summary>");
        writer.Line(GeneratedCodeMarker.Attribute);
        writer.Line((key.IsPublic ? "public" : "internal") + " readonly partial record struct " + key.Name + "(" +
                    string.Join(", ", parts.Select(static p => p.TypeFullName + " " + p.MemberName)) + ")");
        writer.OpenBrace();
        writer.Line("/// <summary>The key of <paramref name=\"value\"/>.</summary>");
        writer.Line("public static " + key.Name + " From(" + key.ValueTypeFullName + " value) => new(" +
                    string.Join(", ", parts.Select(static p => "value." + p.MemberName)) + ");");
        writer.Line();
        writer.Line("/// <summary>Part-by-part equality; strings compare ordinally.</summary>");
        writer.Line("public bool Equals(" + key.Name + " other)");
        writer.Indent();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var comparison = part.IsString
                ? "string.Equals(" + part.MemberName + ", other." + part.MemberName + ")" // ordinal; the overload taking a StringComparison is a call more
                : "global::System.Collections.Generic.EqualityComparer<" + part.TypeFullName + ">.Default.Equals(" + part.MemberName + ", other." + part.MemberName + ")";
            writer.Line((i == 0 ? "=> " : "&& ") + comparison + (i == parts.Count - 1 ? ";" : string.Empty));
        }

        writer.Unindent();
        writer.Line();
        writer.Line("/// <summary>Combines the parts' hash codes (ordinal for strings); allocates nothing.</summary>");
        writer.Line("public override int GetHashCode() => " + KeyHash(parts) + ";");
        writer.CloseBrace();
        if (key.Namespace is not null)
        {
            writer.CloseBrace();
        }

        return writer.ToString();
    }

    /// <summary>
    /// The key's hash. String parts take the runtime's seeded ordinal string hash (cheaper than Marvin) without its
    /// final avalanche (<c>CacheKeyHash.Fold</c>, seeded by the part's position), xored together with the other parts'
    /// combined hash and finished once: a two-string key pays one avalanche, not two. A key without string parts
    /// combines its parts' default hash codes (0 for null) left to right.
    /// </summary>
    private static string KeyHash(EquatableArray<CacheKeyPart> parts)
    {
        string? others = null;
        var folds = new List<string>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.IsString)
            {
                folds.Add("global::Hotpath.Caching.CacheKeyHash.Fold(" + part.MemberName + ", " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
                continue;
            }

            var hash = "global::System.Collections.Generic.EqualityComparer<" + part.TypeFullName + ">.Default.GetHashCode(" + part.MemberName + (part.IsNeverNull ? ")" : "!)");
            others = others is null ? hash : "global::Hotpath.Caching.CacheKeyHash.Combine(" + others + ", " + hash + ")";
        }

        if (folds.Count == 0)
        {
            return others!;
        }

        if (others is not null)
        {
            folds.Add("unchecked((uint)" + others + ")"); // unchecked: a project may compile checked
        }

        return "global::Hotpath.Caching.CacheKeyHash.Finish(" + string.Join(" ^ ", folds) + ")";
    }
}
