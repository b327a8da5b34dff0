using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// What is locked on: HOT201 (weak identity: <c>this</c>, <c>Type</c>/<c>MemberInfo</c>, strings, threads...),
/// HOT202 (any field that is not readonly, also when HOT201 or HOT203 applies too, unless private and only ever set
/// from null by <c>Interlocked.CompareExchange</c>; a private property, unless it only
/// returns a readonly field or is a getter-only auto-property; a lock
/// object reassigned while held), HOT203 (a non-private field or property, a parameter, unless of a private method or
/// local function whose every call passes an object the type chose), HOT211 (a boxed value,
/// also through a local initialised with a box). Applies to
/// <c>lock</c> statements and <c>Monitor.Enter</c>/<c>TryEnter</c>, in all code.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockTargetAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Property carrying which fix applies ("Field" when the field can simply be made readonly).</summary>
    internal const string FixKey = "HotpathLockFix";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.WeakIdentityLock,
        DiagnosticDescriptors.NonReadonlyLock,
        DiagnosticDescriptors.PublicLock,
        DiagnosticDescriptors.LockOnBoxedValue);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = LockSymbols.Create(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeLock(c, (ILockOperation)c.Operation, symbols), OperationKind.Lock);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, (IInvocationOperation)c.Operation, symbols), OperationKind.Invocation);
        });
    }

    private static void AnalyzeLock(OperationAnalysisContext context, ILockOperation lockOperation, LockSymbols symbols)
    {
        AnalyzeTarget(context, lockOperation.LockedValue, symbols);
        CheckReassignedWhileHeld(context, lockOperation);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, IInvocationOperation invocation, LockSymbols symbols)
    {
        if (LockOperations.TryGetAcquisition(invocation, symbols, out var acquisition) && acquisition.Kind == LockKind.Monitor)
        {
            AnalyzeTarget(context, acquisition.Target, symbols);
        }
    }

    private static void AnalyzeTarget(OperationAnalysisContext context, IOperation lockedValue, LockSymbols symbols)
    {
        // A box made for the lock: Monitor.Enter(int) or lock ((object)value).
        var boxed = FindBoxing(lockedValue);
        if (boxed is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LockOnBoxedValue, lockedValue.Syntax.GetLocation(),
                boxed.Operand.Syntax.ToString()));
            return;
        }

        var target = LockOperations.Unwrap(lockedValue);
        var location = target.Syntax.GetLocation();

        // `object boxed = _count; lock (boxed)`: the local is a new box on every call, just as `(object)_count`.
        if (target is ILocalReferenceOperation { Local: var local } && BoxedLocalInitializer(target, local) is { } boxedInitializer)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LockOnBoxedValue, location,
                boxedInitializer.Operand.Syntax.ToString()));
            return;
        }

        var weak = WeakIdentity(target, symbols, context.ContainingSymbol);
        if (weak is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeakIdentityLock, location, weak));
        }
        else
        {
            switch (target)
            {
                case IFieldReferenceOperation { Field: var field } when field.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Private:
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublicLock, location,
                        $"{Describe(field.DeclaredAccessibility)} field '{field.Name}'"));
                    break;
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: IFieldReferenceOperation { Field.DeclaredAccessibility: Microsoft.CodeAnalysis.Accessibility.Private } }:
                    // An element of a private field's list (lock (_stripes[i])) is as private as the list: only the type
                    // reaches it, as with an element of a private array.
                    break;
                case IPropertyReferenceOperation { Property: var property }:
                    if (property.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Private)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublicLock, location,
                            $"{Describe(property.DeclaredAccessibility)} property '{property.Name}'"));
                    }
                    else if (!ReturnsReadonlyField(property, context.CancellationToken))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonReadonlyLock, location,
                            $"Locking on property '{property.Name}', which may return a different object each time"));
                    }

                    break;
                // A private method's or a local function's callers are the type's own code: when every one of them passes
                // an object the type chose (Lazy<T> locks the helper its own field holds through a private method's
                // parameter), the parameter is as private as that object.
                // An object of the type's own private nested class (SignalR's HubConnection locks the InvocationHandlerList its
                // ConcurrentDictionary.AddOrUpdate hands an update lambda): no code outside the type can name or make one.
                case IParameterReferenceOperation { Parameter: var parameter }
                    when !IsPrivateNested(parameter.Type) && !TypeChosenArguments.AlwaysPassed(parameter, target.SemanticModel, context.CancellationToken):
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublicLock, location,
                        $"parameter '{parameter.Name}'"));
                    break;
            }
        }

        // Independent of who can reach it or what it is: a field that can be reassigned is a lock that can change
        // under its waiters (a public mutable field is both HOT203 and HOT202; the fixes differ).
        if (target is IFieldReferenceOperation { Field: { IsReadOnly: false, IsConst: false } mutable } && !IsPublishedOnce(mutable, context.CancellationToken))
        {
            // The make-readonly fix only for a private field: writes to any other can live in other files or assemblies.
            var properties = mutable.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Private
                ? ImmutableDictionary<string, string?>.Empty.Add(FixKey, "Field")
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonReadonlyLock, location, properties,
                $"Locking on field '{mutable.Name}', which is not readonly"));
        }
    }

    /// <summary>
    /// A private field that starts null and is only ever set by <c>Interlocked.CompareExchange(ref field, value, null)</c>
    /// (ManualResetEventSlim's lazily made <c>m_lock</c>): once set it never changes, so every thread locks the same
    /// object. Read from syntax over every part of the type; a name that cannot be told apart from the field (a local
    /// of the same name written to) counts as a write and keeps the report.
    /// </summary>
    private static bool IsPublishedOnce(IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Private || field.IsImplicitlyDeclared ||
            field.DeclaringSyntaxReferences.Length != 1 ||
            field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator ||
            declarator.Initializer is { Value: var initial } && !initial.IsKind(SyntaxKind.NullLiteralExpression))
        {
            return false;
        }

        var published = false;
        foreach (var part in field.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var identifier in part.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != field.Name)
                {
                    continue;
                }

                ExpressionSyntax access = identifier.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member && member.Name == identifier
                    ? member
                    : identifier;
                switch (access.Parent)
                {
                    case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword } argument
                        when argument.Parent is ArgumentListSyntax { Arguments: { Count: 3 } arguments, Parent: InvocationExpressionSyntax invocation } &&
                             arguments[0] == argument &&
                             invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CompareExchange", Expression: var receiver } &&
                             receiver.ToString() is "Interlocked" or "System.Threading.Interlocked" or "global::System.Threading.Interlocked" &&
                             arguments[2].Expression.IsKind(SyntaxKind.NullLiteralExpression):
                        published = true;
                        break;
                    case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }:
                    case AssignmentExpressionSyntax assignment when assignment.Left == access:
                    case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                    case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    case RefExpressionSyntax:
                        return false;
                }
            }
        }

        return published;
    }

    /// <summary>A class that is private, or nested in a private type: only its outermost private type's code reaches it.</summary>
    private static bool IsPrivateNested(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return false;
        }

        for (var current = type as INamedTypeSymbol; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Private)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A private property that always returns the same object: a getter-only auto-property, or a getter whose body is
    /// only <c>=&gt; _field</c> / <c>return _field;</c> (or <c>this._field</c>) of a readonly field of its type, as
    /// System.Threading.Channels' <c>private object SyncObj =&gt; _items;</c>. Read from syntax: the property is private,
    /// so every part of it is in this compilation.
    /// </summary>
    private static bool ReturnsReadonlyField(IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (property.SetMethod is not null || property.IsAbstract || property.IsVirtual || property.IsExtern || property.Parameters.Length > 0 ||
            property.DeclaringSyntaxReferences.Length != 1 ||
            property.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not PropertyDeclarationSyntax declaration)
        {
            return false;
        }

        ExpressionSyntax? returned;
        if (declaration.ExpressionBody is { } arrow)
        {
            returned = arrow.Expression;
        }
        else if (declaration.AccessorList?.Accessors is { Count: 1 } accessors)
        {
            var getter = accessors[0];
            if (getter.Body is null && getter.ExpressionBody is null)
            {
                // `{ get; }`: a getter-only auto-property, backed by a readonly field.
                return !declaration.Modifiers.Any(SyntaxKind.PartialKeyword);
            }

            returned = getter.ExpressionBody?.Expression
                ?? (getter.Body?.Statements is { Count: 1 } statements && statements[0] is ReturnStatementSyntax { Expression: { } value } ? value : null);
        }
        else
        {
            return false;
        }

        var name = returned switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
            _ => null,
        };
        if (name is null)
        {
            return false;
        }

        foreach (var member in property.ContainingType.GetMembers(name))
        {
            if (member is IFieldSymbol { IsReadOnly: true } field && field.IsStatic == property.IsStatic)
            {
                return true;
            }
        }

        return false;
    }

    private static IConversionOperation? FindBoxing(IOperation value)
    {
        for (var current = value; ;)
        {
            switch (current)
            {
                case IConversionOperation conversion when LockOperations.IsBoxing(conversion):
                    return conversion;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    break;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The boxing conversion a local was initialised with, when the local is declared in the same function as the
    /// lock and never assigned again (so every run of the function locks a box of its own).
    /// </summary>
    private static IConversionOperation? BoxedLocalInitializer(IOperation reference, ILocalSymbol local)
    {
        var root = reference;
        while (root.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            root = parent;
        }

        IConversionOperation? boxed = null;
        foreach (var operation in LockOperations.DescendantsInSameFunction(root))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: var value } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    boxed = FindBoxing(value);
                    if (boxed is null)
                    {
                        return null;
                    }

                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation assigned } when SymbolEqualityComparer.Default.Equals(assigned.Local, local):
                    return null;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed } when SymbolEqualityComparer.Default.Equals(passed.Local, local):
                    return null;
            }
        }

        return boxed;
    }

    private const string TypeShared = "Type objects are shared across the process, so other code can lock the same one";

    /// <summary>
    /// What the target is and why it has weak identity (how another party can reach the very same object), as
    /// "what: why", said once; or null.
    /// </summary>
    private static string? WeakIdentity(IOperation target, LockSymbols symbols, ISymbol containingSymbol)
    {
        switch (target)
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                // Reported in every type: whoever holds a reference to the instance can lock it too, and an
                // internal type's instances still reach other code (events, callbacks, collections).
                return containingSymbol.ContainingType is { } containingType && IsVisibleOutsideAssembly(containingType)
                    ? "'this' of a type other assemblies can see: code in those assemblies can lock the same instance"
                    : "'this': any code holding a reference to the instance can lock it too";
            case ITypeOfOperation typeOf:
                return $"typeof({typeOf.TypeOperand.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}): " + TypeShared;
            case IInvocationOperation { TargetMethod: { Name: "GetType", Parameters.Length: 0 } }:
                return "GetType(): " + TypeShared;
            case ILiteralOperation { Type.SpecialType: SpecialType.System_String }:
                return "a string literal: literals are interned, so every literal with that text is one object other code can lock";
        }

        var type = target.Type;
        if (type is null)
        {
            return null;
        }

        if (type.SpecialType == SpecialType.System_String)
        {
            return "a string: strings may be interned, so other code can lock the same one";
        }

        if (LockSymbols.InheritsFrom(type, symbols.Type) || LockSymbols.InheritsFrom(type, symbols.MemberInfo) ||
            LockSymbols.InheritsFrom(type, symbols.ParameterInfo))
        {
            return $"a reflection object of type '{type.Name}': reflection objects are shared across the process, so other code can lock the same one";
        }

        if (LockSymbols.InheritsFrom(type, symbols.Thread))
        {
            return "a Thread: the runtime and other code can lock it too";
        }

        if (LockSymbols.InheritsFrom(type, symbols.AppDomain))
        {
            return "an AppDomain: one object is shared by all code in the process, so other code can lock it too";
        }

        // Only .NET Framework marshals across AppDomains (a MarshalByRefObject may be a proxy there); on .NET Core and
        // .NET 5+ a Stream or a user type deriving from MarshalByRefObject is an ordinary object.
        if ((symbols.HasRemoting && LockSymbols.InheritsFrom(type, symbols.MarshalByRefObject)) || LockSymbols.InheritsFrom(type, symbols.OutOfMemoryException) ||
            LockSymbols.InheritsFrom(type, symbols.StackOverflowException) || LockSymbols.InheritsFrom(type, symbols.ExecutionEngineException))
        {
            return $"an object of weak identity ('{type.Name}'): other code can lock the same object";
        }

        return null;
    }

    private static bool IsVisibleOutsideAssembly(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is not (Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Protected or Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "non-private",
    };

    /// <summary>HOT202: assigning the lock variable inside the lock: later threads lock a different object.</summary>
    private static void CheckReassignedWhileHeld(OperationAnalysisContext context, ILockOperation lockOperation)
    {
        var target = LockOperations.Unwrap(lockOperation.LockedValue);
        if (target is not (IFieldReferenceOperation or ILocalReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation))
        {
            return;
        }

        foreach (var operation in LockOperations.DescendantsInSameFunction(lockOperation.Body))
        {
            if (operation is IAssignmentOperation assignment && LockOperations.SameTarget(assignment.Target, target))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NonReadonlyLock, assignment.Syntax.GetLocation(),
                    $"Lock object '{LockOperations.Describe(target)}' is reassigned while it is held"));
            }
        }
    }
}
