namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>An allocation inside a loop body says so in its message; code evaluated once per loop does not.</summary>
public sealed class LoopNoteTests
{
    [Theory]
    [InlineData("for (var i = 0; i < n; i++) { Use(new object()); }")]
    [InlineData("while (n-- > 0) { Use(new object()); }")]
    [InlineData("do { Use(new object()); } while (n-- > 0);")]
    [InlineData("foreach (var x in items) { Use(new object()); }")]
    [InlineData("while (Use(new object()) && n-- > 0) { }")]
    public async Task Loop_bodies_and_conditions_repeat(string loop)
    {
        var message = await Alloc.MessageAsync(Source(loop), "HOT101");

        Assert.Contains("(inside a loop: once per iteration)", message);
    }

    [Theory]
    [InlineData("foreach (var x in Wrap(new object())) { }")]
    [InlineData("for (var o = new object(); n-- > 0;) { Use(o); }")]
    [InlineData("for (var i = 0; i < n; i++) { Func<object> f = static () => new object(); }")]
    public async Task Loop_collections_initialisers_and_lambda_bodies_do_not(string loop)
    {
        var message = await Alloc.MessageAsync(Source(loop), "HOT101");

        Assert.DoesNotContain("loop", message);
    }

    private static string Source(string loop) => $$"""
        public class C
        {
            [HotPath]
            public void M(int n, List<int> items)
            {
                {{loop}}
            }

            private static bool Use(object o) => o is not null;
            private static List<int> Wrap(object o) => s_empty;
            private static readonly List<int> s_empty = new();
        }
        """;
}
