namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT106: concatenation and interpolation that build a new string.</summary>
public sealed class StringBuildingTests
{
    [Fact]
    public Task Concatenation_compound_assignment_and_interpolation_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public object M(string a, string b, int i, char c)
            {
                var s1 = {|HOT106:a + b|};
                var s2 = {|HOT106:"count: " + i|};
                var s3 = {|HOT106:a + c|};
                var s4 = {|HOT106:a + "-" + b + "-" + i|};
                {|HOT106:s1 += b|};
                var s5 = {|HOT106:$"{a}:{i}"|};
                FormattableString f = {|HOT106:$"{i}"|};
                IFormattable g = {|HOT106:$"{a}"|};
                return new object[] { s1, s2, s3, s4, s5, f, g };
            }
        }
        """, "HOT106");

    [Fact]
    public Task Text_plus_value_is_string_building_not_boxing() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public string M(int i, DateTime d) => {|HOT106:"i=" + i + " d=" + d|};
        }
        """, "HOT103", "HOT106");

    [Fact]
    public Task Constants_handlers_throws_and_asserts_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private const string Prefix = "hot";
            private const string Joined = Prefix + "-" + "path";

            [HotPath]
            public int M(StringBuilder sb, string s, int i)
            {
                var a = "a" + "b";
                var b = Prefix + ".x";
                var c = $"{Prefix}-{Joined}";
                var d = nameof(M) + "!";
                sb.Append($"{s}:{i}");
                Span<char> buffer = stackalloc char[32];
                buffer.TryWrite($"{i}", out var written);
                Debug.Assert(i >= 0, "negative: " + s);
                if (i < 0) throw new ArgumentOutOfRangeException(nameof(i), "bad " + s + i);
                return a.Length + b.Length + c.Length + d.Length + written;
            }
        }
        """);

    [Fact]
    public async Task A_concatenation_in_a_loop_says_so()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public string M(string[] parts) { var s = ""; foreach (var p in parts) { s += p; } return s; }
            }
            """, "HOT106");

        Assert.Contains("inside a loop", message);
    }

    /// <summary>
    /// string.Create(provider, $"…") formats through a handler but its result is a new string, like $"…" (40 bytes per
    /// call measured on .NET 10 for a one-hole string); the handler's own ToStringAndClear() is HOT110's. Writing into a
    /// span with TryWrite, or reading the handler's Text, builds no string.
    /// </summary>
    [Fact]
    public Task String_Create_with_an_interpolated_string_and_ToStringAndClear_build_strings() => Alloc.VerifyAsync("""
        using System.Globalization;
        using System.Runtime.CompilerServices;
        public class C
        {
            [HotPath]
            public int M(int i, Span<char> buffer)
            {
                var a = string.Create(CultureInfo.InvariantCulture, {|HOT106:$"id {i}"|});
                var b = string.Create(null, stackalloc char[64], {|HOT106:$"id {i}"|});
                var handler = new DefaultInterpolatedStringHandler(3, 1, CultureInfo.InvariantCulture, buffer);
                handler.AppendLiteral("id ");
                handler.AppendFormatted(i);
                var length = handler.Text.Length;
                var c = {|HOT110:handler.ToStringAndClear()|};
                buffer.TryWrite(CultureInfo.InvariantCulture, $"id {i}", out var written);
                return a.Length + b.Length + c.Length + length + written;
            }
        }
        """, "HOT106", "HOT110");

    /// <summary>
    /// One string with only empty or null pieces around it is lowered to <c>s ?? ""</c>: no new string (0 bytes measured
    /// on .NET 10). Two strings, a non-empty literal, a format or a non-string hole still build one.
    /// </summary>
    [Fact]
    public Task One_string_alone_in_a_concatenation_or_interpolation_builds_nothing() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public int M(string s, string? t, int i, object o)
            {
                var a = "" + s;
                var b = s + null;
                var c = $"{s}";
                var d = $"{t}" + "";
                var e = {|HOT106:$"{s}{t}"|};
                var f = {|HOT106:$"{s,5}"|};
                var g = {|HOT106:$"{i}"|};
                var h = {|HOT106:"" + o|};
                var k = {|HOT106:s + " "|};
                return a.Length + b.Length + c.Length + d.Length + e.Length + f.Length + g.Length + h.Length + k.Length;
            }
        }
        """, "HOT106");
}
