using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// What a capability's parser found for one attributed type: the model when the type is valid, and the diagnostics
/// it found otherwise (HOT001 is checked separately, by <see cref="TypeTargetParser.CheckTarget"/>).
/// </summary>
/// <typeparam name="TModel">The capability's model record.</typeparam>
internal readonly struct ParseResult<TModel>
    where TModel : class
{
    public ParseResult(TModel? model, ImmutableArray<Diagnostic> diagnostics)
    {
        Model = model;
        Diagnostics = diagnostics;
    }

    /// <summary>The model, or null when the type has any error (the generator then emits nothing).</summary>
    public TModel? Model { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }
}
