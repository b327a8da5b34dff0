using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// HOT110: a call to an API known to allocate its result (<see cref="AllocatingApiTable.Entries"/>), written or
/// made by the compiler for a range (<c>s[1..]</c>: Substring, <c>list[1..]</c>: List&lt;T&gt;.Slice) or a designated
/// slice of a list pattern (<c>s is [_, .. var tail]</c>). A range of an array is HOT102 (a new array).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class AllocatingApiAnalyzer : HotPathOperationAnalyzer<KnownTypes>
{
    private static readonly ImmutableArray<OperationKind> Kinds =
        ImmutableArray.Create(OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.ImplicitIndexerReference, OperationKind.SlicePattern);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.AllocatingApi);

    protected override ImmutableArray<OperationKind> OperationKinds => Kinds;

    protected override KnownTypes? CreateState(KnownTypes types) => types;

    protected override void Analyze(in OperationAnalysisContext context, IOperation operation, KnownTypes types)
    {
        if (Describe(operation, types.Apis) is not { } api)
        {
            return;
        }

        var where = CodeContext.Of(operation);
        if (!where.IsCold)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AllocatingApi, operation.Syntax.GetLocation(),
                api.DisplayName, CalledBy(operation) + ": " + api.Advice, where.LoopSuffix));
        }
    }

    /// <summary>For a call the compiler writes, the syntax that makes it (the method's name is nowhere in the code).</summary>
    private static string CalledBy(IOperation operation) => operation switch
    {
        IImplicitIndexerReferenceOperation => " (called by the range '" + ArrayAllocationAnalyzer.Shorten(operation.Syntax.ToString()) + "')",
        ISlicePatternOperation => " (called by the slice '" + ArrayAllocationAnalyzer.Shorten(operation.Syntax.ToString()) + "')",
        _ => string.Empty,
    };

    /// <summary>The table entry an invocation, object creation, range or list-pattern slice calls, if any (shared with HOT111).</summary>
    internal static AllocatingApi? Describe(IOperation operation, AllocatingApiTable table) => operation switch
    {
        IInvocationOperation invocation when !IsWholeSubstring(invocation) => table.Find(invocation.TargetMethod),
        IInvocationOperation => null,
        IObjectCreationOperation { Constructor: { } constructor } => table.Find(constructor),
        // 's[1..]' calls Substring, 'list[1..]' List<T>.Slice; a span's Slice is not in the table (an index, 's[^1]', reads a property).
        IImplicitIndexerReferenceOperation { IndexerSymbol: IMethodSymbol slice } range when !(IsFullRange(range.Argument) && ReturnsItselfWhole(range.Instance.Type)) =>
            table.Find(slice),
        // 's is [_, .. var tail]' calls Substring, 'list is [_, .. var rest]' List<T>.Slice (arrays are HOT102).
        ISlicePatternOperation { SliceSymbol: IMethodSymbol slice } pattern when ArrayAllocationAnalyzer.IsDesignatedSlice(pattern) &&
            !(pattern.Parent is IListPatternOperation { Patterns.Length: 1 } && ReturnsItselfWhole(pattern.Pattern?.InputType)) => table.Find(slice),
        _ => null,
    };

    /// <summary>
    /// A string's Substring(0, Length) and an ImmutableArray&lt;T&gt;'s Slice(0, Length) return the same instance:
    /// a full range of either allocates nothing (a list's makes a new list; an array's is HOT102's copy).
    /// </summary>
    private static bool ReturnsItselfWhole(ITypeSymbol? type) =>
        type is not null && (type.SpecialType == SpecialType.System_String || TypeNames.Is(type.OriginalDefinition, "System.Collections.Immutable.ImmutableArray`1"));

    /// <summary>
    /// <c>s.Substring(0)</c> or <c>s.Substring(0, s.Length)</c> (the same local, parameter or field of the same object):
    /// string.Substring returns the string itself when asked for all of it.
    /// </summary>
    private static bool IsWholeSubstring(IInvocationOperation invocation)
    {
        if (invocation is not { TargetMethod: { Name: "Substring", ContainingType.SpecialType: SpecialType.System_String }, Instance: { } instance } ||
            invocation.Arguments.Length is not (1 or 2) || !IsZero(Unwrap(invocation.Arguments[0].Value)))
        {
            return false;
        }

        return invocation.Arguments.Length == 1 ||
            (Unwrap(invocation.Arguments[1].Value) is IPropertyReferenceOperation { Property: { Name: "Length", ContainingType.SpecialType: SpecialType.System_String }, Instance: { } measured } &&
            SameVariable(Unwrap(instance), Unwrap(measured)));
    }

    /// <summary>Whether two references read the same local, parameter, or field of the same object (<c>this</c> or static).</summary>
    private static bool SameVariable(IOperation a, IOperation b) => (a, b) switch
    {
        (ILocalReferenceOperation x, ILocalReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Local, y.Local),
        (IParameterReferenceOperation x, IParameterReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Parameter, y.Parameter),
        (IFieldReferenceOperation x, IFieldReferenceOperation y) => SymbolEqualityComparer.Default.Equals(x.Field, y.Field) &&
            (x.Field.IsStatic || (x.Instance is IInstanceReferenceOperation && y.Instance is IInstanceReferenceOperation)),
        _ => false,
    };

    /// <summary>A range that is constantly the whole: <c>..</c>, <c>0..</c>, <c>..^0</c>, <c>0..^0</c>.</summary>
    private static bool IsFullRange(IOperation argument) =>
        Unwrap(argument) is IRangeOperation range &&
        (range.LeftOperand is null || IsZero(Unwrap(range.LeftOperand))) &&
        (range.RightOperand is null || Unwrap(range.RightOperand) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat, Operand: var end } && IsZero(Unwrap(end)));

    private static bool IsZero(IOperation operation) => operation.ConstantValue is { HasValue: true, Value: 0 };

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}

/// <summary>How an entry of the table matches the overloads of its member.</summary>
internal enum ApiMatch
{
    /// <summary>Every overload allocates.</summary>
    AnyOverload,

    /// <summary>Only overloads that return a new array or string (span overloads write into the caller's buffer).</summary>
    ReturnsArrayOrString,

    /// <summary>Only overloads that take arguments (the parameterless one returns a cached empty instance).</summary>
    WithArguments,
}

/// <summary>One known-allocating API. <c>Type</c> is a metadata name, or <see cref="AllocatingApiTable.AnyType"/>
/// / <see cref="AllocatingApiTable.NumericTypes"/> / <see cref="AllocatingApiTable.RecordTypes"/> /
/// <see cref="AllocatingApiTable.SpanTypes"/>; <c>Member</c> is a method name or <c>.ctor</c>.</summary>
internal sealed record AllocatingApi(string Type, string Member, ApiMatch Match, string DisplayName, string Advice);

/// <summary>
/// THE list of known-allocating APIs (HOT110); docs/rules/HOT110.md mirrors it and a test keeps the two in step.
/// A lookup is one dictionary probe by member name, then a name walk per candidate and base type.
/// </summary>
internal sealed class AllocatingApiTable
{
    public const string AnyType = "*";
    public const string NumericTypes = "#numeric";

    /// <summary>Records, for the members the compiler writes (a record's own <c>ToString</c> is HOT111's to follow).</summary>
    public const string RecordTypes = "#record";

    /// <summary><c>Span&lt;T&gt;</c> and <c>ReadOnlySpan&lt;T&gt;</c>.</summary>
    public const string SpanTypes = "#span";

    private const string SpanSlice = "slice a ReadOnlySpan<char> (AsSpan) instead";
    private const string WriteToSpan = "format into a Span<char> (TryFormat, an interpolated-string handler) or a pooled buffer";
    private const string Materialise = "iterate the source directly or copy into a pooled or reused buffer";
    private const string EnumArrays = "a new array per call: read it once into a static readonly field";
    private const string ImmutableCopy = "a new array with a copy of the items: build it once and keep it, or pass the source as a ReadOnlySpan<T>";
    private const string GcArray = "a new array per call: allocate it once and reuse it, or rent from ArrayPool<T>.Shared";
    private const string StartTask = "a new Task per call: queue a reused IThreadPoolWorkItem with ThreadPool.UnsafeQueueUserWorkItem, or hand the work to a long-running worker through a channel";
    private const string ContinuationTask = "a new continuation Task per call (and the delegate's closure if it captures): await the task instead";
    private const string CombinedTask = "a new Task per call (and an array of the tasks from an IEnumerable<Task>): await the tasks in turn when they are few, or count completions in a reused object";
    private const string HandlerText = "a new string of the handler's text: use its Text span before clearing it, or format into a Span<char> with TryWrite";
    private const string ImmutableCollection = "a new immutable collection with a copy of the items: build it once and keep it";
    private const string BuildOnce = "built and optimised for lookups on every call, which is slow by design: build it once into a static readonly field";
    private const string PathJoin = "a new string per call: join into a Span<char> with Path.TryJoin";
    private const string PathSlice = "a new string per call: pass a ReadOnlySpan<char> (the span overload returns a slice of the path)";
    private const string Json = "a new string or array per call: serialize into a reused IBufferWriter<byte> or Stream with a Utf8JsonWriter";
    private const string NewCollection = "a new list or array of the results per call: loop over the source and use each item in place, or fill a reused buffer";
    private const string CanceledTask = "a new canceled Task per call (152 bytes measured on .NET 10 for a Task<int>): test the token once per operation rather than per call, or let the awaited operation observe it";
    private const string FaultedTask = "a new faulted Task per call: throw where the caller awaits, or fault the operation once rather than per call";
    private const string ListRange = "a new List<T> with a copy of the range: slice CollectionsMarshal.AsSpan(list) instead";

    public static readonly ImmutableArray<AllocatingApi> Entries = ImmutableArray.Create(
        new AllocatingApi("System.String", "Substring", ApiMatch.AnyOverload, "string.Substring", SpanSlice),
        new AllocatingApi("System.String", "Split", ApiMatch.AnyOverload, "string.Split", "tokenise a ReadOnlySpan<char> (MemoryExtensions.Split into a Span<Range>)"),
        new AllocatingApi("System.String", "Replace", ApiMatch.AnyOverload, "string.Replace", "compare or copy spans, or write the result into a reused buffer"),
        new AllocatingApi("System.String", "Trim", ApiMatch.AnyOverload, "string.Trim", "use AsSpan().Trim()"),
        new AllocatingApi("System.String", "TrimStart", ApiMatch.AnyOverload, "string.TrimStart", "use AsSpan().TrimStart()"),
        new AllocatingApi("System.String", "TrimEnd", ApiMatch.AnyOverload, "string.TrimEnd", "use AsSpan().TrimEnd()"),
        new AllocatingApi("System.String", "ToUpper", ApiMatch.AnyOverload, "string.ToUpper", "compare with StringComparison.OrdinalIgnoreCase or use MemoryExtensions.ToUpperInvariant into a span"),
        new AllocatingApi("System.String", "ToUpperInvariant", ApiMatch.AnyOverload, "string.ToUpperInvariant", "compare with StringComparison.OrdinalIgnoreCase or use MemoryExtensions.ToUpperInvariant into a span"),
        new AllocatingApi("System.String", "ToLower", ApiMatch.AnyOverload, "string.ToLower", "compare with StringComparison.OrdinalIgnoreCase or use MemoryExtensions.ToLowerInvariant into a span"),
        new AllocatingApi("System.String", "ToLowerInvariant", ApiMatch.AnyOverload, "string.ToLowerInvariant", "compare with StringComparison.OrdinalIgnoreCase or use MemoryExtensions.ToLowerInvariant into a span"),
        new AllocatingApi("System.String", "PadLeft", ApiMatch.AnyOverload, "string.PadLeft", WriteToSpan),
        new AllocatingApi("System.String", "PadRight", ApiMatch.AnyOverload, "string.PadRight", WriteToSpan),
        new AllocatingApi("System.String", "Insert", ApiMatch.AnyOverload, "string.Insert", WriteToSpan),
        new AllocatingApi("System.String", "Remove", ApiMatch.AnyOverload, "string.Remove", SpanSlice),
        new AllocatingApi("System.String", "ToCharArray", ApiMatch.AnyOverload, "string.ToCharArray", "use AsSpan()"),
        new AllocatingApi("System.String", "Join", ApiMatch.AnyOverload, "string.Join", WriteToSpan),
        new AllocatingApi("System.String", "Concat", ApiMatch.AnyOverload, "string.Concat", WriteToSpan),
        new AllocatingApi("System.String", "Format", ApiMatch.AnyOverload, "string.Format", WriteToSpan),
        new AllocatingApi(NumericTypes, "ToString", ApiMatch.AnyOverload, "ToString() of a number", "use TryFormat into a Span<char> or an interpolated-string handler"),
        new AllocatingApi("System.Char", "ToString", ApiMatch.AnyOverload, "char.ToString", "a new one-character string per call (24 bytes measured on .NET 10): keep the char, or write it into a Span<char>"),
        new AllocatingApi("System.Enum", "ToString", ApiMatch.AnyOverload, "Enum.ToString", "cache the names (a switch expression or a static string array)"),
        new AllocatingApi("System.DateTime", "ToString", ApiMatch.AnyOverload, "DateTime.ToString", "use TryFormat into a Span<char>"),
        new AllocatingApi("System.DateTimeOffset", "ToString", ApiMatch.AnyOverload, "DateTimeOffset.ToString", "use TryFormat into a Span<char>"),
        new AllocatingApi("System.TimeSpan", "ToString", ApiMatch.AnyOverload, "TimeSpan.ToString", "use TryFormat into a Span<char>"),
        new AllocatingApi("System.Guid", "ToString", ApiMatch.AnyOverload, "Guid.ToString", "use TryFormat into a Span<char>"),
        new AllocatingApi("System.BitConverter", "ToString", ApiMatch.AnyOverload, "BitConverter.ToString", "a new \"XX-XX-…\" string per call: write the hex into a Span<char> with Convert.TryToHexString, or keep the bytes"),
        new AllocatingApi("System.IFormattable", "ToString", ApiMatch.AnyOverload, "IFormattable.ToString", "a new formatted string per call: format into a Span<char> with ISpanFormattable.TryFormat"),
        new AllocatingApi(RecordTypes, "ToString", ApiMatch.AnyOverload, "record ToString", "the compiler-generated ToString builds a string with a StringBuilder: format the members you need into a Span<char>"),
        new AllocatingApi(SpanTypes, "ToString", ApiMatch.AnyOverload, "ToString() of a span", "keep the span: compare, parse or copy it in place"),
        new AllocatingApi("System.Memory`1", "ToString", ApiMatch.AnyOverload, "Memory<T>.ToString", "keep the memory: compare, parse or copy its Span in place"),
        new AllocatingApi("System.ReadOnlyMemory`1", "ToString", ApiMatch.AnyOverload, "ReadOnlyMemory<T>.ToString", "keep the memory: compare, parse or copy its Span in place"),
        new AllocatingApi(AnyType, "ToArray", ApiMatch.AnyOverload, "ToArray", Materialise),
        new AllocatingApi(AnyType, "ToList", ApiMatch.AnyOverload, "ToList", Materialise),
        new AllocatingApi(AnyType, "ToDictionary", ApiMatch.AnyOverload, "ToDictionary", Materialise),
        new AllocatingApi(AnyType, "ToHashSet", ApiMatch.AnyOverload, "ToHashSet", Materialise),
        new AllocatingApi(AnyType, "ToLookup", ApiMatch.AnyOverload, "ToLookup", Materialise),
        new AllocatingApi("System.Collections.Generic.List`1", "Slice", ApiMatch.AnyOverload, "List<T>.Slice", ListRange),
        new AllocatingApi("System.Collections.Generic.List`1", "GetRange", ApiMatch.AnyOverload, "List<T>.GetRange", ListRange),
        new AllocatingApi("System.Collections.Immutable.ImmutableArray`1", "Slice", ApiMatch.AnyOverload, "ImmutableArray<T>.Slice", "a new array with a copy of the range: slice AsSpan() instead"),
        new AllocatingApi("System.Collections.Immutable.ImmutableArray", "Create", ApiMatch.WithArguments, "ImmutableArray.Create", ImmutableCopy),
        new AllocatingApi("System.Collections.Immutable.ImmutableArray", "CreateRange", ApiMatch.AnyOverload, "ImmutableArray.CreateRange", ImmutableCopy),
        new AllocatingApi(AnyType, "ToImmutableArray", ApiMatch.AnyOverload, "ToImmutableArray", ImmutableCopy),
        new AllocatingApi(AnyType, "ToImmutableList", ApiMatch.AnyOverload, "ToImmutableList", ImmutableCollection),
        new AllocatingApi(AnyType, "ToImmutableDictionary", ApiMatch.AnyOverload, "ToImmutableDictionary", ImmutableCollection),
        new AllocatingApi(AnyType, "ToImmutableHashSet", ApiMatch.AnyOverload, "ToImmutableHashSet", ImmutableCollection),
        new AllocatingApi(AnyType, "ToImmutableSortedDictionary", ApiMatch.AnyOverload, "ToImmutableSortedDictionary", ImmutableCollection),
        new AllocatingApi(AnyType, "ToImmutableSortedSet", ApiMatch.AnyOverload, "ToImmutableSortedSet", ImmutableCollection),
        new AllocatingApi(AnyType, "ToFrozenDictionary", ApiMatch.AnyOverload, "ToFrozenDictionary", BuildOnce),
        new AllocatingApi(AnyType, "ToFrozenSet", ApiMatch.AnyOverload, "ToFrozenSet", BuildOnce),
        new AllocatingApi("System.Buffers.SearchValues", "Create", ApiMatch.AnyOverload, "SearchValues.Create", BuildOnce),
        new AllocatingApi("System.Text.CompositeFormat", "Parse", ApiMatch.AnyOverload, "CompositeFormat.Parse", BuildOnce),
        new AllocatingApi("System.Collections.Immutable.ImmutableArray`1+Builder", "ToImmutable", ApiMatch.AnyOverload, "ImmutableArray<T>.Builder.ToImmutable", "a copy of the builder's items: MoveToImmutable hands over its array when Count equals Capacity"),
        new AllocatingApi("System.Collections.Generic.List`1", "FindAll", ApiMatch.AnyOverload, "List<T>.FindAll", NewCollection),
        new AllocatingApi("System.Collections.Generic.List`1", "ConvertAll", ApiMatch.AnyOverload, "List<T>.ConvertAll", NewCollection),
        new AllocatingApi("System.Array", "FindAll", ApiMatch.AnyOverload, "Array.FindAll", NewCollection),
        new AllocatingApi("System.Array", "ConvertAll", ApiMatch.AnyOverload, "Array.ConvertAll", NewCollection),
        new AllocatingApi("System.Collections.Generic.List`1", "AsReadOnly", ApiMatch.AnyOverload, "List<T>.AsReadOnly", "a new ReadOnlyCollection<T> wrapper per call: create it once and keep it, or expose the list as IReadOnlyList<T>"),
        new AllocatingApi("System.Array", "Resize", ApiMatch.AnyOverload, "Array.Resize", "a new array unless the length is unchanged: size the array once, or rent from ArrayPool<T>.Shared"),
        new AllocatingApi("System.Array", "Clone", ApiMatch.AnyOverload, "Array.Clone", "copy into an existing or pooled array (AsSpan().CopyTo)"),
        new AllocatingApi("System.GC", "AllocateArray", ApiMatch.AnyOverload, "GC.AllocateArray", GcArray),
        new AllocatingApi("System.GC", "AllocateUninitializedArray", ApiMatch.AnyOverload, "GC.AllocateUninitializedArray", GcArray),
        new AllocatingApi("System.Enum", "GetValues", ApiMatch.AnyOverload, "Enum.GetValues", EnumArrays),
        new AllocatingApi("System.Enum", "GetValuesAsUnderlyingType", ApiMatch.AnyOverload, "Enum.GetValuesAsUnderlyingType", EnumArrays),
        new AllocatingApi("System.Enum", "GetNames", ApiMatch.AnyOverload, "Enum.GetNames", EnumArrays),
        new AllocatingApi("System.BitConverter", "GetBytes", ApiMatch.AnyOverload, "BitConverter.GetBytes", "write into a Span<byte> with BitConverter.TryWriteBytes or BinaryPrimitives"),
        new AllocatingApi("System.Threading.Tasks.Task", "FromResult", ApiMatch.AnyOverload, "Task.FromResult", "return a Task<T> cached in a static readonly field, or a ValueTask<T> (the runtime caches only a few results: true/false, small ints, null)"),
        new AllocatingApi("System.Threading.Tasks.Task", "FromCanceled", ApiMatch.AnyOverload, "Task.FromCanceled", CanceledTask),
        new AllocatingApi("System.Threading.Tasks.Task", "FromException", ApiMatch.AnyOverload, "Task.FromException", FaultedTask),
        new AllocatingApi("System.Threading.Tasks.ValueTask", "FromCanceled", ApiMatch.AnyOverload, "ValueTask.FromCanceled", CanceledTask),
        new AllocatingApi("System.Threading.Tasks.ValueTask", "FromException", ApiMatch.AnyOverload, "ValueTask.FromException", FaultedTask),
        new AllocatingApi("System.Threading.Tasks.Task", "Run", ApiMatch.AnyOverload, "Task.Run", StartTask),
        new AllocatingApi("System.Threading.Tasks.TaskFactory", "StartNew", ApiMatch.AnyOverload, "TaskFactory.StartNew", StartTask),
        new AllocatingApi("System.Threading.Tasks.TaskFactory`1", "StartNew", ApiMatch.AnyOverload, "TaskFactory<TResult>.StartNew", StartTask),
        new AllocatingApi("System.Threading.Tasks.Task", "ContinueWith", ApiMatch.AnyOverload, "Task.ContinueWith", ContinuationTask),
        new AllocatingApi("System.Threading.Tasks.Task`1", "ContinueWith", ApiMatch.AnyOverload, "Task<TResult>.ContinueWith", ContinuationTask),
        new AllocatingApi("System.Threading.Tasks.Task", "WhenAll", ApiMatch.AnyOverload, "Task.WhenAll", CombinedTask),
        new AllocatingApi("System.Threading.Tasks.Task", "WhenAny", ApiMatch.AnyOverload, "Task.WhenAny", CombinedTask),
        new AllocatingApi("System.Threading.Tasks.Task", "Delay", ApiMatch.AnyOverload, "Task.Delay", "a new Task and timer per call (a zero delay excepted): wait on one reused PeriodicTimer, or let one long-running loop do the waiting"),
        new AllocatingApi("System.Diagnostics.Stopwatch", "StartNew", ApiMatch.AnyOverload, "Stopwatch.StartNew", "a new Stopwatch per call: take Stopwatch.GetTimestamp() and measure with Stopwatch.GetElapsedTime(start)"),
        new AllocatingApi("System.Threading.CancellationTokenSource", "CreateLinkedTokenSource", ApiMatch.AnyOverload, "CancellationTokenSource.CreateLinkedTokenSource", "a new linked source and registrations per call: pass one token through, or link once per operation rather than per call"),
        new AllocatingApi("System.Activator", "CreateInstance", ApiMatch.AnyOverload, "Activator.CreateInstance", "a new object per call (by reflection): create it once and reuse it, or rent it from a pool"),
        new AllocatingApi("System.Tuple", "Create", ApiMatch.AnyOverload, "Tuple.Create", "a new Tuple object per call: use a ValueTuple ((a, b) or ValueTuple.Create)"),
        new AllocatingApi("System.Text.RegularExpressions.Regex", ".ctor", ApiMatch.AnyOverload, "new Regex", "build it once in a static readonly field or use [GeneratedRegex]"),
        new AllocatingApi("System.Text.RegularExpressions.Regex", "Split", ApiMatch.AnyOverload, "Regex.Split", "enumerate matches with EnumerateMatches (no allocation)"),
        new AllocatingApi("System.Text.RegularExpressions.Regex", "Replace", ApiMatch.AnyOverload, "Regex.Replace", "enumerate matches with EnumerateMatches and copy spans"),
        new AllocatingApi("System.Text.RegularExpressions.Regex", "Match", ApiMatch.AnyOverload, "Regex.Match", "use IsMatch or EnumerateMatches (ValueMatch, no allocation)"),
        new AllocatingApi("System.Text.RegularExpressions.Regex", "Matches", ApiMatch.AnyOverload, "Regex.Matches", "use EnumerateMatches (ValueMatch, no allocation)"),
        new AllocatingApi("System.Text.Encoding", "GetString", ApiMatch.ReturnsArrayOrString, "Encoding.GetString", "decode into a Span<char> with GetChars(ReadOnlySpan<byte>, Span<char>)"),
        new AllocatingApi("System.Text.Encoding", "GetBytes", ApiMatch.ReturnsArrayOrString, "Encoding.GetBytes", "encode into a Span<byte> with GetBytes(ReadOnlySpan<char>, Span<byte>)"),
        new AllocatingApi("System.Text.Encoding", "GetChars", ApiMatch.ReturnsArrayOrString, "Encoding.GetChars", "decode into a Span<char> with GetChars(ReadOnlySpan<byte>, Span<char>)"),
        new AllocatingApi("System.Text.Encoding", "GetDecoder", ApiMatch.AnyOverload, "Encoding.GetDecoder", "a new Decoder per call (56 bytes measured on .NET 10 for UTF-8): keep one per reader and Reset it, or decode whole spans with GetChars(ReadOnlySpan<byte>, Span<char>)"),
        new AllocatingApi("System.Text.Encoding", "GetEncoder", ApiMatch.AnyOverload, "Encoding.GetEncoder", "a new Encoder per call: keep one per writer and Reset it, or encode whole spans with GetBytes(ReadOnlySpan<char>, Span<byte>)"),
        new AllocatingApi("System.Text.StringBuilder", "ToString", ApiMatch.AnyOverload, "StringBuilder.ToString", "copy the chunks into a span (CopyTo, GetChunks) or reuse the result"),
        new AllocatingApi("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler", "ToStringAndClear", ApiMatch.AnyOverload, "DefaultInterpolatedStringHandler.ToStringAndClear", HandlerText),
        new AllocatingApi("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler", "ToString", ApiMatch.AnyOverload, "DefaultInterpolatedStringHandler.ToString", HandlerText),
        new AllocatingApi("System.IO.Path", "Combine", ApiMatch.ReturnsArrayOrString, "Path.Combine", PathJoin),
        new AllocatingApi("System.IO.Path", "Join", ApiMatch.ReturnsArrayOrString, "Path.Join", PathJoin),
        new AllocatingApi("System.IO.Path", "GetFileName", ApiMatch.ReturnsArrayOrString, "Path.GetFileName", PathSlice),
        new AllocatingApi("System.IO.Path", "GetFileNameWithoutExtension", ApiMatch.ReturnsArrayOrString, "Path.GetFileNameWithoutExtension", PathSlice),
        new AllocatingApi("System.IO.Path", "GetExtension", ApiMatch.ReturnsArrayOrString, "Path.GetExtension", PathSlice),
        new AllocatingApi("System.IO.Path", "GetDirectoryName", ApiMatch.ReturnsArrayOrString, "Path.GetDirectoryName", PathSlice),
        new AllocatingApi("System.Text.Json.JsonSerializer", "Serialize", ApiMatch.ReturnsArrayOrString, "JsonSerializer.Serialize", Json),
        new AllocatingApi("System.Text.Json.JsonSerializer", "SerializeToUtf8Bytes", ApiMatch.ReturnsArrayOrString, "JsonSerializer.SerializeToUtf8Bytes", Json),
        new AllocatingApi("System.Convert", "ToBase64String", ApiMatch.ReturnsArrayOrString, "Convert.ToBase64String", "use Convert.TryToBase64Chars into a Span<char>"),
        new AllocatingApi("System.Convert", "FromBase64String", ApiMatch.ReturnsArrayOrString, "Convert.FromBase64String", "use Convert.TryFromBase64Chars into a Span<byte>"),
        new AllocatingApi("System.Convert", "ToHexString", ApiMatch.ReturnsArrayOrString, "Convert.ToHexString", "use Convert.TryToHexString into a Span<char>"),
        new AllocatingApi("System.Convert", "ToHexStringLower", ApiMatch.ReturnsArrayOrString, "Convert.ToHexStringLower", "use Convert.TryToHexStringLower into a Span<char>"));

    /// <summary>The table, indexed by member name; it matches symbols by their names, so one instance serves every compilation.</summary>
    public static readonly AllocatingApiTable Instance = new();

    private readonly Dictionary<string, AllocatingApi[]> _byMember;

    private AllocatingApiTable()
    {
        _byMember = new Dictionary<string, AllocatingApi[]>();
        foreach (var group in Entries.GroupBy(e => e.Member))
        {
            _byMember[group.Key] = group.ToArray();
        }
    }

    /// <summary>The entry <paramref name="method"/> matches (its own type or a base type declares the entry).</summary>
    public AllocatingApi? Find(IMethodSymbol method)
    {
        var name = method.MethodKind == MethodKind.Constructor ? ".ctor" : method.Name;
        if (!_byMember.TryGetValue(name, out var candidates))
        {
            return null;
        }

        method = method.ReducedFrom ?? method;
        AllocatingApi? entry = null;
        foreach (var candidate in candidates)
        {
            if (Matches(candidate, method))
            {
                entry = candidate;
                break;
            }
        }

        return entry switch
        {
            null => null,
            { Match: ApiMatch.ReturnsArrayOrString } when !ReturnsArrayOrString(method) => null,
            { Match: ApiMatch.WithArguments } when method.Parameters.IsEmpty => null,
            _ => entry,
        };
    }

    private static bool Matches(AllocatingApi entry, IMethodSymbol method)
    {
        switch (entry.Type)
        {
            case AnyType:
                return method.MethodKind != MethodKind.Constructor && !method.ReturnsVoid;
            case NumericTypes:
                return IsNumeric(method.ContainingType);
            case RecordTypes:
                return method.IsImplicitlyDeclared && method.ContainingType is { IsRecord: true };
            case SpanTypes:
                return TypeNames.Is(method.ContainingType.OriginalDefinition, "System.Span`1")
                    || TypeNames.Is(method.ContainingType.OriginalDefinition, "System.ReadOnlySpan`1");
            default:
                for (var type = method.ContainingType; type is not null; type = type.BaseType)
                {
                    if (TypeNames.Is(type.OriginalDefinition, entry.Type))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    private static bool ReturnsArrayOrString(IMethodSymbol method) =>
        method.ReturnType is IArrayTypeSymbol || method.ReturnType.SpecialType == SpecialType.System_String;

    private static bool IsNumeric(INamedTypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
            or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal
            or SpecialType.System_IntPtr or SpecialType.System_UIntPtr => true,
        _ => false,
    };
}
