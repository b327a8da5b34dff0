using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Generators.Caching;

/// <summary>Reports mistakes in [ShardedCache] types (HOT001 and this capability's own rules) at their source locations.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShardedCacheDiagnosticsAnalyzer : GeneratorDiagnosticsAnalyzer
{
    private protected override string AttributeMetadataName => AttributeNames.ShardedCache;
}
