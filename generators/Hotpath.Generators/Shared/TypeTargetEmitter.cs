namespace Hotpath.Generators.Shared;

/// <summary>Writes the namespace and enclosing partial declarations around a target type's generated members.</summary>
internal static class TypeTargetEmitter
{
    /// <summary>
    /// Opens the namespace, every containing type and the target type itself (with <paramref name="baseList"/>,
    /// e.g. <c>" : global::Foo"</c>). Close with <see cref="CloseType"/>.
    /// </summary>
    public static void OpenType(SourceWriter writer, TypeTarget target, string baseList = "")
    {
        if (target.Namespace is not null)
        {
            writer.Line("namespace " + target.Namespace);
            writer.OpenBrace();
        }

        foreach (var outer in target.ContainingTypes)
        {
            writer.Line("partial " + outer.Keyword + " " + outer.NameWithTypeParameters);
            writer.OpenBrace();
        }

        writer.Line("partial " + target.Keyword + " " + target.NameWithTypeParameters + baseList);
        writer.OpenBrace();
    }

    /// <summary>Closes what <see cref="OpenType"/> opened.</summary>
    public static void CloseType(SourceWriter writer, TypeTarget target)
    {
        writer.CloseBrace();
        for (var i = 0; i < target.ContainingTypes.Count; i++)
        {
            writer.CloseBrace();
        }

        if (target.Namespace is not null)
        {
            writer.CloseBrace();
        }
    }
}
