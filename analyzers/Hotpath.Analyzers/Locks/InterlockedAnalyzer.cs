using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT205: a <c>lock</c> whose body is a single read-modify-write of a numeric field (<c>++</c>, <c>--</c>,
/// <c>+=</c>, <c>-=</c>, <c>x = x + n</c>, <c>x = x - n</c>, or <c>=</c> of a constant). One <c>Interlocked</c> call does the same atomically
/// without a monitor. Reported only when the matching <c>Interlocked</c> overload exists for the field's type, and
/// only when the whole type keeps every write of the field atomic after the fix:
/// <list type="bullet">
/// <item>the field is private (no other type can write it) and every other write of it in the type (its nested
/// types and other partial parts included) is another such single-update lock, an <c>Interlocked</c> call, or a
/// constructor's own initialisation: a write alongside other work under the lock, or outside any lock, would race
/// with the lock-free <c>Interlocked</c> and lose updates;</item>
/// <item>the update's operand reads no field or property written under the same lock object (nor calls into the
/// type): <c>_balance += _pending</c> would read <c>_pending</c> outside the lock that orders it;</item>
/// <item>no other region of that lock object reads the field together with another field written under it
/// (<c>return _started - _finished;</c>): that snapshot is consistent only while every update takes the lock.</item>
/// </list>
/// Each report carries the other locks of the field as additional locations, so the fix rewrites them all at once.
/// </summary>
/// <remarks>
/// A <c>lock</c> on a <c>System.Threading.Lock</c> is not reported: DESIGN.md lists a lock on a <c>Lock</c> field
/// among the traps that must produce no diagnostic (Interlocked would still be faster; see docs/rules/HOT205.md).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InterlockedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property naming the Interlocked method the fix calls.</summary>
    internal const string MethodKey = "HotpathInterlockedMethod";

    /// <summary>Property set when the Add operand must be negated (<c>x -= n</c>).</summary>
    internal const string NegateKey = "HotpathInterlockedNegate";

    /// <summary>
    /// Property listing, for each additional location (the field's other single-update locks), the method and a
    /// trailing <c>-</c> when its operand is negated, separated by commas (<c>Increment,Add-</c>).
    /// </summary>
    internal const string OthersKey = "HotpathInterlockedOthers";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UseInterlocked);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated parts are walked for their writes (a generated Reset() that zeroes the counter matters);
        // nothing is reported there.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LockSymbols.Create(start.Compilation);
            if (symbols.Interlocked is null)
            {
                return;
            }

            // The types being analyzed, so that their nested types' bodies are walked for them too: a nested type
            // can write the outer type's private field. Roslyn starts a containing type before its nested types and
            // ends it after them, so a type's facts are complete at its end.
            var analyzed = new ConcurrentDictionary<INamedTypeSymbol, TypeFacts>(SymbolEqualityComparer.Default);
            start.RegisterSymbolStartAction(typeStart =>
            {
                var type = (INamedTypeSymbol)typeStart.Symbol;
                for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
                {
                    if (analyzed.TryGetValue(outer, out var outerFacts))
                    {
                        RegisterCollector(typeStart, symbols, outerFacts);
                    }
                }

                if (!HasCandidateField(type) || !DeclaresLock(type, typeStart.CancellationToken))
                {
                    return;
                }

                var facts = new TypeFacts(type);
                analyzed[type] = facts;
                RegisterCollector(typeStart, symbols, facts);
                typeStart.RegisterSymbolEndAction(end =>
                {
                    analyzed.TryRemove(type, out _);
                    facts.Report(end);
                });
            }, SymbolKind.NamedType);
        });
    }

    /// <summary>Whether <paramref name="type"/> declares a field HOT205 could report: private, mutable, numeric.</summary>
    private static bool HasCandidateField(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol field && IsTracked(field, type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTracked(IFieldSymbol field, INamedTypeSymbol type) =>
        field is { DeclaredAccessibility: Accessibility.Private, IsReadOnly: false, IsConst: false, IsImplicitlyDeclared: false } &&
        SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, type) && IsNumeric(field.Type);

    /// <summary>Walks every body of the started type (its own members, not its nested types') into <paramref name="facts"/>.</summary>
    private static void RegisterCollector(SymbolStartAnalysisContext typeStart, LockSymbols symbols, TypeFacts facts) =>
        typeStart.RegisterOperationBlockAction(c =>
        {
            var walker = new Collector(symbols, facts, c.OwningSymbol);
            foreach (var block in c.OperationBlocks)
            {
                walker.Walk(block, c.CancellationToken);
            }
        });

    /// <summary>Cheap syntactic pre-check: a type without a <c>lock</c> statement has nothing to report.</summary>
    private static bool DeclaresLock(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is LockStatementSyntax)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The update a <c>lock</c> body consists of, when it is one HOT205 can replace; null otherwise.</summary>
    private static Candidate? Recognize(ILockOperation lockOperation, INamedTypeSymbol interlocked)
    {
        var body = lockOperation.Body;
        while (body is IBlockOperation { Operations.Length: 1 } block)
        {
            body = block.Operations[0];
        }

        if (body is not IExpressionStatementOperation { Operation: var expression })
        {
            return null;
        }

        string method;
        IOperation target;
        IOperation? operand = null;
        var negate = false;
        switch (expression)
        {
            case IIncrementOrDecrementOperation { Target: var incremented, IsChecked: false } step:
                method = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                target = incremented;
                break;
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } compound:
                target = compound.Target;
                operand = compound.Value;
                (method, negate) = AddOrStep(compound.Value, compound.OperatorKind == BinaryOperatorKind.Subtract);
                break;
            case ISimpleAssignmentOperation { Value.ConstantValue.HasValue: true } assignment:
                method = "Exchange";
                target = assignment.Target;
                break;
            case ISimpleAssignmentOperation { Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract, IsChecked: false } binary } assignment
                when SelfUpdateOperand(assignment.Target, binary) is { } selfOperand:
                // `x = x + n`, `x = n + x`, `x = x - n`: the same read-modify-write as `x += n`.
                target = assignment.Target;
                operand = selfOperand;
                (method, negate) = AddOrStep(selfOperand, binary.OperatorKind == BinaryOperatorKind.Subtract);
                break;
            default:
                return null;
        }

        if (target is not IFieldReferenceOperation { Field: { IsReadOnly: false } field } fieldReference || !IsNumeric(field.Type))
        {
            return null;
        }

        // Interlocked.Add(ref uint, -n) does not exist: only offer what compiles.
        if (negate && field.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
        {
            return null;
        }

        return HasOverload(interlocked, method, field.Type)
            ? new Candidate(lockOperation, field.OriginalDefinition, fieldReference, operand, method, negate)
            : null;
    }

    /// <summary>
    /// Adding or subtracting <paramref name="amount"/>: <c>Increment</c>/<c>Decrement</c> for a constant 1, otherwise
    /// <c>Add</c>, of the negated amount when <paramref name="subtract"/>.
    /// </summary>
    private static (string Method, bool Negate) AddOrStep(IOperation amount, bool subtract) =>
        amount.ConstantValue is { HasValue: true } constant && IsOne(constant.Value)
            ? (subtract ? "Decrement" : "Increment", false)
            : ("Add", subtract);

    /// <summary>In <c>x = x + n</c>/<c>x = n + x</c>/<c>x = x - n</c>, the <c>n</c>; null when the other side is not the target field.</summary>
    private static IOperation? SelfUpdateOperand(IOperation target, IBinaryOperation binary)
    {
        if (target is not IFieldReferenceOperation)
        {
            return null;
        }

        if (IsSameField(binary.LeftOperand, target))
        {
            return binary.RightOperand;
        }

        return binary.OperatorKind == BinaryOperatorKind.Add && IsSameField(binary.RightOperand, target) ? binary.LeftOperand : null;
    }

    private static bool IsSameField(IOperation operand, IOperation target) =>
        LockOperations.Unwrap(operand) is IFieldReferenceOperation && LockOperations.SameTarget(operand, target);

    private static bool IsOne(object? value) => value switch
    {
        int i => i == 1,
        long l => l == 1,
        uint u => u == 1,
        ulong ul => ul == 1,
        _ => false,
    };

    private static bool IsNumeric(ITypeSymbol type) => type.SpecialType is
        SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
        SpecialType.System_Single or SpecialType.System_Double;

    private static bool HasOverload(INamedTypeSymbol interlocked, string method, ITypeSymbol type)
    {
        foreach (var member in interlocked.GetMembers(method))
        {
            if (member is IMethodSymbol { Parameters.Length: > 0 } candidate &&
                candidate.Parameters[0].RefKind == RefKind.Ref &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[0].Type, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether two lock expressions may denote the same object. A field or property counts as the same lock whatever
    /// its receiver (<c>_gate</c> and <c>other._gate</c>): erring towards "same" only keeps the rule quiet.
    /// </summary>
    private static bool SameLock(IOperation a, IOperation b)
    {
        a = LockOperations.Unwrap(a);
        b = LockOperations.Unwrap(b);
        return (a, b) switch
        {
            (IFieldReferenceOperation fa, IFieldReferenceOperation fb) => SymbolEqualityComparer.Default.Equals(fa.Field.OriginalDefinition, fb.Field.OriginalDefinition),
            (IPropertyReferenceOperation pa, IPropertyReferenceOperation pb) => SymbolEqualityComparer.Default.Equals(pa.Property.OriginalDefinition, pb.Property.OriginalDefinition),
            _ => LockOperations.SameTarget(a, b),
        };
    }

    /// <summary>A lock whose body is one update HOT205 can replace.</summary>
    private sealed class Candidate
    {
        public Candidate(ILockOperation lockOperation, IFieldSymbol field, IOperation target, IOperation? operand, string method, bool negate)
        {
            Lock = lockOperation;
            Field = field;
            Target = target;
            Operand = operand;
            Method = method;
            Negate = negate;
        }

        public ILockOperation Lock { get; }

        public IFieldSymbol Field { get; }

        /// <summary>The field reference the update writes.</summary>
        public IOperation Target { get; }

        /// <summary>What is added or subtracted (<c>n</c> in <c>x += n</c>); null for <c>++</c>, <c>--</c> and a constant.</summary>
        public IOperation? Operand { get; }

        public string Method { get; }

        public bool Negate { get; }

        public Location Location => LockOperations.HeaderLocation(Lock);

        public string Encoded => Negate ? Method + "-" : Method;
    }

    /// <summary>A field or property referenced while at least one lock is held.</summary>
    private sealed class GuardedReference
    {
        public GuardedReference(ISymbol member, bool write, ImmutableStack<HeldLock> held)
        {
            Member = member;
            Write = write;
            Held = held;
        }

        public ISymbol Member { get; }

        public bool Write { get; }

        public ImmutableStack<HeldLock> Held { get; }
    }

    /// <summary>A write of a tracked field; <see cref="Safe"/> when it is atomic (Interlocked) or a constructor's initialisation.</summary>
    private sealed class FieldWrite
    {
        public FieldWrite(IFieldSymbol field, IOperation reference, bool safe)
        {
            Field = field;
            Reference = reference;
            Safe = safe;
        }

        public IFieldSymbol Field { get; }

        public IOperation Reference { get; }

        public bool Safe { get; }
    }

    /// <summary>What one held region (a lock body, a Monitor.Enter..Exit span, an EnterScope) touches.</summary>
    private sealed class Region
    {
        public Region(IOperation target) => Target = target;

        public IOperation Target { get; }

        public HashSet<ISymbol> Members { get; } = new(SymbolEqualityComparer.Default);

        public HashSet<ISymbol> Written { get; } = new(SymbolEqualityComparer.Default);
    }

    /// <summary>The held regions and field writes of a type, by the member they touch.</summary>
    private sealed class RegionIndex
    {
        /// <summary>The regions (by acquisition site) whose members include a member.</summary>
        public Dictionary<ISymbol, List<KeyValuePair<IOperation, Region>>> Touching { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>The regions that call a method or a computed property of the type.</summary>
        public List<KeyValuePair<IOperation, Region>> Calling { get; } = new();

        /// <summary>The regions that write a member.</summary>
        public Dictionary<ISymbol, List<Region>> WrittenIn { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>The writes of each tracked field.</summary>
        public Dictionary<ISymbol, List<FieldWrite>> Writes { get; } = new(SymbolEqualityComparer.Default);

        public static void Add<T>(Dictionary<ISymbol, List<T>> map, ISymbol key, T value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map.Add(key, list = new List<T>());
            }

            list.Add(value);
        }
    }

    /// <summary>Everything HOT205 needs to know about one type, gathered from all its bodies, decided at its end.</summary>
    private sealed class TypeFacts
    {
        public TypeFacts(INamedTypeSymbol type) => Type = type;

        public INamedTypeSymbol Type { get; }

        public ConcurrentQueue<Candidate> Candidates { get; } = new();

        public ConcurrentQueue<GuardedReference> Guarded { get; } = new();

        public ConcurrentQueue<FieldWrite> Writes { get; } = new();

        /// <summary>
        /// A field HOT205 may report: private, mutable, numeric, of this type. Its nested types' bodies are walked with
        /// this type's, so their reads and writes of it count like any other.
        /// </summary>
        public bool Tracks(IFieldSymbol field) => IsTracked(field.OriginalDefinition, Type);

        public void Report(SymbolAnalysisContext context)
        {
            if (Candidates.IsEmpty)
            {
                return;
            }

            var regions = new Dictionary<IOperation, Region>();
            foreach (var reference in Guarded)
            {
                foreach (var held in reference.Held)
                {
                    if (!regions.TryGetValue(held.Site, out var region))
                    {
                        regions.Add(held.Site, region = new Region(held.Target));
                    }

                    region.Members.Add(reference.Member);
                    if (reference.Write)
                    {
                        region.Written.Add(reference.Member);
                    }
                }
            }

            // Indexes by member, so that a field's checks look at the regions and writes that concern it: a search of every
            // region per field and per member made a type with hundreds of locked fields quadratic.
            var index = new RegionIndex();
            foreach (var pair in regions)
            {
                if (CallsIntoType(pair.Value))
                {
                    index.Calling.Add(pair);
                }

                foreach (var member in pair.Value.Members)
                {
                    RegionIndex.Add(index.Touching, member, pair);
                }

                foreach (var member in pair.Value.Written)
                {
                    RegionIndex.Add(index.WrittenIn, member, pair.Value);
                }
            }

            foreach (var write in Writes)
            {
                RegionIndex.Add(index.Writes, write.Field.OriginalDefinition, write);
            }

            var byField = new Dictionary<IFieldSymbol, List<Candidate>>(SymbolEqualityComparer.Default);
            foreach (var candidate in Candidates)
            {
                if (!byField.TryGetValue(candidate.Field, out var list))
                {
                    byField.Add(candidate.Field, list = new List<Candidate>());
                }

                list.Add(candidate);
            }

            foreach (var pair in byField)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var candidates = pair.Value;
                candidates.Sort((x, y) => CompareLocations(x.Location, y.Location));
                if (!KeepsEveryWriteAtomic(pair.Key, candidates, index))
                {
                    continue;
                }

                foreach (var candidate in candidates)
                {
                    var others = candidates.Where(c => c != candidate).ToArray();
                    var properties = ImmutableDictionary<string, string?>.Empty.Add(MethodKey, candidate.Method);
                    if (candidate.Negate)
                    {
                        properties = properties.Add(NegateKey, "true");
                    }

                    if (others.Length > 0)
                    {
                        properties = properties.Add(OthersKey, string.Join(",", others.Select(c => c.Encoded)));
                    }

                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseInterlocked, candidate.Location,
                        others.Select(c => c.Location), properties, candidate.Field.Name, candidate.Method));
                }
            }
        }

        private bool KeepsEveryWriteAtomic(IFieldSymbol field, List<Candidate> candidates, RegionIndex regions)
        {
            // (a) No operand reads state the lock orders.
            foreach (var candidate in candidates)
            {
                if (!OperandIsSafe(candidate, regions))
                {
                    return false;
                }
            }

            // (b) Every other write of the field is one of these updates, an Interlocked call, or initialisation.
            var updates = new HashSet<IOperation>(candidates.Select(c => c.Target));
            foreach (var write in regions.Writes.TryGetValue(field, out var writes) ? writes : new List<FieldWrite>())
            {
                if (!write.Safe && !updates.Contains(write.Reference))
                {
                    return false;
                }
            }

            // (c) No region of one of these locks reads the field together with another field that lock guards (only a
            // region that touches the field or calls into the type can).
            var sites = new HashSet<IOperation>(candidates.Select(c => (IOperation)c.Lock));
            var touching = regions.Touching.TryGetValue(field, out var list) ? list : new List<KeyValuePair<IOperation, Region>>();
            foreach (var pair in touching.Concat(regions.Calling).Distinct())
            {
                var region = pair.Value;
                if (sites.Contains(pair.Key) || !candidates.Any(c => SameLock(c.Lock.LockedValue, region.Target)))
                {
                    continue;
                }

                foreach (var member in region.Members)
                {
                    if (!SymbolEqualityComparer.Default.Equals(member, field) && IsGuardedBy(member, region.Target, regions))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private bool OperandIsSafe(Candidate candidate, RegionIndex regions)
        {
            if (candidate.Operand is null)
            {
                return true;
            }

            foreach (var operation in candidate.Operand.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IFieldReferenceOperation { Field: var read } when IsGuardedBy(read.OriginalDefinition, candidate.Lock.LockedValue, regions):
                        return false;
                    case IPropertyReferenceOperation { Property: var property } when
                        IsGuardedBy(property.OriginalDefinition, candidate.Lock.LockedValue, regions) || (IsWithinType(property.ContainingType) && !IsAutoProperty(property)):
                        return false; // a computed property of the type may read what the lock guards
                    case IInvocationOperation { TargetMethod.ContainingType: var callee } when IsWithinType(callee):
                        return false;
                }
            }

            return true;
        }

        /// <summary>Whether a region calls a method or a computed property of the type, which may read any of its fields.</summary>
        private bool CallsIntoType(Region region)
        {
            foreach (var member in region.Members)
            {
                if ((member is IMethodSymbol method && IsWithinType(method.ContainingType)) ||
                    (member is IPropertySymbol property && IsWithinType(property.ContainingType) && !IsAutoProperty(property)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsGuardedBy(ISymbol member, IOperation lockTarget, RegionIndex regions)
        {
            if (regions.WrittenIn.TryGetValue(member, out var writing))
            {
                foreach (var region in writing)
                {
                    if (SameLock(region.Target, lockTarget))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool IsWithinType(INamedTypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, Type))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAutoProperty(IPropertySymbol property)
        {
            foreach (var member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol { AssociatedSymbol: { } associated } && SymbolEqualityComparer.Default.Equals(associated, property.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private static int CompareLocations(Location x, Location y)
        {
            var byPath = string.CompareOrdinal(x.SourceTree?.FilePath, y.SourceTree?.FilePath);
            return byPath != 0 ? byPath : x.SourceSpan.Start.CompareTo(y.SourceSpan.Start);
        }
    }

    /// <summary>Walks one body: records the candidate locks, every member touched under a lock, and every write of a tracked field.</summary>
    private sealed class Collector : LockRegionWalker
    {
        private readonly TypeFacts _facts;
        private readonly ISymbol _owner;

        public Collector(LockSymbols symbols, TypeFacts facts, ISymbol owner)
            : base(symbols)
        {
            _facts = facts;
            _owner = owner;
        }

        protected override void OnAcquire(IOperation target, IOperation site, ImmutableStack<HeldLock> held)
        {
        }

        protected override void OnOperation(IOperation operation, ImmutableStack<HeldLock> held)
        {
            switch (operation)
            {
                case ILockOperation lockOperation when !LockSymbols.Is(lockOperation.LockedValue.Type, Symbols.Lock):
                    if (Recognize(lockOperation, Symbols.Interlocked!) is { } candidate && _facts.Tracks(candidate.Field))
                    {
                        _facts.Candidates.Enqueue(candidate);
                    }

                    break;
                case IFieldReferenceOperation fieldReference:
                    Record(fieldReference, fieldReference.Field.OriginalDefinition, held);
                    break;
                case IPropertyReferenceOperation propertyReference:
                    Record(propertyReference, propertyReference.Property.OriginalDefinition, held);
                    break;
                case IInvocationOperation { TargetMethod: var method } when !held.IsEmpty:
                    _facts.Guarded.Enqueue(new GuardedReference(method.OriginalDefinition, false, held));
                    break;
            }
        }

        private void Record(IMemberReferenceOperation reference, ISymbol member, ImmutableStack<HeldLock> held)
        {
            var write = IsWrite(reference, out var atomic);
            if (!held.IsEmpty)
            {
                _facts.Guarded.Enqueue(new GuardedReference(member, write, held));
            }

            if (write && member is IFieldSymbol field && _facts.Tracks(field))
            {
                _facts.Writes.Enqueue(new FieldWrite(field, reference, atomic || IsInitialisation(reference, field)));
            }
        }

        /// <summary>A constructor (not a lambda in it) writing its own instance's field, or a static constructor a static field.</summary>
        private bool IsInitialisation(IMemberReferenceOperation reference, IFieldSymbol field) =>
            !InNestedFunction &&
            _owner is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor &&
            constructor.IsStatic == field.IsStatic &&
            SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, field.ContainingType) &&
            (field.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance });

        /// <summary>
        /// Whether <paramref name="reference"/> is written (<see cref="LockOperations.IsWritten"/>), and
        /// <paramref name="atomic"/>: passed by <c>ref</c> to <c>Interlocked</c>. Passed to <c>Volatile.Read</c>, it is only read.
        /// </summary>
        private bool IsWrite(IOperation reference, out bool atomic)
        {
            atomic = false;
            if (reference.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Parent: IInvocationOperation { TargetMethod: var method } })
            {
                if (LockSymbols.Is(method.ContainingType, Symbols.Volatile) && method.Name == "Read")
                {
                    return false;
                }

                atomic = LockSymbols.Is(method.ContainingType, Symbols.Interlocked);
            }

            return LockOperations.IsWritten(reference);
        }
    }
}
