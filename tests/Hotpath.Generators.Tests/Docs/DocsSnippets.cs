using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Hotpath.Generators.Batching;
using Hotpath.Generators.Caching;
using Hotpath.Generators.Compression;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Tests.Docs;

/// <summary>
/// A C# block of a docs page marked to be compiled: an HTML comment on the line just before its ```csharp fence
/// (GitHub does not show it):
/// <code>
/// &lt;!-- snippet: compile[, wrap in a class | wrap in a method [returning T]][, with the block above][, expect HOT101 HOT107] --&gt;
/// </code>
/// "wrap in a class" puts the block in <c>public partial class Snippet { … }</c>; "wrap in a method" puts it in
/// <c>public void Run…() { … }</c> of that class (<c>async Task</c> when it awaits; "returning T" for
/// <c>T</c>, <c>async Task&lt;T&gt;</c>). Without a wrapper the block is a whole file (top-level
/// statements make it a program). "with the block above" compiles the page's previous marked block (and what it
/// is compiled with) alongside, for a block that uses the types the one above declares; the ids are counted
/// in the block itself. "expect" lists every HOT id the block must get; without it the block must get
/// none. Lines between the marker's first line and its <c>--&gt;</c> are hidden context compiled with the block
/// (a declaration the page only mentions, fields of <c>Snippet</c>), and so are the lines of a
/// <c>&lt;!-- snippet context</c> … <c>--&gt;</c> comment, which go with every marked block of their page.
/// </summary>
public sealed record DocsSnippet(string Page, int FenceLine, string Wrapper, ImmutableArray<string> ExpectedIds, string Code, int CodeLine, string Context, int ContextLine, string PageContext, int PageContextLine, DocsSnippet? Above)
{
    /// <summary>"page:line" of the block's fence, the test case's name.</summary>
    public string Name => $"{Page}:{FenceLine}";

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Finds the marked C# blocks of README.md and docs/**/*.md and compiles them as a build with the Hotpath package would.</summary>
public static partial class DocsSnippets
{
    /// <summary>The namespaces a project with <c>ImplicitUsings</c> imports, and the attributes' <c>Hotpath</c>.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Hotpath;
        """;

    private static readonly IIncrementalGenerator[] s_generators =
        [new PooledGenerator(), new ColumnarGenerator(), new BatchReducerGenerator(), new ShardedCacheGenerator()];

    /// <summary>As the package's props set it: the companion analyzers report HOT0xx, the generators stay quiet.</summary>
    private static readonly Dictionary<string, string> s_buildProperties = new() { ["HotpathGeneratorDiagnostics"] = "analyzer" };

    private static readonly Lazy<DiagnosticAnalyzer[]> s_analyzers = new(() =>
        new[] { typeof(PooledGenerator).Assembly, Assembly.Load(new AssemblyName("Hotpath.Analyzers")) }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => !type.IsAbstract && type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type, nonPublic: true)!)
            .ToArray());

    /// <summary>The pages searched, relative to the repository root with '/': README.md, then docs/**/*.md.</summary>
    public static IEnumerable<string> Pages()
    {
        yield return "README.md";
        foreach (var path in Directory.EnumerateFiles(RepoPaths.Docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');
        }
    }

    /// <summary>Every marked block of every page.</summary>
    public static IEnumerable<DocsSnippet> All() =>
        Pages().SelectMany(page => Parse(page, File.ReadAllLines(Path.Combine(RepoPaths.Root, page)), problems: null));

    /// <summary>
    /// The marked blocks of one page. A marker that does not stand just before a ```csharp fence, an option it does
    /// not know, or an unclosed comment is added to <paramref name="problems"/> (or thrown when that is null).
    /// </summary>
    public static List<DocsSnippet> Parse(string page, IReadOnlyList<string> lines, List<string>? problems)
    {
        var snippets = new List<DocsSnippet>();
        var pageContext = "";
        var pageContextLine = 0;
        DocsSnippet? previous = null;
        void Problem(int line, string what)
        {
            var message = $"{page}:{line}: {what}";
            if (problems is null)
            {
                throw new InvalidOperationException(message);
            }

            problems.Add(message);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                // Skip the fence, so a marker shown inside a code block is not taken for one.
                for (i++; i < lines.Count && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++)
                {
                }

                continue;
            }

            var isContext = line.StartsWith("<!-- snippet context", StringComparison.Ordinal);
            var marker = Marker().Match(line);
            if (!isContext && !marker.Success)
            {
                if (line.StartsWith("<!-- snippet", StringComparison.Ordinal))
                {
                    Problem(i + 1, $"not a snippet marker: '{line}' (write '<!-- snippet: compile[, wrap in a class | wrap in a method [returning T]][, with the block above][, expect HOTxxx …] -->')");
                }

                continue;
            }

            var start = i;
            var hidden = new List<string>();
            if (!line.EndsWith("-->", StringComparison.Ordinal))
            {
                for (i++; i < lines.Count && lines[i].Trim() != "-->"; i++)
                {
                    hidden.Add(lines[i]);
                }

                if (i == lines.Count)
                {
                    Problem(start + 1, "the snippet comment has no '-->' line");
                    break;
                }
            }

            if (isContext)
            {
                pageContext = string.Join("\n", hidden);
                pageContextLine = start + 2;
                continue;
            }

            var wrapper = "";
            var expected = ImmutableArray<string>.Empty;
            DocsSnippet? above = null;
            foreach (var option in marker.Groups["options"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (option is "wrap in a class" or "wrap in a method" || option.StartsWith("wrap in a method returning ", StringComparison.Ordinal))
                {
                    wrapper = option;
                }
                else if (option == "with the block above")
                {
                    above = previous;
                    if (above is null)
                    {
                        Problem(start + 1, "'with the block above' but no marked block is above");
                    }
                }
                else if (option.StartsWith("expect ", StringComparison.Ordinal))
                {
                    expected = option["expect ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToImmutableArray();
                }
                else
                {
                    Problem(start + 1, $"unknown snippet option '{option}'");
                }
            }

            var fence = i + 1;
            if (fence >= lines.Count || lines[fence].Trim() != "```csharp")
            {
                Problem(start + 1, "a snippet marker must stand on the line just before a ```csharp fence");
                continue;
            }

            var indent = lines[fence].Length - lines[fence].TrimStart().Length;
            var code = new List<string>();
            for (i = fence + 1; i < lines.Count && lines[i].Trim() != "```"; i++)
            {
                code.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart());
            }

            previous = new DocsSnippet(page, fence + 1, wrapper, expected, string.Join("\n", code), fence + 2, string.Join("\n", hidden), start + 2, pageContext, pageContextLine, above);
            snippets.Add(previous);
        }

        return snippets;
    }

    /// <summary>
    /// Compiles <paramref name="snippet"/> with the four generators and every analyzer of the package; returns what is
    /// wrong with it (compiler errors, HOT ids other than the expected ones), or null when nothing is.
    /// </summary>
    public static async Task<string?> CheckAsync(DocsSnippet snippet)
    {
        var sources = new List<string> { GlobalUsings };
        if (snippet.PageContext.Length > 0)
        {
            sources.Add(Mapped(snippet.PageContext, snippet.PageContextLine, snippet.Page));
        }

        var own = sources.Count;
        for (var block = snippet; block is not null; block = block.Above)
        {
            sources.Add(Source(block));
            if (block.Context.Length > 0)
            {
                sources.Add(Mapped(block.Context, block.ContextLine, block.Page));
            }

            if (block == snippet)
            {
                own = sources.Count;
            }
        }

        var compilation = TestCompilation.Create(sources, OutputKind.DynamicallyLinkedLibrary, assemblyName: "Snippet");
        var trees = compilation.SyntaxTrees.ToArray();
        if (trees.Any(tree => tree.GetCompilationUnitRoot().Members.Any(member => member is GlobalStatementSyntax)))
        {
            compilation = compilation.WithOptions(TestCompilation.Options(OutputKind.ConsoleApplication)); // top-level statements make it a program
        }

        var run = GeneratorRunner.Run(GeneratorRunner.CreateDriver(s_buildProperties, s_generators), compilation);
        var analyzed = await AnalyzerVerifier.RunAnalyzersAsync(run.OutputCompilation, s_analyzers.Value).ConfigureAwait(false);
        var diagnostics = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Concat(run.Result.Diagnostics)
            .Concat(analyzed.Where(d => d.Severity != DiagnosticSeverity.Hidden))
            .ToArray();

        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("HOT", StringComparison.Ordinal)).ToArray();
        var ids = diagnostics
            .Where(d => d.Location.SourceTree is not { FilePath: var path } || !path.StartsWith("/src/", StringComparison.Ordinal) || Array.IndexOf(trees, d.Location.SourceTree) < own)
            .Select(d => d.Id).Where(id => id.StartsWith("HOT", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (errors.Length == 0 && ids.SequenceEqual(snippet.ExpectedIds))
        {
            return null;
        }

        var message = new StringBuilder($"The C# block at {snippet.Name} ");
        message.Append(errors.Length > 0 ? "does not compile" : $"gets {Ids(ids)}, not {Ids(snippet.ExpectedIds)} as its marker says");
        message.Append(":\n");
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.GetMappedLineSpan().StartLinePosition.Line))
        {
            message.Append(Format(diagnostic)).Append('\n');
        }

        return message.ToString();
    }

    private static string Ids(IReadOnlyCollection<string> ids) => ids.Count == 0 ? "no HOT diagnostic" : string.Join(" ", ids);

    /// <summary>The block as a file, wrapped as its marker says, with <c>#line</c> mapping its lines to the page's.</summary>
    private static string Source(DocsSnippet snippet)
    {
        var code = Mapped(snippet.Code, snippet.CodeLine, snippet.Page) + "\n#line default\n";
        if (snippet.Wrapper == "wrap in a class")
        {
            return $"public partial class Snippet\n{{\n{code}}}\n";
        }

        if (!snippet.Wrapper.StartsWith("wrap in a method", StringComparison.Ordinal))
        {
            return code;
        }

        var returns = snippet.Wrapper.StartsWith("wrap in a method returning ", StringComparison.Ordinal) ? snippet.Wrapper["wrap in a method returning ".Length..] : null;
        var signature = snippet.Code.Contains("await ", StringComparison.Ordinal)
            ? (returns is null ? "async Task" : $"async Task<{returns}>")
            : returns ?? "void";
        return $"public partial class Snippet\n{{\n    public {signature} Run{snippet.FenceLine.ToString(CultureInfo.InvariantCulture)}()\n    {{\n{code}    }}\n}}\n";
    }

    private static string Mapped(string code, int firstLine, string page) =>
        $"#line {firstLine.ToString(CultureInfo.InvariantCulture)} \"{page}\"\n{code}\n";

    /// <summary><c>page(line,col): id: message</c>; generated files keep their own name.</summary>
    private static string Format(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var where = span.IsValid ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})" : "(no location)";
        return $"  {where}: {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    [GeneratedRegex(@"^<!-- snippet: compile(?<options>(,[^,>-]+)*)\s*(-->)?$")]
    private static partial Regex Marker();
}
