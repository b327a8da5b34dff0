using Hotpath;

Console.WriteLine($"Hotpath quickstart: attributes from {typeof(PooledAttribute).Assembly.GetName().Name} {typeof(PooledAttribute).Assembly.GetName().Version}");
