namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>Which code is hot: members, accessors, local functions, lambdas and whole types.</summary>
public sealed class HotPathScopeTests
{
    [Fact]
    public Task Unmarked_code_is_never_reported() => Alloc.VerifyAsync("""
        public class C
        {
            public object M() => new object();
            public int[] A => new int[3];
            public string S(int i) => "a" + i;
        }
        """);

    [Fact]
    public Task Methods_constructors_and_accessors_can_be_marked() => Alloc.VerifyAsync("""
        public class C
        {
            private object _o;

            [HotPath]
            public C() { _o = {|HOT101:new object()|}; }

            [HotPath]
            public object P => {|HOT101:new object()|};

            [HotPath]
            public object Q { get { return {|HOT101:new object()|}; } set { _o = {|HOT101:new object()|}; } }

            public object Cold => new object();
        }
        """, "HOT101");

    [Fact]
    public Task Marked_local_function_or_lambda_in_a_cold_member_is_hot_alone() => Alloc.VerifyAsync("""
        public class C
        {
            public object M()
            {
                var cold = new object();
                [HotPath] object Local() => {|HOT101:new object()|};
                Func<object> f = [HotPath] static () => {|HOT101:new object()|};
                return Local();
            }
        }
        """, "HOT101");

    [Fact]
    public Task Lambdas_and_local_functions_inherit_from_a_hot_member() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public object M()
            {
                Func<object> f = static () => {|HOT101:new object()|};
                return Local();
                static object Local() => {|HOT101:new object()|};
            }
        }
        """, "HOT101");

    [Fact]
    public Task A_hot_type_makes_members_and_nested_types_hot_but_not_static_initialisation() => Alloc.VerifyAsync("""
        [HotPath]
        public class C
        {
            private static readonly List<int> s_cache = new();
            private static List<int> S { get; } = new();
            private static readonly object s_lock;
            private readonly List<int> _items = {|HOT101:new()|};

            static C() { s_lock = new object(); }

            public object M() => {|HOT101:new object()|};

            public class Nested
            {
                public object N() => {|HOT101:new object()|};
            }
        }

        [HotPath]
        public struct S
        {
            public object M() => {|HOT101:new object()|};
        }
        """, "HOT101");

    [Fact]
    public Task Attribute_arguments_and_nameof_are_cold() => Alloc.VerifyAsync("""
        [AttributeUsage(AttributeTargets.All)]
        public sealed class TagsAttribute : Attribute { public TagsAttribute(params int[] values) { } public TagsAttribute(string s, int[] values) { } }

        [HotPath]
        public class C
        {
            [Tags(1, 2, 3)]
            public string M([Tags("a" + "b", new[] { 4 })] int x) => nameof(M) + nameof(x);
        }
        """);

    [Fact]
    public async Task Nothing_is_reported_without_a_Hotpath_reference_to_the_attribute()
    {
        // A [HotPath] of another namespace is not ours.
        var diagnostics = await Alloc.DiagnosticsAsync("""
            namespace Other { public sealed class HotPathAttribute : System.Attribute { } }
            public class C
            {
                [Other.HotPath]
                public object M() => new object();
            }
            """);

        Assert.Empty(diagnostics);
    }
}
