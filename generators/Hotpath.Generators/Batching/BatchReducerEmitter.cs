using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Batching;

/// <summary>
/// Writes the generated part of a [BatchReducer] struct: hidden state fields, <c>Combine</c>, and the nested
/// <c>Reducer</c> (an open-addressing hash table over arrays it owns). Pure: model in, source text out.
/// </summary>
internal static class BatchReducerEmitter
{
    private const string Math = "global::Hotpath.Batching.ReducerMath";
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    public static string HintName(BatchReducerModel model) => model.Target.HintName + HintSuffix;

    /// <summary>What follows the hint-name stem (see <see cref="HintNames"/>).</summary>
    public const string HintSuffix = ".BatchReducer.g.cs";

    public static string Emit(BatchReducerModel model)
    {
        var w = SourceWriter.CreateFile();
        var target = model.Target;
        var self = target.FullyQualifiedName;
        var hasHidden = HasHiddenState(model);

        if (target.Namespace is not null)
        {
            w.Line("namespace " + target.Namespace);
            w.OpenBrace();
        }

        foreach (var outer in target.ContainingTypes)
        {
            w.Line("partial " + outer.Keyword + " " + outer.NameWithTypeParameters);
            w.OpenBrace();
        }

        if (hasHidden && !model.HasStructLayout)
        {
            // The hidden fields live in this second partial declaration; Auto layout says field order across
            // declarations does not matter (and keeps CS0282 away).
            w.Line("[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Auto)]");
        }

        w.Line("partial " + target.Keyword + " " + target.NameWithTypeParameters);
        w.OpenBrace();

        EmitHiddenFields(w, model);
        EmitCombine(w, model, self);
        EmitReducer(w, model, self);

        w.CloseBrace();
        for (var i = 0; i < target.ContainingTypes.Count; i++)
        {
            w.CloseBrace();
        }

        if (target.Namespace is not null)
        {
            w.CloseBrace();
        }

        return w.ToString();
    }

    private static bool HasHiddenState(BatchReducerModel model)
    {
        foreach (var m in model.Members)
        {
            if (m.Role == ReducerRole.Mean || (model.Window is not null && m.Role is ReducerRole.First or ReducerRole.Last))
            {
                return true;
            }
        }

        return false;
    }

    private static string SumField(ReducerMember m) => "__hp_" + m.Name.TrimStart('@') + "_Sum";

    private static string CountField(ReducerMember m) => "__hp_" + m.Name.TrimStart('@') + "_Count";

    private static string TimeField(ReducerMember m) => "__hp_" + m.Name.TrimStart('@') + "_Time";

    private static void EmitHiddenFields(SourceWriter w, BatchReducerModel model)
    {
        var hasMean = model.Members.Any(static m => m.Role == ReducerRole.Mean);
        var hasTimed = model.Window is not null && model.Members.Any(static m => m.Role is ReducerRole.First or ReducerRole.Last);
        if (!hasMean && !hasTimed)
        {
            return;
        }

        w.Line("// Hidden state that travels with each partial, so Combine and Merge stay exact:");
        if (hasMean)
        {
            w.Line("// [Mean] carries its running sum and count (the mean of the union, never a mean of means).");
        }

        if (hasTimed)
        {
            w.Line("// [First]/[Last] carry the [Window] timestamp of the row they came from.");
        }

        foreach (var m in model.Members)
        {
            if (m.Role == ReducerRole.Mean)
            {
                w.Line("private " + m.AccumulatorType + " " + SumField(m) + ";");
                w.Line("private long " + CountField(m) + ";");
            }
            else if (hasTimed && m.Role is ReducerRole.First or ReducerRole.Last)
            {
                w.Line("private long " + TimeField(m) + ";");
            }
        }

        w.Line();
    }

    private static void EmitCombine(SourceWriter w, BatchReducerModel model, string self)
    {
        w.Line("/// <summary>");
        w.Line("/// Combines two partials of the same group (and window) into one. Associative and commutative, so partials");
        w.Line("/// reduced on many threads or machines merge to the same answer in any order.");
        if (model.Window is null && model.Members.Any(static m => m.Role is ReducerRole.First or ReducerRole.Last))
        {
            w.Line("/// Exception: without a [Window] timestamp, [First] keeps <paramref name=\"a\"/>'s value and [Last] takes");
            w.Line("/// <paramref name=\"b\"/>'s (a is the earlier input), so those two members depend on argument order.");
        }

        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">The partials belong to different groups.</exception>");
        w.Line("public static " + self + " Combine(in " + self + " a, in " + self + " b)");
        w.OpenBrace();
        w.Line("if (!__hp_SameGroup(in a, in b))");
        w.OpenBrace();
        w.Line(Math + ".ThrowDifferentGroups(" + SourceWriter.Literal(model.Target.Name) + ");");
        w.CloseBrace();
        w.Line();
        w.Line("return __hp_CombineCore(in a, in b);");
        w.CloseBrace();
        w.Line();

        w.Line("private static bool __hp_SameGroup(in " + self + " a, in " + self + " b)");
        w.OpenBrace();
        var conditions = new List<string>();
        foreach (var m in model.Members)
        {
            if (m.Role is ReducerRole.Key or ReducerRole.Window)
            {
                conditions.Add(KeyEquals(m, "a." + m.Name, "b." + m.Name));
            }
        }

        w.Line("return " + (conditions.Count == 0 ? "true" : string.Join(" && ", conditions)) + ";");
        w.CloseBrace();
        w.Line();

        w.Line("private static " + self + " __hp_CombineCore(in " + self + " a, in " + self + " b)");
        w.OpenBrace();
        w.Line("var r = a;");
        foreach (var m in model.Members)
        {
            var x = m.Name;
            switch (m.Role)
            {
                case ReducerRole.Count:
                case ReducerRole.Sum:
                    w.Line("r." + x + " = " + Add(m, NonNull(m, "a." + x), NonNull(m, "b." + x)) + ";");
                    break;
                case ReducerRole.Min when m.SkipsNulls:
                case ReducerRole.Max when m.SkipsNulls:
                    // A side that saw only nulls (null) takes the other's extreme.
                    w.Line("r." + x + " = a." + x + ".HasValue && b." + x + ".HasValue ? " + Extreme(m, "a." + x + ".GetValueOrDefault()", "b." + x + ".GetValueOrDefault()") +
                           " : a." + x + " ?? b." + x + ";");
                    break;
                case ReducerRole.Min:
                case ReducerRole.Max:
                    w.Line("r." + x + " = " + Extreme(m, "a." + x, "b." + x) + ";");
                    break;
                case ReducerRole.Mean:
                    w.Line("r." + SumField(m) + " = a." + SumField(m) + " + b." + SumField(m) + ";");
                    w.Line("r." + CountField(m) + " = checked(a." + CountField(m) + " + b." + CountField(m) + ");");
                    w.Line("r." + x + " = " + MeanOf(m, "r") + ";");
                    break;
                case ReducerRole.First when model.Window is not null:
                    // Earliest timestamp wins; on a tie the left argument (earlier input) is kept.
                    w.Line("if (b." + TimeField(m) + " < a." + TimeField(m) + ")");
                    w.OpenBrace();
                    w.Line("r." + x + " = b." + x + ";");
                    w.Line("r." + TimeField(m) + " = b." + TimeField(m) + ";");
                    w.CloseBrace();
                    break;
                case ReducerRole.Last when model.Window is not null:
                    // Latest timestamp wins; on a tie the right argument (later input) is kept.
                    w.Line("if (b." + TimeField(m) + " >= a." + TimeField(m) + ")");
                    w.OpenBrace();
                    w.Line("r." + x + " = b." + x + ";");
                    w.Line("r." + TimeField(m) + " = b." + TimeField(m) + ";");
                    w.CloseBrace();
                    break;
                case ReducerRole.Last:
                    w.Line("r." + x + " = b." + x + "; // no [Window] timestamp: b is the later input");
                    break;
            }
        }

        w.Line("return r;");
        w.CloseBrace();
        w.Line();
    }

    private static void EmitReducer(SourceWriter w, BatchReducerModel model, string self)
    {
        var input = model.InputType;
        var keys = model.Members.Where(static m => m.Role is ReducerRole.Key or ReducerRole.Window).ToList();
        var hasMean = model.Members.Any(static m => m.Role == ReducerRole.Mean);
        var memos = StringKeyCount(keys);

        w.Line("/// <summary>");
        w.Line("/// Reduces <see cref=\"" + DocName(input) + "\"/> rows into one partial per group: an open-addressing hash table over");
        w.Line("/// arrays it owns, grown by doubling and kept on <see cref=\"Clear\"/>. Not thread-safe: use one per thread and");
        w.Line("/// merge the partials.");
        w.Line("/// </summary>");
        w.Line(GeneratedCodeMarker.Attribute);
        w.Line((model.ReducerIsPublic ? "public" : "internal") + " sealed class Reducer : global::Hotpath.Batching.IBatchReducer<" + input + ", " + self + ">");
        w.OpenBrace();
        w.Line("// One probe reads one slot: (hash << 32) | (entry index + 1); 0 = empty. Hashes have their top bit set, so an");
        w.Line("// empty slot never matches one. Linear probing over a power-of-two array of eight slots per entry, four from");
        w.Line("// 4,096 entries (at most an eighth or a quarter full: most lookups end at their first slot).");
        w.Line("private ulong[] _slots;");
        w.Line("private " + self + "[] _entries; // dense partials, in insertion order");
        w.Line("private readonly uint[] _blockHashes = new uint[16]; // AddPrefetched's; not stackalloc, which would keep that loop from tier 1");
        w.Line("private int _count;");
        w.Line("private readonly ulong _seed = " + Math + ".NewSeed(); // per table: hostile keys cannot be picked to collide");
        for (var j = 0; j < memos; j++)
        {
            w.Line("private global::Hotpath.Batching.StringFoldMemo _memo" + j + "; // the hash of each key string seen, by object (not readonly: a mutable struct)");
        }

        if (memos > 0)
        {
            w.Line("private bool _memoPays = true; // false once the key strings turned out to be new objects a row, until Clear");
        }

        w.Line();
        w.Line("/// <summary>Creates a reducer sized for 16 groups (it grows as needed).</summary>");
        w.Line("public Reducer() : this(16)");
        w.OpenBrace();
        w.CloseBrace();
        w.Line();
        w.Line("/// <summary>Creates a reducer sized for <paramref name=\"capacity\"/> groups (it grows as needed).</summary>");
        w.Line("public Reducer(int capacity)");
        w.OpenBrace();
        w.Line("if (capacity < 0)");
        w.OpenBrace();
        w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(capacity), capacity, \"The capacity must not be negative.\");");
        w.CloseBrace();
        w.Line();
        w.Line("var entries = 4;");
        w.Line("while (entries < capacity)");
        w.OpenBrace();
        w.Line("entries = " + Math + ".Grow(entries);");
        w.CloseBrace();
        w.Line();
        w.Line("_entries = new " + ArrayOf(self, "entries") + ";");
        w.Line("_slots = new ulong[" + Math + ".SlotsFor(entries)];");
        for (var j = 0; j < memos; j++)
        {
            w.Line("_memo" + j + " = new global::Hotpath.Batching.StringFoldMemo(" + SeedFor(j, "_seed") + ", " + Math + ".MemoFor(entries));");
        }

        w.CloseBrace();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public int Count => _count;");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public void Add(in " + input + " row) => AddRow(in row);");
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // inlined into a caller, its loops ran out of the JIT's inlining budget and called AddHashed a row");
        w.Line("public void Add(global::System.ReadOnlySpan<" + input + "> rows)");
        w.OpenBrace();
        w.Line("if (_slots.Length >= 32768)");
        w.OpenBrace();
        w.Line("AddPrefetched(rows); // the table no longer fits in L2: overlap its cache misses");
        w.Line("return;");
        w.CloseBrace();
        w.Line();
        var direct = "rows";
        if (memos > 0)
        {
            // Chunks of 4,096 rows hash their key strings through the memos while those pay: a string seen before
            // costs a load and a compare instead of hashing its characters. Key strings that are new objects a row
            // turn the memos off until Clear, and the rest of the rows hash directly.
            w.Line("var rest = rows;");
            w.Line("while (_memoPays && !rest.IsEmpty)");
            w.OpenBrace();
            w.Line("var chunk = rest.Slice(0, global::System.Math.Min(rest.Length, 4096));");
            w.Line("for (var i = 0; i < chunk.Length; i++)");
            w.OpenBrace();
            w.Line("AddRowMemo(in chunk[i]);");
            w.CloseBrace();
            w.Line();
            w.Line("_memoPays = " + string.Join(" & ", Enumerable.Range(0, memos).Select(static j => "_memo" + j + ".Pays(chunk.Length)")) + ";");
            w.Line("rest = rest.Slice(chunk.Length);");
            w.CloseBrace();
            w.Line();
            direct = "rest";
        }

        w.Line("for (var i = 0; i < " + direct + ".Length; i++)");
        w.OpenBrace();
        w.Line("AddRow(in " + direct + "[i]);");
        w.CloseBrace();
        w.CloseBrace();
        w.Line();

        // AddPrefetched: blocks of 16 rows, hashed first, slots then entries prefetched, then added.
        w.Line("private void AddPrefetched(global::System.ReadOnlySpan<" + input + "> rows)");
        w.OpenBrace();
        w.Line("var hashes = _blockHashes;");
        w.Line("for (var start = 0; start < rows.Length; start += 16)");
        w.OpenBrace();
        w.Line("var block = rows.Slice(start, global::System.Math.Min(16, rows.Length - start));");
        w.Line("var slots = _slots;");
        w.Line("var mask = slots.Length - 1;");
        w.Line("for (var i = 0; i < block.Length; i++)");
        w.OpenBrace();
        w.Line("var hash = HashOf(in block[i]);");
        w.Line("hashes[i] = hash;");
        w.Line(Math + ".Prefetch(ref slots[unchecked((int)hash) & mask]);");
        w.CloseBrace();
        w.Line();
        w.Line("var entries = _entries;");
        w.Line("for (var i = 0; i < block.Length; i++)");
        w.OpenBrace();
        w.Line("var s = slots[unchecked((int)hashes[i]) & mask];");
        w.Line("if (s != 0)");
        w.OpenBrace();
        w.Line(Math + ".Prefetch(ref entries[unchecked((int)(uint)s) - 1]);");
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
        w.Line("for (var i = 0; i < block.Length; i++)");
        w.OpenBrace();
        w.Line("ref readonly var row = ref block[i];");
        EmitKeyLocals(w, model, keys);
        w.Line("AddHashed(" + string.Join(", ", RowArguments(model, keys, "hashes[i]")) + "); // may grow the table: it reads the arrays afresh");
        w.CloseBrace();
        w.CloseBrace();
        w.CloseBrace();
        w.Line();

        // HashOf, AddRow
        w.Line(Inline);
        w.Line("private uint HashOf(in " + input + " row)");
        w.OpenBrace();
        EmitKeyLocals(w, model, keys);
        w.Line("return Hash(" + string.Join(", ", KeyLocals(keys)) + ");");
        w.CloseBrace();
        w.Line();
        w.Line(Inline);
        w.Line("private void AddRow(in " + input + " row)");
        w.OpenBrace();
        EmitKeyLocals(w, model, keys);
        w.Line("AddHashed(" + string.Join(", ", RowArguments(model, keys, "Hash(" + string.Join(", ", KeyLocals(keys)) + ")")) + ");");
        w.CloseBrace();
        w.Line();
        if (memos > 0)
        {
            w.Line(Inline);
            w.Line("private void AddRowMemo(in " + input + " row)");
            w.OpenBrace();
            EmitKeyLocals(w, model, keys);
            w.Line("AddHashed(" + string.Join(", ", RowArguments(model, keys, "HashMemo(" + string.Join(", ", KeyLocals(keys)) + ")")) + ");");
            w.CloseBrace();
            w.Line();
        }

        // AddHashed: the hot path, no calls but the cold one.
        w.Line(Inline);
        w.Line("private void AddHashed(" + string.Join(", ", RowParameters(model, keys, input)) + ")");
        w.OpenBrace();
        w.Line("var slots = _slots;");
        w.Line("var mask = (nuint)slots.Length - 1;");
        w.Line("var slot = (nuint)hash & mask;");
        w.Line("while (true)");
        w.OpenBrace();
        w.Line("var s = global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(slots), slot);");
        w.Line("if ((uint)(s >> 32) == hash)");
        w.OpenBrace();
        w.Line("// Slots only point inside _count: no bounds check needed.");
        w.Line("ref var e = ref global::System.Runtime.CompilerServices.Unsafe.Add(ref global::System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_entries), unchecked((nint)(uint)s) - 1);");
        if (keys.Count == 0)
        {
            EmitAccumulate(w, model); // no key: the one group
            w.Line("return;");
        }
        else
        {
            w.Line("if (" + KeyMatch(keys, "e.", fast: true) + ")");
            w.OpenBrace();
            EmitAccumulate(w, model);
            w.Line("return;");
            w.CloseBrace();
            w.Line();
            w.Line("break; // same hash, key not matched by reference: the slow path compares in full");
        }

        w.CloseBrace();
        w.Line();
        w.Line("if (s == 0)");
        w.OpenBrace();
        w.Line("break;");
        w.CloseBrace();
        w.Line();
        w.Line("slot = (slot + 1) & mask;");
        w.CloseBrace();
        w.Line();
        w.Line("AddSlow(" + string.Join(", ", RowArguments(model, keys, "hash")) + ");");
        w.CloseBrace();
        w.Line();

        // AddSlow: full key comparison, then insert.
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        w.Line("private void AddSlow(" + string.Join(", ", RowParameters(model, keys, input)) + ")");
        w.OpenBrace();
        OpenProbe(w);
        w.Line("if ((uint)(s >> 32) == hash)");
        w.OpenBrace();
        w.Line("ref var e = ref _entries[unchecked((int)(uint)s) - 1];");
        w.Line("if (" + KeyMatch(keys, "e.", fast: false) + ")");
        w.OpenBrace();
        EmitAccumulate(w, model);
        w.Line("return;");
        w.CloseBrace();
        w.CloseBrace();
        CloseProbe(w);
        w.Line();
        w.Line("var added = Insert(hash); // may grow: read _entries after it");
        w.Line("ref var n = ref _entries[added];");
        w.Line("n = default;");
        for (var i = 0; i < keys.Count; i++)
        {
            w.Line("n." + keys[i].Name + " = k" + i + ";");
        }

        EmitInitialize(w, model);
        w.CloseBrace();
        w.Line();

        // Merge
        w.Line("/// <inheritdoc />");
        w.Line("public void Merge(in " + self + " partial)");
        w.OpenBrace();
        var partialKeys = keys.Select(static k => "partial." + k.Name).ToList();
        w.Line("var hash = Hash(" + string.Join(", ", partialKeys) + ");");
        OpenProbe(w);
        w.Line("var index = unchecked((int)(uint)s) - 1;");
        w.Line("if ((uint)(s >> 32) == hash && __hp_SameGroup(in _entries[index], in partial))");
        w.OpenBrace();
        w.Line("_entries[index] = __hp_CombineCore(in _entries[index], in partial);");
        w.Line("return;");
        w.CloseBrace();
        CloseProbe(w);
        w.Line();
        w.Line("var added = Insert(hash); // may grow: read _entries after it");
        w.Line("_entries[added] = partial;");
        w.CloseBrace();
        w.Line();

        // CopyTo / ToArray / Clear
        w.Line("/// <inheritdoc />");
        w.Line("public int CopyTo(global::System.Span<" + self + "> destination)");
        w.OpenBrace();
        w.Line("if (destination.Length < _count)");
        w.OpenBrace();
        w.Line(Math + ".ThrowDestinationTooShort(_count);");
        w.CloseBrace();
        w.Line();
        w.Line("new global::System.ReadOnlySpan<" + self + ">(_entries, 0, _count).CopyTo(destination);");
        if (hasMean)
        {
            w.Line("for (var i = 0; i < _count; i++)");
            w.OpenBrace();
            w.Line("ref var p = ref destination[i];");
            foreach (var m in model.Members.Where(static m => m.Role == ReducerRole.Mean))
            {
                w.Line("p." + m.Name + " = " + MeanOf(m, "p") + ";");
            }

            w.CloseBrace();
            w.Line();
        }

        w.Line("return _count;");
        w.CloseBrace();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public " + self + "[] ToArray()");
        w.OpenBrace();
        w.Line("if (_count == 0)");
        w.OpenBrace();
        w.Line("return global::System.Array.Empty<" + self + ">();");
        w.CloseBrace();
        w.Line();
        w.Line("var result = new " + ArrayOf(self, "_count") + ";");
        w.Line("CopyTo(result);");
        w.Line("return result;");
        w.CloseBrace();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Line("public void Clear()");
        w.OpenBrace();
        for (var j = 0; j < memos; j++)
        {
            w.Line("_memo" + j + ".Clear(); // let go of key strings (also of a row that threw before it added a group)");
        }

        if (memos > 0)
        {
            w.Line("_memoPays = true;");
        }

        w.Line("if (_count == 0)");
        w.OpenBrace();
        w.Line("return;");
        w.CloseBrace();
        w.Line();
        w.Line("global::System.Array.Clear(_slots, 0, _slots.Length);");
        w.Line("if (global::System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<" + self + ">())");
        w.OpenBrace();
        w.Line("global::System.Array.Clear(_entries, 0, _count); // let go of key strings and other references");
        w.CloseBrace();
        w.Line();
        w.Line("_count = 0;");
        w.CloseBrace();
        w.Line();

        // Insert / Grow
        w.Line("private int Insert(uint hash)");
        w.OpenBrace();
        w.Line("if (_count == _entries.Length)");
        w.OpenBrace();
        w.Line("Grow();");
        w.CloseBrace();
        w.Line();
        w.Line("var index = _count++;");
        w.Line("Place(_slots, ((ulong)hash << 32) | (uint)(index + 1));");
        w.Line("return index;");
        w.CloseBrace();
        w.Line();
        w.Line("private void Grow()");
        w.OpenBrace();
        w.Line("var size = " + Math + ".Grow(_entries.Length);");
        w.Line("global::System.Array.Resize(ref _entries, size);");
        w.Line("var slots = new ulong[" + Math + ".SlotsFor(size)];");
        w.Line("foreach (var s in _slots)");
        w.OpenBrace();
        w.Line("if (s != 0)");
        w.OpenBrace();
        w.Line("Place(slots, s); // the slot keeps its hash: no rehashing of keys");
        w.CloseBrace();
        w.CloseBrace();
        w.Line();
        w.Line("_slots = slots;");
        for (var j = 0; j < memos; j++)
        {
            w.Line("_memo" + j + ".Resize(" + Math + ".MemoFor(size));");
        }

        w.CloseBrace();
        w.Line();
        w.Line("private static void Place(ulong[] slots, ulong value)");
        w.OpenBrace();
        w.Line("var mask = slots.Length - 1;");
        w.Line("var slot = unchecked((int)(value >> 32)) & mask;");
        w.Line("while (slots[slot] != 0)");
        w.OpenBrace();
        w.Line("slot = (slot + 1) & mask;");
        w.CloseBrace();
        w.Line();
        w.Line("slots[slot] = value;");
        w.CloseBrace();
        w.Line();

        // Hash. String members: one seeded string fold each (the hash without its avalanche), xored; it depends on
        // the string alone, so HashMemo can take it from the memos. A single other member (often the window start) is
        // then added in with SeedWith, several others are hashed and xored in (a plain sum of them could be made to
        // collide whatever the seed), and the avalanche runs once. Without string members: one seeded hash per
        // member, each with its own seed, xored so they compute in parallel.
        var parameters = keys.Select(static (k, i) => k.Type + " k" + i).ToList();
        var strings = keys.Select(static (k, i) => (k, i)).Where(static t => IsStringKey(t.k)).ToList();
        var others = keys.Select(static (k, i) => (k, i)).Where(static t => !IsStringKey(t.k)).ToList();
        w.Line(Inline);
        w.Line("private uint Hash(" + string.Join(", ", parameters) + ")");
        w.OpenBrace();
        if (keys.Count == 0)
        {
            w.Line("return 0x80000000u; // no group key: one group");
        }
        else if (strings.Count == 0)
        {
            w.Line("var h = " + string.Join(" ^ ", others.Select(static t => Math + ".HashInt64(" + KeyValue(t.k, "k" + t.i) + ", " + SeedFor(t.i, "_seed") + ")")) + ";");
            w.Line("return unchecked((uint)h) | 0x80000000u; // the top bit marks a used slot");
        }
        else
        {
            var otherArguments = string.Concat(others.Select(static t => ", k" + t.i));
            w.Line("return Mix(" + string.Join(", ", strings.Select(static (t, j) => Math + ".FoldString(k" + t.i + ", " + SeedFor(j, "_seed") + ")")) + otherArguments + ");");
            w.CloseBrace();
            w.Line();
            w.Line("/// <summary>The same hash as <see cref=\"Hash\"/>, with the string folds taken from the memos.</summary>");
            w.Line(Inline);
            w.Line("private uint HashMemo(" + string.Join(", ", parameters) + ")");
            w.OpenBrace();
            w.Line("return Mix(" + string.Join(", ", strings.Select(static (t, j) => "_memo" + j + ".Fold(k" + t.i + ")")) + otherArguments + ");");
            w.CloseBrace();
            w.Line();
            w.Line(Inline);
            w.Line("private uint Mix(" + string.Join(", ", strings.Select(static (_, j) => "ulong f" + j).Concat(others.Select(static t => t.k.Type + " k" + t.i))) + ")");
            w.OpenBrace();
            var folds = string.Join(" ^ ", strings.Select(static (_, j) => "f" + j));
            var mixed = others.Count switch
            {
                0 => folds,
                1 => Math + ".SeedWith(" + folds + ", " + KeyValue(others[0].k, "k" + others[0].i) + ")",
                _ => folds + " ^ " + string.Join(" ^ ", others.Select(static t => Math + ".HashInt64(" + KeyValue(t.k, "k" + t.i) + ", " + SeedFor(t.i, "_seed") + ")")),
            };
            w.Line("var h = " + Math + ".FinishHash(" + mixed + ");");
            w.Line("return unchecked((uint)h) | 0x80000000u; // the top bit marks a used slot");
        }

        w.CloseBrace();
        w.CloseBrace();
    }

    private static IEnumerable<string> KeyLocals(List<ReducerMember> keys) => keys.Select(static (_, i) => "k" + i);

    /// <summary>The row, its keys (and window timestamp) and its hash: computed once, passed down the add path.</summary>
    private static List<string> RowArguments(BatchReducerModel model, List<ReducerMember> keys, string hash)
    {
        var list = new List<string> { "in row" };
        list.AddRange(KeyLocals(keys));
        if (model.Window is not null)
        {
            list.Add("time");
        }

        list.Add(hash);
        return list;
    }

    private static List<string> RowParameters(BatchReducerModel model, List<ReducerMember> keys, string input)
    {
        var list = new List<string> { "in " + input + " row" };
        list.AddRange(keys.Select(static (k, i) => k.Type + " k" + i));
        if (model.Window is not null)
        {
            list.Add("long time");
        }

        list.Add("uint hash");
        return list;
    }

    private static void EmitKeyLocals(SourceWriter w, BatchReducerModel model, List<ReducerMember> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i];
            if (k.Role == ReducerRole.Window)
            {
                w.Line("var time = " + (k.CheckedTime ? "checked((long)row." + k.Source + ")" : "(long)row." + k.Source) + ";");
                w.Line("var k" + i + " = " + Math + ".WindowStart(time, " + SourceWriter.Literal(model.WindowSizeMs) + "L);");
            }
            else
            {
                w.Line("var k" + i + " = (" + k.Type + ")row." + k.Source + ";");
            }
        }
    }

    /// <summary>The seed of key member <paramref name="index"/>: the table's seed plus a per-member odd constant.</summary>
    private static string SeedFor(int index, string seed) => index == 0
        ? seed
        : "unchecked(" + seed + " + 0x" + unchecked((ulong)index * 0x9E3779B97F4A7C15UL).ToString("X16", System.Globalization.CultureInfo.InvariantCulture) + "UL)";

    private static void EmitInitialize(SourceWriter w, BatchReducerModel model)
    {
        foreach (var m in model.Members)
        {
            var value = "(" + m.Type + ")row." + m.Source;
            switch (m.Role)
            {
                case ReducerRole.Count:
                    w.Line("n." + m.Name + " = 1;");
                    break;
                case ReducerRole.Sum when m.SkipsNulls:
                    w.Line("n." + m.Name + " = (" + m.Value + ")row." + m.Source + ".GetValueOrDefault(); // a null adds nothing");
                    break;
                case ReducerRole.Mean when m.SkipsNulls:
                    w.Line("n." + SumField(m) + " = (" + m.AccumulatorType + ")row." + m.Source + ".GetValueOrDefault();");
                    w.Line("n." + CountField(m) + " = row." + m.Source + ".HasValue ? 1 : 0; // nulls are not counted");
                    break;
                case ReducerRole.Sum:
                case ReducerRole.Min:
                case ReducerRole.Max:
                case ReducerRole.First:
                case ReducerRole.Last:
                    w.Line("n." + m.Name + " = " + value + ";");
                    if (model.Window is not null && m.Role is ReducerRole.First or ReducerRole.Last)
                    {
                        w.Line("n." + TimeField(m) + " = time;");
                    }

                    break;
                case ReducerRole.Mean:
                    w.Line("n." + SumField(m) + " = (" + m.AccumulatorType + ")row." + m.Source + ";");
                    w.Line("n." + CountField(m) + " = 1;");
                    break;
            }
        }
    }

    private static void EmitAccumulate(SourceWriter w, BatchReducerModel model)
    {
        foreach (var m in model.Members)
        {
            var x = "e." + m.Name;
            var value = "(" + m.Type + ")row." + m.Source;
            switch (m.Role)
            {
                case ReducerRole.Count:
                    w.Line(x + " = " + Add(m, x, "1") + ";");
                    break;
                case ReducerRole.Sum when m.SkipsNulls:
                    w.Line(x + " = " + Add(m, NonNull(m, x), "(" + m.Value + ")row." + m.Source + ".GetValueOrDefault()") + ";");
                    break;
                case ReducerRole.Sum:
                    w.Line(x + " = " + Add(m, x, value) + ";");
                    break;
                case ReducerRole.Min when m.SkipsNulls:
                case ReducerRole.Max when m.SkipsNulls:
                    // Nulls are skipped; the first value replaces the null of a group that had none yet.
                    w.Line("if (row." + m.Source + " is { } " + RowValue(m) + ")");
                    w.OpenBrace();
                    w.Line(x + " = " + x + ".HasValue ? " + Extreme(m, x + ".GetValueOrDefault()", "(" + m.Value + ")" + RowValue(m)) + " : (" + m.Value + ")" + RowValue(m) + ";");
                    w.CloseBrace();
                    break;
                case ReducerRole.Mean when m.SkipsNulls:
                    w.Line("if (row." + m.Source + " is { } " + RowValue(m) + ")");
                    w.OpenBrace();
                    w.Line("e." + SumField(m) + " += (" + m.AccumulatorType + ")" + RowValue(m) + ";");
                    w.Line("e." + CountField(m) + "++;");
                    w.CloseBrace();
                    break;
                case ReducerRole.Min:
                case ReducerRole.Max:
                    if (m.Kind is ValueKind.Double or ValueKind.Single or ValueKind.Half)
                    {
                        // Once a group has a few rows its extreme rarely moves: a plainly larger (for Min) or smaller
                        // (for Max) value, neither NaN nor a zero of the other sign, leaves it as it is, so most rows
                        // skip the exact NaN/zero-ordering code and the store (a predictable branch, not a blend).
                        w.Line("if (!(" + value + (m.Role == ReducerRole.Min ? " > " : " < ") + x + "))");
                        w.OpenBrace();
                        w.Line(x + " = " + Extreme(m, x, value) + ";");
                        w.CloseBrace();
                    }
                    else
                    {
                        w.Line("if (" + Compare(m, value, x, m.Role == ReducerRole.Min ? "<" : ">") + ")");
                        w.OpenBrace();
                        w.Line(x + " = " + value + ";");
                        w.CloseBrace();
                    }

                    break;
                case ReducerRole.Mean:
                    w.Line("e." + SumField(m) + " += (" + m.AccumulatorType + ")row." + m.Source + ";");
                    w.Line("e." + CountField(m) + " = checked(e." + CountField(m) + " + 1);");
                    break;
                case ReducerRole.First when model.Window is not null:
                    w.Line("if (time < e." + TimeField(m) + ")");
                    w.OpenBrace();
                    w.Line(x + " = " + value + ";");
                    w.Line("e." + TimeField(m) + " = time;");
                    w.CloseBrace();
                    break;
                case ReducerRole.Last when model.Window is not null:
                    w.Line("if (time >= e." + TimeField(m) + ")");
                    w.OpenBrace();
                    w.Line(x + " = " + value + ";");
                    w.Line("e." + TimeField(m) + " = time;");
                    w.CloseBrace();
                    break;
                case ReducerRole.Last:
                    w.Line(x + " = " + value + ";");
                    break;
            }
        }
    }

    /// <summary>The local a row's non-null value of a [Min], [Max] or [Mean] that skips nulls goes into (one per member: a pattern variable of an 'if' lives on in its block).</summary>
    private static string RowValue(ReducerMember m) => "__hp_" + m.Name.TrimStart('@') + "_Row";

    /// <summary><paramref name="value"/> of a member, as its value type: a nullable [Sum] member's null (a partial made by hand) adds nothing.</summary>
    private static string NonNull(ReducerMember m, string value) => m.IsNullable ? value + ".GetValueOrDefault()" : value;

    /// <summary>Addition in the member's type: integers are checked (overflow throws), floating point is not.</summary>
    private static string Add(ReducerMember m, string a, string b) =>
        m.Kind is ValueKind.Integer or ValueKind.WideInteger ? "checked((" + m.Type + ")(" + a + " + " + b + "))" : a + " + " + b;

    private static string Extreme(ReducerMember m, string a, string b)
    {
        var name = m.Role == ReducerRole.Min ? "Min" : "Max";
        if (m.Kind is ValueKind.Double or ValueKind.Single)
        {
            return Math + "." + name + "(" + a + ", " + b + ")";
        }

        if (m.Kind == ValueKind.Half)
        {
            // Through float, exactly: every Half is a float, and the float chosen is one of the two, so it converts back unchanged.
            return "(" + m.Value + ")" + Math + "." + name + "((float)" + a + ", (float)" + b + ")";
        }

        return Compare(m, b, a, m.Role == ReducerRole.Min ? "<" : ">") + " ? " + b + " : " + a;
    }

    private static string Compare(ReducerMember m, string a, string b, string op) => m.Kind switch
    {
        ValueKind.String => "string.CompareOrdinal(" + a + ", " + b + ") " + op + " 0",
        ValueKind.Comparable => "global::System.Collections.Generic.Comparer<" + m.Value + ">.Default.Compare(" + a + ", " + b + ") " + op + " 0",
        _ => a + " " + op + " " + b,
    };

    private static string MeanOf(ReducerMember m, string p) =>
        p + "." + CountField(m) + " == 0 ? default : (" + m.Type + ")(" + p + "." + SumField(m) + " / " + p + "." + CountField(m) + ")";

    private static string KeyEquals(ReducerMember k, string a, string b) => k.Role == ReducerRole.Window || k.Kind is ValueKind.Integer or ValueKind.WideInteger
        ? a + " == " + b
        : k.Kind == ValueKind.String
            ? "string.Equals(" + a + ", " + b + ")"
            : "global::System.Collections.Generic.EqualityComparer<" + k.Type + ">.Default.Equals(" + a + ", " + b + ")";

    /// <summary>
    /// The key comparison of a probe. <paramref name="fast"/>: strings by reference only (keys of one source are often
    /// the same instance); a miss falls back to the slow path, which compares ordinally.
    /// </summary>
    private static string KeyMatch(List<ReducerMember> keys, string prefix, bool fast)
    {
        if (keys.Count == 0)
        {
            return "true";
        }

        return string.Join(" && ", keys.Select((k, i) => fast && k.Role == ReducerRole.Key && k.Kind == ValueKind.String
            ? "(object?)" + prefix + k.Name + " == (object?)k" + i
            : KeyEquals(k, prefix + k.Name, "k" + i)));
    }

    private static int StringKeyCount(List<ReducerMember> keys) => keys.Count(static k => IsStringKey(k));

    private static bool IsStringKey(ReducerMember k) => k.Role == ReducerRole.Key && k.Kind == ValueKind.String;

    /// <summary>A non-string key member as the <c>long</c> its hash is taken of: integers and window starts widened, others' hash codes.</summary>
    private static string KeyValue(ReducerMember k, string value) => k.Role == ReducerRole.Window || k.Kind == ValueKind.Integer
        ? "unchecked((long)" + value + ")"
        : "global::System.Collections.Generic.EqualityComparer<" + k.Type + ">.Default.GetHashCode(" + value + "!)";

    private static string ArrayOf(string elementType, string length)
    {
        // "new T[n]" for a generic or array element type is fine; nested generics keep their brackets.
        return elementType + "[" + length + "]";
    }

    private static string DocName(string type) => type.Replace("global::", string.Empty).Replace('<', '{').Replace('>', '}');

    /// <summary>Opens a linear probe over <c>_slots</c> from <c>hash</c> that stops at the first empty slot (the caller writes the match test).</summary>
    private static void OpenProbe(SourceWriter w)
    {
        w.Line("var mask = _slots.Length - 1;");
        w.Line("var slot = unchecked((int)hash) & mask;");
        w.Line("while (true)");
        w.OpenBrace();
        w.Line("var s = _slots[slot];");
        w.Line("if (s == 0)");
        w.OpenBrace();
        w.Line("break;");
        w.CloseBrace();
        w.Line();
    }

    /// <summary>Closes a probe opened by <see cref="OpenProbe"/>: next slot, wrapping.</summary>
    private static void CloseProbe(SourceWriter w)
    {
        w.Line();
        w.Line("slot = (slot + 1) & mask;");
        w.CloseBrace();
    }
}
