using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Hotpath.Analyzers.Pooling;

/// <summary>
/// Leases no using disposes (<c>var lease = Pool&lt;T&gt;.Lease(out x)</c>): HOT303 when one is not disposed, HOT301 and
/// HOT302 around an explicit <c>lease.Dispose()</c>.
/// </summary>
public sealed partial class PoolMisuseAnalyzer
{
    /// <summary>HOT303's reason for a lease kept in a local that some path leaves undisposed.</summary>
    private const string LeaseSomePath = "on some path neither disposed nor handed on, so its object does not go back to the pool";

    /// <summary>HOT303's reason for a lease thrown away whose object is never returned nor handed on.</summary>
    private const string LeaseDiscarded = "the lease is discarded, so its object never goes back to the pool";

    /// <summary>
    /// HOT303 for the leases no using disposes: a lease is a rent whose release is disposing it (<c>lease.Dispose()</c>,
    /// <c>using (lease)</c>) or returning its object (<c>pool.Return(x)</c>), on every path, as for a rent. A lease
    /// handed on (returned, stored, passed, captured), or whose object is, is the receiver's business; a discarded lease
    /// leaves only its object, which must then be returned like a rented one.
    /// </summary>
    private static void ReportLeaseLeaks(OperationBlockAnalysisContext context, BodyFacts facts, PoolMethods pools)
    {
        foreach (var lease in facts.OpenLeases)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!LeasedObject(lease, out var item) || item is not null && HandedOn(facts, item, pools) ||
                TransparentParent(lease, out var child) is IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose && dispose.Instance == child)
            {
                continue; // the object is stored in a field or an out parameter, or handed on, or the lease disposed at once
            }

            if (IsDiscarded(lease))
            {
                var reason = item is null || facts.ReturnsBetween(item, 0, int.MaxValue).Count == 0
                    ? LeaseDiscarded
                    : lease.Syntax.FirstAncestorOrSelf<StatementSyntax>() is { } holder &&
                        !Flow.AlwaysReturnedAfter(holder, item, facts, inHeader: false, context.CancellationToken)
                        ? "the lease is discarded and on some path '" + item.Name + "' is neither returned nor handed on"
                        : null;
                if (reason is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, lease.Syntax.GetLocation(), lease.Syntax.ToString(), reason));
                }

                continue;
            }

            var (target, statement, onBranch, inExpression) = RentTarget(lease);
            if (target is not ILocalSymbol local || statement is null || HandedOn(facts, local, pools) ||
                facts.ReferencesTo(local).Any(static r => r.Parent is IUsingOperation))
            {
                continue; // handed straight on (an argument, a return value, a field), or disposed by `using (lease)`
            }

            var releases = Releases(facts, local, item);
            if (!onBranch && OverwriteBeforeReturn(lease, local, releases, pools) is { } overwrite)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, lease.Syntax.GetLocation(), local.Name,
                    "overwritten by '" + overwrite + "' before it was disposed or handed on"));
                continue;
            }

            if (onBranch ? releases.ReturnsBetween(local, 0, int.MaxValue).Count == 0
                    : !Flow.AlwaysReturnedAfter(statement, local, releases, inExpression, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RentLeak, lease.Syntax.GetLocation(), local.Name, LeaseSomePath));
            }
        }
    }

    /// <summary>
    /// HOT301 and HOT302 around an explicit <c>lease.Dispose()</c> of a lease no using disposes, which returns the
    /// object the lease handed out: a use of that object after it, a <c>Return</c> of it after it, or the Dispose after
    /// a <c>Return</c> of it (the lease still holds the object). Disposing the same lease again does nothing, and a
    /// write of the object's local or of the lease's local on the way ends the check.
    /// </summary>
    private static void ReportAroundLeaseDispose(OperationBlockAnalysisContext context, BodyFacts facts)
    {
        foreach (var lease in facts.OpenLeases)
        {
            if (!LeasedObject(lease, out var item) || item is null || RentTarget(lease) is not { Target: ILocalSymbol local })
            {
                continue;
            }

            var leaseEnd = lease.Syntax.Span.End;
            var leaseRenewed = facts.FirstWriteAfter(local, leaseEnd);
            foreach (var reference in facts.ReferencesBetween(local, leaseEnd, leaseRenewed))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (reference.Parent is not IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose || dispose.Instance != reference ||
                    facts.FirstWriteAfter(item, leaseEnd) < dispose.Syntax.SpanStart)
                {
                    continue;
                }

                // A Return of the object before the Dispose: the lease returns it again.
                foreach (var (_, returnCall, _) in facts.ReturnsBetween(item, leaseEnd, dispose.Syntax.SpanStart))
                {
                    if (Flow.Reaches(returnCall.Syntax, dispose.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, dispose.Syntax.GetLocation(), item.Name));
                        break;
                    }
                }

                var after = dispose.Syntax.Span.End;
                var until = Math.Min(facts.FirstWriteAfter(item, after), leaseRenewed);
                foreach (var (_, returnCall, _) in facts.ReturnsBetween(item, after, until))
                {
                    if (Flow.Reaches(dispose.Syntax, returnCall.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, returnCall.Syntax.GetLocation(), item.Name));
                    }
                }

                foreach (var use in facts.ReferencesBetween(item, after, until))
                {
                    if (IsUse(facts, use) && !Reassigned(facts, item, dispose.Syntax, use.Syntax) && Flow.Reaches(dispose.Syntax, use.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, use.Syntax.GetLocation(), item.Name,
                            "is used after its lease was disposed, which returned it to the pool"));
                        break; // the first use after each Dispose is enough
                    }
                }
            }
        }
    }

    /// <summary>
    /// The local a Lease call hands its object out to (null for <c>out _</c>); false when the object goes to a field,
    /// a parameter or anything else that outlives the method.
    /// </summary>
    private static bool LeasedObject(IInvocationOperation lease, out ILocalSymbol? item)
    {
        item = null;
        if (lease.Arguments.Length != 1)
        {
            return false;
        }

        switch (Unwrap(lease.Arguments[0].Value))
        {
            case IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared }:
                item = declared.Local;
                return true;
            case ILocalReferenceOperation reference:
                item = reference.Local;
                return true;
            case IDiscardOperation:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The facts of the body with the releases of the lease in <paramref name="lease"/> as its returns: each
    /// <c>lease.Dispose()</c>, and each return of the object it handed out to <paramref name="item"/>.
    /// </summary>
    private static BodyFacts Releases(BodyFacts facts, ILocalSymbol lease, ILocalSymbol? item)
    {
        var releases = new List<(IInvocationOperation Call, IOperation Returned)>();
        foreach (var reference in facts.ReferencesTo(lease))
        {
            if (reference.Parent is IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose && dispose.Instance == reference)
            {
                releases.Add((dispose, reference));
            }
        }

        if (item is not null)
        {
            foreach (var (_, call, returned) in facts.ReturnsBetween(item, 0, int.MaxValue))
            {
                releases.Add((call, returned));
            }
        }

        return facts.WithReleases(lease, releases);
    }
}
