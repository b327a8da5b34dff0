using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace ClusterState.Reporting;

/// <summary>Renders a <see cref="RunReport"/> as a Spectre.Console table or as one JSON object.</summary>
public static class ReportWriter
{
    /// <summary>
    /// Writes the report as one JSON object: <c>{"events": N, "identical": …, "hotpath": {…}, "naive": {…}}</c>. Each
    /// side's figures are its median round's; <c>eventsPerSecondRounds</c> holds every round's events/s in the order
    /// they ran.
    /// </summary>
    public static void WriteJson(RunReport report, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("events", report.Options.Events);
        json.WriteBoolean("identical", report.Identical);
        if (report.Mismatch is not null)
        {
            json.WriteString("mismatch", report.Mismatch);
        }

        json.WriteNumber("pods", report.Options.Pods);
        json.WriteNumber("nodes", report.Options.Nodes);
        json.WriteNumber("seed", report.Options.Seed);
        json.WriteNumber("rounds", report.Options.Rounds);
        json.WriteNumber("samples", report.Samples);
        json.WriteNumber("aggregates", report.AggregatesChecked);
        WriteSide(json, "hotpath", report.Hotpath);
        WriteSide(json, "naive", report.Naive);
        if (report.Hotpath is { } h && report.Naive is { } n)
        {
            json.WriteStartObject("ratios");
            json.WriteNumber("eventsPerSecond", Round(h.EventsPerSecond / n.EventsPerSecond));
            json.WriteNumber("allocatedBytesPerEvent", Round(h.AllocatedBytesPerEvent / n.AllocatedBytesPerEvent));
            json.WriteNumber("storedBytesPerSample", Round(h.StoredBytesPerSample / n.StoredBytesPerSample));
            json.WriteEndObject();
        }

        json.WriteStartArray("metrics");
        foreach (var m in report.Metrics)
        {
            json.WriteStartObject();
            json.WriteString("instrument", m.Instrument);
            json.WriteString("kind", m.Kind);
            json.WriteString("tags", m.Tags);
            json.WriteNumber("value", Round(m.Value));
            json.WriteNumber("measurements", m.Measurements);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static void WriteSide(Utf8JsonWriter json, string name, PipelineResult? side)
    {
        if (side is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("eventsPerSecond", Round(side.EventsPerSecond));
        json.WriteStartArray("eventsPerSecondRounds");
        foreach (var eventsPerSecond in side.EventsPerSecondRounds)
        {
            json.WriteNumberValue(Round(eventsPerSecond));
        }

        json.WriteEndArray();
        json.WriteNumber("allocatedBytesPerEvent", Round(side.AllocatedBytesPerEvent));
        json.WriteNumber("gen0", side.Gen0);
        json.WriteNumber("gen1", side.Gen1);
        json.WriteNumber("gen2", side.Gen2);
        json.WriteNumber("storedBytesPerSample", Round(side.StoredBytesPerSample));
        json.WriteNumber("compressionRatio", Round(side.CompressionRatio));
        json.WriteNumber("seconds", Round(side.Seconds));
        json.WriteNumber("cpuSeconds", Round(side.CpuSeconds));
        json.WriteNumber("allocatedBytes", side.AllocatedBytes);
        json.WriteNumber("storedSampleBytes", side.Storage.SampleBytes);
        json.WriteNumber("storedAggregateBytes", side.Storage.AggregateBytes);
        json.WriteNumber("storedBlocks", side.Storage.Blocks);
        foreach (var (key, value) in side.Extra)
        {
            json.WriteNumber(key, Round(value));
        }

        json.WriteEndObject();
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 4) : 0;

    /// <summary>Writes the comparison table, the verdict and the Hotpath meter readings.</summary>
    public static void WriteTable(RunReport report, IAnsiConsole console)
    {
        var o = report.Options;
        console.MarkupLine(CultureInfo.InvariantCulture,
            "[bold]{0:N0} events[/] ({1:N0} node samples) from {2:N0} pods on {3:N0} nodes, seed {4}; {5:N0} pods over the run; generated in {6:N1} s. Machine: {7} cores, {8}.",
            o.Events, report.Samples, o.Pods, o.Nodes, o.Seed, report.PodsEverCreated, report.GenerateSeconds,
            Environment.ProcessorCount, Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Cluster state: Hotpath vs the common way[/]");
        table.AddColumn("");
        table.AddColumn(new TableColumn("[bold]naive[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold green]Hotpath[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold]Hotpath vs naive[/]").RightAligned());

        var n = report.Naive;
        var h = report.Hotpath;
        Row(table, "events / s", n?.EventsPerSecond, h?.EventsPerSecond, "N0", higherIsBetter: true);
        if (o.Rounds > 1)
        {
            // Every figure in a column is its side's median round (by events/s); this line shows how far the rounds spread.
            table.AddRow($"events / s over {o.Rounds} rounds", Range(n) ?? "-", Range(h) ?? "-", "[grey]median shown above[/]");
        }

        Row(table, "bytes allocated / event", n?.AllocatedBytesPerEvent, h?.AllocatedBytesPerEvent, "N1", higherIsBetter: false);
        Row(table, "gen0 / gen1 / gen2 collections", Gc(n), Gc(h));
        Row(table, "stored bytes / sample", n?.StoredBytesPerSample, h?.StoredBytesPerSample, "N2", higherIsBetter: false);
        Row(table, "compression (vs 28-byte raw row)", n?.CompressionRatio, h?.CompressionRatio, "N1", higherIsBetter: true, suffix: "x");
        Row(table, "stored aggregate bytes", n?.Storage.AggregateBytes, h?.Storage.AggregateBytes, "N0", higherIsBetter: false);
        Row(table, "pool hit rate", null, h?.Figure("poolHitRate") * 100, "N2", higherIsBetter: true, suffix: " %");
        Row(table, "cache hit ratio", null, h?.Figure("cacheHitRatio") * 100, "N2", higherIsBetter: true, suffix: " %");
        Row(table, "wall time", n?.Seconds, h?.Seconds, "N2", higherIsBetter: false, suffix: " s");
        Row(table, "CPU time (all threads)", n?.CpuSeconds, h?.CpuSeconds, "N2", higherIsBetter: false, suffix: " s");
        console.Write(table);

        console.MarkupLine(report.Identical
            ? $"[green]Identical:[/] {report.AggregatesChecked:N0} node-minute aggregates, every stored sample and the final state of {report.PodsEverCreated:N0} pods match the reference."
            : $"[red]NOT identical:[/] {Markup.Escape(report.Mismatch ?? "")}");

        if (report.Metrics.Count > 0)
        {
            var meters = new Table().Border(TableBorder.Simple).Title("[bold]Hotpath meter[/] (live: dotnet-counters monitor --name ClusterState --counters Hotpath)")
                .Caption(o.Rounds > 1
                    ? $"Counters: the {o.Rounds} measured Hotpath rounds together; (total): since the process started, warm-up included."
                    : "Counters: the measured run; (total): since the process started, warm-up included.");
            meters.AddColumn("instrument");
            meters.AddColumn("tags");
            meters.AddColumn(new TableColumn("value").RightAligned());
            foreach (var m in report.Metrics)
            {
                // Observable counters are cumulative since the process started (warm-up included).
                var kind = m.Kind.StartsWith("Observable", StringComparison.Ordinal) ? " [grey](total)[/]" : "";
                meters.AddRow(
                    Markup.Escape(m.Instrument) + kind, Markup.Escape(m.Tags),
                    m.Value.ToString("N0", CultureInfo.InvariantCulture));
            }

            console.Write(meters);
        }
    }

    // The slowest and fastest round, in millions of events per second.
    private static string? Range(PipelineResult? side)
    {
        if (side is null)
        {
            return null;
        }

        var rounds = side.EventsPerSecondRounds;
        return string.Create(CultureInfo.InvariantCulture, $"{rounds.Min() / 1e6:N2}–{rounds.Max() / 1e6:N2} M");
    }

    private static string? Gc(PipelineResult? side) => side is null ? null : $"{side.Gen0} / {side.Gen1} / {side.Gen2}";

    private static void Row(Table table, string label, string? naive, string? hotpath) =>
        table.AddRow(label, naive ?? "-", hotpath ?? "-", "");

    private static void Row(Table table, string label, double? naive, double? hotpath, string format, bool higherIsBetter, string suffix = "")
    {
        string Cell(double? v) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) + suffix : "-";
        var ratio = "";
        if (naive is > 0 && hotpath is > 0)
        {
            var better = higherIsBetter ? hotpath.Value / naive.Value : naive.Value / hotpath.Value;
            ratio = better >= 1
                ? $"[green]{better.ToString("N1", CultureInfo.InvariantCulture)}x better[/]"
                : $"[red]{(1 / better).ToString("N1", CultureInfo.InvariantCulture)}x worse[/]";
        }

        table.AddRow(label, Cell(naive), Cell(hotpath), ratio);
    }
}
