using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hotpath.CodeFixes.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace Hotpath.CodeFixes.Locks;

/// <summary>
/// HOT201/HOT203: introduces a private readonly lock object in the containing type and locks on it instead.
/// The field is a <c>System.Threading.Lock</c> when the compilation has that type and the language version
/// gives the <c>lock</c> statement its semantics (C# 13), otherwise an <c>object</c>; <c>Monitor</c> calls
/// always get an <c>object</c> (a <c>Lock</c> converted to object is only a plain monitor). The fix rewrites every
/// site of the type that locks the same object, so each object the type locks gets one lock object of its own. A
/// parameter (the caller chose the lock) or another object's member (its other lockers could not share the new one)
/// gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IntroduceLockObjectCodeFixProvider)), Shared]
public sealed class IntroduceLockObjectCodeFixProvider : CodeFixProvider
{
    private const string Title = "Lock on a private readonly lock object";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HOT201", "HOT203");

    /// <inheritdoc />
    /// <remarks>
    /// One fix after another across documents: a fix rewrites the sites of every part of the type, so a site fixed by an
    /// earlier one (in this document or another) is skipped, and each object gets one field of its own.
    /// </remarks>
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.CreateAcrossDocuments(Plan, SequentialFixAll.Innermost);

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context) =>
        SequentialFixAll.RegisterAcrossDocumentsAsync(context, Title, Plan, SequentialFixAll.Innermost);

    /// <summary>Fix All's step for one site: the same change as the single fix, other files of the type included.</summary>
    private static Func<CancellationToken, Task<Solution>>? Plan(Document document, SyntaxNode node, SemanticModel model, CancellationToken cancellationToken) =>
        Prepare(node, model, cancellationToken) is { } change
            ? ct => Task.FromResult(Apply(document.Project.Solution, change, ct))
            : null;

    /// <summary>What the fix does for the lock target <paramref name="node"/>: every lock object expression it rewrites, the field's name and kind.</summary>
    private sealed record Change(TypeDeclarationSyntax Type, IReadOnlyList<ExpressionSyntax> Targets, string Name, string FieldType, bool IsStatic);

    /// <summary>The fix for the lock target <paramref name="node"/>; null for a parameter (the caller chose the lock), another object's member, or no site.</summary>
    private static Change? Prepare(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax target ||
            model.GetSymbolInfo(target, cancellationToken).Symbol is IParameterSymbol { IsThis: false })
        {
            return null;
        }

        var site = Site(target);
        var type = target.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (site is null || type is null || type is InterfaceDeclarationSyntax ||
            model.GetDeclaredSymbol(type, cancellationToken) is not { } typeSymbol)
        {
            return null;
        }

        // An object the type's code does not name as its own (another object's member, a call's result): every instance,
        // and other types, that reach it lock it too, and this type's lock object could not stand in for it there.
        if (KeyOf(target, model, cancellationToken) is not { } key)
        {
            return null;
        }

        if (Sites(target, key, typeSymbol, model, cancellationToken) is not { } targets)
        {
            return null; // other types' sites cannot reach the new private lock object, and would stop excluding the rewritten ones
        }

        // One lock object for all of them: static when the target is one object for every instance or some site
        // guards only state shared by every instance (an instance lock would not exclude across instances there; the
        // others, which excluded that site, must keep excluding it); a Lock only when every site is a lock statement
        // (Monitor on a Lock is a plain monitor that a lock statement on it would not exclude).
        // this waited on or pulsed stays per instance whatever the bodies touch: a static object would let one
        // instance's Pulse wake another instance's waiter.
        var signalled = targets.Any(t => IsSignal(t, ModelOf(t, model), cancellationToken));
        var isStatic = IsStaticContext(target, model, cancellationToken) ||
                       !(signalled && key is "this") &&
                       targets.Any(t => IsShared(t, Site(t)!, ModelOf(t, model), cancellationToken));
        var useLock = targets.All(static t => Site(t) is LockStatementSyntax) && SupportsLockType(model.Compilation);
        var fieldType = useLock ? "global::System.Threading.Lock" : "object";

        // A field of its own, never one an earlier fix (or the author) introduced: that one is another object's lock, and
        // sharing it would make sites exclude each other that did not (a deadlock where they nest the other way round
        // with a third lock; for an object waited on or pulsed, a Pulse waking the other condition's waiter). The
        // earlier fix rewrote every site of its own object in the type, so none is left to share with.
        var name = MemberNames.Unique(typeSymbol, targets.Select(static t => t.FirstAncestorOrSelf<MemberDeclarationSyntax>()!), isStatic ? "s_lock" : "_lock");

        return new Change(type, targets, name, fieldType, isStatic);
    }

    /// <summary>Whether <paramref name="target"/> is the object of a <c>Monitor.Wait</c>, <c>Pulse</c> or <c>PulseAll</c>.</summary>
    private static bool IsSignal(ExpressionSyntax target, SemanticModel model, CancellationToken cancellationToken) =>
        Site(target) is InvocationExpressionSyntax invocation &&
        model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { Name: "Wait" or "Pulse" or "PulseAll" } method &&
        method.ContainingType is { Name: "Monitor" } monitor && monitor.ContainingNamespace.ToDisplayString() == "System.Threading";

    /// <summary>The semantic model of <paramref name="node"/>'s tree.</summary>
    private static SemanticModel ModelOf(SyntaxNode node, SemanticModel model) =>
        node.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(node.SyntaxTree);

    /// <summary>
    /// Every lock object expression that names the same object as <paramref name="target"/> (whose <see cref="KeyOf"/> is
    /// <paramref name="key"/>), found in one walk of the compilation's trees, the type's declarations visited once; null
    /// when code of another type locks that object too.
    /// <para>
    /// The type's sites are a lock statement or a Monitor call (Enter, TryEnter, Exit, Wait, Pulse, PulseAll, ...) on it,
    /// anywhere in the type's declarations (every part of a partial type), so the sites that excluded each other still
    /// do after the fix. <c>this</c> is looked for in the type's own code (a nested type's <c>this</c> is another object);
    /// <c>typeof(T)</c>, a string constant or a static member also in its nested types; this instance's field or
    /// property in the type's own code.
    /// </para>
    /// <para>
    /// Another type's site rules the fix out when the fix can see it: <c>this</c>, <c>GetType()</c> or an inherited
    /// member in a base or derived type, or the same <c>typeof(T)</c>, string constant or static member anywhere (a nested
    /// type of the type counts as the type for those); or code anywhere, the type's own included, that locks the instance
    /// through another reference (<see cref="ReachesTheInstance"/>). Every tree is looked at, not only the type's: the
    /// other sites are in other types (a derived type, any class locking the same string or typeof), which can be
    /// declared in any file. A tree without the type's declarations is not walked node by node: a scan of its text,
    /// remembered per tree (<see cref="SitePositions"/>), finds where a lock keyword or a Monitor method's name stands, and
    /// only the tokens there are looked at (a few hundred times cheaper than its nodes); only for a candidate lock or
    /// <c>Monitor.X(…)</c> call found there is that tree's semantic model asked.
    /// </para>
    /// </summary>
    private static IReadOnlyList<ExpressionSyntax>? Sites(ExpressionSyntax target, object key, INamedTypeSymbol type, SemanticModel model, CancellationToken cancellationToken)
    {
        var targets = new List<ExpressionSyntax> { target };
        var acrossNestedTypes = key is not ("this" or IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false });
        var perInstance = key is "this" or "GetType()" or IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false };
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).ToList();
        foreach (var tree in model.Compilation.SyntaxTrees)
        {
            SemanticModel? treeModel = null;
            var own = declarations.Where(d => d.SyntaxTree == tree).ToList();
            IEnumerable<SyntaxNode> nodes;
            if (own.Count > 0 || SitePositions(tree, cancellationToken) is not { } positions)
            {
                nodes = tree.GetRoot(cancellationToken).DescendantNodes();
            }
            else if (positions.IsEmpty)
            {
                continue; // no lock keyword and no Monitor method name: no site of another type here
            }
            else
            {
                nodes = NodesAt(tree.GetRoot(cancellationToken), positions);
            }

            foreach (var node in nodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var declaration = own.Count == 0 ? null : own.FirstOrDefault(d => d.Span.Contains(node.Span));
                var candidate = node switch
                {
                    LockStatementSyntax lockStatement => lockStatement.Expression,
                    InvocationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } invocation when declaration is not null || invocation.Expression is
                        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enter" or "TryEnter" or "Exit" or "Wait" or "Pulse" or "PulseAll" } =>
                        invocation.ArgumentList.Arguments[0].Expression,
                    _ => null,
                };
                if (candidate is null)
                {
                    continue;
                }

                treeModel ??= ModelOf(candidate, model);
                if (node is InvocationExpressionSyntax call && !IsMonitorCall(call, treeModel, cancellationToken))
                {
                    continue;
                }

                if (ReachesTheInstance(candidate, key, type, treeModel, cancellationToken))
                {
                    return null;
                }

                if (candidate.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } around ||
                    treeModel.GetDeclaredSymbol(around, cancellationToken) is not { } other ||
                    !Equals(KeyOf(candidate, treeModel, cancellationToken), key))
                {
                    continue;
                }

                if (!IsWithin(other, type, perInstance) && (!perInstance || InheritsFrom(other, type) || InheritsFrom(type, other)))
                {
                    return null;
                }

                if (candidate != target && declaration is not null && (acrossNestedTypes || IsWithin(other, type, perInstance: true)))
                {
                    targets.Add(candidate);
                }
            }
        }

        return targets;
    }

    /// <summary>
    /// Where each tree's text may hold a site (<see cref="FindSitePositions"/>), worked out once per tree: a light bulb
    /// asks again and again, and an edit makes a new tree only of the document it changes.
    /// </summary>
    private static readonly ConditionalWeakTable<SyntaxTree, SiteScan> s_siteScans = new();

    [ThreadStatic]
    private static char[]? t_buffer;

    /// <summary>The words a site outside the type's declarations is written with: the lock keyword, or the name of a Monitor method after a dot.</summary>
    private static readonly string[] s_siteWords = { "lock", "Enter", "TryEnter", "Exit", "Wait", "Pulse", "PulseAll" };

    /// <summary>A tree's scan: where a site word starts, or null when the text must be walked whole.</summary>
    private sealed class SiteScan
    {
        public SiteScan(ImmutableArray<int>? positions) => Positions = positions;

        public ImmutableArray<int>? Positions { get; }
    }

    /// <summary>Where a site of <paramref name="tree"/> may start (empty: it holds none); null when only a walk of all its nodes can tell.</summary>
    private static ImmutableArray<int>? SitePositions(SyntaxTree tree, CancellationToken cancellationToken)
    {
        if (!s_siteScans.TryGetValue(tree, out var scan))
        {
            var found = new SiteScan(FindSitePositions(tree.GetText(cancellationToken), cancellationToken));
            scan = s_siteScans.GetValue(tree, _ => found);
        }

        return scan.Positions;
    }

    /// <summary>
    /// The lock statements and invocations named Enter, TryEnter, Exit, Wait, Pulse or PulseAll after a dot that start
    /// with a token at one of <paramref name="positions"/> (a word in a comment or a string is no token's start).
    /// </summary>
    private static IEnumerable<SyntaxNode> NodesAt(SyntaxNode root, ImmutableArray<int> positions)
    {
        foreach (var position in positions)
        {
            var token = root.FindToken(position);
            if (token.SpanStart != position)
            {
                continue;
            }

            if (token.IsKind(SyntaxKind.LockKeyword) && token.Parent is LockStatementSyntax lockStatement)
            {
                yield return lockStatement;
            }
            else if (token.Parent is SimpleNameSyntax { Parent: MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } access } name &&
                     access.Name == name && invocation.Expression == access)
            {
                yield return invocation;
            }
        }
    }

    /// <summary>
    /// Where <paramref name="text"/> has the lock keyword or the name Enter, TryEnter, Exit, Wait, Pulse or PulseAll: one
    /// of those words standing alone (no ASCII letter, digit or underscore on either side; in a comment or a string too,
    /// which <see cref="NodesAt"/> passes over), at the <c>@</c> of a verbatim name. Null when a name may hide in other characters: a keyword cannot be
    /// written with escapes, but a name can (<c>\u0045nter</c>), and it can hold formatting characters its value drops,
    /// so a text with a <c>\u</c> or <c>\U</c>, or with a formatting character, is walked whole. One pass over the
    /// characters, in chunks, with no string made of them.
    /// </summary>
    internal static ImmutableArray<int>? FindSitePositions(SourceText text, CancellationToken cancellationToken)
    {
        var buffer = t_buffer ??= new char[4096];
        var positions = ImmutableArray.CreateBuilder<int>();
        for (var start = 0; start < text.Length; start += buffer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(buffer.Length, text.Length - start);
            text.CopyTo(start, buffer, 0, count);
            for (var i = 0; i < count; i++)
            {
                var c = buffer[i];
                switch (c)
                {
                    case 'l' or 'E' or 'T' or 'W' or 'P':
                        if (start + i > 0 && SyntaxFacts.IsIdentifierPartCharacter(CharAt(text, buffer, start, count, start + i - 1)))
                        {
                            continue;
                        }

                        foreach (var word in s_siteWords)
                        {
                            if (word[0] == c && IsWordAt(text, buffer, start, count, start + i, word))
                            {
                                // A verbatim name (@Enter) starts its token at the @.
                                positions.Add(start + i > 0 && CharAt(text, buffer, start, count, start + i - 1) == '@' ? start + i - 1 : start + i);
                                break;
                            }
                        }

                        break;
                    case '\\':
                        if (start + i + 1 < text.Length && CharAt(text, buffer, start, count, start + i + 1) is 'u' or 'U')
                        {
                            return null;
                        }

                        break;
                    case > '\u007f' when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format:
                        return null;
                }
            }
        }

        return positions.ToImmutable();
    }

    private static bool IsWordAt(SourceText text, char[] buffer, int start, int count, int position, string word)
    {
        if (position + word.Length > text.Length)
        {
            return false;
        }

        for (var k = 1; k < word.Length; k++)
        {
            if (CharAt(text, buffer, start, count, position + k) != word[k])
            {
                return false;
            }
        }

        var end = position + word.Length;
        return end == text.Length || !SyntaxFacts.IsIdentifierPartCharacter(CharAt(text, buffer, start, count, end));
    }

    /// <summary>The character at <paramref name="position"/>: from the chunk in <paramref name="buffer"/> when it holds it.</summary>
    private static char CharAt(SourceText text, char[] buffer, int start, int count, int position) =>
        position >= start && position < start + count ? buffer[position - start] : text[position];

    /// <summary>
    /// Whether <paramref name="candidate"/> (a lock object anywhere, the type's own code included) may be the instance
    /// whose <c>this</c> or member <paramref name="key"/> names through another reference: for <c>this</c>, an expression
    /// of the type or a type derived from it other than <c>this</c> (<c>lock (account)</c> around two calls); for this
    /// instance's field or property, the same member of another reference (<c>lock (registry.SyncRoot)</c>).
    /// </summary>
    private static bool ReachesTheInstance(ExpressionSyntax candidate, object key, INamedTypeSymbol type, SemanticModel model, CancellationToken cancellationToken)
    {
        var operation = Unwrapped(model.GetOperation(candidate, cancellationToken));
        return key switch
        {
            "this" => operation is not null and not IInstanceReferenceOperation &&
                      operation.Type is INamedTypeSymbol named &&
                      (SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, type.OriginalDefinition) || InheritsFrom(named, type)),
            IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false } =>
                operation is IMemberReferenceOperation { Instance: not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } reference &&
                SymbolEqualityComparer.Default.Equals(reference.Member.OriginalDefinition, ((ISymbol)key).OriginalDefinition),
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="other"/> is <paramref name="type"/> (or, unless per instance, nested in it).</summary>
    private static bool IsWithin(INamedTypeSymbol other, INamedTypeSymbol type, bool perInstance)
    {
        for (INamedTypeSymbol? current = other; current is not null; current = perInstance ? null : current.ContainingType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, type.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What identifies the object <paramref name="target"/> names wherever it is written in the type: <c>"this"</c>, the
    /// type of <c>typeof</c>, <c>"GetType()"</c> (of this instance), a string constant's value, or a static member or a
    /// member of this instance; null for anything else.
    /// </summary>
    private static object? KeyOf(ExpressionSyntax target, SemanticModel model, CancellationToken cancellationToken)
    {
        var operation = Unwrapped(model.GetOperation(target, cancellationToken));
        return operation switch
        {
            IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => "this",
            ITypeOfOperation typeOf => typeOf.TypeOperand,
            IInvocationOperation { TargetMethod.Name: "GetType", Arguments.Length: 0, Instance: null or IInstanceReferenceOperation } => "GetType()",
            { ConstantValue: { HasValue: true, Value: string value } } => "\"" + value,
            IFieldReferenceOperation { Field.IsStatic: true } or IPropertyReferenceOperation { Property.IsStatic: true } =>
                ((IMemberReferenceOperation)operation).Member,
            IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } member
                when member is IFieldReferenceOperation or IPropertyReferenceOperation => member.Member,
            _ => null,
        };
    }

    /// <summary>The object <paramref name="operation"/> names, under its conversions (a boxing one too) and parentheses.</summary>
    private static IOperation? Unwrapped(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation.ChildOperations.First();
        }

        return operation;
    }

    private static bool IsMonitorCall(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ContainingType: { Name: "Monitor" } monitor } &&
        monitor.ContainingNamespace.ToDisplayString() == "System.Threading";

    /// <summary>The lock statement or Monitor call whose lock object is <paramref name="target"/>.</summary>
    private static SyntaxNode? Site(ExpressionSyntax target) => target.Parent switch
    {
        LockStatementSyntax lockStatement when lockStatement.Expression == target => lockStatement,
        ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } } => invocation,
        _ => null,
    };

    /// <summary><paramref name="solution"/> with every target of <paramref name="change"/> replaced by the lock object, which is added to the type's declaration.</summary>
    private static Solution Apply(Solution solution, Change change, CancellationToken cancellationToken)
    {
        foreach (var group in change.Targets.GroupBy(static t => t.SyntaxTree))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (solution.GetDocument(group.Key) is not { } document)
            {
                continue;
            }

            var root = group.Key.GetRoot(cancellationToken);
            var targets = group.ToList();
            var hasType = group.Key == change.Type.SyntaxTree;
            var newRoot = root.ReplaceNodes(
                hasType ? targets.Append<SyntaxNode>(change.Type) : targets,
                (original, rewritten) => original == change.Type ? AddField((TypeDeclarationSyntax)rewritten, change) : SyntaxFactory.IdentifierName(change.Name).WithTriviaFrom(original));
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }

        return solution;
    }

    private static TypeDeclarationSyntax AddField(TypeDeclarationSyntax type, Change change)
    {
        var modifiers = change.IsStatic ? "private static readonly" : "private readonly";
        var field = ((FieldDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"{modifiers} {change.FieldType} {change.Name} = new();")!)
            .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
            .WithTrailingTrivia(SyntaxFactory.ElasticLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
        return type.WithMembers(type.Members.Insert(0, field));
    }

    private static bool IsStaticContext(ExpressionSyntax target, SemanticModel model, CancellationToken cancellationToken)
    {
        var member = target.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        return member is not null && model.GetDeclaredSymbol(member, cancellationToken) is { IsStatic: true } ||
               member is BaseFieldDeclarationSyntax field && field.Modifiers.Any(SyntaxKind.StaticKeyword);
    }

    /// <summary>
    /// Whether the lock excludes across instances, so the new lock object must be static too (an instance one would
    /// give each instance its own lock): the target is the same object for every instance (<c>typeof(T)</c>,
    /// <c>GetType()</c>, a string literal or constant, a static member), or it is <c>this</c> and the guarded code
    /// (the lock body, or the member around Monitor calls) touches static fields but no instance state.
    /// </summary>
    private static bool IsShared(ExpressionSyntax target, SyntaxNode site, SemanticModel model, CancellationToken cancellationToken)
    {
        switch (Unwrapped(model.GetOperation(target, cancellationToken)))
        {
            case ITypeOfOperation or ILiteralOperation:
            case IInvocationOperation { TargetMethod.Name: "GetType", Arguments.Length: 0 }:
            case IMemberReferenceOperation { Member.IsStatic: true }:
            case { ConstantValue.HasValue: true }:
                return true;
            case IInstanceReferenceOperation:
                break;
            default:
                return false;
        }

        SyntaxNode? guarded = site is LockStatementSyntax lockStatement
            ? lockStatement.Statement
            : target.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (guarded is null || model.GetOperation(guarded, cancellationToken) is not { } body)
        {
            return false;
        }

        var touchesStatic = false;
        foreach (var descendant in body.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IMemberReferenceOperation { Instance: IInstanceReferenceOperation }:
                case IInvocationOperation { Instance: IInstanceReferenceOperation }:
                    return false; // instance state: each instance keeps its own lock
                case IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } }:
                    touchesStatic = true;
                    break;
            }
        }

        return touchesStatic;
    }

    /// <summary>System.Threading.Lock exists and the lock statement understands it (C# 13 and later).</summary>
    private static bool SupportsLockType(Compilation compilation) =>
        compilation.GetTypeByMetadataName("System.Threading.Lock") is not null &&
        compilation is CSharpCompilation { LanguageVersion: >= (LanguageVersion)1300 };
}
