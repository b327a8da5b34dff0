using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Pooling;

/// <summary>Reports mistakes in [Pooled] types (HOT001 and this capability's own rules) at their source locations.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PooledDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.Pooled;
}
