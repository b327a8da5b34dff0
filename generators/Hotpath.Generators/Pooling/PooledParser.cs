using System.Globalization;
using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// Reads a [Pooled] type into a <see cref="PooledModel"/> and finds its mistakes (HOT001 for members the generator
/// also emits, HOT005, HOT006, HOT007).
/// Shared by the generator (which keeps only error-free models) and the companion analyzer (which reports).
/// </summary>
internal static class PooledParser
{
    private const string IResettableName = "Microsoft.Extensions.ObjectPool.IResettable";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>Namespace-qualified names without nullable annotations or keywords, for comparing types by name.</summary>
    private static readonly SymbolDisplayFormat NameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    /// <summary>
    /// Parses <paramref name="type"/>. Returns <see langword="null"/> when the type is not a class or has any
    /// error; the errors go to <paramref name="diagnostics"/> when given. <paramref name="semanticModels"/>
    /// resolves constant initializers and finds captured primary-constructor parameters (HOT006); without it
    /// initializers count as non-constant and captures are not looked for.
    /// </summary>
    public static PooledModel? Parse(
        INamedTypeSymbol type,
        AttributeData attribute,
        Func<SyntaxTree, SemanticModel?>? semanticModels,
        List<Diagnostic>? diagnostics,
        CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return null; // [Pooled] is class-only: the compiler already reports CS0592.
        }

        var errors = diagnostics ?? new List<Diagnostic>();
        var errorsBefore = errors.Count;

        var maxRetained = 1024;
        var preallocate = 0;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Value.Value is int value)
            {
                if (argument.Key == "MaxRetained")
                {
                    maxRetained = value;
                }
                else if (argument.Key == "Preallocate")
                {
                    preallocate = value;
                }
            }
        }

        if (maxRetained <= 0)
        {
            errors.Add(Diagnostic.Create(DiagnosticDescriptors.ArgumentOutOfRange, ArgumentLocation(attribute, "MaxRetained", cancellationToken),
                "Pooled", "MaxRetained", maxRetained.ToString(CultureInfo.InvariantCulture), "it must be positive"));
        }

        if (preallocate < 0)
        {
            errors.Add(Diagnostic.Create(DiagnosticDescriptors.ArgumentOutOfRange, ArgumentLocation(attribute, "Preallocate", cancellationToken),
                "Pooled", "Preallocate", preallocate.ToString(CultureInfo.InvariantCulture), "it must not be negative"));
        }
        else if (maxRetained > 0 && preallocate > maxRetained)
        {
            errors.Add(Diagnostic.Create(DiagnosticDescriptors.ArgumentOutOfRange, ArgumentLocation(attribute, "Preallocate", cancellationToken),
                "Pooled", "Preallocate", preallocate.ToString(CultureInfo.InvariantCulture),
                "it must not exceed MaxRetained (" + maxRetained.ToString(CultureInfo.InvariantCulture) + ")"));
        }

        if (type.IsStatic)
        {
            errors.Add(Diagnostic.Create(DiagnosticDescriptors.NoParameterlessConstructor, TypeTargetParser.NameLocation(type, cancellationToken), type.Name,
                ": a static class has no instances to pool"));
        }

        var emitPool = !type.IsAbstract && !type.IsStatic;
        if (emitPool)
        {
            var problem = ConstructorProblem(type, cancellationToken);
            if (problem is not null)
            {
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.NoParameterlessConstructor, TypeTargetParser.NameLocation(type, cancellationToken), type.Name, problem));
            }
        }

        var pooledBase = false;
        var baseHasPool = false;
        var baseReset = BaseReset.None;
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (IsPooled(ancestor))
            {
                pooledBase = true;
                baseHasPool |= !ancestor.IsAbstract;
            }

            // A plain base may declare its own Pool or Reset(): the generated ones hide them (CS0108/CS0114 otherwise),
            // and the generated reset runs the base's first, as it does for a [Pooled] base.
            baseHasPool |= HasMember(ancestor, "Pool", type);
            if (baseReset == BaseReset.None && !pooledBase && FindReset(ancestor, type) is { } reset)
            {
                baseReset = reset.IsAbstract ? BaseReset.Hide : BaseReset.HideAndCall;
            }
        }

        var shape = pooledBase ? PooledShape.Derived : type.IsSealed ? PooledShape.SealedRoot : PooledShape.OpenRoot;
        var hook = PooledGeneratedMembers.Check(type, shape, emitPool, errors, cancellationToken);

        var steps = new List<ResetStep>();
        CollectSteps(type, semanticModels, steps, errors, cancellationToken);
        foreach (var (parameter, location, reason) in RecordParameterAttributes.Find(type, static name => name == AttributeNames.NoReset, cancellationToken))
        {
            errors.Add(Diagnostic.Create(DiagnosticDescriptors.MemberCannotBeReset, location, "Record parameter '" + parameter.Name + "'", type.Name, reason));
        }

        if (semanticModels is not null)
        {
            PooledPrimaryConstructor.Check(type, semanticModels, errors, cancellationToken);
        }

        if (errors.Count == errorsBefore && MinimumLanguageVersion.CheckPooled(type, attribute) is { } tooOld)
        {
            errors.Add(tooOld);
        }

        if (errors.Count != errorsBefore)
        {
            return null;
        }

        return new PooledModel(
            TypeTargetParser.Create(type, cancellationToken),
            maxRetained,
            preallocate,
            shape,
            emitPool,
            baseHasPool,
            pooledBase ? BaseReset.None : baseReset,
            steps.ToEquatableArray(),
            type.GetMembers().Any(static m => m is IFieldSymbol { IsStatic: false } f ? IsPointer(f.Type) : m is IPropertySymbol { IsStatic: false } p && IsPointer(p.Type)),
            hook,
            shape == PooledShape.OpenRoot || (shape == PooledShape.Derived && HasHookChain(type)),
            shape == PooledShape.OpenRoot && InheritsVisible(type, "ResetCore"),
            shape == PooledShape.OpenRoot && InheritsVisible(type, OnResetCoreName));
    }

    /// <summary>
    /// Whether the nearest [Pooled] base of a derived type has the generated <c>OnResetCore()</c>: one in this compilation
    /// gets it from this generator (an open root declares it; a derived one inherits it when its own base has it); one in
    /// a referenced assembly has it unless an older Hotpath generated it.
    /// </summary>
    private static bool HasHookChain(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (!IsPooled(ancestor))
            {
                continue;
            }

            if (ancestor.Locations.Any(static l => l.IsInSource))
            {
                return !GeneratedMembers.HasPooledBase(ancestor) || HasHookChain(ancestor); // an open root, or derived from one that has it
            }

            for (var declaring = ancestor; declaring is not null; declaring = declaring.BaseType)
            {
                if (declaring.GetMembers(OnResetCoreName).Any(static m => m is IMethodSymbol { Parameters.Length: 0, Arity: 0, IsStatic: false, IsVirtual: true } or IMethodSymbol { Parameters.Length: 0, Arity: 0, IsOverride: true }))
                {
                    return true;
                }
            }

            return false;
        }

        return false;
    }

    /// <summary>The generated virtual that runs the <c>OnReset()</c> hooks of every level, base first.</summary>
    public const string OnResetCoreName = "OnResetCore";

    /// <summary>Whether <paramref name="type"/> is marked [Pooled] (so it has, or will get, a generated <c>Reset()</c>).</summary>
    public static bool IsPooled(ITypeSymbol type)
    {
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeNames.Pooled)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a base type declares a member named <paramref name="name"/> that <paramref name="type"/> inherits visibly (a generated one hides it).</summary>
    private static bool InheritsVisible(INamedTypeSymbol type, string name)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (HasMember(ancestor, name, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="ancestor"/> declares a member named <paramref name="name"/> that <paramref name="from"/> inherits visibly.</summary>
    private static bool HasMember(INamedTypeSymbol ancestor, string name, INamedTypeSymbol from) =>
        ancestor.GetMembers(name).Any(member => Visible(member, from));

    /// <summary>A parameterless instance <c>Reset()</c> the derived type can see (what the generated one would hide).</summary>
    private static IMethodSymbol? FindReset(INamedTypeSymbol ancestor, INamedTypeSymbol from) =>
        ancestor.GetMembers("Reset").OfType<IMethodSymbol>()
            .FirstOrDefault(method => !method.IsStatic && method.Parameters.Length == 0 && method.Arity == 0 && Visible(method, from));

    /// <summary>Whether <paramref name="from"/> sees the inherited <paramref name="member"/> (so a member it declares with that name hides it).</summary>
    internal static bool Visible(ISymbol member, INamedTypeSymbol from) =>
        member.DeclaredAccessibility != Accessibility.NotApplicable && InheritedAccess.IsAccessible(member, from, receiver: null);

    private static string? ConstructorProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var call = Construction.FindParameterlessCall(type);
        var parameterless = call.Constructor;
        if (call.Ambiguous.Count > 0)
        {
            return ": 'new " + type.Name + "()' is ambiguous between " + Construction.Describe(call.Ambiguous) +
                   " (CS0121); declare a parameterless constructor, which 'new " + type.Name + "()' prefers (it may be private)";
        }

        if (parameterless is null)
        {
            return Construction.PrimaryConstructor(type, cancellationToken) is null
                ? ": declare one (it may be private: the generated Pool is inside the type)"
                : ": declare one that calls the primary constructor ('private " + type.Name + "() : this(...) { }'; it may be private: the generated Pool is inside the type)";
        }

        if (IsObsoleteAsError(parameterless))
        {
            // CS0619 cannot be suppressed; a plain [Obsolete] warning is (the generated file disables CS0612/CS0618).
            return ": it is [Obsolete] as an error, so 'new()' does not compile; remove 'error: true' or the attribute";
        }

        if (RequiredMembers.BlockNew(type, parameterless))
        {
            return RequiredMembersProblem(type, parameterless, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// HOT005's reason when <c>new T()</c> through <paramref name="constructor"/> does not compile for required members
    /// (CS9035): what to mark, or, for the implicit constructor, which cannot carry an attribute, what to declare.
    /// </summary>
    private static string RequiredMembersProblem(INamedTypeSymbol type, IMethodSymbol constructor, CancellationToken cancellationToken)
    {
        var names = RequiredMembers.Names(type);
        var quoted = names.Select(static n => "'" + n + "'").ToList();
        var list = quoted.Count == 1 ? quoted[0] : string.Join(", ", quoted.Take(quoted.Count - 1)) + " and " + quoted[quoted.Count - 1];
        var members = ": it has the required member" + (names.Count == 1 ? " " : "s ") + list + ", which 'new " + type.Name + "()' must set (CS9035)";
        if (constructor.IsImplicitlyDeclared)
        {
            return members + ", and an implicit constructor cannot be marked [SetsRequiredMembers]; declare a parameterless constructor marked [SetsRequiredMembers] that sets " +
                   (names.Count == 1 ? "it" : "them") + " ('[SetsRequiredMembers] private " + type.Name + "() { ... }'; it may be private: the generated Pool is inside the type), or drop 'required'";
        }

        if (SymbolEqualityComparer.Default.Equals(constructor, Construction.PrimaryConstructor(type, cancellationToken)))
        {
            return members + "; mark the primary constructor [SetsRequiredMembers] with '[method: SetsRequiredMembers]' on the declaration of '" + type.Name + "', or drop 'required'";
        }

        var parameters = string.Join(", ", constructor.Parameters.Select(static p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
        return members + "; mark the constructor '" + type.Name + "(" + parameters + ")' [SetsRequiredMembers] (it sets every required member then), or drop 'required'";
    }

    private static bool IsObsoleteAsError(IMethodSymbol constructor)
    {
        foreach (var attribute in constructor.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute" &&
                attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Value is true)
            {
                return true;
            }
        }

        return false;
    }

    private static void CollectSteps(INamedTypeSymbol type, Func<SyntaxTree, SemanticModel?>? semanticModels, List<ResetStep> steps, List<Diagnostic> errors, CancellationToken cancellationToken)
    {
        // Auto-properties are the properties with a compiler-generated backing field.
        var autoProperties = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: true, AssociatedSymbol: IPropertySymbol property })
            {
                autoProperties.Add(property);
            }
        }

        // A partial property (C# 13) whose implementation, in this type, reads a field of the type ('get => _name') keeps
        // its value there: that field is reset once, by its own rules (its constant initializer, its [NoReset]), and the
        // property not at all (its setter would reset the same storage again, after or before the field, and run its
        // side effects). [NoReset] on such a property leaves its field alone too.
        var storedIn = new Dictionary<IPropertySymbol, IFieldSymbol>(SymbolEqualityComparer.Default);
        var leftAlone = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is IPropertySymbol { IsStatic: false, IsIndexer: false } property && !autoProperties.Contains(property) &&
                StorageField(type, property, cancellationToken) is { } field)
            {
                if (HasNoReset(property))
                {
                    leftAlone.Add(field);
                }
                else if (!HasNoReset(field) && CannotBeReset(property, semanticModels, cancellationToken))
                {
                    // A get-only property of a mutable type is HOT006 wherever it is implemented (so the generator, which
                    // may not see an implementation another generator adds, and its analyzer, which does, agree): reported
                    // on the property, not a second time on its field.
                    leftAlone.Add(field);
                    continue;
                }

                storedIn.Add(property, field);
            }
        }

        var locks = PooledLockObjects.Find(type, semanticModels, cancellationToken);
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsStatic || member.IsImplicitlyDeclared)
            {
                continue;
            }

            switch (member)
            {
                case IFieldSymbol { IsConst: false } field when !leftAlone.Contains(field):
                    AddStep(field, field.Type, isReadOnly: field.IsReadOnly, semanticModels, locks, steps, errors, cancellationToken);
                    break;
                // Any other partial property is reset through the property, by the rules of an auto-property, wherever it
                // is implemented: another generator's implementation (an MVVM [ObservableProperty]) is invisible here (so
                // is its field) but visible to the companion analyzer, and both must decide alike.
                case IPropertySymbol property when autoProperties.Contains(property) || (!property.IsIndexer && !storedIn.ContainsKey(property) && IsPartial(property, cancellationToken)):
                    var settable = property.SetMethod is { IsInitOnly: false };
                    AddStep(property, property.Type, isReadOnly: !settable, semanticModels, locks, steps, errors, cancellationToken);
                    break;
                case IEventSymbol @event when IsFieldLikeEvent(@event, cancellationToken) &&
                                              (semanticModels is null || !EventFieldAttributes.Has(@event, AttributeNames.NoReset, semanticModels, cancellationToken)):
                    // [field: NoReset] (the attribute is for fields and properties, so it goes on the event's field) keeps the handlers.
                    // null! : a non-nullable event type ('event Action Changed = delegate { };') still starts over unsubscribed.
                    steps.Add(new ResetStep(ResetKind.Assign, Identifiers.Escape(@event.Name), "null!"));
                    break;
            }
        }
    }

    private static void AddStep(ISymbol member, ITypeSymbol memberType, bool isReadOnly, Func<SyntaxTree, SemanticModel?>? semanticModels, PooledLockObjects locks, List<ResetStep> steps, List<Diagnostic> errors, CancellationToken cancellationToken)
    {
        if (HasNoReset(member))
        {
            return;
        }

        // An explicit interface implementation ('int IHasX.X { get; set; } = 5;') is reached through the interface.
        var implemented = member is IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 } property ? property.ExplicitInterfaceImplementations[0] : null;
        var name = Identifiers.Escape(implemented?.Name ?? member.Name);
        var receiver = implemented is null ? null : "((" + implemented.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")this)";

        // Containers first: they are reset in place, so a readonly member is fine.
        if (memberType is IArrayTypeSymbol { ElementType: var element } && (IsLock(element) || locks.IsStriped(member)))
        {
            return; // lock striping: cleared, the next 'lock (_stripes[i])' would throw
        }

        if (memberType is IArrayTypeSymbol)
        {
            steps.Add(new ResetStep(ResetKind.ClearArray, name, null, receiver));
            return;
        }

        if (memberType.TypeKind == TypeKind.Class && IsPooled(memberType))
        {
            steps.Add(new ResetStep(ResetKind.ResetPooled, name, null, receiver));
            return;
        }

        if (IsResettable(memberType))
        {
            if (!memberType.IsValueType)
            {
                steps.Add(new ResetStep(ResetKind.ResetResettable, name, null, receiver));
                return;
            }

            if (!isReadOnly)
            {
                steps.Add(new ResetStep(member is IFieldSymbol ? ResetKind.ResetResettableStructField : ResetKind.ResetResettableStructProperty, name, null, receiver));
                return;
            }
        }

        if (IsLock(memberType))
        {
            // Like a lock object: a System.Threading.Lock holds no state once released (a pooled instance is returned with
            // it released), so the next renter locks the same one. Settable, it is not reset either: null (default) would
            // make the next 'lock' throw.
            return;
        }

        if (NameOf(memberType) == "System.Collections.BitArray")
        {
            // Like an array: same length, every bit false.
            steps.Add(new ResetStep(ResetKind.ClearBits, name, null, receiver));
            return;
        }

        if (isReadOnly && IsBufferWriter(memberType))
        {
            // What was written is cleared; the buffer is kept. (A settable one is reset to default, as before: a renter
            // may have replaced it with one of its own.)
            steps.Add(new ResetStep(ResetKind.ClearReference, name, null, receiver));
            return;
        }

        if (isReadOnly && IsMemoryStream(memberType))
        {
            steps.Add(new ResetStep(ResetKind.EmptyStream, name, null, receiver));
            return;
        }

        if (IsClearable(memberType))
        {
            steps.Add(new ResetStep(memberType.IsValueType ? ResetKind.ClearValue : ResetKind.ClearReference, name, null, receiver));
            return;
        }

        if (isReadOnly)
        {
            // A readonly member is only ever set by the constructor, which a pooled instance runs once, so an
            // immutable one keeps its constructed value. A readonly reference to a mutable object does not.
            if (!IsImmutable(memberType))
            {
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.MemberCannotBeReset, MemberLocation(member, cancellationToken),
                    "Member '" + member.Name + "'", member.ContainingType.Name,
                    (member is IFieldSymbol ? "it is a readonly field" : "it is a property without a setter") + " of type '" + memberType.ToDisplayString() +
                    "', which is neither a collection, an array, [Pooled] nor IResettable; mark it [NoReset] or make it resettable"));
            }

            return;
        }

        if (locks.IsLock(member, memberType, cancellationToken))
        {
            return; // a lock object, as a System.Threading.Lock above: null (default) would make the next 'lock' throw
        }

        var constant = ConstantInitializer(member, memberType, semanticModels, cancellationToken);
        steps.Add(new ResetStep(ResetKind.Assign, name, constant ?? EmptyImmutableCollection(memberType) ?? (memberType.IsValueType || IsPointer(memberType) ? "default" : "default!"), receiver));
    }

    /// <summary>Whether a member of this type needs an unsafe context (a pointer, a function pointer, or an array of them).</summary>
    public static bool IsPointer(ITypeSymbol type) => type switch
    {
        IPointerTypeSymbol or IFunctionPointerTypeSymbol => true,
        IArrayTypeSymbol array => IsPointer(array.ElementType),
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="member"/> is marked [NoReset]; for an auto-property, on itself or on its backing field
    /// (<c>[field: NoReset]</c>, which puts the attribute there).
    /// </summary>
    private static bool HasNoReset(ISymbol member) =>
        BackingFieldAttributes.Roles(member, static name => name == AttributeNames.NoReset).Count > 0; // an override's too, from the property it overrides

    private static bool IsResettable(ITypeSymbol type)
    {
        if (NameOf(type) == IResettableName)
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (NameOf(@interface) == IResettableName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>System.Buffers.ArrayBufferWriter&lt;T&gt;</c> (sealed): <c>Clear()</c> empties it and keeps its buffer.</summary>
    private static bool IsBufferWriter(ITypeSymbol type) => NameOf(type.OriginalDefinition) == "System.Buffers.ArrayBufferWriter<T>";

    /// <summary>
    /// <c>System.IO.MemoryStream</c> or a class deriving from it (RecyclableMemoryStream): <c>SetLength(0)</c> empties it,
    /// rewinds it and keeps its capacity.
    /// </summary>
    private static bool IsMemoryStream(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (NameOf(current) == "System.IO.MemoryStream")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A StringBuilder, or a collection or dictionary (or a BCL collection) with a public <c>void Clear()</c> that clears in place.</summary>
    private static bool IsClearable(ITypeSymbol type)
    {
        if (NameOf(type) == "System.Text.StringBuilder")
        {
            return true;
        }

        if (!IsCollection(type) && !IsBclCollection(type))
        {
            return false;
        }

        // Immutable collections have Clear() too, returning a new collection: not clearable in place.
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (HasVoidClear(current))
            {
                return true;
            }
        }

        if (type.TypeKind == TypeKind.Interface)
        {
            foreach (var @interface in type.AllInterfaces)
            {
                if (HasVoidClear(@interface))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsCollection(ITypeSymbol type)
    {
        if (IsCollectionInterface(type))
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (IsCollectionInterface(@interface))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A collection of the BCL's collection namespaces, which may have a <c>void Clear()</c> without implementing
    /// <c>ICollection&lt;T&gt;</c> or <c>IDictionary</c> (<c>PriorityQueue&lt;TElement, TPriority&gt;</c>).
    /// </summary>
    private static bool IsBclCollection(ITypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() is { } ns &&
        (ns == "System.Collections" || ns.StartsWith("System.Collections.", StringComparison.Ordinal));

    private static bool IsCollectionInterface(ITypeSymbol type) =>
        NameOf(type.OriginalDefinition) is "System.Collections.Generic.ICollection<T>" or "System.Collections.ICollection" or "System.Collections.IDictionary" or "System.Collections.IList";

    private static bool HasVoidClear(ITypeSymbol type)
    {
        foreach (var member in type.GetMembers("Clear"))
        {
            if (member is IMethodSymbol { IsStatic: false, Parameters.Length: 0, ReturnsVoid: true, DeclaredAccessibility: Accessibility.Public, TypeParameters.Length: 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Types whose instances cannot change: a readonly member of such a type needs no reset.</summary>
    internal static bool IsImmutable(ITypeSymbol type) =>
        type.IsValueType ||
        type.SpecialType is SpecialType.System_String or SpecialType.System_Object ||
        type.TypeKind == TypeKind.Delegate ||
        NameOf(type) is "System.Type" or "System.Uri" or "System.Version" ||
        IsLock(type) ||
        EmptyImmutableCollection(type) is not null;

    /// <summary><c>System.Threading.Lock</c> (.NET 9), what HOT201/HOT203's code fix declares: no state once released.</summary>
    private static bool IsLock(ITypeSymbol type) => NameOf(type) == "System.Threading.Lock";

    /// <summary>
    /// <c>T.Empty</c> for an immutable or frozen collection (<c>ImmutableArray&lt;T&gt;</c>, <c>ImmutableList&lt;T&gt;</c>,
    /// <c>FrozenSet&lt;T&gt;</c>, …): what such a member is reset to without a constant initializer, since <c>default</c>
    /// is an ImmutableArray whose every use throws, or null. Null for any other type.
    /// </summary>
    private static string? EmptyImmutableCollection(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } named ||
            named.ContainingNamespace?.ToDisplayString() is not ("System.Collections.Immutable" or "System.Collections.Frozen"))
        {
            return null;
        }

        foreach (var member in named.GetMembers("Empty"))
        {
            var emptyType = member switch
            {
                IFieldSymbol { IsStatic: true, DeclaredAccessibility: Accessibility.Public } field => field.Type,
                IPropertySymbol { IsStatic: true, DeclaredAccessibility: Accessibility.Public } property => property.Type,
                _ => null,
            };

            if (emptyType is not null && SymbolEqualityComparer.Default.Equals(emptyType.WithNullableAnnotation(NullableAnnotation.NotAnnotated), named.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
            {
                return named.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat) + ".Empty";
            }
        }

        return null;
    }

    private static string NameOf(ITypeSymbol type) => type.ToDisplayString(NameFormat);

    private static bool IsPartial(IPropertySymbol property, CancellationToken cancellationToken)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CannotBeReset(IPropertySymbol property, Func<SyntaxTree, SemanticModel?>? semanticModels, CancellationToken cancellationToken)
    {
        var found = new List<Diagnostic>();
        AddStep(property, property.Type, isReadOnly: property.SetMethod is not { IsInitOnly: false }, semanticModels, PooledLockObjects.None, new List<ResetStep>(), found, cancellationToken);
        return found.Count > 0;
    }

    /// <summary>
    /// The instance field of <paramref name="type"/> a partial property's implementation (in that type) keeps its value
    /// in: the field its getter returns, by name (<c>get =&gt; _name</c>, <c>get { return this._name; }</c>,
    /// <c>=&gt; _name</c>), of the property's type or one deriving from it; null for any other property or getter
    /// (computed, or storage elsewhere).
    /// </summary>
    private static IFieldSymbol? StorageField(INamedTypeSymbol type, IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (!IsPartial(property, cancellationToken))
        {
            return null;
        }

        // The member is the declaring part; its implementing part (PartialImplementationPart is newer than Roslyn 4.8) is
        // the property of that name, with accessor bodies, among the type's declarations.
        foreach (var part in type.DeclaringSyntaxReferences)
        {
            if (part.GetSyntax(cancellationToken) is not TypeDeclarationSyntax typeDeclaration)
            {
                continue;
            }

            foreach (var candidate in typeDeclaration.Members)
            {
                if (candidate is PropertyDeclarationSyntax declaration && declaration.Identifier.ValueText == property.Name &&
                    declaration.ExplicitInterfaceSpecifier is null && declaration.Modifiers.Any(SyntaxKind.PartialKeyword) &&
                    StorageFieldName(declaration) is { } name &&
                    type.GetMembers(name).FirstOrDefault() is IFieldSymbol { IsStatic: false, IsConst: false, IsImplicitlyDeclared: false } field &&
                    Exposes(property.Type, field.Type))
                {
                    return field;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a property of <paramref name="propertyType"/> returns a field of <paramref name="fieldType"/> as it is: the
    /// same type, or a base class or interface of it (<c>IReadOnlyList&lt;int&gt; Items =&gt; _items;</c> over a list).
    /// </summary>
    private static bool Exposes(ITypeSymbol propertyType, ITypeSymbol fieldType)
    {
        if (SymbolEqualityComparer.Default.Equals(fieldType, propertyType))
        {
            return true;
        }

        if (fieldType.IsValueType)
        {
            return false; // a struct returned as an interface or object is a boxed copy, not the storage
        }

        for (var current = fieldType.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, propertyType))
            {
                return true;
            }
        }

        return fieldType.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, propertyType));
    }

    /// <summary>The name the implementing part's getter returns, or null (a declaring part, a computed getter).</summary>
    private static string? StorageFieldName(PropertyDeclarationSyntax declaration)
    {
        var returned = declaration.ExpressionBody?.Expression;
        if (declaration.AccessorList is { } accessors)
        {
            var getter = accessors.Accessors.FirstOrDefault(static a => a.IsKind(SyntaxKind.GetAccessorDeclaration));
            returned = getter?.ExpressionBody?.Expression ??
                       (getter?.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax { Expression: { } expression } ? expression : null);
        }

        return returned switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
            _ => null,
        };
    }

    private static bool IsFieldLikeEvent(IEventSymbol @event, CancellationToken cancellationToken)
    {
        foreach (var reference in @event.DeclaringSyntaxReferences)
        {
            // A partial event (C# 14) is declared like a field-like one but implemented with add/remove, like a
            // custom event: assigning it is CS0079. Its storage is an ordinary field the rules already reset.
            if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent.Parent: EventFieldDeclarationSyntax declaration })
            {
                return !declaration.Modifiers.Any(SyntaxKind.PartialKeyword) && !HasNoReset(@event);
            }
        }

        return false;
    }

    /// <summary>The member's initializer as a <c>global::</c>-safe constant expression, or <see langword="null"/> when it has none or it is not constant.</summary>
    private static string? ConstantInitializer(ISymbol member, ITypeSymbol memberType, Func<SyntaxTree, SemanticModel?>? semanticModels, CancellationToken cancellationToken)
    {
        if (semanticModels is null)
        {
            return null;
        }

        foreach (var initializer in MemberInitializers.Of(member, cancellationToken))
        {
            var model = semanticModels(initializer.SyntaxTree);
            if (model is null)
            {
                return null;
            }

            var constant = model.GetConstantValue(initializer, cancellationToken);
            if (!constant.HasValue)
            {
                // string.Empty is a static readonly field, not a C# constant, but it is the constant "" in all
                // but name: '= string.Empty' is reset to "" as '= ""' is (never to null).
                return IsStringEmpty(model, initializer, cancellationToken) ? FormatConstant(string.Empty, memberType) : null;
            }

            return FormatConstant(constant.Value, memberType);
        }

        return null;
    }

    private static bool IsStringEmpty(SemanticModel model, ExpressionSyntax initializer, CancellationToken cancellationToken) =>
        model.GetSymbolInfo(initializer, cancellationToken).Symbol is IFieldSymbol { Name: "Empty", IsStatic: true, ContainingType.SpecialType: SpecialType.System_String };

    private static string? FormatConstant(object? value, ITypeSymbol memberType)
    {
        if (value is null)
        {
            return memberType.IsValueType ? "default" : "default!";
        }

        var literal = value switch
        {
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            bool b => b ? "true" : "false",
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => DoubleLiteral(d.ToString("R", CultureInfo.InvariantCulture)),
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
            IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
            _ => null,
        };

        if (literal is null)
        {
            return null;
        }

        // A literal of the member's own type needs no cast; anything else is cast to the member's type, which
        // covers implicit numeric conversions (long L = 5), enums ((global::Ns.Phase)2) and nullable targets.
        if (value is string || SpecialTypeOf(value) == memberType.SpecialType)
        {
            return literal;
        }

        var needsParentheses = literal.StartsWith("-", StringComparison.Ordinal);
        return "(" + memberType.ToDisplayString(TypeFormat) + ")" + (needsParentheses ? "(" + literal + ")" : literal);
    }

    private static string DoubleLiteral(string text) =>
        text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + "D";

    private static SpecialType SpecialTypeOf(object value) => value switch
    {
        bool => SpecialType.System_Boolean,
        char => SpecialType.System_Char,
        sbyte => SpecialType.System_SByte,
        byte => SpecialType.System_Byte,
        short => SpecialType.System_Int16,
        ushort => SpecialType.System_UInt16,
        int => SpecialType.System_Int32,
        uint => SpecialType.System_UInt32,
        long => SpecialType.System_Int64,
        ulong => SpecialType.System_UInt64,
        float => SpecialType.System_Single,
        double => SpecialType.System_Double,
        decimal => SpecialType.System_Decimal,
        _ => SpecialType.None,
    };

    private static Location ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
        {
            if (syntax.ArgumentList is { } arguments)
            {
                foreach (var argument in arguments.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.GetLocation();
                    }
                }
            }

            return syntax.GetLocation();
        }

        return Location.None;
    }

    private static Location MemberLocation(ISymbol member, CancellationToken cancellationToken)
    {
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            switch (syntax)
            {
                case VariableDeclaratorSyntax variable:
                    return variable.Identifier.GetLocation();
                case PropertyDeclarationSyntax property:
                    return property.Identifier.GetLocation();
                case ParameterSyntax parameter:
                    return parameter.Identifier.GetLocation();
            }
        }

        return member.Locations.FirstOrDefault() ?? Location.None;
    }
}
