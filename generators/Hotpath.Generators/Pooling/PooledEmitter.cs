using Hotpath.Generators.Shared;

namespace Hotpath.Generators.Pooling;

/// <summary>Writes the members of a [Pooled] type from its model: a pure function, testable from a model alone.</summary>
internal static class PooledEmitter
{
    private const string ResettableInterface = "global::Microsoft.Extensions.ObjectPool.IResettable";
    private const string StructResetHelper = "__HotpathResetInPlace";

    /// <summary>The hint name of the generated file.</summary>
    public static string HintName(PooledModel model) => model.Target.HintName + HintSuffix;

    /// <summary>What follows the hint-name stem (see <see cref="HintNames"/>).</summary>
    public const string HintSuffix = ".Pooled.g.cs";

    public static string Emit(PooledModel model)
    {
        var writer = SourceWriter.CreateFile();
        var target = model.Target;
        var self = target.NameWithTypeParameters;
        var baseList = model.Shape == PooledShape.Derived ? string.Empty : " : " + ResettableInterface;
        TypeTargetEmitter.OpenType(writer, target, baseList);

        if (model.EmitPool)
        {
            writer.Line("/// <summary>The shared pool of <see cref=\"" + XmlCref(target) + "\"/>: rent with <c>Pool.Rent()</c> or <c>Pool.Lease(out var item)</c>; returned instances are reset.</summary>");
            writer.Line(GeneratedCodeMarker.Attribute);
            writer.Line("public static " + (model.HidesBasePool ? "new " : string.Empty) + "global::Hotpath.Pool<" + self + "> Pool { get; } = new global::Hotpath.Pool<" + self + ">(");
            writer.Indent();
            writer.Line("static () => new " + self + "(),");
            writer.Line("static item => item.Reset(),");
            writer.Line("new global::Hotpath.PoolOptions");
            writer.OpenBrace();
            writer.Line("MaxRetained = " + SourceWriter.Literal(model.MaxRetained) + ",");
            writer.Line("Preallocate = " + SourceWriter.Literal(model.Preallocate) + ",");
            writer.Line("#if HOTPATH_POOL_DEBUG");
            writer.Line("DetectDoubleReturn = true,");
            writer.Line("#endif");
            writer.CloseBrace(");");
            writer.Unindent();
            writer.Line();
        }

        var hides = model.BaseReset == BaseReset.None ? string.Empty : "new ";
        var @unsafe = model.NeedsUnsafe ? "unsafe " : string.Empty;
        switch (model.Shape)
        {
            case PooledShape.SealedRoot:
                WriteResetDoc(writer, model);
                writer.Line(GeneratedCodeMarker.Attribute);
                writer.Line("public " + hides + @unsafe + "void Reset()");
                writer.OpenBrace();
                WriteBaseReset(writer, model);
                WriteSteps(writer, model);
                WriteHook(writer, model);
                writer.CloseBrace();
                break;

            case PooledShape.OpenRoot:
                writer.Line("/// <summary>Returns every member, of this type and of the [Pooled] types deriving from it, to its initial state (generated from the [Pooled] reset rules), then calls the <c>OnReset()</c> hooks, this type's first.</summary>");
                writer.Line(GeneratedCodeMarker.Attribute);
                writer.Line("public " + hides + "void Reset()");
                writer.OpenBrace();
                writer.Line("ResetCore();");
                writer.Line(PooledParser.OnResetCoreName + "();");
                writer.CloseBrace();
                writer.Line();
                writer.Line("/// <summary>Resets the members this type declares; a derived [Pooled] type overrides it and calls the base first.</summary>");
                writer.Line(GeneratedCodeMarker.Attribute);
                writer.Line("protected " + (model.HidesBaseResetCore ? "new " : string.Empty) + "virtual " + @unsafe + "void ResetCore()");
                writer.OpenBrace();
                WriteBaseReset(writer, model);
                WriteSteps(writer, model);
                writer.CloseBrace();
                writer.Line();
                writer.Line("/// <summary>Calls the <c>OnReset()</c> hooks once every member is reset; a derived [Pooled] type with a hook overrides it and calls the base first.</summary>");
                writer.Line(GeneratedCodeMarker.Attribute);
                writer.Line("protected " + (model.HidesBaseOnResetCore ? "new " : string.Empty) + "virtual void " + PooledParser.OnResetCoreName + "()");
                writer.OpenBrace();
                WriteHook(writer, model);
                writer.CloseBrace();
                break;

            case PooledShape.Derived:
                writer.Line("/// <summary>Resets the base type's members, then the members this type declares" + (model.HookChain || model.Hook == OnResetHook.None ? "." : ", then calls <c>OnReset()</c>.") + "</summary>");
                writer.Line(GeneratedCodeMarker.Attribute);
                writer.Line("protected override " + @unsafe + "void ResetCore()");
                writer.OpenBrace();
                writer.Line("base.ResetCore();");
                WriteSteps(writer, model);
                if (!model.HookChain)
                {
                    WriteHook(writer, model); // a base from an older Hotpath: its Reset() knows no OnResetCore()
                }

                writer.CloseBrace();
                if (model.HookChain && model.Hook != OnResetHook.None)
                {
                    writer.Line();
                    writer.Line("/// <summary>Calls the base types' <c>OnReset()</c> hooks, then this type's.</summary>");
                    writer.Line(GeneratedCodeMarker.Attribute);
                    writer.Line("protected override void " + PooledParser.OnResetCoreName + "()");
                    writer.OpenBrace();
                    writer.Line("base." + PooledParser.OnResetCoreName + "();");
                    WriteHook(writer, model);
                    writer.CloseBrace();
                }

                break;
        }

        // Each section below follows the reset method after a blank line.
        if (model.Hook == OnResetHook.Declare)
        {
            writer.Line();
            writer.Line("/// <summary>Called last by the generated reset; implement it for state the reset rules do not cover.</summary>");
            writer.Line("partial void OnReset();");
        }

        if (model.Shape != PooledShape.Derived)
        {
            writer.Line();
            writer.Line(GeneratedCodeMarker.Attribute);
            writer.Line("bool " + ResettableInterface + ".TryReset()");
            writer.OpenBrace();
            writer.Line("Reset();");
            writer.Line("return true;");
            writer.CloseBrace();
        }

        if (model.NeedsStructResetHelper)
        {
            writer.Line();
            writer.Line(GeneratedCodeMarker.Attribute);
            writer.Line("private static void " + StructResetHelper + "<TValue>(ref TValue value)");
            writer.Indent();
            writer.Line("where TValue : struct, " + ResettableInterface + " => value.TryReset();");
            writer.Unindent();
        }

        TypeTargetEmitter.CloseType(writer, target);
        return writer.ToString();
    }

    private static void WriteResetDoc(SourceWriter writer, PooledModel model) =>
        writer.Line("/// <summary>Returns every member to its initial state (generated from the [Pooled] reset rules)" +
            (model.Hook == OnResetHook.None ? "." : ", then calls <c>OnReset()</c>.") + "</summary>");

    /// <summary>A plain base type's own <c>Reset()</c> runs first, as a [Pooled] base's would.</summary>
    private static void WriteBaseReset(SourceWriter writer, PooledModel model)
    {
        if (model.BaseReset == BaseReset.HideAndCall)
        {
            writer.Line("base.Reset();");
        }
    }

    private static void WriteSteps(SourceWriter writer, PooledModel model)
    {
        foreach (var step in model.Steps)
        {
            var member = (step.Receiver ?? "this") + "." + step.Member;
            switch (step.Kind)
            {
                case ResetKind.Assign:
                    writer.Line(member + " = " + step.Value + ";");
                    break;
                case ResetKind.ClearReference:
                    writer.Line(member + "?.Clear();");
                    break;
                case ResetKind.ClearValue:
                    writer.Line(member + ".Clear();");
                    break;
                case ResetKind.ClearArray:
                    writer.Line("if (" + member + " is { } " + Local(step) + ") global::System.Array.Clear(" + Local(step) + ");");
                    break;
                case ResetKind.ClearBits:
                    writer.Line(member + "?.SetAll(false);");
                    break;
                case ResetKind.EmptyStream:
                    writer.Line("if (" + member + " is { } " + Local(step) + ")");
                    writer.OpenBrace();
                    writer.Line("if (" + Local(step) + ".CanWrite) " + Local(step) + ".SetLength(0);");
                    writer.Line("else " + Local(step) + ".Position = 0;");
                    writer.CloseBrace();
                    break;
                case ResetKind.ResetPooled:
                    writer.Line(member + "?.Reset();");
                    break;
                case ResetKind.ResetResettable:
                    writer.Line("((" + ResettableInterface + "?)" + member + ")?.TryReset();");
                    break;
                case ResetKind.ResetResettableStructField:
                    writer.Line(StructResetHelper + "(ref " + member + ");");
                    break;
                case ResetKind.ResetResettableStructProperty:
                    writer.OpenBrace();
                    writer.Line("var " + Local(step) + " = " + member + ";");
                    writer.Line(StructResetHelper + "(ref " + Local(step) + ");");
                    writer.Line(member + " = " + Local(step) + ";");
                    writer.CloseBrace();
                    break;
            }
        }
    }

    private static void WriteHook(SourceWriter writer, PooledModel model)
    {
        if (model.Hook != OnResetHook.None)
        {
            writer.Line("OnReset();");
        }
    }

    private static string Local(ResetStep step) => "__" + step.Member.TrimStart('@');

    private static string XmlCref(TypeTarget target) =>
        target.TypeParameters.Length == 0 ? target.EscapedName : target.EscapedName + target.TypeParameters.Replace('<', '{').Replace('>', '}');
}
