using System.Collections.Immutable;
using Hotpath.Analyzers.Allocations;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>Runs every HOT1xx analyzer at once, so a test also proves no other allocation rule fires twice on the same code.</summary>
internal static class Alloc
{
    /// <summary>Usings prepended to every test source (one line, so markup positions stay readable).</summary>
    public const string Usings =
        "using System; using System.Collections.Generic; using System.Collections.Immutable; using System.Diagnostics; using System.Linq; " +
        "using System.Text; using System.Text.RegularExpressions; using System.Threading; using System.Threading.Tasks; using Hotpath;\n";

    public static DiagnosticAnalyzer[] All() => new DiagnosticAnalyzer[]
    {
        new ObjectAllocationAnalyzer(), new ArrayAllocationAnalyzer(), new BoxingAnalyzer(), new ClosureAnalyzer(),
        new StringAnalyzer(), new LinqAndEnumerationAnalyzer(), new StateMachineAnalyzer(), new AllocatingApiAnalyzer(),
        new CallGraphAnalyzer(),
    };

    public static readonly string[] AllIds =
        { "HOT101", "HOT102", "HOT103", "HOT104", "HOT105", "HOT106", "HOT107", "HOT108", "HOT109", "HOT110", "HOT111" };

    /// <summary>Asserts exactly the marked diagnostics among <paramref name="ids"/> (all HOT1xx ids when none are given).</summary>
    public static Task VerifyAsync(string markup, params string[] ids) =>
        AnalyzerVerifier.VerifyAsync(Usings + markup, All(), new AnalyzerTestOptions { OnlyIds = (ids.Length == 0 ? AllIds : ids).ToImmutableArray() });

    /// <summary>Every HOT1xx diagnostic on <paramref name="source"/> (plain source).</summary>
    public static async Task<Diagnostic[]> DiagnosticsAsync(string source) =>
        (await AnalyzerVerifier.GetDiagnosticsAsync(Usings + source, All()).ConfigureAwait(false))
        .Where(d => d.Id.StartsWith("HOT1", StringComparison.Ordinal))
        .OrderBy(d => d.Location.SourceSpan.Start)
        .ToArray();

    /// <summary>The single diagnostic with <paramref name="id"/>'s message.</summary>
    public static async Task<string> MessageAsync(string source, string id)
    {
        var diagnostics = (await DiagnosticsAsync(source).ConfigureAwait(false)).Where(d => d.Id == id).ToArray();
        Assert.True(diagnostics.Length == 1, $"expected one {id}, got: " + string.Join("; ", diagnostics.Select(d => d.ToString())));
        return diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
    }
}
