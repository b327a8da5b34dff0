using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Shared;

/// <summary>Names written into generated code.</summary>
internal static class Identifiers
{
    /// <summary>Prefixes <c>@</c> to C# keywords (<c>namespace</c> → <c>@namespace</c>), so a user's member or parameter name is written back as an identifier.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
