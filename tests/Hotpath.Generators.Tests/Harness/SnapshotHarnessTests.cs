using Hotpath.Testing;
using Xunit.Sdk;

namespace Hotpath.Generators.Tests.Harness;

/// <summary>Tests of the snapshot helper itself (the generator is a test double).</summary>
public sealed class SnapshotHarnessTests : IDisposable
{
    private const string Source = "namespace Shop { [Tests.Greeting] public partial class Basket { } [Tests.Greeting(Salutation = \"Hi\")] public partial class Order { } }";
    private readonly string _directory = Directory.CreateTempSubdirectory("hotpath-snapshots-").FullName;

    [Fact]
    public void Matching_output_passes_against_committed_snapshots()
    {
        var run = GeneratorRunner.RunAndCompile(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);
        Snapshot.Verify(run);
    }

    [Fact]
    public void Missing_snapshot_fails_and_writes_received_files()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);

        var failure = Assert.Throws<XunitException>(() => Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false));

        Assert.Contains("does not exist", failure.Message);
        Assert.True(File.Exists(Path.Combine(_directory, "T.M#Basket.Greeting.g.received.cs")));
        Assert.True(File.Exists(Path.Combine(_directory, "T.M.received.txt")));
        Assert.Contains("Basket.Greeting.g.cs", File.ReadAllText(Path.Combine(_directory, "T.M.received.txt")));
    }

    [Fact]
    public void Changed_output_fails_with_a_line_diff_and_received_file()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);
        AcceptInto(run);
        var verified = Path.Combine(_directory, "T.M#Order.Greeting.g.verified.cs");
        File.WriteAllText(verified, File.ReadAllText(verified).Replace("Hi, Order", "Hello, Order"));

        var failure = Assert.Throws<XunitException>(() => Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false));

        Assert.Contains("- 6:     public static string Greeting => \"Hello, Order\";", failure.Message);
        Assert.Contains("+ 6:     public static string Greeting => \"Hi, Order\";", failure.Message);
        Assert.True(File.Exists(Path.Combine(_directory, "T.M#Order.Greeting.g.received.cs")));
        Assert.False(File.Exists(Path.Combine(_directory, "T.M#Basket.Greeting.g.received.cs")));
    }

    [Fact]
    public void A_verified_file_no_longer_generated_fails()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);
        AcceptInto(run);
        File.WriteAllText(Path.Combine(_directory, "T.M#Gone.Greeting.g.verified.cs"), "// stale");

        var failure = Assert.Throws<XunitException>(() => Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false));

        Assert.Contains("T.M#Gone.Greeting.g.verified.cs is verified but no longer generated", failure.Message);
    }

    [Fact]
    public void Line_endings_do_not_matter()
    {
        var run = GeneratorRunner.Run(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);
        AcceptInto(run);
        foreach (var file in Directory.GetFiles(_directory, "*.verified.*"))
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace("\n", "\r\n"));
        }

        Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false);
    }

    [Fact]
    public void Generated_code_compiles_and_runs()
    {
        var run = GeneratorRunner.RunAndCompile(new GreetingGenerator(), GreetingGenerator.AttributeSource, Source);

        var assembly = TestCompilation.EmitAndLoad(run.OutputCompilation);

        Assert.Equal("Hi, Order", assembly.GetType("Shop.Order")!.GetProperty("Greeting")!.GetValue(null));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Writes the run's output as verified files (what HOTPATH_ACCEPT_SNAPSHOTS=1 does), without touching the environment.</summary>
    private void AcceptInto(GeneratorRun run)
    {
        Assert.Throws<XunitException>(() => Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false));
        foreach (var received in Directory.GetFiles(_directory, "*.received.*"))
        {
            File.Move(received, received.Replace(".received.", ".verified."), overwrite: true);
        }

        Snapshot.VerifyIn(run.Result, _directory, "T.M", accept: false);
    }
}
