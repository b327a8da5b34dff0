using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// HOT208: two locks taken in opposite orders anywhere in the compilation. Each method body is walked once
/// (concurrently) into a summary: the lock-order edges it creates directly (B acquired while A is held), the
/// locks it acquires, and the source methods it calls, noting which locks are held at each call. At
/// compilation end the summaries become one lock graph: a call made while holding A adds an edge A -> L for
/// every lock L the callee acquires, directly or through its own calls. Every edge whose reverse edge also
/// exists is reported, at its own site, naming the opposite site. Locks are identified by field (per
/// declaration, like the lock classes of kernel lock checkers), by <c>typeof(T)</c>, or by <c>this</c> of a
/// type; locals and parameters have no compilation-wide identity and are ignored.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LockOrderInversion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var graph = new LockGraph(LockSymbols.Create(start.Compilation));
            start.RegisterOperationBlockAction(graph.AddBody);
            start.RegisterCompilationEndAction(graph.Report);
        });
    }

    private readonly struct LockId
    {
        public LockId(string key, string display)
        {
            Key = key;
            Display = display;
        }

        public string Key { get; }
        public string Display { get; }
    }

    private sealed class Edge
    {
        public Edge(LockId from, LockId to, Location site, string? via)
        {
            From = from;
            To = to;
            Site = site;
            Via = via;
        }

        public LockId From { get; }
        public LockId To { get; }
        public Location Site { get; }
        public string? Via { get; }
    }

    private sealed class Call
    {
        public Call(ImmutableArray<LockId> held, IMethodSymbol callee, Location site)
        {
            Held = held;
            Callee = callee;
            Site = site;
        }

        public ImmutableArray<LockId> Held { get; }
        public IMethodSymbol Callee { get; }
        public Location Site { get; }
    }

    private sealed class Summary
    {
        public Dictionary<string, LockId> Acquired { get; } = new(StringComparer.Ordinal);
        public HashSet<IMethodSymbol> Callees { get; } = new(SymbolEqualityComparer.Default);
    }

    private sealed class LockGraph
    {
        private readonly LockSymbols _symbols;
        private readonly ConcurrentQueue<Edge> _edges = new();
        private readonly ConcurrentQueue<Call> _calls = new();
        private readonly ConcurrentDictionary<IMethodSymbol, Summary> _summaries = new(SymbolEqualityComparer.Default);

        public LockGraph(LockSymbols symbols) => _symbols = symbols;

        public void AddBody(OperationBlockAnalysisContext context)
        {
            if (context.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            var summary = new Summary();
            var walker = new Walker(this, summary);
            foreach (var block in context.OperationBlocks)
            {
                walker.Walk(block, context.CancellationToken);
            }

            if (summary.Acquired.Count > 0 || summary.Callees.Count > 0)
            {
                _summaries[method.OriginalDefinition] = summary;
            }
        }

        public void Report(CompilationAnalysisContext context)
        {
            var edges = new List<Edge>(_edges);
            if (edges.Count == 0 && _calls.IsEmpty)
            {
                return; // no lock is ever taken while another is held: nothing can invert
            }

            var closure = new Dictionary<IMethodSymbol, Dictionary<string, LockId>>(SymbolEqualityComparer.Default);
            foreach (var call in _calls)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                foreach (var acquired in Acquires(call.Callee, closure, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)).Values)
                {
                    foreach (var held in call.Held)
                    {
                        if (held.Key != acquired.Key)
                        {
                            edges.Add(new Edge(held, acquired, call.Site, call.Callee.Name));
                        }
                    }
                }
            }

            var byPair = new Dictionary<(string, string), List<Edge>>();
            foreach (var edge in edges)
            {
                var pair = (edge.From.Key, edge.To.Key);
                if (!byPair.TryGetValue(pair, out var list))
                {
                    byPair[pair] = list = new List<Edge>();
                }

                list.Add(edge);
            }

            foreach (var list in byPair.Values)
            {
                list.Sort(static (a, b) => CompareLocations(a.Site, b.Site));
            }

            foreach (var entry in byPair)
            {
                if (!byPair.TryGetValue((entry.Key.Item2, entry.Key.Item1), out var opposite))
                {
                    continue;
                }

                var other = opposite[0].Site;
                var reported = new HashSet<(Location, string?)>();
                foreach (var edge in entry.Value)
                {
                    // A loop's body is walked for a second round (for (…) { Enter(a[i]); Enter(b[i]); } takes b[0] before a[1]),
                    // which adds the first round's edges again: one diagnostic a site.
                    if (!reported.Add((edge.Site, edge.Via)))
                    {
                        continue;
                    }

                    var taken = edge.Via is null ? $"'{edge.To.Display}'" : $"'{edge.To.Display}' (through the call to '{edge.Via}')";
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LockOrderInversion, edge.Site,
                        new[] { other }, taken, $"'{edge.From.Display}'", Describe(other)));
                }
            }
        }

        /// <summary>Every lock a method acquires, directly or through the source methods it calls.</summary>
        private Dictionary<string, LockId> Acquires(IMethodSymbol method, Dictionary<IMethodSymbol, Dictionary<string, LockId>> memo, HashSet<IMethodSymbol> visiting)
        {
            method = method.OriginalDefinition;
            if (memo.TryGetValue(method, out var known))
            {
                return known;
            }

            var result = new Dictionary<string, LockId>(StringComparer.Ordinal);
            if (!_summaries.TryGetValue(method, out var summary) || !visiting.Add(method))
            {
                return result; // not source, or recursion: the cycle's locks are gathered by its first member
            }

            foreach (var pair in summary.Acquired)
            {
                result[pair.Key] = pair.Value;
            }

            foreach (var callee in summary.Callees)
            {
                foreach (var pair in Acquires(callee, memo, visiting))
                {
                    result[pair.Key] = pair.Value;
                }
            }

            visiting.Remove(method);
            memo[method] = result;
            return result;
        }

        private static int CompareLocations(Location a, Location b)
        {
            var byPath = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return byPath != 0 ? byPath : a.SourceSpan.Start.CompareTo(b.SourceSpan.Start);
        }

        private static string Describe(Location location)
        {
            var span = location.GetLineSpan();
            var path = span.Path ?? "";
            var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            var file = slash >= 0 ? path.Substring(slash + 1) : path;
            return $"{file}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
        }

        private LockId? ElementOf(IOperation collection) =>
            LockOperations.Unwrap(collection) is IFieldReferenceOperation && Identify(collection) is { } whole
                ? new LockId("E:" + whole.Key, "an element of " + whole.Display)
                : null;

        public LockId? Identify(IOperation target)
        {
            if (LockOperations.LoopElement(target) is { Collection: var elements })
            {
                // A foreach variable over a field's collection, or its element at a for loop's variable: one lock class, the
                // field's elements (two of them taken together are one class, so never an inversion of each other).
                return ElementOf(elements);
            }

            switch (LockOperations.Unwrap(target))
            {
                case IFieldReferenceOperation { Field: var field }:
                    var original = field.OriginalDefinition;
                    return new LockId("F:" + original.ToDisplayString(), original.ContainingType.Name + "." + original.Name);
                case ITypeOfOperation { TypeOperand: var type }:
                    return new LockId("T:" + type.ToDisplayString(), $"typeof({type.Name})");
                case IInstanceReferenceOperation { Type: { } type }:
                    return new LockId("this:" + type.OriginalDefinition.ToDisplayString(), $"this ({type.Name})");
                case IArrayElementReferenceOperation { ArrayReference: var array }:
                    // An element of a field's array at any index: the same class.
                    return ElementOf(array);
                case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list }:
                    // An element of a field's list at any index (_stripes[0]): the same class as at a for loop's variable.
                    return ElementOf(list);
                default:
                    return null;
            }
        }

        private sealed class Walker : LockRegionWalker
        {
            private readonly LockGraph _graph;
            private readonly Summary _summary;

            public Walker(LockGraph graph, Summary summary)
                : base(graph._symbols)
            {
                _graph = graph;
                _summary = summary;
            }

            protected override void OnAcquire(IOperation target, IOperation site, ImmutableStack<HeldLock> held)
            {
                // A try-acquire that gives up (if (Monitor.TryEnter(a)) under b) cannot wait for good, so it orders nothing,
                // as lockdep ignores trylocks: taking a lock out of order that way is how code avoids the deadlock.
                if (InNestedFunction || _graph.Identify(target) is not { } acquired ||
                    (site is IInvocationOperation invocation && LockOperations.TryGetAcquisition(invocation, Symbols, out var acquisition) && LockOperations.GivesUp(acquisition)))
                {
                    return;
                }

                _summary.Acquired[acquired.Key] = acquired;
                foreach (var item in held)
                {
                    if (_graph.Identify(item.Target) is { } outer && outer.Key != acquired.Key)
                    {
                        _graph._edges.Enqueue(new Edge(outer, acquired, LockOperations.HeaderLocation(site), null));
                    }
                }
            }

            protected override void OnOperation(IOperation operation, ImmutableStack<HeldLock> held)
            {
                if (InNestedFunction || operation is not IInvocationOperation { TargetMethod: var callee } invocation ||
                    callee.MethodKind == MethodKind.DelegateInvoke || !IsSource(callee) ||
                    LockOperations.TryGetAcquisition(invocation, Symbols, out _))
                {
                    return;
                }

                _summary.Callees.Add(callee.OriginalDefinition);
                if (held.IsEmpty)
                {
                    return;
                }

                var ids = ImmutableArray.CreateBuilder<LockId>();
                foreach (var item in held)
                {
                    if (_graph.Identify(item.Target) is { } id)
                    {
                        ids.Add(id);
                    }
                }

                if (ids.Count > 0)
                {
                    _graph._calls.Enqueue(new Call(ids.ToImmutable(), callee.OriginalDefinition, invocation.Syntax.GetLocation()));
                }
            }

            private static bool IsSource(IMethodSymbol method)
            {
                foreach (var location in method.OriginalDefinition.Locations)
                {
                    if (location.IsInSource)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}
