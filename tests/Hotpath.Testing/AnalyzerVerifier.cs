using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Hotpath.Testing;

/// <summary>Options of <see cref="AnalyzerVerifier"/>.</summary>
public sealed record AnalyzerTestOptions
{
    /// <summary>Generators run before the analyzers, so generated members exist (they are analyzed too, as generated code).</summary>
    public ImmutableArray<IIncrementalGenerator> Generators { get; init; } = ImmutableArray<IIncrementalGenerator>.Empty;

    /// <summary>More source files, without markup (diagnostics in them are unexpected).</summary>
    public ImmutableArray<string> AdditionalSources { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>The id <c>[|…|]</c> markers expect.</summary>
    public string? DefaultId { get; init; }

    /// <summary>Compiler errors in the test source fail the test unless this is set (it hides mistakes in the test).</summary>
    public bool AllowCompilerErrors { get; init; }

    /// <summary>Only these ids are compared (others are ignored); empty compares every analyzer diagnostic.</summary>
    public ImmutableArray<string> OnlyIds { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Output kind of the test compilation.</summary>
    public OutputKind OutputKind { get; init; } = OutputKind.DynamicallyLinkedLibrary;
}

/// <summary>
/// Runs analyzers over markup source and asserts exactly the marked diagnostics (id and span) and no others.
/// An analyzer exception (AD0001) always fails the test.
/// </summary>
public static class AnalyzerVerifier
{
    /// <summary>The opening of a diagnostic mark: <c>{|HOT201:</c> or <c>[|</c>.</summary>
    private static readonly Regex s_mark = new(@"\{\|[A-Za-z]+[0-9]+:|\[\|", RegexOptions.CultureInvariant);

    /// <summary>Asserts <paramref name="analyzers"/> report exactly the diagnostics marked in <paramref name="markup"/>.</summary>
    public static Task VerifyAsync(string markup, params DiagnosticAnalyzer[] analyzers) => VerifyAsync(markup, analyzers, new AnalyzerTestOptions());

    /// <summary>Asserts <paramref name="analyzers"/> report exactly the diagnostics marked in <paramref name="markup"/>.</summary>
    public static async Task VerifyAsync(string markup, DiagnosticAnalyzer[] analyzers, AnalyzerTestOptions options)
    {
        var (source, expected) = DiagnosticMarkup.Parse(markup, options.DefaultId);
        var supported = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToImmutableHashSet();
        foreach (var id in options.OnlyIds.Concat(expected.Select(e => e.Id)).Distinct())
        {
            if (!supported.Contains(id))
            {
                throw new XunitException($"The test compares {id}, which none of the analyzers ({string.Join(", ", analyzers.Select(a => a.GetType().Name))}) can report: it would check nothing.");
            }
        }

        var actual = await GetDiagnosticsAsync(source, analyzers, options).ConfigureAwait(false);
        var compared = actual
            .Where(d => options.OnlyIds.IsEmpty || options.OnlyIds.Contains(d.Id))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();

        var markedFile = TestCompilation.SourcePath(0);
        var actualKeys = compared.Select(d => (d.Id, d.Location.SourceSpan, d.Location.SourceTree?.FilePath)).ToArray();
        var expectedKeys = expected.Select(e => (e.Id, e.Span, (string?)markedFile)).ToArray();
        if (!actualKeys.SequenceEqual(expectedKeys))
        {
            var message = new StringBuilder();
            message.Append("Diagnostics differ from the markup.\nExpected:\n");
            foreach (var e in expected)
            {
                message.Append($"  {e.Id} at {e.Span} [{source.Substring(e.Span.Start, e.Span.Length)}]\n");
            }

            message.Append("Actual:\n").Append(TestCompilation.Format(compared)).Append('\n');
            message.Append("Actual as markup:\n").Append(ToMarkup(source, compared.Where(d => d.Location.SourceTree?.FilePath == markedFile)));
            throw new XunitException(message.ToString());
        }
    }

    /// <summary>
    /// Every diagnostic <paramref name="analyzers"/> report on <paramref name="source"/> (plain source, no markup).
    /// Fails on analyzer exceptions and, unless allowed, on compiler errors.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(string source, DiagnosticAnalyzer[] analyzers, AnalyzerTestOptions? options = null)
    {
        options ??= new AnalyzerTestOptions();
        foreach (var text in options.AdditionalSources.Prepend(source))
        {
            if (s_mark.IsMatch(text))
            {
                throw new XunitException(
                    "GetDiagnosticsAsync and AdditionalSources take plain source, but this has diagnostic markup, which would be compiled as written and checked by nothing " +
                    "(parse it with DiagnosticMarkup.Parse, or give it to VerifyAsync):\n" + text);
            }
        }

        Compilation compilation = TestCompilation.Create(new[] { source }.Concat(options.AdditionalSources), options.OutputKind);
        if (!options.Generators.IsEmpty)
        {
            compilation = GeneratorRunner.Run(GeneratorRunner.CreateDriver(options.Generators.ToArray()), compilation).OutputCompilation;
        }

        if (!options.AllowCompilerErrors)
        {
            var errors = TestCompilation.Errors(compilation);
            if (errors.Length > 0)
            {
                throw new XunitException("The test source does not compile (fix the test, or set AllowCompilerErrors):\n" + TestCompilation.Format(errors));
            }
        }

        return await RunAnalyzersAsync(compilation, analyzers).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="analyzers"/> on <paramref name="compilation"/>; fails on any analyzer exception.</summary>
    public static async Task<ImmutableArray<Diagnostic>> RunAnalyzersAsync(Compilation compilation, DiagnosticAnalyzer[] analyzers) =>
        (await RunAnalyzersAsync(compilation, analyzers, timed: false).ConfigureAwait(false)).Diagnostics;

    /// <summary>
    /// Runs <paramref name="analyzers"/> on <paramref name="compilation"/> and fails on any analyzer exception; when
    /// <paramref name="timed"/>, one at a time with the driver logging each one's execution time (read it from the returned
    /// <see cref="CompilationWithAnalyzers"/>).
    /// </summary>
    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, CompilationWithAnalyzers Run)> RunAnalyzersAsync(
        Compilation compilation, DiagnosticAnalyzer[] analyzers, bool timed)
    {
        var exceptions = new ConcurrentQueue<string>();
        var withAnalyzers = compilation.WithAnalyzers(
            analyzers.ToImmutableArray(),
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
                concurrentAnalysis: !timed,
                logAnalyzerExecutionTime: timed,
                reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);

        var crashes = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Concat(exceptions).ToArray();
        if (crashes.Length > 0)
        {
            throw new XunitException("An analyzer threw (AD0001):\n" + string.Join("\n", crashes));
        }

        return (diagnostics, withAnalyzers);
    }

    /// <summary>Writes <paramref name="diagnostics"/> back into <paramref name="source"/> as markup, to paste into a test.</summary>
    public static string ToMarkup(string source, IEnumerable<Diagnostic> diagnostics)
    {
        var inserts = new List<(int Position, int Order, string Text)>();
        foreach (var d in diagnostics)
        {
            inserts.Add((d.Location.SourceSpan.Start, 1, "{|" + d.Id + ":"));
            inserts.Add((d.Location.SourceSpan.End, 0, "|}"));
        }

        var builder = new StringBuilder(source);
        foreach (var (position, _, text) in inserts.OrderByDescending(i => i.Position).ThenBy(i => i.Order))
        {
            builder.Insert(position, text);
        }

        return builder.ToString();
    }
}
