using System.Reflection;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.TestSources;

/// <summary>
/// The analyzers' real-code corpus (tests/Hotpath.Analyzers.Tests/RealCode/Corpus), shared by the analyzer and code-fix
/// tests. HOTPATH_REALCODE_CORPUS points both at another folder while triaging.
/// </summary>
internal static class RealCodeCorpus
{
    public static string Folder =>
        Environment.GetEnvironmentVariable("HOTPATH_REALCODE_CORPUS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(RepoPaths.Root, "tests", "Hotpath.Analyzers.Tests", "RealCode", "Corpus");

    public static string[] Files() =>
        Directory.GetFiles(Folder, "*.cs").OrderBy(p => p, StringComparer.Ordinal).ToArray();

    /// <summary>Every Hotpath analyzer, found by its [DiagnosticAnalyzer] attribute so a new one is included.</summary>
    public static DiagnosticAnalyzer[] Analyzers() =>
        typeof(Hotpath.Analyzers.Locks.HotPathLockAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToArray();

    /// <summary>The corpus as one compilation (its files bind against each other), each tree named by its file name.</summary>
    public static CSharpCompilation Compile(bool hot)
    {
        var trees = Files().Select(path =>
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), TestCompilation.ParseOptions, Path.GetFileName(path));
            return hot ? tree.WithRootAndOptions(new MarkHot().Visit(tree.GetRoot()), tree.Options) : tree;
        });
        return CSharpCompilation.Create("RealCode", trees, ReferenceAssemblies.WithHotpath, TestCompilation.Options());
    }

    /// <summary>Puts [global::Hotpath.HotPath] on every class and struct (records included).</summary>
    private sealed class MarkHot : CSharpSyntaxRewriter
    {
        private static readonly AttributeListSyntax s_hot = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::Hotpath.HotPath")))).WithTrailingTrivia(SyntaxFactory.Space);

        public override SyntaxNode? VisitClassDeclaration(ClassDeclarationSyntax node) =>
            ((ClassDeclarationSyntax)base.VisitClassDeclaration(node)!).AddAttributeLists(s_hot);

        public override SyntaxNode? VisitStructDeclaration(StructDeclarationSyntax node) =>
            ((StructDeclarationSyntax)base.VisitStructDeclaration(node)!).AddAttributeLists(s_hot);

        public override SyntaxNode? VisitRecordDeclaration(RecordDeclarationSyntax node) =>
            ((RecordDeclarationSyntax)base.VisitRecordDeclaration(node)!).AddAttributeLists(s_hot);
    }
}
