namespace Hotpath.Generators.Shared;

/// <summary>Metadata names of the attributes the generators look for (defined in Hotpath.dll).</summary>
internal static class AttributeNames
{
    public const string Pooled = "Hotpath.PooledAttribute";
    public const string NoReset = "Hotpath.NoResetAttribute";

    public const string Columnar = "Hotpath.ColumnarAttribute";
    public const string DeltaOfDelta = "Hotpath.DeltaOfDeltaAttribute";
    public const string Dictionary = "Hotpath.DictionaryAttribute";
    public const string Quantize = "Hotpath.QuantizeAttribute";
    public const string RunLength = "Hotpath.RunLengthAttribute";

    public const string BatchReducer = "Hotpath.BatchReducerAttribute";
    public const string GroupKey = "Hotpath.GroupKeyAttribute";
    public const string Window = "Hotpath.WindowAttribute";
    public const string Count = "Hotpath.CountAttribute";
    public const string Sum = "Hotpath.SumAttribute";
    public const string Min = "Hotpath.MinAttribute";
    public const string Max = "Hotpath.MaxAttribute";
    public const string Mean = "Hotpath.MeanAttribute";
    public const string First = "Hotpath.FirstAttribute";
    public const string Last = "Hotpath.LastAttribute";

    public const string ShardedCache = "Hotpath.ShardedCacheAttribute";
    public const string CacheKey = "Hotpath.CacheKeyAttribute";

    /// <summary>Short name as a user writes it, for messages: "Hotpath.PooledAttribute" → "Pooled".</summary>
    public static string ShortName(string metadataName)
    {
        var start = metadataName.LastIndexOf('.') + 1;
        var name = metadataName.Substring(start);
        return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }
}
