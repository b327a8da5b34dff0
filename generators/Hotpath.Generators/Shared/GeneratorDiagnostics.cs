using System.Collections.Immutable;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.Generators.Shared;

/// <summary>
/// A HOT0xx diagnostic as pipeline data: id, formatted message and where (path and spans, not a
/// <see cref="Location"/>, which would hold on to the syntax tree and defeat caching).
/// </summary>
/// <remarks><paramref name="Reason"/> is the diagnostic's <see cref="DiagnosticDescriptors.ReasonProperty"/>, if any (the HOT001 code fix reads it).</remarks>
internal sealed record DiagnosticInfo(string Id, string Message, string FilePath, TextSpan Span, LinePositionSpan LineSpan, string? Reason)
{
    private static readonly ConcurrentDictionary<string, DiagnosticDescriptor> s_formatted = new(StringComparer.Ordinal);

    public static EquatableArray<DiagnosticInfo> From(IReadOnlyList<Diagnostic> diagnostics)
    {
        if (diagnostics.Count == 0)
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var infos = new DiagnosticInfo[diagnostics.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            var diagnostic = diagnostics[i];
            var lineSpan = diagnostic.Location.GetLineSpan();
            infos[i] = new DiagnosticInfo(
                diagnostic.Id,
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture),
                lineSpan.Path ?? string.Empty,
                diagnostic.Location.SourceSpan,
                lineSpan.Span,
                diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ReasonProperty, out var reason) ? reason : null);
        }

        return new EquatableArray<DiagnosticInfo>(infos);
    }

    /// <summary>The diagnostic again, with its rule's title, severity and help link, at its path and spans.</summary>
    public Diagnostic ToDiagnostic()
    {
        // The message is already formatted, so the descriptor reported carries it as its only argument.
        var descriptor = s_formatted.GetOrAdd(Id, static id =>
        {
            var rule = DiagnosticDescriptors.ById(id);
            return new DiagnosticDescriptor(rule.Id, rule.Title, "{0}", rule.Category, rule.DefaultSeverity, rule.IsEnabledByDefault, rule.Description, rule.HelpLinkUri);
        });
        var properties = Reason is null ? null : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.ReasonProperty, Reason);
        return Diagnostic.Create(descriptor, Location.Create(FilePath, Span, LineSpan), properties, Message);
    }
}

/// <summary>What a generator's transform found for one attributed type: the model to emit, or null, and its mistakes.</summary>
/// <typeparam name="TModel">The capability's model record.</typeparam>
internal sealed record ParsedTarget<TModel>(TModel? Model, EquatableArray<DiagnosticInfo> Diagnostics)
    where TModel : class
{
    /// <summary>
    /// A generator's transform: HOT001 from the shared target check and for the user's members that the generator
    /// always emits too (<see cref="GeneratedMemberClashes.Fixed"/>), then <paramref name="parse"/> (the capability's
    /// parser, adding its own mistakes to the list it is given), in the companion analyzer's order.
    /// </summary>
    public static ParsedTarget<TModel> Parse(
        GeneratorAttributeSyntaxContext context,
        string attributeMetadataName,
        Func<INamedTypeSymbol, AttributeData, List<Diagnostic>, TModel?> parse,
        CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0 || !TypeTargetParser.AttributeAllows(type, context.Attributes[0]))
        {
            return new ParsedTarget<TModel>(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var notPartial = TypeTargetParser.CheckTarget(type, attributeMetadataName, cancellationToken);
        var found = new List<Diagnostic>();
        GeneratedMemberClashes.Check(type, attributeMetadataName, GeneratedMemberClashes.Fixed(type, attributeMetadataName), found, cancellationToken);
        var model = parse(type, context.Attributes[0], found);
        return Create(model, notPartial, found);
    }

    /// <summary>The same, for a parser that returns its model and diagnostics together.</summary>
    public static ParsedTarget<TModel> Parse(
        GeneratorAttributeSyntaxContext context,
        string attributeMetadataName,
        Func<INamedTypeSymbol, AttributeData, ParseResult<TModel>> parse,
        CancellationToken cancellationToken) =>
        Parse(context, attributeMetadataName, (type, attribute, found) =>
        {
            var parsed = parse(type, attribute);
            found.AddRange(parsed.Diagnostics);
            return parsed.Model;
        }, cancellationToken);

    /// <summary>
    /// The transform's result: <paramref name="notPartial"/> (HOT001, or null) first, then the capability's own
    /// <paramref name="found"/> diagnostics; a type with any mistake gets no model, so no code.
    /// </summary>
    public static ParsedTarget<TModel> Create(TModel? model, Diagnostic? notPartial, IReadOnlyList<Diagnostic> found)
    {
        if (notPartial is null && found.Count == 0)
        {
            return new ParsedTarget<TModel>(model, EquatableArray<DiagnosticInfo>.Empty);
        }

        var all = new List<Diagnostic>(found.Count + 1);
        if (notPartial is not null)
        {
            all.Add(notPartial);
        }

        all.AddRange(found);
        return new ParsedTarget<TModel>(null, DiagnosticInfo.From(all));
    }
}

/// <summary>
/// Reports the HOT0xx diagnostics of a generator's parsed targets, unless the build says the companion analyzers
/// report them (MSBuild property <c>HotpathGeneratorDiagnostics</c> = <c>analyzer</c>, set by the package's props).
/// </summary>
/// <remarks>
/// In a build the companion analyzers (<see cref="GeneratorDiagnosticsAnalyzer"/>) report at source locations,
/// where <c>#pragma</c>, <c>.editorconfig</c>, squiggles and the HOT001 code fix work; reporting here as well
/// would show every mistake twice. A generator run on its own (a <c>GeneratorDriver</c> in a test, a host
/// without the props) still tells the user what is wrong instead of silently generating nothing.
/// </remarks>
internal static class GeneratorDiagnostics
{
    /// <summary>The global analyzer-config key of the MSBuild property.</summary>
    public const string BuildPropertyKey = "build_property.HotpathGeneratorDiagnostics";

    /// <summary>Whether the generator reports its diagnostics itself: true unless the package's props leave them to the companion analyzer.</summary>
    public static IncrementalValueProvider<bool> ReportHere(IncrementalGeneratorInitializationContext context) =>
        context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            !(options.GlobalOptions.TryGetValue(BuildPropertyKey, out var value) && string.Equals(value.Trim(), "analyzer", StringComparison.OrdinalIgnoreCase)));

    public static void Register<TModel>(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParsedTarget<TModel>> targets, string trackingName)
        where TModel : class
    {
        var reportHere = ReportHere(context);
        var diagnostics = targets
            .Select(static (target, _) => target.Diagnostics)
            .Where(static diagnostics => !diagnostics.IsEmpty)
            .WithTrackingName(trackingName)
            .Combine(reportHere)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left);

        context.RegisterSourceOutput(diagnostics, static (output, found) =>
        {
            foreach (var diagnostic in found)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }
}
