using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.CodeFixes.Allocations;

/// <summary>
/// HOT105: marks a lambda that captures nothing <c>static</c>. HOT105 is only reported on lambdas that capture
/// nothing (capturing ones are HOT104), so the result compiles, except for a lambda that calls a non-static local
/// function of the method around it (CS8820), which gets no fix; the compiler keeps it capture-free from then on.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeLambdaStaticCodeFixProvider)), Shared]
public sealed class MakeLambdaStaticCodeFixProvider : CodeFixProvider
{
    private const string Title = "Make the lambda static";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT105");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            // Only diagnostics on a lambda itself (method groups, events and explicit 'new' have other fixes).
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not AnonymousFunctionExpressionSyntax lambda
                || lambda.Span != diagnostic.Location.SourceSpan
                || lambda.Modifiers.Any(SyntaxKind.StaticKeyword)
                || model is null
                || RefersToLocalFunctionOutside(lambda, model, context.CancellationToken))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => MakeStaticAsync(context.Document, lambda, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>
    /// Whether the lambda names a non-static local function declared outside it, which a static lambda may not (CS8820),
    /// even one that captures nothing.
    /// </summary>
    private static bool RefersToLocalFunctionOutside(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, CancellationToken cancellationToken) =>
        lambda.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name =>
            model.GetSymbolInfo(name, cancellationToken) is var info &&
            (info.Symbol is { } symbol ? new[] { symbol } : info.CandidateSymbols.ToArray()).Any(symbol =>
                symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction, IsStatic: false } local &&
                !local.DeclaringSyntaxReferences.Any(r => lambda.Span.Contains(r.Span))));

    private static async Task<Document> MakeStaticAsync(Document document, AnonymousFunctionExpressionSyntax lambda, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var staticKeyword = SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        AnonymousFunctionExpressionSyntax updated;
        if (lambda is ParenthesizedLambdaExpressionSyntax { AttributeLists.Count: > 0 } || lambda.Modifiers.Count > 0)
        {
            // After the attributes, before 'async': static goes first among the modifiers.
            updated = lambda.WithModifiers(lambda.Modifiers.Insert(0, staticKeyword));
        }
        else
        {
            // The lambda's leading trivia moves to the new first token.
            updated = lambda.WithoutLeadingTrivia().WithModifiers(SyntaxFactory.TokenList(staticKeyword.WithLeadingTrivia(lambda.GetLeadingTrivia())));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(lambda, updated));
    }
}
