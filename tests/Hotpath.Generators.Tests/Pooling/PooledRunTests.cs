using System.Reflection;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hotpath.Generators.Tests.Pooling;

/// <summary>Compile-and-run tests of generated code built under specific compilation settings.</summary>
public sealed class PooledRunTests
{
    private const string Source = """
        namespace App;

        [Hotpath.Pooled(MaxRetained = 4)]
        public sealed partial class Job
        {
            public int Attempts = 1;
            public System.Collections.Generic.List<string> Log { get; } = new();

            public static object ReturnTwice()
            {
                var job = Pool.Rent();
                Pool.Return(job);
                Pool.Return(job);
                return job;
            }

            public static string RoundTrip()
            {
                var job = Pool.Rent();
                job.Attempts = 9;
                job.Log.Add("x");
                Pool.Return(job);
                var again = Pool.Rent();
                return ReferenceEquals(job, again) + ":" + again.Attempts + ":" + again.Log.Count;
            }
        }
        """;

    [Fact]
    public void HOTPATH_POOL_DEBUG_turns_double_return_detection_on_in_the_generated_pool()
    {
        var type = Build("HOTPATH_POOL_DEBUG");

        Assert.True(DetectsDoubleReturn(type));
        var error = Assert.Throws<TargetInvocationException>(() => type.GetMethod("ReturnTwice")!.Invoke(null, null));
        var inner = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("'Job'", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_symbol_detection_is_off_and_the_pool_round_trips()
    {
        var type = Build();

        Assert.False(DetectsDoubleReturn(type));
        Assert.Equal("True:1:0", type.GetMethod("RoundTrip")!.Invoke(null, null));
    }

    private static Type Build(params string[] symbols)
    {
        var parseOptions = TestCompilation.ParseOptions.WithPreprocessorSymbols(symbols);
        var compilation = TestCompilation.Create(Source);
        compilation = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees[0], CSharpSyntaxTree.ParseText(Source, parseOptions, TestCompilation.SourcePath(0)));
        var driver = CSharpGeneratorDriver.Create(new[] { new PooledGenerator().AsSourceGenerator() }, parseOptions: parseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        TestCompilation.AssertNoErrors(output);
        return TestCompilation.EmitAndLoad(output).GetType("App.Job", throwOnError: true)!;
    }

    private static bool DetectsDoubleReturn(Type type)
    {
        var pool = type.GetProperty("Pool", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return (bool)pool.GetType().GetProperty("DetectsDoubleReturn")!.GetValue(pool)!;
    }
}
