using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.CodeFixes.Allocations;

/// <summary>
/// HOT106: a string concatenation passed as an argument becomes an interpolated string, when that makes the
/// call bind to an overload taking an interpolated-string handler (<c>StringBuilder.Append</c>,
/// <c>TextWriter</c>-style handlers, your own <c>[InterpolatedStringHandler]</c> APIs): the pieces are then
/// formatted straight into the destination and no intermediate string is built. Offered only when the
/// rewrite is mechanical (regular string literals and expressions) and the speculative binding proves the
/// handler overload is chosen.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConcatenationToInterpolationHandlerCodeFixProvider)), Shared]
public sealed class ConcatenationToInterpolationHandlerCodeFixProvider : CodeFixProvider
{
    private const string Title = "Pass an interpolated string to the handler overload";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT106");

    /// <inheritdoc />
    /// <remarks>
    /// Sequential, innermost first: a concatenation inside a piece of another (<c>Log("a" + F("b" + x))</c>) is fixed
    /// before the one around it, which then carries the fixed text into its hole, as the single fixes one by one give.
    /// The batch fixer merged the two overlapping edits and lost the inner one.
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.Create(Plan, SequentialFixAll.Exact, innermostFirst: true);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAsync(context, Title, Plan, SequentialFixAll.Exact);

    /// <summary>The rewrite of the concatenation <paramref name="node"/>; null when it is not an argument the handler overload would take.</summary>
    private static Func<CancellationToken, Task<Document>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not BinaryExpressionSyntax concat
            || !concat.IsKind(SyntaxKind.AddExpression)
            || concat.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } } argument
            || ToInterpolation(concat, model, cancellationToken) is not { } interpolated
            || BoundHandler(model, invocation, argument, interpolated, cancellationToken) is not { } handler
            || (IsConditional(handler) && !interpolated.Contents.OfType<InterpolationSyntax>().All(h => IsSideEffectFree(Original(h, concat), model, cancellationToken))))
        {
            return null;
        }

        return ct => ReplaceAsync(document, concat, interpolated, ct);
    }

    /// <summary>
    /// <c>"a" + x + $"b{y:X}"</c> as <c>$"a{x}b{y:X}"</c> (nested interpolated strings flattened), or null when a piece
    /// cannot be moved mechanically. Only a string concatenation is split: <c>a + b + " total"</c> with ints is
    /// <c>$"{(a + b)} total"</c>, the sum one hole as it was one number.
    /// </summary>
    internal static InterpolatedStringExpressionSyntax? ToInterpolation(BinaryExpressionSyntax concat, SemanticModel model, CancellationToken cancellationToken)
    {
        var operands = new List<ExpressionSyntax>();
        if (!IsStringConcatenation(concat, model, cancellationToken) || !Flatten(concat, operands, model, cancellationToken))
        {
            return null;
        }

        var text = new StringBuilder("$\"");
        foreach (var operand in operands)
        {
            switch (operand)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    var token = literal.Token.Text;
                    if (token.Length < 2 || token[0] != '"' || token.StartsWith("\"\"\"", System.StringComparison.Ordinal))
                    {
                        return null; // verbatim or raw literals: not mechanical
                    }

                    // Escapes of a regular literal stay valid in a regular interpolated string; braces double.
                    text.Append(token.Substring(1, token.Length - 2).Replace("{", "{{").Replace("}", "}}"));
                    break;
                case InterpolatedStringExpressionSyntax nested:
                    // $"{i,5:X}" joins the outer string as it is: its text is already escaped ({{, \t), its holes keep
                    // alignment and format. Left as a hole it would be formatted into a string of its own first.
                    if (!nested.StringStartToken.IsKind(SyntaxKind.InterpolatedStringStartToken))
                    {
                        return null; // $@"…" or raw: escapes differ, not mechanical
                    }

                    foreach (var content in nested.Contents)
                    {
                        text.Append(content.ToString());
                    }

                    break;
                default:
                    var expression = operand.WithoutTrivia().ToString();
                    text.Append('{').Append(NeedsParentheses(operand) ? "(" + expression + ")" : expression).Append('}');
                    break;
            }
        }

        text.Append('"');
        return SyntaxFactory.ParseExpression(text.ToString()) is InterpolatedStringExpressionSyntax { ContainsDiagnostics: false } interpolated
            ? interpolated
            : null;
    }

    /// <summary>
    /// The pieces of a string concatenation, left to right: a string <c>+</c> is split, also in parentheses
    /// (<c>"x" + (a + "y")</c>); anything else (<c>a + b</c> of numbers, a user-defined <c>+</c>) is one piece; a
    /// <c>null</c> piece adds nothing and is dropped. False when a piece becomes a string through a user-defined
    /// conversion (a hole would format it with <c>ToString()</c> instead).
    /// </summary>
    private static bool Flatten(ExpressionSyntax expression, List<ExpressionSyntax> operands, SemanticModel model, CancellationToken cancellationToken)
    {
        var inner = expression;
        while (inner is ParenthesizedExpressionSyntax parenthesized)
        {
            inner = parenthesized.Expression;
        }

        if (inner is BinaryExpressionSyntax binary && IsStringConcatenation(binary, model, cancellationToken))
        {
            return Flatten(binary.Left, operands, model, cancellationToken) && Flatten(binary.Right, operands, model, cancellationToken);
        }

        if (model.GetConversion(expression, cancellationToken).IsUserDefined)
        {
            return false;
        }

        if (model.GetConstantValue(expression, cancellationToken) is not { HasValue: true, Value: null })
        {
            operands.Add(expression);
        }

        return true;
    }

    /// <summary>A <c>+</c> the compiler turns into <c>string.Concat</c> (not a sum of numbers, nor a user-defined operator).</summary>
    private static bool IsStringConcatenation(BinaryExpressionSyntax binary, SemanticModel model, CancellationToken cancellationToken) =>
        binary.IsKind(SyntaxKind.AddExpression)
        && model.GetSymbolInfo(binary, cancellationToken).Symbol is IMethodSymbol { MethodKind: MethodKind.BuiltinOperator, ContainingType.SpecialType: SpecialType.System_String };

    /// <summary>A conditional, lambda or anything with a top-level ':' or ',' would change meaning inside a hole.</summary>
    private static bool NeedsParentheses(ExpressionSyntax operand) => operand is not (IdentifierNameSyntax or MemberAccessExpressionSyntax
        or InvocationExpressionSyntax or ElementAccessExpressionSyntax or LiteralExpressionSyntax or ParenthesizedExpressionSyntax
        or ThisExpressionSyntax)
        || operand.DescendantTokens().Any(static t => t.IsKind(SyntaxKind.ColonColonToken)); // global::X.Y: the ':' would end the hole

    /// <summary>The handler type the call takes the interpolated string as, when it binds to a handler overload; else null.</summary>
    private static ITypeSymbol? BoundHandler(SemanticModel model, InvocationExpressionSyntax invocation, ArgumentSyntax argument,
        InterpolatedStringExpressionSyntax interpolated, CancellationToken cancellationToken)
    {
        var index = invocation.ArgumentList.Arguments.IndexOf(argument);
        var speculative = invocation.ReplaceNode(argument.Expression, interpolated);
        if (model.GetSpeculativeSymbolInfo(invocation.SpanStart, speculative, SpeculativeBindingOption.BindAsExpression).Symbol is not IMethodSymbol method)
        {
            return null;
        }

        var parameter = argument.NameColon is { } name
            ? method.Parameters.FirstOrDefault(p => p.Name == name.Name.Identifier.ValueText)
            : index < method.Parameters.Length ? method.Parameters[index] : null;
        return parameter?.Type.GetAttributes().Any(a => a.AttributeClass is { Name: "InterpolatedStringHandlerAttribute" }) == true ? parameter.Type : null;
    }

    /// <summary>
    /// A handler that may skip holes: a constructor with a trailing <c>out bool</c> (a disabled tracer, a logger below
    /// its level) or an <c>Append…</c> returning bool (a full destination) leaves the rest unevaluated.
    /// </summary>
    private static bool IsConditional(ITypeSymbol handler) =>
        handler is INamedTypeSymbol named
        && (named.InstanceConstructors.Any(static c => c.Parameters.Length > 0 && c.Parameters[c.Parameters.Length - 1] is { RefKind: RefKind.Out, Type.SpecialType: SpecialType.System_Boolean })
            || named.GetMembers().OfType<IMethodSymbol>().Any(static m => m.Name.StartsWith("Append", System.StringComparison.Ordinal) && m.ReturnType.SpecialType == SpecialType.System_Boolean));

    /// <summary>The expression of the concatenation a hole of the new string was made from (holes are parsed text, unbound).</summary>
    private static ExpressionSyntax? Original(InterpolationSyntax hole, BinaryExpressionSyntax concat)
    {
        var text = hole.Expression.ToString();
        foreach (var node in concat.DescendantNodes().OfType<ExpressionSyntax>())
        {
            var candidate = node.WithoutTrivia().ToString();
            if (candidate == text || "(" + candidate + ")" == text)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether skipping <paramref name="expression"/> changes nothing: a literal, a constant, <c>this</c>, a local, a
    /// parameter or a field (of <c>this</c>, a type or such an expression). Calls, property reads, element reads (they
    /// may throw), assignments, <c>++</c>, <c>await</c> and creations all count as effects.
    /// </summary>
    private static bool IsSideEffectFree(ExpressionSyntax? expression, SemanticModel model, CancellationToken cancellationToken)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        if (expression is null)
        {
            return false;
        }

        if (expression is LiteralExpressionSyntax or ThisExpressionSyntax || model.GetConstantValue(expression, cancellationToken).HasValue)
        {
            return true;
        }

        return (expression is IdentifierNameSyntax || expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression })
            && model.GetSymbolInfo(expression, cancellationToken).Symbol switch
            {
                ILocalSymbol or IParameterSymbol => true,
                IFieldSymbol => expression is not MemberAccessExpressionSyntax access
                    || model.GetSymbolInfo(access.Expression, cancellationToken).Symbol is INamedTypeSymbol or INamespaceSymbol
                    || IsSideEffectFree(access.Expression, model, cancellationToken),
                _ => false,
            };
    }

    private static async Task<Document> ReplaceAsync(Document document, BinaryExpressionSyntax concat, InterpolatedStringExpressionSyntax interpolated, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(concat, interpolated.WithTriviaFrom(concat)));
    }
}
