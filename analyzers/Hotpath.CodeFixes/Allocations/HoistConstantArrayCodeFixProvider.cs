using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Hotpath.CodeFixes.Allocations;

/// <summary>
/// HOT102: moves an array initialiser whose elements are all constants into a <c>private static readonly</c>
/// field of the containing type and uses the field instead. Not offered when the array is stored in a local
/// that the member writes elements of (sharing one array would change behaviour).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HoistConstantArrayCodeFixProvider)), Shared]
public sealed class HoistConstantArrayCodeFixProvider : CodeFixProvider
{
    private const string Title = "Hoist the constant array to a static readonly field";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT102");

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, SequentialFixAll.Exact); // each hoist picks a fresh field name

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
            if (SequentialFixAll.Exact(root, diagnostic) is { } node && Plan(context.Document, node, model, context.CancellationToken) is { } fix)
            {
                context.RegisterCodeFix(CodeAction.Create(Title, fix, equivalenceKey: Title), diagnostic);
            }
        }
    }

    /// <summary>The hoist of the array <paramref name="node"/>; null when it is not all constants or has nowhere to go.</summary>
    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax array
            || Elements(array) is not { } elements
            || !elements.All(e => model.GetConstantValue(e, cancellationToken).HasValue)
            || model.GetTypeInfo(array, cancellationToken).ConvertedType is not IArrayTypeSymbol arrayType
            || array.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { Parent: TypeDeclarationSyntax } member
            || member.Parent is InterfaceDeclarationSyntax
            || FieldHost((TypeDeclarationSyntax)member.Parent) is not { } host
            || IsMutatedLocal(array, member, model))
        {
            return null;
        }

        return ct => HoistAsync(document, array, arrayType, host, ct);
    }

    /// <summary>The element expressions of an array initialiser, or null when it is not one (e.g. <c>new int[n]</c>).</summary>
    private static IEnumerable<ExpressionSyntax>? Elements(ExpressionSyntax array) => array switch
    {
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        ImplicitArrayCreationExpressionSyntax creation => creation.Initializer.Expressions,
        InitializerExpressionSyntax { Parent: EqualsValueClauseSyntax } initializer => initializer.Expressions,
        CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax) =>
            collection.Elements.Cast<ExpressionElementSyntax>().Select(e => e.Expression),
        _ => null,
    };

    /// <summary>Whether the array lands in a local whose elements the member assigns.</summary>
    private static bool IsMutatedLocal(ExpressionSyntax array, MemberDeclarationSyntax member, SemanticModel model)
    {
        if (array.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            || model.GetDeclaredSymbol(declarator) is not ILocalSymbol local)
        {
            return false;
        }

        foreach (var node in member.DescendantNodes())
        {
            if (node is AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax target } }
                && target.Identifier.ValueText == local.Name
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(target).Symbol, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The type that gets the field: the member's own type, or for a member of a C# 14 extension block
    /// (<c>extension(Foo f) { … }</c>, which may hold no field: CS9282) the static class around the block, whose
    /// static members the block's members see by their simple names. Matched by the <c>extension</c> keyword, as the
    /// Roslyn this assembly compiles against has no extension-block syntax kind.
    /// </summary>
    private static TypeDeclarationSyntax? FieldHost(TypeDeclarationSyntax type)
    {
        while (type.Keyword.ValueText == "extension")
        {
            if (type.Parent is not TypeDeclarationSyntax outer)
            {
                return null;
            }

            type = outer;
        }

        return type;
    }

    private static async Task<Document> HoistAsync(Document document, ExpressionSyntax array, IArrayTypeSymbol arrayType, TypeDeclarationSyntax type, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var name = UniqueName(type, BaseName(array));
        var typeName = arrayType.ToMinimalDisplayString(editor.SemanticModel, array.SpanStart);

        var field = SyntaxFactory.ParseMemberDeclaration($"private static readonly {typeName} {name} = {array.WithoutTrivia().ToFullString()};")!;

        // The file's own line ending.
        var eol = type.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (eol == default)
        {
            eol = SyntaxFactory.EndOfLine("\n");
        }

        // After the type's last field when it has one; otherwise first, separated from the members by a blank line.
        if (type.Members.OfType<FieldDeclarationSyntax>().LastOrDefault() is { } lastField)
        {
            editor.InsertAfter(lastField, field.WithLeadingTrivia(lastField.GetLeadingTrivia()).WithTrailingTrivia(eol));
        }
        else
        {
            // The blank line leads the next member, as the parser would put it, so a field inserted after this one
            // later (Fix All) lands before the blank line rather than after it.
            var first = type.Members[0];
            editor.InsertBefore(first, field.WithLeadingTrivia(first.GetLeadingTrivia()).WithTrailingTrivia(eol));
            editor.ReplaceNode(first, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Insert(0, eol)));
        }

        editor.ReplaceNode(array, SyntaxFactory.IdentifierName(name).WithTriviaFrom(array));
        return editor.GetChangedDocument();
    }

    private static string BaseName(ExpressionSyntax array)
    {
        if (array.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator })
        {
            var local = declarator.Identifier.ValueText.TrimStart('_');
            return "s_" + (local.Length == 0 ? "values" : local);
        }

        return "s_values";
    }

    private static string UniqueName(TypeDeclarationSyntax type, string name)
    {
        var taken = type.Members.OfType<FieldDeclarationSyntax>()
            .SelectMany(f => f.Declaration.Variables)
            .Select(v => v.Identifier.ValueText)
            .ToImmutableHashSet();
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
