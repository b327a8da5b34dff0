using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers;

/// <summary>
/// Every diagnostic of the Hotpath analyzers. Ids are stable; new rules take new numbers.
/// Each rule has a page docs/rules/ID.md, linked from its help link.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string PerformanceCategory = "Hotpath.Performance";
    public const string ConcurrencyCategory = "Hotpath.Concurrency";
    public const string ReliabilityCategory = "Hotpath.Reliability";
    private const string HelpLinkBase = "https://github.com/hotpath-dev/hotpath/blob/main/docs/rules/";

    // HOT1xx: heap allocations on code marked [HotPath].
    public static readonly DiagnosticDescriptor ObjectAllocation = Create("HOT101", PerformanceCategory,
        "Reference-type allocation on a hot path",
        "{0} allocates on the heap on a hot path{1}");

    public static readonly DiagnosticDescriptor ArrayAllocation = Create("HOT102", PerformanceCategory,
        "Array allocation on a hot path",
        "{0} allocates on a hot path{1}");

    public static readonly DiagnosticDescriptor Boxing = Create("HOT103", PerformanceCategory,
        "Boxing on a hot path",
        "{0} is boxed {1} on a hot path{2}");

    public static readonly DiagnosticDescriptor Closure = Create("HOT104", PerformanceCategory,
        "Closure allocation on a hot path",
        "The {0} captures {1}: {2}{3}");

    public static readonly DiagnosticDescriptor DelegateAllocation = Create("HOT105", PerformanceCategory,
        "Delegate allocation on a hot path",
        "{0} on a hot path{1}");

    public static readonly DiagnosticDescriptor StringBuilding = Create("HOT106", PerformanceCategory,
        "String concatenation or interpolation on a hot path",
        "{0} builds a new string on a hot path{1}");

    public static readonly DiagnosticDescriptor Linq = Create("HOT107", PerformanceCategory,
        "LINQ on a hot path",
        "LINQ operator '{0}' allocates iterators and delegates on a hot path{1}");

    public static readonly DiagnosticDescriptor InterfaceEnumeration = Create("HOT108", PerformanceCategory,
        "foreach through an interface on a hot path",
        "foreach over '{0}' allocates {1} on a hot path{2}");

    public static readonly DiagnosticDescriptor StateMachine = Create("HOT109", PerformanceCategory,
        "Async method or iterator on a hot path",
        "{0} allocates a state machine on a hot path{1}");

    public static readonly DiagnosticDescriptor AllocatingApi = Create("HOT110", PerformanceCategory,
        "Call to a known-allocating API on a hot path",
        "'{0}' allocates on a hot path{1}{2}");

    public static readonly DiagnosticDescriptor AllocatingCallee = Create("HOT111", PerformanceCategory,
        "Call into a method that allocates",
        "'{0}' is called on a hot path and allocates: {1}", DiagnosticSeverity.Info);

    // HOT2xx: lock misuse (all code; HOT210 only [HotPath] code).
    public static readonly DiagnosticDescriptor WeakIdentityLock = Create("HOT201", ConcurrencyCategory,
        "Lock on a weak-identity object",
        "Locking on {0}; lock on a private readonly object instead");

    public static readonly DiagnosticDescriptor NonReadonlyLock = Create("HOT202", ConcurrencyCategory,
        "Lock on a field that is not readonly",
        "{0}: two threads may hold different locks");

    public static readonly DiagnosticDescriptor PublicLock = Create("HOT203", ConcurrencyCategory,
        "Lock on a publicly accessible object",
        "Locking on {0}, which code outside the type can reach and lock too");

    public static readonly DiagnosticDescriptor UnguardedLockRelease = Create("HOT204", ConcurrencyCategory,
        "Lock acquired without guaranteed release",
        "{0} is acquired without a guaranteed release: {1}");

    public static readonly DiagnosticDescriptor UseInterlocked = Create("HOT205", ConcurrencyCategory,
        "Lock only updates one numeric field",
        "This lock only updates '{0}': use Interlocked.{1}");

    public static readonly DiagnosticDescriptor SpinLockCopy = Create("HOT206", ConcurrencyCategory,
        "SpinLock stored readonly, passed by value or copied",
        "SpinLock {0}");

    public static readonly DiagnosticDescriptor BlockingUnderLock = Create("HOT207", ConcurrencyCategory,
        "Blocking while holding a lock",
        "{0} while holding a lock: {1}");

    // Reported at compilation end (the lock graph spans the whole compilation), hence the CompilationEnd tag.
    public static readonly DiagnosticDescriptor LockOrderInversion = new("HOT208",
        "Locks taken in opposite orders",
        "{0} is taken while holding {1} here, but in the opposite order at {2}: deadlock risk",
        ConcurrencyCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink("HOT208"),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor DoubleCheckedLocking = Create("HOT209", ConcurrencyCategory,
        "Double-checked locking on a non-volatile field",
        "Double-checked locking reads {0} without a volatile read: another thread may see a partly built object; {1}");

    public static readonly DiagnosticDescriptor LockOnHotPath = Create("HOT210", ConcurrencyCategory,
        "Lock on a hot path",
        "Lock acquired on a hot path{0}", DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor LockOnBoxedValue = Create("HOT211", ConcurrencyCategory,
        "Lock on a boxed value type",
        "Locking on '{0}' boxes a fresh object each time: the lock excludes nobody");

    // HOT3xx: pool misuse.
    public static readonly DiagnosticDescriptor UseAfterReturn = Create("HOT301", ReliabilityCategory,
        "Pooled object used after it was returned",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor DoubleReturn = Create("HOT302", ReliabilityCategory,
        "Pooled object returned twice",
        "'{0}' is returned to the pool a second time");

    public static readonly DiagnosticDescriptor RentLeak = Create("HOT303", ReliabilityCategory,
        "Rented object neither returned nor handed on",
        "'{0}' is rented but {1}");

    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    private static DiagnosticDescriptor Create(string id, string category, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Warning) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
