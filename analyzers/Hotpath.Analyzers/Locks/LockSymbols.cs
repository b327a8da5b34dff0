using Microsoft.CodeAnalysis;

namespace Hotpath.Analyzers.Locks;

/// <summary>
/// The well-known types the lock analyzers look for, resolved once per compilation. Any of them may be
/// missing (<c>System.Threading.Lock</c> exists only from .NET 9 on): every check tolerates null.
/// </summary>
internal sealed class LockSymbols
{
    private LockSymbols(Compilation compilation)
    {
        Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
        Lock = compilation.GetTypeByMetadataName("System.Threading.Lock");
        SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
        Interlocked = compilation.GetTypeByMetadataName("System.Threading.Interlocked");
        Volatile = compilation.GetTypeByMetadataName("System.Threading.Volatile");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        Type = compilation.GetTypeByMetadataName("System.Type");
        MemberInfo = compilation.GetTypeByMetadataName("System.Reflection.MemberInfo");
        ParameterInfo = compilation.GetTypeByMetadataName("System.Reflection.ParameterInfo");
        MarshalByRefObject = compilation.GetTypeByMetadataName("System.MarshalByRefObject");
        AppDomain = compilation.GetTypeByMetadataName("System.AppDomain");
        HasRemoting = compilation.GetTypeByMetadataName("System.Runtime.Remoting.Proxies.RealProxy") is not null;
        OutOfMemoryException = compilation.GetTypeByMetadataName("System.OutOfMemoryException");
        StackOverflowException = compilation.GetTypeByMetadataName("System.StackOverflowException");
        ExecutionEngineException = compilation.GetTypeByMetadataName("System.ExecutionEngineException");
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
        MemoryStream = compilation.GetTypeByMetadataName("System.IO.MemoryStream");
        UnmanagedMemoryStream = compilation.GetTypeByMetadataName("System.IO.UnmanagedMemoryStream");
        File = compilation.GetTypeByMetadataName("System.IO.File");
        Console = compilation.GetTypeByMetadataName("System.Console");
        StreamReader = compilation.GetTypeByMetadataName("System.IO.StreamReader");
        StreamWriter = compilation.GetTypeByMetadataName("System.IO.StreamWriter");
        Socket = compilation.GetTypeByMetadataName("System.Net.Sockets.Socket");
        TcpClient = compilation.GetTypeByMetadataName("System.Net.Sockets.TcpClient");
        Dns = compilation.GetTypeByMetadataName("System.Net.Dns");
        HttpClient = compilation.GetTypeByMetadataName("System.Net.Http.HttpClient");
        WebClient = compilation.GetTypeByMetadataName("System.Net.WebClient");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        CancellationTokenRegistration = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenRegistration");
        CancellationTokenSource = compilation.GetTypeByMetadataName("System.Threading.CancellationTokenSource");
        IDisposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        IAsyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
    }

    public INamedTypeSymbol? Monitor { get; }
    public INamedTypeSymbol? Lock { get; }
    public INamedTypeSymbol? SpinLock { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }
    public INamedTypeSymbol? ReaderWriterLockSlim { get; }
    public INamedTypeSymbol? Interlocked { get; }
    public INamedTypeSymbol? Volatile { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? WaitHandle { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? Type { get; }
    public INamedTypeSymbol? MemberInfo { get; }
    public INamedTypeSymbol? ParameterInfo { get; }
    public INamedTypeSymbol? MarshalByRefObject { get; }
    public INamedTypeSymbol? AppDomain { get; }

    /// <summary>Whether the compilation can see .NET Framework remoting (<c>RealProxy</c>): a MarshalByRefObject may be a proxy there.</summary>
    public bool HasRemoting { get; }
    public INamedTypeSymbol? OutOfMemoryException { get; }
    public INamedTypeSymbol? StackOverflowException { get; }
    public INamedTypeSymbol? ExecutionEngineException { get; }
    public INamedTypeSymbol? Stream { get; }
    public INamedTypeSymbol? MemoryStream { get; }
    public INamedTypeSymbol? UnmanagedMemoryStream { get; }
    public INamedTypeSymbol? File { get; }
    public INamedTypeSymbol? Console { get; }
    public INamedTypeSymbol? StreamReader { get; }
    public INamedTypeSymbol? StreamWriter { get; }
    public INamedTypeSymbol? Socket { get; }
    public INamedTypeSymbol? TcpClient { get; }
    public INamedTypeSymbol? Dns { get; }
    public INamedTypeSymbol? HttpClient { get; }
    public INamedTypeSymbol? WebClient { get; }
    public INamedTypeSymbol? TimeSpan { get; }
    public INamedTypeSymbol? CancellationTokenRegistration { get; }
    public INamedTypeSymbol? CancellationTokenSource { get; }
    public INamedTypeSymbol IDisposable { get; }
    public INamedTypeSymbol? IAsyncDisposable { get; }

    public static LockSymbols Create(Compilation compilation) => new(compilation);

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    public static bool InheritsFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a method hands the caller something to dispose (a releaser scope), directly or through a task.</summary>
    public bool ReturnsDisposable(IMethodSymbol method)
    {
        var type = method.ReturnType;
        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic &&
            (Is(generic, TaskOfT) || Is(generic, ValueTaskOfT)))
        {
            type = generic.TypeArguments[0];
        }

        if (type.SpecialType == SpecialType.System_Void || Is(type, Task) || Is(type, ValueTask))
        {
            return false;
        }

        if (Implements(type, IDisposable) || Implements(type, IAsyncDisposable))
        {
            return true;
        }

        // A ref struct cannot implement interfaces but is disposable by pattern (public Dispose()).
        foreach (var member in type.GetMembers("Dispose"))
        {
            if (member is IMethodSymbol { Parameters.Length: 0, DeclaredAccessibility: Accessibility.Public })
            {
                return true;
            }
        }

        return false;
    }

    private static bool Implements(ITypeSymbol type, INamedTypeSymbol? @interface)
    {
        if (@interface is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, @interface))
        {
            return true;
        }

        foreach (var candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, @interface))
            {
                return true;
            }
        }

        return false;
    }
}
