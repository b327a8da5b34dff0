using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers;

/// <summary>
/// The methods of a compilation's own hand-written source, which call following (HOT111, HOT207) goes into. Whether a
/// tree is generated is worked out once per tree.
/// </summary>
internal sealed class SourceMethods
{
    private readonly IAssemblySymbol _assembly;
    private readonly ConcurrentDictionary<SyntaxTree, bool> _generated = new();

    public SourceMethods(Compilation compilation) => _assembly = compilation.Assembly;

    /// <summary>
    /// The definition a call of <paramref name="method"/> runs (a reduced extension's, a partial method's
    /// implementation, the original definition of a constructed method) when it has a body in this compilation's
    /// source outside generated code; null otherwise.
    /// </summary>
    public IMethodSymbol? Definition(IMethodSymbol method)
    {
        method = method.ReducedFrom ?? method;
        method = method.PartialImplementationPart ?? method;
        method = method.OriginalDefinition;
        return method.IsAbstract || method.IsExtern
            || !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _assembly)
            || method.DeclaringSyntaxReferences.IsEmpty
            || method.DeclaringSyntaxReferences.All(r => _generated.GetOrAdd(r.SyntaxTree, static t => GeneratedCode.IsGenerated(t)))
            ? null
            : method;
    }

    /// <summary>
    /// The declarations of <paramref name="method"/> a body is taken from, the one place both rules that follow calls
    /// ask: each declaring syntax, which for an expression-bodied property's or indexer's getter is already the arrow
    /// clause (<c>=&gt; …</c>), the getter's body, not the property.
    /// </summary>
    public static IEnumerable<SyntaxNode> Bodies(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            yield return reference.GetSyntax(cancellationToken);
        }
    }
}
