using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.CodeFixes.Tests.Fuzz;

/// <summary>One source of the fuzz corpus: where it came from and its text (markup removed).</summary>
public sealed record CorpusSource(string Origin, string Text)
{
    private SyntaxTree? _tree;

    /// <summary>The source parsed once, for the mutations to walk.</summary>
    public SyntaxTree Tree => _tree ??= CSharpSyntaxTree.ParseText(Text, TestCompilation.ParseOptions);
}

/// <summary>
/// The fuzz corpus: every non-interpolated raw string literal of the generator, analyzer and code-fix tests (and
/// DESIGN.md's examples) that parses as C# declaring a type, with its diagnostic markup removed, plus the files of
/// samples/ClusterState. Read from the repository, in path order, so a seed names the same mutant at a given commit.
/// </summary>
public static class FuzzCorpus
{
    private static readonly Lazy<ImmutableArray<CorpusSource>> s_sources = new(Load);

    /// <summary>The corpus, in a fixed order.</summary>
    public static ImmutableArray<CorpusSource> Sources => s_sources.Value;

    /// <summary>
    /// Global usings compiled beside every mutant (never mutated): the tests prefix their sources with such usings,
    /// which a raw string literal alone does not carry.
    /// </summary>
    public const string Usings = """
        global using System;
        global using System.Buffers;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Text;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Hotpath;
        """;

    private static ImmutableArray<CorpusSource> Load()
    {
        var root = RepoPaths.Root;
        var testFiles = new[] { "tests/Hotpath.Generators.Tests", "tests/Hotpath.Analyzers.Tests", "tests/Hotpath.CodeFixes.Tests" }
            .SelectMany(folder => SourceFiles(Path.Combine(root, folder)))
            .Append(Path.Combine(root, "tests", "Shared", "DesignExampleSources.cs"))
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "Fuzz" + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = ImmutableArray.CreateBuilder<CorpusSource>();
        foreach (var file in testFiles.OrderBy(path => path, StringComparer.Ordinal))
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), TestCompilation.ParseOptions);
            var index = 0;
            foreach (var literal in tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>())
            {
                if (!literal.Token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken))
                {
                    continue;
                }

                var text = WithoutMarkup(literal.Token.ValueText);
                if (IsCSharpWithTypes(text) && seen.Add(text))
                {
                    sources.Add(new CorpusSource($"{Path.GetRelativePath(root, file)} literal {index}", text));
                }

                index++;
            }
        }

        foreach (var file in SourceFiles(Path.Combine(root, "samples", "ClusterState")).OrderBy(path => path, StringComparer.Ordinal))
        {
            sources.Add(new CorpusSource(Path.GetRelativePath(root, file), File.ReadAllText(file)));
        }

        return sources.ToImmutable();
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                           !path.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
                           !path.EndsWith(".verified.cs", StringComparison.Ordinal) && !path.EndsWith(".received.cs", StringComparison.Ordinal));

    private static string WithoutMarkup(string text)
    {
        try
        {
            return DiagnosticMarkup.Parse(text, "HOT000").Source;
        }
        catch (FormatException)
        {
            return text; // not markup after all (an indexer, a pattern): keep the text as written
        }
    }

    private static bool IsCSharpWithTypes(string text)
    {
        var tree = CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions);
        return !tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) &&
               tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Any();
    }
}

/// <summary>A mutant: the changed text and what was done, for the failure message.</summary>
public sealed record Mutant(string Text, string Description);

/// <summary>
/// Seeded source mutations: what half-typed, half-deleted or odd code looks like to a generator or analyzer while
/// the user types. The same source and seed always give the same mutant.
/// </summary>
public static class SourceMutator
{
    private static readonly string[] s_oddLiterals =
    [
        "0", "-1", "int.MaxValue", "int.MinValue", "long.MaxValue", "1e308", "double.NaN", "-0.0", "\"\"", "null", "default",
        "typeof(void)", "typeof(int[])", "typeof(List<>)", "nameof(x)", "'\\0'", "true", "(object)1", "\"\\uD800\"",
    ];

    private static readonly string[] s_modifiers = ["partial", "static", "readonly", "ref", "sealed", "abstract", "unsafe", "required", "file", "new", "virtual", "override"];

    private static readonly string[] s_directives = ["#if X\n", "#endif\n", "#else\n", "#error fuzz\n", "#nullable disable\n", "#pragma warning disable\n", "#line 1 \"other.cs\"\n", "#region\n"];

    /// <summary>Applies one to three mutations chosen by <paramref name="random"/> to <paramref name="source"/>.</summary>
    public static Mutant Mutate(CorpusSource source, Random random)
    {
        var text = source.Text;
        var tree = source.Tree;
        var descriptions = new List<string>();
        for (var count = random.Next(10) < 7 ? 1 : random.Next(2, 4); count > 0; count--)
        {
            var (edited, description) = MutateOnce(text, tree, random);
            text = edited;
            descriptions.Add(description);
            tree = CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions);
        }

        return new Mutant(text, string.Join("; ", descriptions));
    }

    private static (string Text, string Description) MutateOnce(string text, SyntaxTree tree, Random random)
    {
        var root = tree.GetRoot();
        var tokens = root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken) && t.Span.Length > 0).ToArray();
        if (tokens.Length == 0)
        {
            return (text + "}", "append a }");
        }

        switch (random.Next(11))
        {
            case 0:
            {
                var token = Pick(tokens, random);
                return (Replace(text, token.Span, ""), $"delete token '{token.Text}' at {token.SpanStart}");
            }

            case 1:
            {
                var first = random.Next(tokens.Length);
                var last = Math.Min(tokens.Length - 1, first + random.Next(1, 12));
                var span = TextSpan.FromBounds(tokens[first].SpanStart, tokens[last].Span.End);
                return (Replace(text, span, ""), $"delete tokens {first}..{last} at {span}");
            }

            case 2:
            {
                var token = Pick(tokens, random);
                return (Replace(text, new TextSpan(token.Span.End, 0), " " + token.Text), $"duplicate token '{token.Text}' at {token.SpanStart}");
            }

            case 3:
            {
                var at = random.Next(text.Length + 1);
                return (text.Substring(0, at), $"truncate at {at}");
            }

            case 4:
                return ReplaceIdentifier(text, tokens, random);
            case 5:
                return ReplaceLiteral(text, root, tokens, random);
            case 6:
                return ChangeAttributeArguments(text, root, random);
            case 7:
                return ToggleModifier(text, root, random);
            case 8:
                return ToggleGenerics(text, root, random);
            case 9:
                return InsertDirective(text, random);
            default:
            {
                var braces = tokens.Where(t => t.IsKind(SyntaxKind.CloseBraceToken)).ToArray();
                if (braces.Length == 0)
                {
                    return (text + "\n}", "append a }");
                }

                var brace = Pick(braces, random);
                return (Replace(text, brace.Span, ""), $"remove the }} at {brace.SpanStart}");
            }
        }
    }

    private static (string, string) ReplaceIdentifier(string text, SyntaxToken[] tokens, Random random)
    {
        var identifiers = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToArray();
        if (identifiers.Length < 2)
        {
            return (text, "no identifiers to swap");
        }

        var target = Pick(identifiers, random);
        var other = Pick(identifiers, random).Text;
        return (Replace(text, target.Span, other), $"identifier '{target.Text}' at {target.SpanStart} -> '{other}'");
    }

    private static (string, string) ReplaceLiteral(string text, SyntaxNode root, SyntaxToken[] tokens, Random random)
    {
        var odd = Pick(s_oddLiterals, random);
        var literals = root.DescendantNodes().Where(n => n is LiteralExpressionSyntax or TypeOfExpressionSyntax or InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" } }).ToArray();
        if (literals.Length > 0)
        {
            var literal = Pick(literals, random);
            return (Replace(text, literal.Span, odd), $"literal '{Short(literal.ToString())}' at {literal.SpanStart} -> {odd}");
        }

        // No literal: put the odd one where an expression may stand (it may not: that is a mutant too).
        var token = Pick(tokens, random);
        return (Replace(text, new TextSpan(token.Span.End, 0), " " + odd), $"insert {odd} after '{token.Text}' at {token.SpanStart}");
    }

    private static (string, string) ChangeAttributeArguments(string text, SyntaxNode root, Random random)
    {
        var attributes = root.DescendantNodes().OfType<AttributeSyntax>().ToArray();
        if (attributes.Length == 0)
        {
            return (text, "no attribute");
        }

        var attribute = Pick(attributes, random);
        var arguments = attribute.ArgumentList?.Arguments ?? default;
        var where = $"[{Short(attribute.ToString())}] at {attribute.SpanStart}";
        switch (attribute.ArgumentList is null ? 3 : random.Next(4))
        {
            case 0 when arguments.Count > 0:
            {
                var removed = Pick(arguments.ToArray(), random);
                var rest = arguments.Where(a => a != removed).Select(a => a.ToString());
                return (Replace(text, attribute.ArgumentList!.Span, "(" + string.Join(", ", rest) + ")"), $"{where}: drop argument '{Short(removed.ToString())}'");
            }

            case 1 when arguments.Count > 0:
            {
                var copied = Pick(arguments.ToArray(), random);
                return (Replace(text, attribute.ArgumentList!.Span, "(" + string.Join(", ", arguments.Select(a => a.ToString()).Append(copied.ToString())) + ")"), $"{where}: repeat argument '{Short(copied.ToString())}'");
            }

            case 2:
                return (Replace(text, attribute.ArgumentList!.Span, ""), $"{where}: remove the argument list");
            default:
            {
                var extra = Pick(s_oddLiterals, random);
                var list = "(" + string.Join(", ", arguments.Select(a => a.ToString()).Append(extra)) + ")";
                var span = attribute.ArgumentList?.Span ?? new TextSpan(attribute.Span.End, 0);
                return (Replace(text, span, list), $"{where}: add argument {extra}");
            }
        }
    }

    private static (string, string) ToggleModifier(string text, SyntaxNode root, Random random)
    {
        var declarations = root.DescendantNodes().Where(n => n is MemberDeclarationSyntax and not NamespaceDeclarationSyntax and not FileScopedNamespaceDeclarationSyntax or ParameterSyntax or LocalDeclarationStatementSyntax).ToArray();
        if (declarations.Length == 0)
        {
            return (text, "no declaration");
        }

        var declaration = Pick(declarations, random);
        var modifiers = declaration switch
        {
            MemberDeclarationSyntax member => member.Modifiers,
            ParameterSyntax parameter => parameter.Modifiers,
            LocalDeclarationStatementSyntax local => local.Modifiers,
            _ => default,
        };
        if (declaration is TypeDeclarationSyntax type && random.Next(4) == 0)
        {
            // class <-> record, struct <-> record struct
            var keyword = type.Keyword;
            var replacement = type switch
            {
                RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: (int)SyntaxKind.StructKeyword } => "struct",
                RecordDeclarationSyntax => "class",
                StructDeclarationSyntax => "record struct",
                _ => random.Next(2) == 0 ? "record" : "struct",
            };
            var span = type is RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not 0 } record
                ? TextSpan.FromBounds(keyword.SpanStart, record.ClassOrStructKeyword.Span.End)
                : keyword.Span;
            return (Replace(text, span, replacement), $"'{text.Substring(span.Start, span.Length)}' of {type.Identifier.Text} -> '{replacement}'");
        }

        var candidates = s_modifiers.Where(m => modifiers.Any(t => t.Text == m)).ToArray();
        if (candidates.Length > 0 && random.Next(2) == 0)
        {
            var chosen = Pick(candidates, random);
            var removed = modifiers.First(t => t.Text == chosen);
            return (Replace(text, removed.Span, ""), $"remove '{removed.Text}' at {removed.SpanStart}");
        }

        var added = Pick(s_modifiers, random);
        var at = modifiers.Count > 0 && random.Next(2) == 0 ? modifiers.Last().Span.End : (modifiers.Count > 0 ? modifiers.First().SpanStart : FirstTokenAfterAttributes(declaration).SpanStart);
        return (Replace(text, new TextSpan(at, 0), modifiers.Count > 0 && at == modifiers.Last().Span.End ? " " + added : added + " "), $"add '{added}' at {at}");
    }

    private static SyntaxToken FirstTokenAfterAttributes(SyntaxNode declaration)
    {
        var lists = declaration switch
        {
            MemberDeclarationSyntax member => member.AttributeLists,
            ParameterSyntax parameter => parameter.AttributeLists,
            LocalDeclarationStatementSyntax local => local.AttributeLists,
            _ => default,
        };
        return lists.Count > 0 ? lists.Last().GetLastToken().GetNextToken() : declaration.GetFirstToken();
    }

    private static (string, string) ToggleGenerics(string text, SyntaxNode root, Random random)
    {
        var types = root.DescendantNodes().OfType<TypeDeclarationSyntax>().ToArray();
        var generic = root.DescendantNodes().OfType<GenericNameSyntax>().ToArray();
        if (types.Length == 0)
        {
            return (text, "no type");
        }

        var type = Pick(types, random);
        if (type.TypeParameterList is { } parameters)
        {
            return (Replace(text, parameters.Span, ""), $"remove {parameters} of {type.Identifier.Text}");
        }

        if (generic.Length > 0 && random.Next(3) == 0)
        {
            var name = Pick(generic, random);
            return (Replace(text, name.Span, name.Identifier.Text), $"unwrap {Short(name.ToString())} at {name.SpanStart}");
        }

        var added = random.Next(2) == 0 ? "<T>" : "<T, U>";
        return (Replace(text, new TextSpan(type.Identifier.Span.End, 0), added), $"add {added} to {type.Identifier.Text}");
    }

    private static (string, string) InsertDirective(string text, Random random)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        if (random.Next(2) == 0)
        {
            // #if X around a range of lines (X is not defined: the lines disappear)
            var first = random.Next(lineStarts.Count);
            var last = Math.Min(lineStarts.Count - 1, first + random.Next(1, 6));
            var edited = text.Insert(lineStarts[last], "#endif\n").Insert(lineStarts[first], "#if X\n");
            return (edited, $"#if X around lines {first + 1}..{last}");
        }

        var directive = Pick(s_directives, random);
        var line = random.Next(lineStarts.Count);
        return (text.Insert(lineStarts[line], directive), $"insert {directive.TrimEnd()} before line {line + 1}");
    }

    private static string Replace(string text, TextSpan span, string replacement) =>
        string.Concat(text.AsSpan(0, span.Start), replacement, text.AsSpan(span.End));

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    private static string Short(string text)
    {
        var single = text.ReplaceLineEndings(" ");
        return single.Length <= 40 ? single : single.Substring(0, 40) + "…";
    }

    /// <summary>The mutant's text with line numbers, for a failure message.</summary>
    public static string Numbered(string text)
    {
        var builder = new StringBuilder();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            builder.Append((i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append(": ").Append(lines[i].TrimEnd('\r')).Append('\n');
        }

        return builder.ToString();
    }
}
