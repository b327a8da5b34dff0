using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT206: <c>SpinLock</c> is a mutable struct, so every copy is a separate lock. Reported: a readonly
/// SpinLock field or an <c>in</c>/<c>ref readonly</c> parameter (each call works on a defensive copy), a property of type SpinLock (the getter returns a
/// copy), reading a SpinLock into a local, field or return value, passing one by value, and capturing a
/// SpinLock local or parameter in a lambda or local function.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SpinLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SpinLockCopy);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var spinLock = start.Compilation.GetTypeByMetadataName("System.Threading.SpinLock");
            if (spinLock is null)
            {
                return;
            }

            start.RegisterSymbolAction(c => AnalyzeMember(c, spinLock), SymbolKind.Field, SymbolKind.Property, SymbolKind.Method);
            start.RegisterOperationAction(c => AnalyzeCopy(c, spinLock),
                OperationKind.VariableInitializer, OperationKind.FieldInitializer, OperationKind.SimpleAssignment, OperationKind.Return, OperationKind.Argument);
            start.RegisterOperationAction(c => AnalyzeCapture(c, spinLock), OperationKind.AnonymousFunction, OperationKind.LocalFunction);
        });
    }

    private static void AnalyzeMember(SymbolAnalysisContext context, INamedTypeSymbol spinLock)
    {
        switch (context.Symbol)
        {
            case IFieldSymbol { IsReadOnly: true, AssociatedSymbol: null } field when SymbolEqualityComparer.Default.Equals(field.Type, spinLock):
                Report(context, field, $"field '{field.Name}' is readonly: every Enter works on a defensive copy, so the field itself is never locked");
                break;
            case IPropertySymbol { ReturnsByRef: false, ReturnsByRefReadonly: false } property when SymbolEqualityComparer.Default.Equals(property.Type, spinLock):
                Report(context, property, $"property '{property.Name}' returns a copy on every read: callers lock the copy, not the original");
                break;
            case IMethodSymbol method when !method.IsOverride && method.ExplicitInterfaceImplementations.IsEmpty
                && !method.IsImplicitlyDeclared && method.ContainingType.TypeKind != TypeKind.Delegate:
                // (An override or implementation repeats its base's signature: that one is reported.)
                foreach (var parameter in method.Parameters)
                {
                    ReportReadonlyParameter(parameter, spinLock, context.ReportDiagnostic);
                }

                break;
        }
    }

    /// <summary>An <c>in</c> or <c>ref readonly</c> SpinLock parameter: readonly, like a readonly field.</summary>
    private static void ReportReadonlyParameter(IParameterSymbol parameter, INamedTypeSymbol spinLock, Action<Diagnostic> report)
    {
        if (parameter.RefKind is RefKind.In or RefKind.RefReadOnlyParameter
            && SymbolEqualityComparer.Default.Equals(parameter.Type, spinLock)
            && parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource)
        {
            var modifier = parameter.RefKind == RefKind.In ? "in" : "ref readonly";
            report(Diagnostic.Create(DiagnosticDescriptors.SpinLockCopy, parameter.Locations[0],
                $"parameter '{parameter.Name}' is '{modifier}': every Enter and Exit works on a defensive copy, so the caller's SpinLock is never locked; pass it by ref"));
        }
    }

    private static void Report(SymbolAnalysisContext context, ISymbol symbol, string reason)
    {
        if (symbol.Locations.Length > 0 && symbol.Locations[0].IsInSource)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpinLockCopy, symbol.Locations[0], reason));
        }
    }

    private static void AnalyzeCopy(OperationAnalysisContext context, INamedTypeSymbol spinLock)
    {
        IOperation? value;
        string what;
        switch (context.Operation)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: false } } initializer:
                value = initializer.Value;
                what = "is copied into a local";
                break;
            case IFieldInitializerOperation initializer:
                value = initializer.Value;
                what = "is copied into a field";
                break;
            case ISimpleAssignmentOperation { IsRef: false } assignment:
                value = assignment.Value;
                what = "is copied by assignment";
                break;
            case IReturnOperation { ReturnedValue: { } returned } when context.ContainingSymbol is IMethodSymbol { ReturnsByRef: false, ReturnsByRefReadonly: false }:
                value = returned;
                what = "is returned by value";
                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.None } argument:
                value = argument.Value;
                what = "is passed by value";
                break;
            default:
                return;
        }

        value = LockOperations.Unwrap(value);
        if (!SymbolEqualityComparer.Default.Equals(value.Type, spinLock) || !IsStorage(value))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpinLockCopy, value.Syntax.GetLocation(),
            $"'{value.Syntax}' {what}: the copy is a separate lock, so locking it excludes nobody"));
    }

    /// <summary>An existing SpinLock (not a fresh <c>new SpinLock()</c>/<c>default</c>).</summary>
    private static bool IsStorage(IOperation value) => value is
        IFieldReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation or
        IPropertyReferenceOperation or IArrayElementReferenceOperation;

    /// <summary>One report per SpinLock local or parameter a lambda or local function captures.</summary>
    private static void AnalyzeCapture(OperationAnalysisContext context, INamedTypeSymbol spinLock)
    {
        var (function, body) = context.Operation switch
        {
            IAnonymousFunctionOperation lambda => ((IMethodSymbol?)lambda.Symbol, (IOperation?)lambda.Body),
            ILocalFunctionOperation local => (local.Symbol, (IOperation?)local.Body ?? local.IgnoredBody),
            _ => (null, null),
        };
        if (function is null || body is null)
        {
            return;
        }

        foreach (var parameter in function.Parameters)
        {
            ReportReadonlyParameter(parameter, spinLock, context.ReportDiagnostic);
        }

        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in body.DescendantsAndSelf())
        {
            ISymbol? variable = operation switch
            {
                ILocalReferenceOperation { Local: var local } when SymbolEqualityComparer.Default.Equals(local.Type, spinLock) => local,
                IParameterReferenceOperation { Parameter: var parameter } when SymbolEqualityComparer.Default.Equals(parameter.Type, spinLock) => parameter,
                _ => null,
            };

            // Declared outside this function (not in it, nor in a function nested in it): captured.
            if (variable is null || IsDeclaredWithin(variable, function) || !seen.Add(variable))
            {
                continue;
            }

            var kind = function.MethodKind == MethodKind.LocalFunction ? "local function" : "lambda";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpinLockCopy, operation.Syntax.GetLocation(),
                $"'{variable.Name}' is captured by a {kind}: it moves into a closure object that is easy to copy from; keep SpinLocks in fields and pass them by ref"));
        }
    }

    private static bool IsDeclaredWithin(ISymbol variable, IMethodSymbol function)
    {
        for (var owner = variable.ContainingSymbol; owner is not null; owner = owner.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(owner, function))
            {
                return true;
            }

            if (owner is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                return false;
            }
        }

        return false;
    }
}
