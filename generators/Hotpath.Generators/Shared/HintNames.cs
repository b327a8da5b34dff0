using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Hint names that stay unique under Roslyn's rule: it compares them ignoring case (file systems do), so
/// <c>App.IO.Foo</c> and <c>App.Io.Foo</c>, both legal types, would make the driver throw and drop every file of
/// the generator. Only stems with such a twin get a suffix, so ordinary hint names stay as they are.
/// </summary>
internal static class HintNames
{
    /// <summary>
    /// Pairs each model with its hint-name stem, made unique ignoring case. The clash check sees every stem (one
    /// collected step); each model's pair still caches on its own, since the set of clashes rarely changes.
    /// </summary>
    public static IncrementalValuesProvider<(TModel Model, string Stem)> Unique<TModel>(
        IncrementalValuesProvider<TModel> models, Func<TModel, string> stemOf, string trackingName)
    {
        var clashes = models
            .Select((model, _) => stemOf(model))
            .Collect()
            .Select(static (stems, _) => Clashing(stems))
            .WithTrackingName(trackingName);

        return models
            .Combine(clashes)
            .Select((pair, _) => (pair.Left, Disambiguate(stemOf(pair.Left), pair.Right)));
    }

    /// <summary><paramref name="stem"/>, with a stable suffix when it is one of the <paramref name="clashing"/> stems.</summary>
    public static string Disambiguate(string stem, EquatableArray<string> clashing) =>
        !clashing.IsEmpty && clashing.Contains(stem) ? stem + "." + StableHash(stem) : stem;

    /// <summary>The stems that equal another, different stem when case is ignored (sorted, so the step caches).</summary>
    public static EquatableArray<string> Clashing(IEnumerable<string> stems) =>
        stems.Distinct(StringComparer.Ordinal)
            .GroupBy(static stem => stem, StringComparer.OrdinalIgnoreCase)
            .Where(static group => group.Skip(1).Any())
            .SelectMany(static group => group)
            .OrderBy(static stem => stem, StringComparer.Ordinal)
            .ToEquatableArray();

    /// <summary>FNV-1a over the exact stem: the same on every build and machine (string.GetHashCode is randomized).</summary>
    private static string StableHash(string stem)
    {
        var hash = 2166136261u;
        foreach (var c in stem)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
