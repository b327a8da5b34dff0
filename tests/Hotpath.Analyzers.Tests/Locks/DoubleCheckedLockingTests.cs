namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT209: double-checked locking where the checked field is neither volatile nor read with Volatile.Read.</summary>
public sealed class DoubleCheckedLockingTests
{
    [Fact]
    public Task Classic_nested_double_check() => LockVerifier.VerifyAsync("""
        public sealed class Registry
        {
            private readonly object _gate = new();
            private Registry? _instance;
            public Registry Instance
            {
                get
                {
                    if ({|HOT209:_instance|} == null)
                    {
                        lock (_gate)
                        {
                            if (_instance == null) { _instance = new Registry(); }
                        }
                    }

                    return _instance;
                }
            }
        }
        """, "HOT209");

    /// <summary>
    /// The unlocked check may test a local the field was first read into (SignalR's InvocationHandlerList.GetHandlers:
    /// <c>var handlers = _copiedHandlers; if (handlers == null) { lock (_invocationHandlers) { if (_copiedHandlers ==
    /// null) { _copiedHandlers = _invocationHandlers.ToArray(); } handlers = _copiedHandlers; } }</c>): that plain read is
    /// the unlocked one, and is reported (found in the real-code corpus, where it was quiet). A volatile field, a
    /// Volatile.Read, a declaration that is not the statement right before the check, or a lock that does not check and
    /// assign the field stay quiet.
    /// </summary>
    [Fact]
    public Task A_check_of_a_local_read_from_the_field_before_the_lock() => LockVerifier.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading;
        public sealed class HandlerList
        {
            private readonly List<int> _items = new();
            private int[]? _copied;
            private volatile int[]? _volatileCopy;
            private int[]? _viaVolatileRead;
            public int[] GetHandlers()
            {
                var handlers = {|HOT209:_copied|};
                if (handlers == null)
                {
                    lock (_items)
                    {
                        if (_copied == null) { _copied = _items.ToArray(); }
                        handlers = _copied;
                    }
                }

                return handlers;
            }

            public int[] Guarded()
            {
                var handlers = {|HOT209:_copied|};
                if (handlers != null) return handlers;
                lock (_items) { if (_copied == null) _copied = _items.ToArray(); return _copied; }
            }

            public int[] VolatileField() { var h = _volatileCopy; if (h == null) { lock (_items) { if (_volatileCopy == null) _volatileCopy = _items.ToArray(); h = _volatileCopy; } } return h; }
            public int[] VolatileRead() { var h = Volatile.Read(ref _viaVolatileRead); if (h == null) { lock (_items) { if (_viaVolatileRead == null) Volatile.Write(ref _viaVolatileRead, _items.ToArray()); h = _viaVolatileRead; } } return h!; }
            public int[] Rewritten() { var h = _copied; h = null; if (h == null) { lock (_items) { if (_copied == null) _copied = _items.ToArray(); h = _copied; } } return h; }
            public int[] Unrelated() { var h = _copied; if (h == null) { lock (_items) { h = _items.ToArray(); } } return h; }
        }
        """, "HOT209");

    [Fact]
    public Task Guard_clause_flag_and_coalescing_assignment_forms() => LockVerifier.VerifyAsync("""
        public sealed class Registry
        {
            private readonly object _gate = new();
            private object? _instance;
            private object? _other;
            private bool _initialized;
            public object A() { if ({|HOT209:_instance|} != null) return _instance; lock (_gate) { if (_instance == null) _instance = new object(); return _instance; } }
            public void B() { if (!{|HOT209:_initialized|}) { lock (_gate) { if (!_initialized) { _initialized = true; } } } }
            public object D() { if ({|HOT209:_other|} is null) { lock (_gate) { _other ??= new object(); } } return _other; }
        }
        """, "HOT209");

    [Fact]
    public Task Volatile_fields_volatile_reads_and_single_checks_are_not_reported() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Registry
        {
            private readonly object _gate = new();
            private volatile object? _volatile;
            private object? _viaVolatileRead;
            private object? _plain;
            public object A() { if (_volatile == null) { lock (_gate) { if (_volatile == null) { _volatile = new object(); } } } return _volatile; }
            public object B()
            {
                if (Volatile.Read(ref _viaVolatileRead) == null)
                {
                    lock (_gate) { if (_viaVolatileRead == null) { Volatile.Write(ref _viaVolatileRead, new object()); } }
                }

                return _viaVolatileRead!;
            }
            public object D() { lock (_gate) { if (_plain == null) { _plain = new object(); } return _plain; } }
            public object E() { if (_plain == null) { lock (_gate) { return new object(); } } return _plain; }
        }
        """, "HOT209");

    [Fact]
    public Task Dispose_style_early_exit_publishes_nothing_and_is_not_reported() => LockVerifier.VerifyAsync("""
        using System;
        public sealed class Connection : IDisposable
        {
            private readonly object _gate = new();
            private bool _disposed;
            public void Dispose()
            {
                if (_disposed) return;
                lock (_gate)
                {
                    if (_disposed) return;
                    _disposed = true;
                }
            }
        }
        """, "HOT209");

    /// <summary>
    /// C# 14's <c>field</c> keyword reads the property's backing field: the message names the property and advises
    /// Volatile.Read/Write, Lazy&lt;T&gt; or LazyInitializer, since a property cannot be volatile. (Preview language
    /// version: the tests' Roslyn 4.14 has the keyword only there.)
    /// </summary>
    [Fact]
    public async Task Field_keyword_of_a_property_is_named_as_the_property()
    {
        const string Source = """
            public sealed class Registry
            {
                private readonly object _gate = new();
                public object Instance
                {
                    get
                    {
                        if (field == null) { lock (_gate) { if (field == null) { field = new object(); } } }
                        return field;
                    }
                }
            }
            """;
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "TestAssembly",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Source, new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview), Hotpath.Testing.TestCompilation.SourcePath(0)) },
            Hotpath.Testing.ReferenceAssemblies.Net,
            Hotpath.Testing.TestCompilation.Options());
        Hotpath.Testing.TestCompilation.AssertNoErrors(compilation);

        var diagnostics = (await Hotpath.Testing.AnalyzerVerifier.RunAnalyzersAsync(compilation, LockVerifier.Analyzers())).Where(d => d.Id == "HOT209").ToArray();

        var diagnostic = Assert.Single(diagnostics);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("property 'Instance'", message);
        Assert.DoesNotContain("k__BackingField", message);
        Assert.Contains("Volatile.Read", message);
        Assert.Contains("Lazy<T>", message);
        Assert.Contains("LazyInitializer.EnsureInitialized", message);
    }

    [Fact]
    public async Task A_field_is_named_and_advised_volatile()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync("""
            public sealed class Registry
            {
                private readonly object _gate = new();
                private object? _instance;
                public object Instance { get { if (_instance == null) { lock (_gate) { if (_instance == null) { _instance = new object(); } } } return _instance; } }
            }
            """, LockVerifier.Analyzers());

        var message = Assert.Single(diagnostics, d => d.Id == "HOT209").GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("'_instance'", message);
        Assert.Contains("mark the field volatile", message);
    }
}
