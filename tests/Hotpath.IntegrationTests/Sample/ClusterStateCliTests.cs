using System.Diagnostics;
using System.Text.Json;
using ClusterState;

namespace Hotpath.IntegrationTests.Sample;

/// <summary>The built sample, run as a process: the documented JSON shape and exit codes.</summary>
public sealed class ClusterStateCliTests
{
    [Fact]
    public void Json_HasTheDocumentedShape_AndTheRunIsIdentical()
    {
        var (exit, stdout, stderr) = Run("--events", "20000", "--pods", "2000", "--nodes", "100", "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(20_000, root.GetProperty("events").GetInt64());
        Assert.True(root.GetProperty("identical").GetBoolean());
        foreach (var side in new[] { "hotpath", "naive" })
        {
            var figures = root.GetProperty(side);
            Assert.True(figures.GetProperty("eventsPerSecond").GetDouble() > 0);
            Assert.True(figures.GetProperty("allocatedBytesPerEvent").GetDouble() >= 0);
            Assert.True(figures.GetProperty("storedBytesPerSample").GetDouble() > 0);
            foreach (var gen in new[] { "gen0", "gen1", "gen2" })
            {
                Assert.True(figures.GetProperty(gen).GetInt32() >= 0);
            }
        }

        var hotpath = root.GetProperty("hotpath");
        Assert.InRange(hotpath.GetProperty("poolHitRate").GetDouble(), 0.0, 1.0);
        Assert.InRange(hotpath.GetProperty("cacheHitRatio").GetDouble(), 0.0, 1.0);
    }

    [Fact]
    public void Only_RunsOnePipeline_AndStillChecksIt()
    {
        var (exit, stdout, stderr) = Run("--events", "5000", "--pods", "500", "--nodes", "50", "--only", "naive", "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("identical").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("hotpath").ValueKind);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("naive").ValueKind);
    }

    [Theory]
    [InlineData("--pods", "0")]
    [InlineData("--events", "-5")]
    [InlineData("--nodes", "many")]
    [InlineData("--only", "fastest")]
    [InlineData("--no-such-option")]
    public void ABadOption_IsAClearErrorWithExitCode2(params string[] args)
    {
        var (exit, stdout, stderr) = Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
        Assert.Contains("--help", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        // The sample is a project reference: its assembly sits next to the tests' with its runtimeconfig.
        var sample = typeof(ClusterRun).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(sample);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ClusterState {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
