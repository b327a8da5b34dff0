using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Base of the companion analyzers that report a generator's HOT0xx diagnostics in a build. The generator and
/// its analyzer share one parser: the generator emits code for valid models only, the analyzer reports what the
/// parser found with real source locations, so <c>#pragma</c>, <c>.editorconfig</c>, IDE squiggles and the
/// HOT001 code fix all work. (Run without the package's props, the generator reports the same diagnostics
/// itself: see <see cref="GeneratorDiagnostics"/>.)
/// </summary>
public abstract class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Metadata name of the attribute this analyzer's generator handles.</summary>
    private protected abstract string AttributeMetadataName { get; }

    /// <summary>Diagnostics beyond HOT001 this analyzer can report.</summary>
    private protected virtual ImmutableArray<DiagnosticDescriptor> CapabilityDiagnostics => ImmutableArray<DiagnosticDescriptor>.Empty;

    /// <inheritdoc />
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics =>
        CapabilityDiagnostics.Insert(0, DiagnosticDescriptors.NotPartial);

    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        // Generated code is analyzed but never reported on: the generators see attributed types declared there, so
        // checks that span every target (the cache key-name check) must see them too.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(AttributeMetadataName);
            if (attributeType is null)
            {
                return; // Hotpath.dll not referenced: nothing to check.
            }

            var state = CreateCompilationState(start.Compilation);
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, attributeType, state), SymbolKind.NamedType);
            if (state is not null)
            {
                start.RegisterCompilationEndAction(end => AnalyzeCompilationEnd(state, end.Compilation, attributeType, end.ReportDiagnostic, end.CancellationToken));
            }
        });
    }

    /// <summary>
    /// For a capability whose checks span its attributed types: called once per analysis of a compilation that
    /// references the attribute; what it returns reaches every <see cref="AnalyzeTarget"/> of that analysis, to gather the targets in, then <see cref="AnalyzeCompilationEnd"/>. The default returns null (no end action).
    /// </summary>
    private protected virtual object? CreateCompilationState(Compilation compilation) => null;

    /// <summary>At the end of the compilation, with what <see cref="CreateCompilationState"/> returned (not null). The default reports nothing.</summary>
    private protected virtual void AnalyzeCompilationEnd(object compilationState, Compilation compilation, INamedTypeSymbol attributeType, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
    }

    /// <summary>
    /// Reports the capability's own diagnostics for an attributed type (also when HOT001 was reported, so the user
    /// sees every mistake at once); <paramref name="compilationState"/> is what <see cref="CreateCompilationState"/>
    /// returned. The default reports nothing.
    /// </summary>
    private protected virtual void AnalyzeTarget(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, object? compilationState, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
    }

    /// <summary>
    /// Called for every type of a compilation that references the attribute, attributed or not (a value type the
    /// capability reads may be declared in an assembly without one of its targets). The default reports nothing.
    /// </summary>
    private protected virtual void AnalyzeAnyType(INamedTypeSymbol type, Compilation compilation, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
    }

    private void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attributeType, object? compilationState)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AnalyzeAnyType(type, context.Compilation, context.ReportDiagnostic, context.CancellationToken);
        AttributeData? attribute = null;
        foreach (var candidate in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.AttributeClass, attributeType))
            {
                attribute = candidate;
                break;
            }
        }

        if (attribute is null || !TypeTargetParser.AttributeAllows(type, attribute))
        {
            return; // not attributed, or the compiler's CS0592 says all there is to say
        }

        var notPartial = TypeTargetParser.CheckTarget(type, AttributeMetadataName, context.CancellationToken);
        if (notPartial is not null)
        {
            context.ReportDiagnostic(notPartial);
        }

        var clashes = new List<Diagnostic>();
        GeneratedMemberClashes.Check(type, AttributeMetadataName, GeneratedMemberClashes.Fixed(type, AttributeMetadataName), clashes, context.CancellationToken);
        foreach (var clash in clashes)
        {
            context.ReportDiagnostic(clash);
        }

        // Capability checks run even on non-partial types, so the user sees every mistake at once.
        AnalyzeTarget(type, attribute, context.Compilation, compilationState, context.ReportDiagnostic, context.CancellationToken);
    }
}
