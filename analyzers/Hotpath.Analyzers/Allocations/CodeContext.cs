using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Allocations;

/// <summary>
/// Where an operation runs, judged from its ancestors: on a cold path (never reported) and/or inside a
/// loop body (reported with a note). Computed only for operations that would be reported.
/// </summary>
internal readonly struct CodeContext
{
    public const string LoopNote = " (inside a loop: once per iteration)";

    private CodeContext(bool isCold, bool inLoop)
    {
        IsCold = isCold;
        InLoop = inLoop;
    }

    /// <summary>
    /// Cold: a throw, a catch block or filter, an argument to a [Conditional] method, a call to a [DoesNotReturn] method
    /// (a throw helper) and its arguments, nameof, an attribute.
    /// </summary>
    public bool IsCold { get; }

    public bool InLoop { get; }

    /// <summary>The trailing message argument: empty, or a note that the allocation repeats per iteration.</summary>
    public string LoopSuffix => InLoop ? LoopNote : string.Empty;

    public static CodeContext Of(IOperation operation)
    {
        if (operation is IInvocationOperation call && (DoesNotReturn(call.TargetMethod) || IsColdConditionalCall(call)))
        {
            return new CodeContext(isCold: true, inLoop: false); // 'ThrowHelper.ThrowFull(...)' is a throw, 'Check()' a Debug-only call
        }

        var inLoop = false;
        var crossedFunction = false;
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IThrowOperation:
                case ICatchClauseOperation:
                case INameOfOperation:
                    return new CodeContext(isCold: true, inLoop: false);
                case IInvocationOperation { TargetMethod.IsConditional: true } conditional when IsColdConditionalCall(conditional):
                    return new CodeContext(isCold: true, inLoop: false); // Debug.Assert etc.: compiled away or failure-only
                case IInvocationOperation invocation when DoesNotReturn(invocation.TargetMethod):
                    return new CodeContext(isCold: true, inLoop: false); // arguments of a throw helper: built only to throw
                case ILocalFunctionOperation { Symbol: var local } when DoesNotReturn(local):
                    return new CodeContext(isCold: true, inLoop: false); // the body of a [DoesNotReturn] local throw helper
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    crossedFunction = true; // a loop around a function declaration does not repeat its body
                    break;
                case ILoopOperation loop when !crossedFunction && !inLoop:
                    inLoop = IsRepeatedPart(loop, child);
                    break;
            }

            if (parent.Parent is null && parent.Kind == OperationKind.Attribute)
            {
                return new CodeContext(isCold: true, inLoop: false);
            }
        }

        return new CodeContext(isCold: operation.Kind == OperationKind.Attribute, inLoop);
    }

    /// <summary>
    /// A call to a [Conditional] method that a Release build does not run: every condition is DEBUG (Debug.Assert,
    /// Debug.WriteLine: debug-only or failure-only, cold by design) or a symbol not defined where it is called. A
    /// condition that is defined, such as TRACE (defined by default in Release builds too: Trace.WriteLine), runs.
    /// </summary>
    private static bool IsColdConditionalCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!method.IsConditional)
        {
            return false;
        }

        for (var current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass is { Name: "ConditionalAttribute" } type
                    && type.ContainingNamespace?.ToDisplayString() == "System.Diagnostics"
                    && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string symbol
                    && symbol != "DEBUG" && IsDefined(invocation.Syntax.SyntaxTree, symbol, invocation.Syntax.SpanStart))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether a preprocessor symbol is defined at a position: by the build, or by #define / #undef above it.</summary>
    private static bool IsDefined(SyntaxTree tree, string symbol, int position)
    {
        var defined = false;
        foreach (var name in tree.Options.PreprocessorSymbolNames)
        {
            defined |= name == symbol;
        }

        if (tree.GetRoot() is Microsoft.CodeAnalysis.CSharp.CSharpSyntaxNode { ContainsDirectives: true } root)
        {
            for (var directive = root.GetFirstDirective(); directive is not null; directive = directive.GetNextDirective())
            {
                if (directive.SpanStart > position)
                {
                    break;
                }

                if (directive is DefineDirectiveTriviaSyntax define && define.Name.ValueText == symbol)
                {
                    defined = true;
                }
                else if (directive is UndefDirectiveTriviaSyntax undefine && undefine.Name.ValueText == symbol)
                {
                    defined = false;
                }
            }
        }

        return defined;
    }

    /// <summary>
    /// A method a call to which always throws (or ends the process): marked [DoesNotReturn]
    /// (System.Diagnostics.CodeAnalysis), or a throw helper of the compilation without the attribute whose body can
    /// only end by throwing (<see cref="AlwaysThrows"/>: Kestrel's <c>RejectRequestLine</c>).
    /// </summary>
    internal static bool DoesNotReturn(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "DoesNotReturnAttribute" } type
                && type.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.CodeAnalysis")
            {
                return true;
            }
        }

        return AlwaysThrows(method);
    }

    private static readonly ConditionalWeakTable<IMethodSymbol, StrongBox<bool>> s_alwaysThrows = new();

    /// <summary>
    /// A method of source whose body can only end by throwing: <c>=&gt; throw …</c>, or a block whose last statement is
    /// a <c>throw</c> with no <c>return</c> before it, nor a loop or <c>goto</c> (its nested functions aside): a loop
    /// before the throw is work that may run long on the hot path (<c>while (Next()) Handle(new …); throw …;</c>). Not
    /// one that an override could replace (virtual, abstract, an interface's), an async method or an iterator (the call
    /// returns a task or an enumerable, which carry the exception), nor one declared in parts.
    /// </summary>
    private static bool AlwaysThrows(IMethodSymbol method) =>
        (method.MethodKind is MethodKind.Ordinary or MethodKind.LocalFunction) && !method.IsVirtual && !method.IsAbstract &&
        (!method.IsOverride || method.IsSealed) && !method.IsAsync && !method.IsExtern &&
        method.DeclaringSyntaxReferences.Length == 1 &&
        s_alwaysThrows.GetValue(method, static m => new StrongBox<bool>(BodyAlwaysThrows(m.DeclaringSyntaxReferences[0].GetSyntax()))).Value;

    private static bool BodyAlwaysThrows(SyntaxNode declaration)
    {
        var (body, expression) = declaration switch
        {
            BaseMethodDeclarationSyntax method => (method.Body, method.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody?.Expression),
            _ => (null, null),
        };

        if (expression is not null)
        {
            return expression is ThrowExpressionSyntax;
        }

        if (body is not { Statements: { Count: > 0 } statements } || statements[statements.Count - 1] is not ThrowStatementSyntax)
        {
            return false;
        }

        foreach (var node in body.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            // A return or yield ends otherwise; a loop (or a goto, which may jump back) is work done before the throw,
            // a pump that runs until it fails rather than a throw helper: its body is not cold.
            if (node is ReturnStatementSyntax or YieldStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax
                or CommonForEachStatementSyntax or GotoStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRepeatedPart(ILoopOperation loop, IOperation child) => loop switch
    {
        IForEachLoopOperation forEach => child != forEach.Collection, // the collection is evaluated once
        IForLoopOperation forLoop => !Contains(forLoop.Before, child), // so is the initialiser
        _ => true,
    };

    private static bool Contains(ImmutableArray<IOperation> operations, IOperation child)
    {
        foreach (var operation in operations)
        {
            if (operation == child)
            {
                return true;
            }
        }

        return false;
    }
}
