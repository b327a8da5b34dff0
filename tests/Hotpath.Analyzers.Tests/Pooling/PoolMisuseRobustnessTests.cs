using System.Text;
using Hotpath.Analyzers.Pooling;
using Hotpath.Analyzers.Tests.Harness;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Hotpath.Analyzers.Tests.Pooling;

/// <summary>HOT301-HOT303 over one large method: bounded cost.</summary>
[Collection(ScalingCollection.Name)]
public sealed class PoolMisuseRobustnessTests
{
    private readonly ITestOutputHelper _output;

    public PoolMisuseRobustnessTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// One variable rented and returned hundreds of times: HOT303's overwrite check once followed, for every rent, every
    /// later write's paths and tested every later reference per write (cubic: 18 s at 400).
    /// </summary>
    [Fact]
    public Task A_variable_rented_and_returned_hundreds_of_times_costs_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.AppendLine("buffer = ArrayPool<byte>.Shared.Rent(16); buffer[0] = 1; if (done) { ArrayPool<byte>.Shared.Return(buffer); return; } ArrayPool<byte>.Shared.Return(buffer);");
            }

            return $$"""
                using System.Buffers;
                public sealed class Pooled
                {
                    public void Run(bool done)
                    {
                        byte[] buffer;
                        {{body}}
                    }
                }
                """;
        }, 100, () => new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, _output);

    /// <summary>
    /// Hundreds of returned flags, and one flag tested by hundreds of guards and conditions after its return: each use and
    /// return is checked against the flag's guards by a search in its block, and each if's condition is found once.
    /// </summary>
    [Fact]
    public Task Hundreds_of_returned_flags_and_guards_cost_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            body.AppendLine("var shared = ArrayPool<byte>.Shared.Rent(16); var returned = false; if (done) { ArrayPool<byte>.Shared.Return(shared); returned = true; }");
            for (var i = 0; i < count; i++)
            {
                body.AppendLine($"{{ var b{i} = ArrayPool<byte>.Shared.Rent(16); var r{i} = false; if (done) {{ ArrayPool<byte>.Shared.Return(b{i}); r{i} = true; }} if (!r{i}) ArrayPool<byte>.Shared.Return(b{i}); }}");
                body.AppendLine($"if (returned) return; shared[0] = {i % 100}; if (!returned && shared.Length > {i}) shared[1] = 2;");
            }

            return $$"""
                using System.Buffers;
                public sealed class Pooled
                {
                    public void Run(bool done)
                    {
                        {{body}}
                        if (!returned) ArrayPool<byte>.Shared.Return(shared);
                    }
                }
                """;
        }, 100, () => new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, _output);

    /// <summary>Hundreds of local functions that return a variable, each called on both branches: their returns and calls are grouped once.</summary>
    [Fact]
    public Task Hundreds_of_local_functions_that_return_the_object_cost_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.AppendLine($"var b{i} = ArrayPool<byte>.Shared.Rent(16); void Give{i}() => ArrayPool<byte>.Shared.Return(b{i}); if (done) Give{i}(); else Give{i}();");
            }

            return $$"""
                using System.Buffers;
                public sealed class Pooled
                {
                    public void Run(bool done)
                    {
                        {{body}}
                    }
                }
                """;
        }, 100, () => new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, _output);

    /// <summary>A field returned, rented again and used hundreds of times in one method: each return looks only at what follows it.</summary>
    [Fact]
    public Task A_field_returned_and_rented_again_hundreds_of_times_costs_linear_time() =>
        Scaling.AssertLinearAsync(count =>
        {
            var body = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                body.AppendLine($"_buffer[0] = {i % 100}; if (_buffer.Length > {i}) ArrayPool<byte>.Shared.Return(_buffer); _buffer = ArrayPool<byte>.Shared.Rent(16);");
            }

            return $$"""
                using System.Buffers;
                public sealed class Pooled
                {
                    private byte[] _buffer = new byte[1];

                    public void Run()
                    {
                        {{body}}
                    }
                }
                """;
        }, 100, () => new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, _output);
}
