using Hotpath;

Console.WriteLine($"Hotpath quickstart: attributes from {typeof(PooledAttribute).Assembly.GetName().Name}");

[HotPath]
internal static partial class Hot
{
}
