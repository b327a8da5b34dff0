using BenchmarkDotNet.Running;

// Run all suites:   dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- --filter '*'
// One suite:        dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- --filter '*Pool*'
// Cache hit ratios: dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- hitratio [trace-folder]
if (args.Length > 0 && args[0] == "hitratio")
{
    return Hotpath.Benchmarks.Caching.HitRatioSimulator.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
