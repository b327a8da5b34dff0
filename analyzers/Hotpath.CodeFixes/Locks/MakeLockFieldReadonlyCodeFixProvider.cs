using System.Collections.Immutable;
using System.Composition;
using Hotpath.Analyzers.Locks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT202: makes the locked field <c>readonly</c> when nothing outside its constructors (or initialiser)
/// assigns it. Offered only when every declaration of the type is in this document, so no write is missed.
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
        foreach (var identifier in root.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != field.Name ||
                !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol?.OriginalDefinition, field.OriginalDefinition) ||
                !IsWrite(identifier))
            {
                continue;
            }

            var constructor = identifier.FirstAncestorOrSelf<ConstructorDeclarationSyntax>();
            var inOwnConstructor = constructor is not null &&
                constructor.Modifiers.Any(SyntaxKind.StaticKeyword) == field.IsStatic &&
                SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(constructor, cancellationToken)?.ContainingType, field.ContainingType) &&
                identifier.FirstAncestorOrSelf<AnonymousFunctionExpressionSyntax>() is null &&
                identifier.FirstAncestorOrSelf<LocalFunctionStatementSyntax>() is null &&
                (field.IsStatic || identifier.Parent is not MemberAccessExpressionSyntax access || access.Name != identifier ||
                 access.Expression is ThisExpressionSyntax); // another instance's field is not the constructor's to set
            if (!inOwnConstructor)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWrite(ExpressionSyntax identifier)
    {
        ExpressionSyntax expression = identifier;
        while (expression.Parent is MemberAccessExpressionSyntax access && access.Name == expression)
        {
            expression = access; // this._gate
        }

        // (_gate, _other) = ...: an element of a tuple that is deconstructed into.
        while (expression.Parent is ParenthesizedExpressionSyntax ||
               expression.Parent is ArgumentSyntax { Parent: TupleExpressionSyntax } element && element.RefKindKeyword.IsKind(SyntaxKind.None))
        {
            expression = expression.Parent as ExpressionSyntax ?? (TupleExpressionSyntax)expression.Parent.Parent!;
        }

        return expression.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == expression,
            ForEachVariableStatementSyntax forEach => forEach.Variable == expression,
            PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            RefExpressionSyntax => true,
            _ => false,
        };
    }

    private static async Task<Document> MakeReadonlyAsync(Document document, FieldDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithIsReadOnly(true));
        return editor.GetChangedDocument();
    }
}
