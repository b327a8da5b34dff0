using BenchmarkDotNet.Running;

// Run all suites:   dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- --filter '*'
// One suite:        dotnet run -c Release --project benchmarks/Hotpath.Benchmarks -- --filter '*Pool*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
