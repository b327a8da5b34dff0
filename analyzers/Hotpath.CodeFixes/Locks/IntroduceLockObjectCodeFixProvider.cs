using System.Collections.Immutable;
using System.Composition;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT201/HOT203: introduces a private readonly lock object in the containing type and locks on it instead.
/// The field is a <c>System.Threading.Lock</c> when the compilation has that type and the language version
/// gives the <c>lock</c> statement its semantics (C# 13), otherwise an <c>object</c>; <c>Monitor</c> calls
/// always get an <c>object</c> (a <c>Lock</c> converted to object is only a plain monitor). An existing field
/// introduced by an earlier fix is reused, so fixing several sites of one type yields one lock object. A
/// parameter (the caller chose the lock) gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IntroduceLockObjectCodeFixProvider)), Shared]
public sealed class IntroduceLockObjectCodeFixProvider : CodeFixProvider
{
    private const string Title = "Lock on a private readonly lock object";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT201", "HOT203");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, SequentialFixAll.Innermost); // sites share one new field per type

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(context.Document, SequentialFixAll.Innermost(root, diagnostic), model, context.CancellationToken) is { } fix)
            {
                context.RegisterCodeFix(CodeAction.Create(Title, fix, equivalenceKey: Title), diagnostic);
            }
        }
    }

    /// <summary>The fix for the lock target <paramref name="node"/>; null for a parameter (the caller chose the lock) or no site.</summary>
    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax target ||
            model.GetSymbolInfo(target, cancellationToken).Symbol is IParameterSymbol { IsThis: false })
        {
            return null;
        }

        var site = Site(target);
        var type = target.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (site is null || type is null || type is InterfaceDeclarationSyntax)
        {
            return null;
        }

        return ct => IntroduceAsync(document, target, site, type, ct);
    }

    /// <summary>The lock statement or Monitor call whose lock object is <paramref name="target"/>.</summary>
    private static SyntaxNode? Site(ExpressionSyntax target) => target.Parent switch
    {
        LockStatementSyntax lockStatement when lockStatement.Expression == target => lockStatement,
        ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } } => invocation,
        _ => null,
    };

    private static async Task<Document> IntroduceAsync(Document document, ExpressionSyntax target, SyntaxNode site, TypeDeclarationSyntax type, CancellationToken cancellationToken)
    {
        var root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var typeSymbol = model.GetDeclaredSymbol(type, cancellationToken)!;
        var isStatic = IsStaticContext(target, model, cancellationToken) || IsShared(target, site, model, cancellationToken);
        var useLock = site is LockStatementSyntax && SupportsLockType(model.Compilation);
        var fieldType = useLock ? "global::System.Threading.Lock" : "object";

        // Reuse a lock object an earlier fix introduced.
        var baseName = isStatic ? "s_lock" : "_lock";
        string? name = null;
        var taken = new HashSet<string>(typeSymbol.MemberNames, StringComparer.Ordinal);
        foreach (var member in typeSymbol.GetMembers())
        {
            if (member is IFieldSymbol { IsReadOnly: true, DeclaredAccessibility: Accessibility.Private } existing &&
                existing.IsStatic == isStatic && existing.Name.StartsWith(baseName, StringComparison.Ordinal) &&
                (useLock ? existing.Type.ToDisplayString() == "System.Threading.Lock" : existing.Type.SpecialType == SpecialType.System_Object))
            {
                name = existing.Name;
                break;
            }
        }

        var addField = name is null;
        if (name is null)
        {
            name = baseName;
            for (var i = 2; taken.Contains(name); i++)
            {
                name = baseName + i;
            }
        }

        // Monitor.Enter(x) ... Monitor.Exit(x): every Monitor call on the same object in the member moves too.
        var replaced = new List<SyntaxNode> { target };
        if (site is InvocationExpressionSyntax && target.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member2)
        {
            var text = target.ToString();
            foreach (var invocation in member2.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (invocation.ArgumentList.Arguments.Count > 0 && invocation.ArgumentList.Arguments[0].Expression is { } argument &&
                    argument != target && argument.ToString() == text &&
                    model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ContainingType: { Name: "Monitor" } monitor } &&
                    monitor.ContainingNamespace.ToDisplayString() == "System.Threading")
                {
                    replaced.Add(argument);
                }
            }
        }

        var newType = type.ReplaceNodes(replaced, (original, _) => SyntaxFactory.IdentifierName(name).WithTriviaFrom(original));
        if (addField)
        {
            var modifiers = isStatic ? "private static readonly" : "private readonly";
            var field = ((FieldDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"{modifiers} {fieldType} {name} = new();")!)
                .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                .WithTrailingTrivia(SyntaxFactory.ElasticLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            newType = newType.WithMembers(newType.Members.Insert(0, field));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(type, newType));
    }

    private static bool IsStaticContext(ExpressionSyntax target, SemanticModel model, CancellationToken cancellationToken)
    {
        var member = target.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        return member is not null && model.GetDeclaredSymbol(member, cancellationToken) is { IsStatic: true } ||
               member is BaseFieldDeclarationSyntax field && field.Modifiers.Any(SyntaxKind.StaticKeyword);
    }

    /// <summary>
    /// Whether the lock excludes across instances, so the new lock object must be static too (an instance one would
    /// give each instance its own lock): the target is the same object for every instance (<c>typeof(T)</c>,
    /// <c>GetType()</c>, a string literal or constant, a static member), or it is <c>this</c> and the guarded code
    /// (the lock body, or the member around Monitor calls) touches static fields but no instance state.
    /// </summary>
    private static bool IsShared(ExpressionSyntax target, SyntaxNode site, SemanticModel model, CancellationToken cancellationToken)
    {
        var operation = model.GetOperation(target, cancellationToken);
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation.ChildOperations.First();
        }

        switch (operation)
        {
            case ITypeOfOperation or ILiteralOperation:
            case IInvocationOperation { TargetMethod.Name: "GetType", Arguments.Length: 0 }:
            case IMemberReferenceOperation { Member.IsStatic: true }:
            case { ConstantValue.HasValue: true }:
                return true;
            case IInstanceReferenceOperation:
                break;
            default:
                return false;
        }

        SyntaxNode? guarded = site is LockStatementSyntax lockStatement
            ? lockStatement.Statement
            : target.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (guarded is null || model.GetOperation(guarded, cancellationToken) is not { } body)
        {
            return false;
        }

        var touchesStatic = false;
        foreach (var descendant in body.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IMemberReferenceOperation { Instance: IInstanceReferenceOperation }:
                case IInvocationOperation { Instance: IInstanceReferenceOperation }:
                    return false; // instance state: each instance keeps its own lock
                case IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } }:
                    touchesStatic = true;
                    break;
            }
        }

        return touchesStatic;
    }

    /// <summary>System.Threading.Lock exists and the lock statement understands it (C# 13 and later).</summary>
    private static bool SupportsLockType(Compilation compilation) =>
        compilation.GetTypeByMetadataName("System.Threading.Lock") is not null &&
        compilation is CSharpCompilation { LanguageVersion: >= (LanguageVersion)1300 };
}
