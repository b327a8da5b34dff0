using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// The members of a [Pooled] type that are lock objects, which the reset leaves alone (as it does a
/// <c>System.Threading.Lock</c>): a lock holds no state once released, and reset to <c>null</c> (or, for an array of
/// stripes, cleared) the next <c>lock</c> would throw. A member is one when the type's own code locks on it
/// (<c>lock (_gate)</c>, <c>Monitor.Enter(_gate)</c>, <c>Monitor.TryEnter(…)</c>), or on an element of it
/// (<c>lock (_stripes[i])</c>: the array is not cleared), or when it is an <c>object</c> created bare
/// (<c>object _gate = new();</c>, the lock-object idiom, which others may lock on through a property).
/// </summary>
internal sealed class PooledLockObjects
{
    /// <summary>No lock objects: what a parse without semantic models sees.</summary>
    public static readonly PooledLockObjects None = new(
        new HashSet<ISymbol>(SymbolEqualityComparer.Default), new HashSet<ISymbol>(SymbolEqualityComparer.Default), semanticModels: null);

    private readonly HashSet<ISymbol> _locked;
    private readonly HashSet<ISymbol> _striped;
    private readonly Func<SyntaxTree, SemanticModel?>? _semanticModels;

    private PooledLockObjects(HashSet<ISymbol> locked, HashSet<ISymbol> striped, Func<SyntaxTree, SemanticModel?>? semanticModels)
    {
        _locked = locked;
        _striped = striped;
        _semanticModels = semanticModels;
    }

    /// <summary>Finds the members of <paramref name="type"/> its own code locks on, or on an element of.</summary>
    public static PooledLockObjects Find(INamedTypeSymbol type, Func<SyntaxTree, SemanticModel?>? semanticModels, CancellationToken cancellationToken)
    {
        if (semanticModels is null)
        {
            return None;
        }

        var locked = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var striped = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            SemanticModel? model = null;
            foreach (var node in declaration.DescendantNodes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                ExpressionSyntax? target = node switch
                {
                    LockStatementSyntax statement => statement.Expression,
                    InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } invocation when IsMonitorEnterName(invocation.Expression) => invocation.ArgumentList.Arguments[0].Expression,
                    _ => null,
                };
                if (target is null)
                {
                    continue;
                }

                model ??= semanticModels(declaration.SyntaxTree);
                if (model is null)
                {
                    break;
                }

                if (node is InvocationExpressionSyntax call &&
                    model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol { ContainingType: { Name: "Monitor", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
                {
                    continue;
                }

                while (target is ParenthesizedExpressionSyntax parenthesized)
                {
                    target = parenthesized.Expression;
                }

                var set = locked;
                if (target is ElementAccessExpressionSyntax element)
                {
                    target = element.Expression;
                    set = striped;
                }

                if (model.GetSymbolInfo(target, cancellationToken).Symbol is (IFieldSymbol or IPropertySymbol) and { IsStatic: false } member &&
                    SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, type.OriginalDefinition))
                {
                    set.Add(member.OriginalDefinition);
                }
            }
        }

        return new PooledLockObjects(locked, striped, semanticModels);
    }

    /// <summary>Whether <paramref name="member"/> is a lock object, to be left alone rather than set to its default.</summary>
    public bool IsLock(ISymbol member, ITypeSymbol memberType, CancellationToken cancellationToken) =>
        _locked.Contains(member.OriginalDefinition) || (memberType.SpecialType == SpecialType.System_Object && IsCreatedBare(member, cancellationToken));

    /// <summary>Whether <paramref name="member"/> is an array whose elements the type locks on, to be left uncleared.</summary>
    public bool IsStriped(ISymbol member) => _striped.Contains(member.OriginalDefinition);

    private static bool IsMonitorEnterName(ExpressionSyntax expression)
    {
        var name = expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText, // using static System.Threading.Monitor
            _ => null,
        };
        return name is "Enter" or "TryEnter";
    }

    /// <summary>Whether the member's initializer is <c>new()</c> or <c>new object()</c>: an object with no state but its identity.</summary>
    private bool IsCreatedBare(ISymbol member, CancellationToken cancellationToken)
    {
        if (_semanticModels is null)
        {
            return false;
        }

        foreach (var initializer in MemberInitializers.Of(member, cancellationToken))
        {
            if (initializer is BaseObjectCreationExpressionSyntax { Initializer: null } creation && (creation.ArgumentList is null || creation.ArgumentList.Arguments.Count == 0) &&
                _semanticModels(initializer.SyntaxTree)?.GetTypeInfo(initializer, cancellationToken).Type?.SpecialType == SpecialType.System_Object)
            {
                return true;
            }
        }

        return false;
    }
}
