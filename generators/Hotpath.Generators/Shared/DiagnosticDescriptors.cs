using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Hotpath.Generators.Shared;

/// <summary>
/// Every diagnostic the generators and their companion analyzers report (HOT0xx: user mistakes in attributed types).
/// Ids are stable; new rules take new numbers. Each has a page docs/rules/ID.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Hotpath.Usage";
    private const string HelpLinkBase = "https://github.com/hotpath-dev/hotpath/blob/main/docs/rules/";

    /// <summary>
    /// The diagnostic property that says why HOT001 was reported; only <see cref="NotPartialReason"/> is repaired by the
    /// make-partial code fix (Hotpath.CodeFixes, which repeats these two strings).
    /// </summary>
    public const string ReasonProperty = "Reason";

    /// <summary>The <see cref="ReasonProperty"/> value of a HOT001 about a missing <c>partial</c>.</summary>
    public const string NotPartialReason = "NotPartial";

    /// <summary>The properties of a HOT001 about a missing <c>partial</c>.</summary>
    public static readonly ImmutableDictionary<string, string?> NotPartialProperties =
        ImmutableDictionary<string, string?>.Empty.Add(ReasonProperty, NotPartialReason);

    /// <summary>
    /// The <see cref="ReasonProperty"/> value of a HOT003 or HOT006 about a role on a backing field other assemblies cannot
    /// see (<see cref="CacheKeyOnHiddenBackingField"/>, <see cref="NoResetOnHiddenBackingField"/>): the mark-property code
    /// fix (Hotpath.CodeFixes, which repeats the string) moves the attribute to the property.
    /// </summary>
    public const string HiddenBackingFieldReason = "HiddenBackingField";

    /// <summary>The properties of a HOT003 or HOT006 about a role on a backing field other assemblies cannot see.</summary>
    public static readonly ImmutableDictionary<string, string?> HiddenBackingFieldProperties =
        ImmutableDictionary<string, string?>.Empty.Add(ReasonProperty, HiddenBackingFieldReason);

    /// <summary>
    /// HOT001: the generated members cannot be added to the type. {2} is the reason: it (or a containing type) is not
    /// partial, is file-local, or has the name of a member the generator adds.
    /// </summary>
    public static readonly DiagnosticDescriptor NotPartial = Create(
        "HOT001",
        "Type with a Hotpath generator attribute must be partial and able to take the generated members",
        "'{0}' is marked [{1}] but {2}");

    /// <summary>HOT002: {0} is <c>Member 'Name' of type 'T'</c>, or <c>'Row'</c> for a problem with the whole type.</summary>
    public static readonly DiagnosticDescriptor UnsupportedColumnarMember = Create(
        "HOT002",
        "Columnar member type or encoding is not supported",
        "{0} cannot be encoded by [Columnar]: {1}");

    public static readonly DiagnosticDescriptor MissingCacheKey = Create(
        "HOT003",
        "ShardedCache value type has no usable [CacheKey] member, or the cache cannot be generated for it",
        "'{0}' is the value type of [ShardedCache] on '{1}' but {2}");

    /// <summary>
    /// HOT003 as the cache analyzer reports it at the end of a compilation (a key-name collision between caches, decided
    /// over every cache it met): the same rule, tagged <see cref="WellKnownDiagnosticTags.CompilationEnd"/>, without which
    /// an IDE never shows a diagnostic reported from a compilation-end action (RS1037). Only that report uses it.
    /// </summary>
    public static readonly DiagnosticDescriptor MissingCacheKeyAtCompilationEnd = Create(
        "HOT003",
        "ShardedCache value type has no usable [CacheKey] member, or the cache cannot be generated for it",
        "'{0}' is the value type of [ShardedCache] on '{1}' but {2}",
        WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>
    /// HOT003 in the assembly that declares a value type: {0} the type, visible to other assemblies, {1} the property whose
    /// backing field has the <c>[field: CacheKey]</c>, {2} how to mark the property instead. Another assembly caching the
    /// type cannot see that attribute (<see cref="HiddenBackingFieldRoles"/>), and a key that lacks its highest part
    /// cannot be told wrong there (values collide); marking the property costs nothing, so an error like every HOT0xx
    /// (the code fix drops <c>field:</c>). A type no other assembly can see is not reported.
    /// </summary>
    public static readonly DiagnosticDescriptor CacheKeyOnHiddenBackingField = Create(
        "HOT003",
        "[field: CacheKey] on a type other assemblies can see is on a backing field they cannot see",
        "'{0}' can be cached by other assemblies but its [field: CacheKey] on '{1}' is on the backing field, which they do not import: their caches would leave that part out of the key; write {2}");

    public static readonly DiagnosticDescriptor InvalidReducerInput = Create(
        "HOT004",
        "BatchReducer attribute names a missing or incompatible input type or member, or the struct has state its partials never get",
        "{0} of '{1}': {2}");

    public static readonly DiagnosticDescriptor NoParameterlessConstructor = Create(
        "HOT005",
        "Pooled type has no accessible parameterless constructor",
        "'{0}' is marked [Pooled] but has no parameterless constructor the pool can call{1}");

    /// <summary>
    /// HOT006: {0} is <c>Member 'Name'</c> or <c>Primary-constructor parameter 'name'</c>, {2} the reason and the remedy
    /// (a parameter cannot be marked [NoReset]).
    /// </summary>
    public static readonly DiagnosticDescriptor MemberCannotBeReset = Create(
        "HOT006",
        "Pooled member cannot be reset",
        "{0} of '{1}' cannot be reset: {2}");

    /// <summary>
    /// HOT006 in the assembly that declares an overridable auto-property with <c>[field: NoReset]</c>: {0} the type, {1}
    /// the property, {2} how to mark the property instead. A [Pooled] type in another assembly that overrides the
    /// property cannot see that attribute (<see cref="HiddenBackingFieldRoles"/>) and resets the override without a
    /// word; an error like every HOT0xx (the code fix drops <c>field:</c>).
    /// </summary>
    public static readonly DiagnosticDescriptor NoResetOnHiddenBackingField = Create(
        "HOT006",
        "[field: NoReset] on a property other assemblies can override is on a backing field they cannot see",
        "'{1}' of '{0}' can be overridden in other assemblies but its [field: NoReset] is on the backing field, which they do not import: a [Pooled] type there overriding '{1}' would reset it; write {2}");

    public static readonly DiagnosticDescriptor ArgumentOutOfRange = Create(
        "HOT007",
        "Attribute argument is out of range",
        "[{0}] argument '{1}' is {2}: {3}");

    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    /// <summary>The descriptor with <paramref name="id"/> (generators report parsed diagnostics by id).</summary>
    public static DiagnosticDescriptor ById(string id) => id switch
    {
        "HOT001" => NotPartial,
        "HOT002" => UnsupportedColumnarMember,
        "HOT003" => MissingCacheKey,
        "HOT004" => InvalidReducerInput,
        "HOT005" => NoParameterlessConstructor,
        "HOT006" => MemberCannotBeReset,
        "HOT007" => ArgumentOutOfRange,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Not a generator diagnostic."),
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, params string[] customTags) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id), customTags: customTags);
}
