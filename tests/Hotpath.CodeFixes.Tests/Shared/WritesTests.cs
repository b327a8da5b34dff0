using Hotpath.CodeFixes.Shared;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.CodeFixes.Tests.Shared;

/// <summary>The one "is this variable written here" answer HOT102's, HOT202's and HOT303's fixes share.</summary>
public sealed class WritesTests
{
    private const string Source = """
        using System;
        public unsafe class C
        {
            public struct S { public int F; }

            private int _f;
            private S _s;

            private static void Ref(ref int v) { }
            private static void Out(out int v) => v = 0;
            private static void In(in int v) { }

            public void Test(dynamic d)
            {
                int x = 0; int y = 0; string? t = null; S s = default; int[] a = new int[2];
                STATEMENT
            }
        }
        """;

    [Theory]
    [InlineData("x = 1;", "x")]
    [InlineData("(x) = 1;", "x")]
    [InlineData("((x)) += 1;", "x")]
    [InlineData("t ??= \"a\";", "t")]
    [InlineData("(x, y) = (1, 2);", "x")]
    [InlineData("((y, x), t) = ((1, 2), \"\");", "x")]
    [InlineData("x++;", "x")]
    [InlineData("--x;", "x")]
    [InlineData("Ref(ref x);", "x")]
    [InlineData("Out(out x);", "x")]
    [InlineData("d.M(ref x);", "x")]
    [InlineData("ref var r = ref x;", "x")]
    [InlineData("int* p = &x;", "x")]
    [InlineData("s.F = 1;", "s")]
    [InlineData("s.F++;", "s")]
    [InlineData("Action f = () => x = 2;", "x")]
    [InlineData("_f = 1;", "_f")]
    [InlineData("this._f = 1;", "_f")]
    [InlineData("_s.F = 2;", "_s")]
    [InlineData("ref int L() => ref _f;", "_f")]
    [InlineData("a[0] = 1;", "a[0]")]
    [InlineData("(a[^1]) = 1;", "a[0]")]
    [InlineData("a[0]++;", "a[0]")]
    [InlineData("(a[0], y) = (1, 2);", "a[0]")]
    [InlineData("Ref(ref a[0]);", "a[0]")]
    [InlineData("ref int r = ref a[0];", "a[0]")]
    [InlineData("ref var r = ref y == 0 ? ref x : ref y;", "x")]
    [InlineData("ref readonly var r = ref y; ref var w = ref y; w = ref x;", "x")]
    public void A_write(string statement, string name) => Assert.True(IsWritten(statement, name), statement);

    [Theory]
    [InlineData("y = x + 1;", "x")]
    [InlineData("y = -x;", "x")]
    [InlineData("y = (x);", "x")]
    [InlineData("In(in x);", "x")]
    [InlineData("In(x);", "x")]
    [InlineData("Console.WriteLine(x);", "x")]
    [InlineData("var (p, q) = (x, y);", "x")]
    [InlineData("var pair = (x, y);", "x")]
    [InlineData("y = t!.Length;", "t")]
    [InlineData("y = s.F;", "s")]
    [InlineData("y = this._f;", "_f")]
    [InlineData("y = _s.F;", "_s")]
    [InlineData("y = a[0];", "a[0]")]
    [InlineData("y = -a[0];", "a[0]")]
    [InlineData("In(in a[0]);", "a[0]")]
    [InlineData("ref readonly var r = ref x;", "x")]
    [InlineData("ref readonly var r = ref y == 0 ? ref x : ref y;", "x")]
    [InlineData("ref readonly var r = ref y; r = ref x;", "x")]
    [InlineData("ref readonly int r = ref a[0];", "a[0]")]
    [InlineData("ref readonly var r = ref s.F;", "s")]
    [InlineData("ref readonly int L() => ref _f;", "_f")]
    public void Not_a_write(string statement, string name) => Assert.False(IsWritten(statement, name), statement);

    /// <summary>Whether the first reference to <paramref name="name"/> in <paramref name="statement"/> (for <c>a[0]</c>: its first element access) is a write.</summary>
    private static bool IsWritten(string statement, string name)
    {
        var compilation = TestCompilation.Create(Source.Replace("STATEMENT", statement, StringComparison.Ordinal));
        TestCompilation.AssertNoErrors(compilation);
        var tree = compilation.SyntaxTrees[0];
        var model = compilation.GetSemanticModel(tree);
        var test = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "Test");
        var last = test.Body!.Statements.Last();
        IOperation reference;
        if (name == "a[0]")
        {
            reference = model.GetOperation(last.DescendantNodes().OfType<ElementAccessExpressionSyntax>().First())!;
            Assert.IsAssignableFrom<IArrayElementReferenceOperation>(reference);
        }
        else
        {
            var symbol = name.StartsWith('_')
                ? (ISymbol)compilation.GetTypeByMetadataName("C")!.GetMembers(name).Single()
                : test.Body.Statements.SkipLast(1).SelectMany(s => s.DescendantNodes()).OfType<VariableDeclaratorSyntax>().Select(v => model.GetDeclaredSymbol(v)!).Single(l => l.Name == name);
            reference = Writes.References(last, symbol, model, CancellationToken.None).First();
        }

        return Writes.IsWritten(reference);
    }
}
