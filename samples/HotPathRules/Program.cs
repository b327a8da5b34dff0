using System.Text;
using HotPathRules;

var ingestor = new LineIngestor(nodes: 4);
string[] lines = ["node=0 latencyMicros=120", "node=1 latencyMicros=80", "node=0 latencyMicros=100", "garbage", "node=9 latencyMicros=1"];
foreach (var line in lines)
{
    ingestor.Ingest(Encoding.UTF8.GetBytes(line));
}

Console.WriteLine(ingestor.Report(0));
Console.WriteLine(ingestor.Report(1));
Console.WriteLine($"rejected: {ingestor.Rejected}");
