using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT202: makes the locked field <c>readonly</c> when nothing outside its constructors, <c>init</c> accessors (or
/// initialiser) writes it. Offered only when every declaration of the type is in this document, so no write is missed.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeLockFieldReadonlyCodeFixProvider)), Shared]
public sealed class MakeLockFieldReadonlyCodeFixProvider : CodeFixProvider
{
    private const string Title = "Make the lock field readonly";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT202");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
            if (!diagnostic.Properties.TryGetValue(LockTargetAnalyzer.FixKey, out var kind) || kind != "Field")
            {
                continue;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (model.GetSymbolInfo(node, context.CancellationToken).Symbol is not IFieldSymbol field ||
                FindDeclaration(field, root, context.CancellationToken) is not { } declaration ||
                IsWrittenOutsideConstructors(field, root, model, context.CancellationToken))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => MakeReadonlyAsync(context.Document, declaration, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static FieldDeclarationSyntax? FindDeclaration(IFieldSymbol field, SyntaxNode root, CancellationToken cancellationToken)
    {
        // Every part of the type must be in this document, or a write elsewhere could be missed.
        foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != root.SyntaxTree)
            {
                return null;
            }
        }

        return field.DeclaringSyntaxReferences.Length == 1 &&
               field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax declaration } }
            ? declaration
            : null;
    }

    private static bool IsWrittenOutsideConstructors(IFieldSymbol field, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var reference in Writes.References(root, field, model, cancellationToken))
        {
            if (Writes.IsWritten(reference) && !IsInitializing(reference, field, model, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a write stays legal once the field is readonly (else CS0191): in a constructor of the field's own type of
    /// the field's kind (static or instance), for an instance field also in an <c>init</c> accessor of that type, not
    /// inside a lambda or local function there, and to this instance's field of this construction of the type (not
    /// <c>other._gate</c>, <c>new Store { _gate = … }</c> or <c>Store&lt;int&gt;</c>'s).
    /// </summary>
    private static bool IsInitializing(IOperation reference, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
    {
        var function = reference.Syntax.FirstAncestorOrSelf<SyntaxNode>(static n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
        var initializes = function switch
        {
            ConstructorDeclarationSyntax constructor => constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == field.IsStatic,
            AccessorDeclarationSyntax accessor => accessor.IsKind(SyntaxKind.InitAccessorDeclaration) && !field.IsStatic,
            _ => false,
        };
        return initializes
            && function!.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type
            && SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(type, cancellationToken), field.ContainingType.OriginalDefinition)
            && reference is IFieldReferenceOperation { Field: var written, Instance: var instance }
            && SymbolEqualityComparer.Default.Equals(written, field.OriginalDefinition)
            && (field.IsStatic || instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance });
    }

    private static async Task<Document> MakeReadonlyAsync(Document document, FieldDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithIsReadOnly(true));
        return editor.GetChangedDocument();
    }
}
