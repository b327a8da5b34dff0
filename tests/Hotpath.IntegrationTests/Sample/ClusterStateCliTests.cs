using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterState;
using Hotpath.Testing;

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
        Assert.Equal(5, root.GetProperty("rounds").GetInt32()); // the default
        foreach (var side in new[] { "hotpath", "naive" })
        {
            var figures = root.GetProperty(side);
            Assert.True(figures.GetProperty("eventsPerSecond").GetDouble() > 0);
            Assert.Equal(5, figures.GetProperty("eventsPerSecondRounds").GetArrayLength());
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
    public void Rounds_GivesEachSideItsEventsPerSecondOfEveryRound_AndReportsTheLowerMiddle()
    {
        var (exit, stdout, stderr) = Run("--events", "5000", "--pods", "500", "--nodes", "50", "--rounds", "2", "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("identical").GetBoolean(), stdout);
        Assert.Equal(2, root.GetProperty("rounds").GetInt32());
        foreach (var side in new[] { "hotpath", "naive" })
        {
            var figures = root.GetProperty(side);
            var rounds = figures.GetProperty("eventsPerSecondRounds").EnumerateArray().Select(r => r.GetDouble()).ToArray();
            Assert.Equal(2, rounds.Length);
            Assert.All(rounds, eps => Assert.True(eps > 0));
            // With an even count the median is the lower middle: of two rounds, the slower one.
            Assert.Equal(rounds.Min(), figures.GetProperty("eventsPerSecond").GetDouble());
        }
    }

    [Fact]
    public void WithoutHardwareIntrinsics_TheRunIsIdentical_AndStoresTheSameBytes()
    {
        // The codec has vectorised paths (AVX2 unpacking, BZHI, three-stream CRC-32C with carry-less multiply,
        // vector long-to-double conversion) and scalar fallbacks for machines without them. A process with every
        // hardware intrinsic switched off takes only the fallbacks: its blocks must decode to the same samples
        // and be byte for byte the same size as the vectorised run's (the format does not depend on the machine).
        string[] args = ["--events", "40000", "--pods", "2000", "--nodes", "100", "--only", "hotpath", "--json"];
        var vectorised = Run(args);
        var scalar = Run(new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0" }, args);

        foreach (var (exit, stdout, stderr) in new[] { vectorised, scalar })
        {
            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.True(JsonDocument.Parse(stdout).RootElement.GetProperty("identical").GetBoolean(), stdout);
        }

        long Stored(string stdout, string figure) => JsonDocument.Parse(stdout).RootElement.GetProperty("hotpath").GetProperty(figure).GetInt64();
        Assert.Equal(Stored(vectorised.Stdout, "storedSampleBytes"), Stored(scalar.Stdout, "storedSampleBytes"));
        Assert.Equal(Stored(vectorised.Stdout, "storedAggregateBytes"), Stored(scalar.Stdout, "storedAggregateBytes"));
    }

    [Theory]
    [InlineData("naive", "hotpath")]
    [InlineData("hotpath", "naive")]
    public void Only_RunsOnePipeline_AndStillChecksIt(string only, string other)
    {
        var (exit, stdout, stderr) = Run("--events", "5000", "--pods", "500", "--nodes", "50", "--only", only, "--json");

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("identical").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty(other).ValueKind);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty(only).ValueKind);
        Assert.False(json.RootElement.TryGetProperty("ratios", out _), "ratios need both sides");
    }

    [Theory]
    [InlineData("--pods", "1", "--nodes", "1", "--events", "5000")]     // every event on one pod and one node
    [InlineData("--pods", "1", "--nodes", "1", "--events", "1")]        // the smallest run
    [InlineData("--pods", "200000", "--nodes", "10", "--events", "2000")] // far more pods than events: most never touched
    public void AnExtremeButValidSize_RunsBothPipelines_AndTheyAgree(params string[] args)
    {
        var (exit, stdout, stderr) = Run([.. args, "--json"]);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("identical").GetBoolean(), stdout);
        Assert.Equal(long.Parse(args[5], CultureInfo.InvariantCulture), root.GetProperty("events").GetInt64());
        Assert.True(root.GetProperty("samples").GetInt64() > 0);
        foreach (var side in new[] { "hotpath", "naive" })
        {
            Assert.True(root.GetProperty(side).GetProperty("eventsPerSecond").GetDouble() > 0);
        }
    }

    [Theory]
    [InlineData("--pods", "0")]
    [InlineData("--events", "0")]
    [InlineData("--events", "20000001")] // above the maximum
    [InlineData("--events", "-5")]
    [InlineData("--nodes", "many")]
    [InlineData("--rounds", "0")]
    [InlineData("--rounds", "21")] // above the maximum
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

    [Fact]
    public void TheOptionsTableOfGettingStarted_GivesTheDefaultsOfHelp()
    {
        var (exit, stdout, stderr) = Run("--help");
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var help = Regex.Matches(stdout, @"^\s+(--[a-z]+) .*\[default: (\d+)\]\s*$", RegexOptions.Multiline)
            .ToDictionary(static m => m.Groups[1].Value, static m => m.Groups[2].Value);
        var table = Regex.Matches(File.ReadAllText(Path.Combine(RepoPaths.Docs, "getting-started.md")), @"^\| `(--[a-z]+) N` \| (\d+) \|", RegexOptions.Multiline)
            .ToDictionary(static m => m.Groups[1].Value, static m => m.Groups[2].Value);

        Assert.Equal(["--events", "--nodes", "--pods", "--rounds", "--seed"], help.Keys.Order());
        Assert.Equal(help.OrderBy(static p => p.Key), table.OrderBy(static p => p.Key));
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    private static (int Exit, string Stdout, string Stderr) Run(Dictionary<string, string> environment, params string[] args)
    {
        // The sample is a project reference: its assembly sits next to the tests' with its runtimeconfig.
        var sample = typeof(ClusterRun).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

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
