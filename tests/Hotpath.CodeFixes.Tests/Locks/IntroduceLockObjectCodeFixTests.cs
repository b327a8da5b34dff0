using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Locks;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Locks;

/// <summary>HOT201/HOT203's fix: a private readonly lock object, Lock when available, object otherwise.</summary>
public sealed class IntroduceLockObjectCodeFixTests
{
    [Fact]
    public Task Lock_on_this_gets_a_System_Threading_Lock_field() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Account
            {
                private int _balance;

                public void Deposit(int amount)
                {
                    lock ({|HOT201:this|}) { _balance += amount; }
                }

                public void Withdraw(int amount)
                {
                    lock ({|HOT201:this|}) { _balance -= amount; }
                }
            }
            """, """
            using System.Threading;

            public class Account
            {
                private readonly Lock _lock = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_lock) { _balance += amount; }
                }

                public void Withdraw(int amount)
                {
                    lock (_lock) { _balance -= amount; }
                }
            }
            """);

    [Fact]
    public Task Static_context_gets_a_static_field_and_a_fully_qualified_type_without_a_using() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            public static class Registry
            {
                private static int s_count;

                public static void Reset()
                {
                    lock ({|HOT201:typeof(Registry)|}) { s_count = 0; }
                }
            }
            """, """
            public static class Registry
            {
                private static readonly System.Threading.Lock s_lock = new();
                private static int s_count;

                public static void Reset()
                {
                    lock (s_lock) { s_count = 0; }
                }
            }
            """);

    [Fact]
    public Task Public_field_lock_moves_to_a_private_lock() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public sealed class Index
            {
                public readonly object SyncRoot = new();
                private int _n;

                public void Add()
                {
                    lock ({|HOT203:SyncRoot|}) { _n++; }
                }
            }
            """, """
            using System.Threading;

            public sealed class Index
            {
                private readonly Lock _lock = new();
                public readonly object SyncRoot = new();
                private int _n;

                public void Add()
                {
                    lock (_lock) { _n++; }
                }
            }
            """);

    [Fact]
    public Task Monitor_calls_get_an_object_and_the_exit_moves_too() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Account
            {
                private int _balance;

                public void Deposit(int amount)
                {
                    Monitor.Enter({|HOT201:this|});
                    try { _balance += amount; }
                    finally { Monitor.Exit(this); }
                }
            }
            """, """
            using System.Threading;

            public class Account
            {
                private readonly object _lock = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    Monitor.Enter(_lock);
                    try { _balance += amount; }
                    finally { Monitor.Exit(_lock); }
                }
            }
            """);

    [Fact]
    public Task An_existing_member_named_lock_is_not_reused_or_shadowed() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Account
            {
                private int _lock;

                public void Deposit(int amount)
                {
                    lock ({|HOT201:this|}) { _lock += amount; }
                }
            }
            """, """
            using System.Threading;

            public class Account
            {
                private readonly Lock _lock2 = new();
                private int _lock;

                public void Deposit(int amount)
                {
                    lock (_lock2) { _lock += amount; }
                }
            }
            """);

    [Fact]
    public Task No_fix_for_a_parameter() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            public static class Locks
            {
                public static void Run(object gate) { lock (gate) { } }
            }
            """);
}

/// <summary>
/// The <c>object</c> fallback: the test reference pack (.NET 10) always has System.Threading.Lock, so the
/// fallback is reached the other way the fix checks: C# 12, where a lock statement does not use Lock.
/// </summary>
public sealed class IntroduceLockObjectFallbackTests
{
    [Fact]
    public async Task Before_CSharp_13_the_lock_object_is_an_object()
    {
        const string Source = """
            using System.Threading;

            public class Account
            {
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (this) { _balance += amount; }
                }
            }
            """;
        const string Expected = """
            using System.Threading;

            public class Account
            {
                private readonly object _lock = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_lock) { _balance += amount; }
                }
            }
            """;

        using var workspace = new Microsoft.CodeAnalysis.AdhocWorkspace();
        var project = workspace.AddProject(Microsoft.CodeAnalysis.ProjectInfo.Create(
            Microsoft.CodeAnalysis.ProjectId.CreateNewId(), Microsoft.CodeAnalysis.VersionStamp.Default, "Test", "Test", Microsoft.CodeAnalysis.LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(),
            parseOptions: TestCompilation.ParseOptions.WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12),
            metadataReferences: ReferenceAssemblies.WithHotpath));
        var document = workspace.AddDocument(project.Id, "Source0.cs", Microsoft.CodeAnalysis.Text.SourceText.From(Source));

        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostic = Assert.Single(await AnalyzerVerifier.RunAnalyzersAsync(compilation, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new LockTargetAnalyzer() }));
        Assert.Equal("HOT201", diagnostic.Id);

        var actions = new List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        var fix = new IntroduceLockObjectCodeFixProvider();
        await fix.RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<Microsoft.CodeAnalysis.CodeActions.ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;

        Assert.Equal(TextDiff.Normalize(Expected), TextDiff.Normalize((await changed.GetTextAsync()).ToString()));
        TestCompilation.AssertNoErrors((await changed.Project.GetCompilationAsync())!);
    }
}
