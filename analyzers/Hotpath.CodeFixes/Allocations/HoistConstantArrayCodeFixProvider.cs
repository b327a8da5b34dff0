using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Hotpath.CodeFixes.Allocations;

/// <summary>
/// HOT102: moves an array initialiser whose elements are all constants into a <c>private static readonly</c>
/// field of the containing type and uses the field instead. Offered only when the array is provably only read
/// (sharing one array would change behaviour if anything wrote it): see <see cref="IsOnlyRead"/>.
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
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, SequentialFixAll.Exact);

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
            || !IsOnlyRead(array, member, model, cancellationToken))
        {
            return null;
        }

        return ct => HoistAsync(document, array, member, arrayType, host, ct);
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

    /// <summary>
    /// Whether the member only reads the array, so one shared instance behaves like a fresh one each time: the array,
    /// or the local it initialises (every reference to it), is only indexed for reading (<c>a[i]</c>, <c>in a[i]</c>),
    /// asked its <c>Length</c> (or <c>Rank</c>, <c>GetLength</c>, …), enumerated by <c>foreach</c>, converted to
    /// <c>ReadOnlySpan&lt;T&gt;</c>/<c>ReadOnlyMemory&lt;T&gt;</c>, passed by value as a read-only collection
    /// (<c>IEnumerable&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, also as an
    /// extension's receiver) or to a method of <c>Array</c> or <c>string</c> that only reads it
    /// (<c>Array.IndexOf</c>, <c>string.Join</c>, …). Anything else (an element written, <c>++</c>, <c>ref</c>,
    /// <c>Array.Sort</c>, a call taking <c>T[]</c> or <c>Span&lt;T&gt;</c>, storing, returning or capturing it in
    /// another variable) may write it or let it escape: no fix.
    /// </summary>
    private static bool IsOnlyRead(ExpressionSyntax array, MemberDeclarationSyntax member, SemanticModel model, CancellationToken cancellationToken)
    {
        if (array.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax } } declarator })
        {
            if (model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local
                || !(local.Type is IArrayTypeSymbol || IsReadOnlyView(local.Type)))
            {
                return false;
            }

            foreach (var identifier in member.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name
                    && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local)
                    && !(identifier.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } rebound && rebound.Left == identifier)
                    && !IsReadUse(identifier, model, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }

        return IsReadUse(array, model, cancellationToken);
    }

    /// <summary>Whether this use of the array (the creation itself or a reference to its local) only reads it.</summary>
    private static bool IsReadUse(ExpressionSyntax use, SemanticModel model, CancellationToken cancellationToken)
    {
        // ReadOnlySpan<int> r = a; Sum(a) taking ReadOnlySpan<int> or IReadOnlyList<int>.
        var converted = model.GetTypeInfo(use, cancellationToken).ConvertedType;
        if (use.Parent is not ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }
            && (IsReadOnlySpanLike(converted) || (use.Parent is ArgumentSyntax && IsReadOnlyView(converted))))
        {
            return true;
        }

        switch (use.Parent)
        {
            case ParenthesizedExpressionSyntax parenthesized:
                return IsReadUse(parenthesized, model, cancellationToken);
            case ElementAccessExpressionSyntax element when element.Expression == use:
                return model.GetOperation(element, cancellationToken) is { } reference && !Writes.IsWritten(reference);
            case MemberAccessExpressionSyntax access when access.Expression == use:
                return model.GetSymbolInfo(access, cancellationToken).Symbol switch
                {
                    IPropertySymbol { Name: "Length" or "LongLength" or "Rank" or "Count" } => true,
                    IMethodSymbol { Name: "GetLength" or "GetLongLength" or "GetLowerBound" or "GetUpperBound" or "Clone" or "CopyTo" } method => method.ReducedFrom is null,
                    IMethodSymbol { ReducedFrom: { } extension } => IsReadOnlyView(extension.Parameters[0].Type) && extension.Parameters[0].RefKind == RefKind.None,
                    _ => false,
                };
            case ForEachStatementSyntax loop when loop.Expression == use:
                return true;
            case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.None } argument:
                return model.GetOperation(argument, cancellationToken) is Microsoft.CodeAnalysis.Operations.IArgumentOperation { Parameter: { } parameter }
                    && ReadsOnly(parameter);
            default:
                return false;
        }
    }

    /// <summary><c>Array.IndexOf(a, x)</c>, <c>string.Join(",", a)</c>, <c>Array.Copy(a, b, n)</c> (a as the source): BCL methods that never write that array.</summary>
    private static bool ReadsOnly(IParameterSymbol parameter) =>
        parameter.ContainingSymbol is IMethodSymbol method
        && parameter.RefKind == RefKind.None
        && method.ContainingType.SpecialType switch
        {
            SpecialType.System_Array => method.Name switch
            {
                "IndexOf" or "LastIndexOf" or "BinarySearch" or "Exists" or "Find" or "FindAll" or "FindIndex" or "FindLast"
                    or "FindLastIndex" or "TrueForAll" or "ConvertAll" => parameter.Name == "array",
                "Copy" or "ConstrainedCopy" => parameter.Name == "sourceArray",
                _ => false,
            },
            SpecialType.System_String => method.Name is "Join" or "Concat",
            _ => false,
        };

    /// <summary>A type through which the elements cannot be written: a read-only span or memory, or a read-only collection interface.</summary>
    private static bool IsReadOnlyView(ITypeSymbol? type) =>
        IsReadOnlySpanLike(type)
        || type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T or SpecialType.System_Collections_Generic_IReadOnlyList_T or SpecialType.System_Collections_Generic_IReadOnlyCollection_T }
        || type?.SpecialType == SpecialType.System_Collections_IEnumerable;

    private static bool IsReadOnlySpanLike(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "ReadOnlySpan" or "ReadOnlyMemory", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

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

    private static async Task<Document> HoistAsync(Document document, ExpressionSyntax array, MemberDeclarationSyntax member, IArrayTypeSymbol arrayType, TypeDeclarationSyntax type, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        if (editor.SemanticModel.GetDeclaredSymbol(type, cancellationToken) is not { } typeSymbol)
        {
            return document;
        }

        var name = MemberNames.Unique(typeSymbol, new[] { member }, BaseName(array));
        var typeName = arrayType.ToMinimalDisplayString(editor.SemanticModel, array.SpanStart);

        var field = SyntaxFactory.ParseMemberDeclaration($"private static readonly {typeName} {name} = {array.WithoutTrivia().ToFullString()};")!;

        var eol = Trivia.EndOfLine(type); // the file's own line ending

        // After the type's last field when it has one; otherwise first, separated from the members by a blank line.
        if (type.Members.OfType<FieldDeclarationSyntax>().LastOrDefault() is { } lastField)
        {
            editor.InsertAfter(lastField, field.WithLeadingTrivia(Trivia.Indentation(lastField.GetLeadingTrivia())).WithTrailingTrivia(eol));
        }
        else
        {
            // The blank line leads the next member, as the parser would put it, so a field inserted after this one
            // later (Fix All) lands before the blank line rather than after it.
            var first = type.Members[0];
            editor.InsertBefore(first, field.WithLeadingTrivia(Trivia.Indentation(first.GetLeadingTrivia())).WithTrailingTrivia(eol));
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
}
