using System.Diagnostics;
using System.Text;

namespace Hotpath.IntegrationTests;

/// <summary>The outcome of a dotnet command: exit code and everything it printed.</summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    /// <summary>Fails with the output when the command did not succeed.</summary>
    public CommandResult EnsureSuccess(string what)
    {
        Assert.True(ExitCode == 0, $"{what} failed with exit code {ExitCode}:\n{Output}");
        return this;
    }
}

/// <summary>Runs the dotnet CLI in a clean environment (no MSBuild state inherited from the test host, no build servers left behind).</summary>
public static class DotnetCli
{
    private static readonly string[] s_inheritedMsBuildVariables =
    {
        "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG",
    };

    /// <summary>The configuration these tests were built in; the package is packed from its outputs.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>Runs <c>dotnet {arguments}</c> in <paramref name="workingDirectory"/> with a timeout.</summary>
    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in s_inheritedMsBuildVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1"; // a lingering node would hold our pipes open

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {timeout}:\n{output}");
        }

        process.WaitForExit(); // drain the output
        lock (output)
        {
            return new CommandResult(process.ExitCode, output.ToString());
        }
    }

    /// <summary>Build arguments that keep a build self-contained: no node reuse, no compiler server.</summary>
    public static string[] IsolatedBuild(params string[] arguments) =>
        arguments.Concat(new[] { "-nodeReuse:false", "-p:UseSharedCompilation=false", "-v:q", "-nologo" }).ToArray();
}
