using Hotpath.Generators.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hotpath.Generators.Pooling;

/// <summary>
/// The members the [Pooled] generator adds to a type, checked against what the user already declared there: a user
/// <c>Reset()</c>, <c>ResetCore()</c>, <c>OnResetCore()</c>, <c>Pool</c> or explicit <c>IResettable.TryReset()</c> would make the generated
/// code a compile error (CS0111/CS0102/CS8646), so it is HOT001 at the user's member and the type gets no code.
/// A user's own <c>void OnReset()</c> is the hook, written without <c>partial</c>.
/// </summary>
internal static class PooledGeneratedMembers
{
    private const string IResettableName = "Microsoft.Extensions.ObjectPool.IResettable";

    /// <summary>
    /// Reports (HOT001) every member of <paramref name="type"/> that collides with a generated one, and says how the
    /// generated reset reaches the user's hook.
    /// </summary>
    public static OnResetHook Check(INamedTypeSymbol type, PooledShape shape, bool emitPool, List<Diagnostic> errors, CancellationToken cancellationToken)
    {
        // A generated 'partial void OnReset();' would hide a visible inherited one (CS0108): then the type has no hook
        // of its own to call. A [Pooled] base's reset calls the inherited one; a plain base's is not a hook.
        var hook = InheritsOnReset(type) ? OnResetHook.None : OnResetHook.Declare;
        var generated = GeneratedCodeMarker.GeneratedParts(type.GetMembers("Reset").Concat(type.GetMembers("ResetCore")), cancellationToken);
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || !TryUserLocation(member, generated, out var location, cancellationToken))
            {
                continue;
            }

            var problem = member.Name switch
            {
                "Reset" when IsParameterlessOrNotAMethod(member) =>
                    "'Reset()', which the generator emits; remove it and put what it does beyond the reset rules in 'void OnReset()', which the generated Reset() calls last",
                "ResetCore" when shape != PooledShape.SealedRoot && IsParameterlessOrNotAMethod(member) =>
                    "'ResetCore()', which the generator emits for a type open to inheritance; remove it and put what it does beyond the reset rules in 'void OnReset()'",
                PooledParser.OnResetCoreName when shape != PooledShape.SealedRoot && IsParameterlessOrNotAMethod(member) =>
                    "'OnResetCore()', which the generator emits for a type open to inheritance (it calls the OnReset() hooks once every level is reset); rename it",
                "Pool" when emitPool =>
                    "a member named 'Pool', which the generator emits (the type's static pool); rename it",
                "OnReset" => OnResetProblem(member, generated, ref hook, cancellationToken),
                _ when shape != PooledShape.Derived && ImplementsTryReset(member) =>
                    "'IResettable.TryReset()', which the generator emits (it calls Reset()); remove it and put what it does beyond the reset rules in 'void OnReset()'",
                _ => null,
            };

            if (problem is not null)
            {
                // The shared HOT001 without the not-partial reason property: the make-partial fix is not offered.
                errors.Add(Diagnostic.Create(DiagnosticDescriptors.NotPartial, location, type.Name, "Pooled", "declares " + problem));
            }
        }

        return hook;
    }

    private static string? OnResetProblem(ISymbol member, HashSet<SyntaxNode> generated, ref OnResetHook hook, CancellationToken cancellationToken)
    {
        if (member is not IMethodSymbol method)
        {
            return "a member named 'OnReset', which the generated reset calls last as 'void OnReset()'; rename it";
        }

        if (method.Parameters.Length != 0 || method.Arity != 0)
        {
            return null; // an overload: the generated call binds to the parameterless hook
        }

        if (method.IsStatic || !method.ReturnsVoid || method.RefKind != RefKind.None)
        {
            return "'OnReset()' " + (method.IsStatic ? "static" : "returning '" + method.ReturnType.ToDisplayString() + "'") +
                ", which the generated reset calls last as an instance 'void OnReset()'; make it an instance method returning void";
        }

        // 'partial void OnReset() { … }' implements the generated declaration; anything else (a plain method, or the
        // user's own partial declaration) is the hook as written, so the generated one would be a second declaration.
        // An override is already called, through virtual dispatch, by the [Pooled] base's reset: calling it again would
        // run it twice.
        if (method.IsOverride)
        {
            hook = OnResetHook.None;
        }
        else if (!IsPartialImplementationOnly(method, generated, cancellationToken))
        {
            hook = OnResetHook.CallOnly;
        }

        return null;
    }

    /// <summary>A user <c>partial void OnReset() { … }</c> whose declaration is (or will be) the generated one.</summary>
    private static bool IsPartialImplementationOnly(IMethodSymbol method, HashSet<SyntaxNode> generated, CancellationToken cancellationToken)
    {
        // With the generated code in the compilation (the companion analyzer), the symbol is the declaration and the
        // user's part its implementation: the declaration is ours when the user declared it nowhere.
        if (method.PartialImplementationPart is not null)
        {
            return !TryUserLocation(method, generated, out _, cancellationToken);
        }

        if (method.PartialDefinitionPart is { } definition)
        {
            return !TryUserLocation(definition, generated, out _, cancellationToken);
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration &&
                declaration.Modifiers.Any(SyntaxKind.PartialKeyword) &&
                (declaration.Body is not null || declaration.ExpressionBody is not null))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InheritsOnReset(INamedTypeSymbol type)
    {
        for (var ancestor = type.BaseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            foreach (var member in ancestor.GetMembers("OnReset"))
            {
                if (IsParameterlessOrNotAMethod(member) && PooledParser.Visible(member, type))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsParameterlessOrNotAMethod(ISymbol member) =>
        member is not IMethodSymbol method || (method.Parameters.Length == 0 && method.Arity == 0);

    private static bool ImplementsTryReset(ISymbol member)
    {
        if (member is not IMethodSymbol method)
        {
            return false;
        }

        foreach (var implemented in method.ExplicitInterfaceImplementations)
        {
            if (implemented.Name == "TryReset" && implemented.ContainingType.ToDisplayString() == IResettableName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where the user declared <paramref name="member"/>; false when it is only declared in this generator's own output
    /// (the companion analyzer runs on a compilation that already holds the generated members), that is in a part of the
    /// type in <paramref name="generated"/>.
    /// </summary>
    private static bool TryUserLocation(ISymbol member, HashSet<SyntaxNode> generated, out Location location, CancellationToken cancellationToken)
    {
        foreach (var candidate in member.Locations)
        {
            if (candidate.IsInSource && !GeneratedCodeMarker.InGeneratedPart(candidate, generated, cancellationToken))
            {
                location = candidate;
                return true;
            }
        }

        location = Location.None;
        return false;
    }
}

/// <summary>How the generated reset reaches <c>OnReset()</c>.</summary>
internal enum OnResetHook
{
    /// <summary>The generator declares <c>partial void OnReset();</c> (the user may implement it) and calls it last.</summary>
    Declare,

    /// <summary>The user declared <c>void OnReset()</c> (not a partial implementation): the generator only calls it, last.</summary>
    CallOnly,

    /// <summary>
    /// Neither declared nor called: the type declares none and inherits a visible one (a [Pooled] base's reset calls it),
    /// or its own overrides one (the base's reset calls it).
    /// </summary>
    None,
}
