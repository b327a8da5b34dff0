using System.Collections.Immutable;
using System.Composition;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Hotpath.CodeFixes.Usage;

/// <summary>
/// HOT001 about a missing <c>partial</c>: declares the attributed type, and every type it nests in, <c>partial</c>.
/// HOT001's other reasons (a file-local type, a type named like a generated member) are not offered this fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider)), Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    private const string Title = "Make the type partial";

    // Hotpath.Generators' DiagnosticDescriptors.NotPartialReason (this assembly does not reference it).
    private const string NotPartialReason = "NotPartial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT001");

    /// <inheritdoc />
    /// <remarks>
    /// Sequential: the fixes of two types nested in one container each make that container partial, and the batch
    /// fixer, merging their text changes, dropped one of them as a conflict (a nested type left without 'partial').
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, Locate);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, Locate);

    /// <summary>The type declaration a HOT001 about a missing <c>partial</c> is on; null for its other reasons (making the type partial would not help).</summary>
    private static SyntaxNode? Locate(SyntaxNode root, Diagnostic diagnostic) =>
        GeneratorReasons.Is(diagnostic, NotPartialReason)
            && root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is TypeDeclarationSyntax declaration
            ? declaration
            : null;

    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        node is TypeDeclarationSyntax declaration ? ct => MakePartialAsync(document, declaration, ct) : null;

    private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        for (SyntaxNode? node = declaration; node is not null; node = node.Parent)
        {
            if (node is TypeDeclarationSyntax type && !type.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                // SyntaxGenerator puts 'partial' where the language requires it (right before the type keyword).
                editor.SetModifiers(type, editor.Generator.GetModifiers(type).WithPartial(true));
            }
        }

        return editor.GetChangedDocument();
    }
}
