namespace Hotpath.Generators.Shared;

/// <summary>
/// Names of the incremental pipeline steps, so tests can assert each step's run reason
/// (Cached/Unchanged after an unrelated edit, Modified after a relevant one, New for a new type).
/// </summary>
internal static class TrackingNames
{
    public const string PooledModels = "Pooled.Models";
    public const string PooledValidModels = "Pooled.ValidModels";
    public const string PooledDiagnostics = "Pooled.Diagnostics";
    public const string PooledHintClashes = "Pooled.HintClashes";

    public const string ColumnarModels = "Columnar.Models";
    public const string ColumnarValidModels = "Columnar.ValidModels";
    public const string ColumnarDiagnostics = "Columnar.Diagnostics";
    public const string ColumnarHintClashes = "Columnar.HintClashes";

    public const string BatchReducerModels = "BatchReducer.Models";
    public const string BatchReducerValidModels = "BatchReducer.ValidModels";
    public const string BatchReducerDiagnostics = "BatchReducer.Diagnostics";
    public const string BatchReducerHintClashes = "BatchReducer.HintClashes";

    public const string ShardedCacheModels = "ShardedCache.Models";
    public const string ShardedCacheValidModels = "ShardedCache.ValidModels";
    public const string ShardedCacheDiagnostics = "ShardedCache.Diagnostics";
    public const string ShardedCacheHintClashes = "ShardedCache.HintClashes";
}
