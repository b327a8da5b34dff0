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
                DisposeOf(lease) is not null)
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
    /// HOT301 and HOT302 around a release of a lease no using of the Lease call disposes, which returns the object the
    /// lease handed out: an explicit <c>lease.Dispose()</c>, or the end of a <c>using (lease) { … }</c> statement, of the
    /// lease's local or of a copy of it (<c>var copy = lease; copy.Dispose();</c>). A use of that object after it, a
    /// <c>Return</c> of it after it, or the release after a <c>Return</c> of it (the lease still holds the object) is
    /// reported. Disposing the same lease again does nothing, and a write of the object's local or of the lease's local on
    /// the way ends the check.
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
            foreach (var release in LeaseReleases(facts, local, leaseEnd, leaseRenewed, copies: 0))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (facts.FirstWriteAfter(item, leaseEnd) < release.SpanStart)
                {
                    continue;
                }

                // A Return of the object before the release (or inside the using that releases it): the lease returns it again.
                var body = release is UsingStatementSyntax @using ? @using.Statement : null;
                foreach (var (_, returnCall, _) in facts.ReturnsBetween(item, leaseEnd, body?.Span.End ?? release.SpanStart))
                {
                    if (body?.Span.Contains(returnCall.Syntax.Span) == true || Flow.Reaches(returnCall.Syntax, release))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, ReleaseLocation(release), item.Name));
                        break;
                    }
                }

                var after = release.Span.End;
                var until = Math.Min(facts.FirstWriteAfter(item, after), leaseRenewed);
                foreach (var (_, returnCall, _) in facts.ReturnsBetween(item, after, until))
                {
                    if (Flow.Reaches(release, returnCall.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DoubleReturn, returnCall.Syntax.GetLocation(), item.Name));
                    }
                }

                foreach (var use in facts.ReferencesBetween(item, after, until))
                {
                    if (IsUse(facts, use) && !Reassigned(facts, item, release, use.Syntax) && Flow.Reaches(release, use.Syntax))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UseAfterReturn, use.Syntax.GetLocation(), item.Name,
                            "is used after its lease was disposed, which returned it to the pool"));
                        break; // the first use after each release is enough
                    }
                }
            }
        }
    }

    /// <summary>A Dispose call's location, or a using statement's header (<c>using (lease)</c>).</summary>
    private static Location ReleaseLocation(SyntaxNode release) => release is UsingStatementSyntax @using
        ? Location.Create(@using.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(@using.UsingKeyword.SpanStart, @using.CloseParenToken.Span.End))
        : release.GetLocation();

    /// <summary>
    /// Where the lease held by <paramref name="lease"/> is released between <paramref name="first"/> and
    /// <paramref name="last"/>: each <c>lease.Dispose()</c> call and <c>using (lease)</c> statement, also of a local
    /// copied from it (<c>var copy = lease;</c>, <c>copy = lease;</c>; a copy of a copy too, a few deep).
    /// </summary>
    private static IEnumerable<SyntaxNode> LeaseReleases(BodyFacts facts, ILocalSymbol lease, int first, int last, int copies)
    {
        foreach (var reference in facts.ReferencesBetween(lease, first, last))
        {
            if (DisposeOf(reference) is { } dispose)
            {
                yield return dispose.Syntax;
                continue;
            }

            ILocalSymbol? copy = null;
            switch (reference.Parent)
            {
                case IUsingOperation @using when @using.Resources == reference:
                    yield return @using.Syntax;
                    break;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var declared } }:
                    copy = declared;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation { Local: var assigned } } assignment when assignment.Value == reference:
                    copy = assigned;
                    break;
            }

            if (copy is not null && copies < 3 && !SymbolEqualityComparer.Default.Equals(copy, lease))
            {
                var copied = reference.Syntax.Span.End;
                foreach (var release in LeaseReleases(facts, copy, copied, Math.Min(facts.FirstWriteAfter(copy, copied), last), copies + 1))
                {
                    yield return release;
                }
            }
        }
    }

    /// <summary>
    /// The <c>Dispose()</c> call on <paramref name="lease"/> (a lease or a reference to its local), also through a
    /// conversion (<c>((IDisposable)lease).Dispose()</c>, whose boxed copy returns the same object); null for any other use.
    /// The one test of a lease's disposal: disposed at once, a release, a release of a copy.
    /// </summary>
    private static IInvocationOperation? DisposeOf(IOperation lease) =>
        TransparentParent(lease, out var child) is IInvocationOperation { TargetMethod.Name: "Dispose", Arguments.Length: 0 } dispose && dispose.Instance == child
            ? dispose
            : null;

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
            if (DisposeOf(reference) is { } dispose)
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
