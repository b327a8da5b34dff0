using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>The semantic models a parser asks for, in a generator's transform.</summary>
internal static class SemanticModels
{
    /// <summary>
    /// The semantic model of any tree of the compilation: the transform's own <paramref name="model"/> for its tree (with
    /// what it has bound already), a new one for another (a partial declaration, a base type in another file).
    /// </summary>
    public static Func<SyntaxTree, SemanticModel?> Around(SemanticModel model) =>
        tree => tree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(tree);
}
