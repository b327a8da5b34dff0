using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using ClusterState;
using ClusterState.Reporting;
using Spectre.Console;

// dotnet run --project samples/ClusterState -c Release [-- --events 500000 --rounds 5 --json]
var pods = PositiveInt("--pods", 10_000, 1_000_000, "Pods alive at any time (deleted pods are replaced).");
var nodes = PositiveInt("--nodes", 1_000, 100_000, "Nodes in the cluster.");
var events = PositiveInt("--events", 2_000_000, 20_000_000, "Events in the generated stream.");
var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same stream.", DefaultValueFactory = _ => 42 };
var only = new Option<string?>("--only") { Description = "Run only one pipeline: hotpath or naive." };
only.AcceptOnlyFromAmong("hotpath", "naive");
var rounds = PositiveInt("--rounds", 5, 20, "Measured rounds of each pipeline, naive and Hotpath alternating; the figures are each side's median round.");
var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object instead of tables." };

var root = new RootCommand("A Kubernetes-like cluster-state pipeline written with Hotpath, side by side with the common way.")
{
    pods, nodes, events, seed, only, rounds, json,
};

root.SetAction(parse =>
{
    var options = new RunOptions(
        parse.GetValue(pods), parse.GetValue(nodes), parse.GetValue(events), parse.GetValue(seed),
        parse.GetValue(only) switch
        {
            "hotpath" => PipelineSelection.Hotpath,
            "naive" => PipelineSelection.Naive,
            _ => PipelineSelection.Both,
        },
        parse.GetValue(rounds));

    RunReport report;
    if (parse.GetValue(json))
    {
        report = ClusterRun.Execute(options, NullProgress.Instance);
        using var stdout = Console.OpenStandardOutput();
        ReportWriter.WriteJson(report, stdout);
    }
    else
    {
        report = AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context => ClusterRun.Execute(options, new SpectreProgress(context)));
        ReportWriter.WriteTable(report, AnsiConsole.Console);
    }

    if (!report.Identical)
    {
        Console.Error.WriteLine($"error: the pipelines disagree: {report.Mismatch}");
        return 1;
    }

    return 0;
});

var result = root.Parse(args);
if (result.Errors.Count > 0)
{
    // Bad options: say what is wrong and exit with 2, the usual code for a usage error.
    foreach (var error in result.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run with --help to see the options.");
    return 2;
}

return result.Invoke();

static Option<int> PositiveInt(string name, int defaultValue, int max, string description)
{
    var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
    option.CustomParser = r =>
    {
        // Parse and range-check in one place, so a non-number and an out-of-range number read alike.
        var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > max)
        {
            r.AddError($"{name} must be a whole number between 1 and {max:N0}; got '{text}'.");
            return defaultValue;
        }

        return value;
    };
    return option;
}

/// <summary>No progress output (JSON mode: stdout carries only the JSON).</summary>
internal sealed class NullProgress : IRunProgress
{
    public static readonly NullProgress Instance = new();

    public void Stage(string name, double total)
    {
    }

    public void Report(double done)
    {
    }
}

/// <summary>One Spectre progress bar per stage; a bar starts at its stage's first report and stops when it is full.</summary>
internal sealed class SpectreProgress(ProgressContext context) : IRunProgress
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private ProgressTask? _task;

    public void Stage(string name, double total)
    {
        if (!_tasks.TryGetValue(name, out var task))
        {
            task = context.AddTask(name, autoStart: false, maxValue: total);
            _tasks.Add(name, task);
        }

        _task = task;
    }

    public void Report(double done)
    {
        if (_task is null)
        {
            return;
        }

        if (!_task.IsStarted)
        {
            _task.StartTask();
        }

        _task.Value = done;
        if (done >= _task.MaxValue)
        {
            _task.StopTask();
        }
    }
}
