using System.Collections.Immutable;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Locks;
using Hotpath.TestSources;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

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

    /// <summary>typeof(T) excludes across every instance: an instance field would give each instance its own lock.</summary>
    [Fact]
    public Task Typeof_in_instance_code_gets_a_static_field() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Registry
            {
                private int _count;

                public void Add()
                {
                    lock ({|HOT201:typeof(Registry)|}) { _count++; }
                }
            }
            """, """
            using System.Threading;

            public class Registry
            {
                private static readonly Lock s_lock = new();
                private int _count;

                public void Add()
                {
                    lock (s_lock) { _count++; }
                }
            }
            """);

    /// <summary>
    /// lock (this) that only guards static fields: the state is shared by every instance, so the lock must be too; the
    /// other lock (this) of the type, which excluded it (and also touches s_total), takes the same static lock (it got
    /// its own instance lock, and the two raced on s_total).
    /// </summary>
    [Fact]
    public Task Lock_on_this_guarding_only_static_fields_gets_a_static_field() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Counter
            {
                private static int s_total;
                private int _mine;

                public void Count()
                {
                    lock ({|HOT201:this|}) { s_total++; }
                }

                public void CountMine()
                {
                    lock ({|HOT201:this|}) { _mine++; s_total++; }
                }
            }
            """, """
            using System.Threading;

            public class Counter
            {
                private static readonly Lock s_lock = new();
                private static int s_total;
                private int _mine;

                public void Count()
                {
                    lock (s_lock) { s_total++; }
                }

                public void CountMine()
                {
                    lock (s_lock) { _mine++; s_total++; }
                }
            }
            """);

    [Fact]
    public Task A_string_literal_in_instance_code_gets_a_static_object_for_Monitor() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public class Cache
            {
                private int _n;

                public void Touch()
                {
                    Monitor.Enter({|HOT201:"cache"|});
                    try { _n++; }
                    finally { Monitor.Exit("cache"); }
                }
            }
            """, """
            using System.Threading;

            public class Cache
            {
                private static readonly object s_lock = new();
                private int _n;

                public void Touch()
                {
                    Monitor.Enter(s_lock);
                    try { _n++; }
                    finally { Monitor.Exit(s_lock); }
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

    private const string Registry = """
        using System.Collections.Generic;
        using System.Threading;

        public partial class Registry
        {
            private readonly Dictionary<string, int> _nodes = new();
            private int _version;

            public void Join(string node)
            {
                lock ({|HOT201:this|})
                {
                    _nodes[node] = ++_version;
                }
            }

            public void Leave(string node)
            {
                Monitor.Enter({|HOT201:this|});
                try
                {
                    if (_nodes.Remove(node)) _version++;
                    Monitor.PulseAll(this);
                }
                finally
                {
                    Monitor.Exit(this);
                }
            }

            private sealed class Entry
            {
                private int _hits;
                public void Hit() { lock ({|HOT201:this|}) { _hits++; } }
            }
        }

        public partial class Registry
        {
            public void WaitForChange(int seen)
            {
                lock ({|HOT201:this|})
                {
                    while (_version == seen) Monitor.Wait(this);
                }
            }
        }
        """;

    private const string RegistryFixed = """
        using System.Collections.Generic;
        using System.Threading;

        public partial class Registry
        {
            private readonly object _lock = new();
            private readonly Dictionary<string, int> _nodes = new();
            private int _version;

            public void Join(string node)
            {
                lock (_lock)
                {
                    _nodes[node] = ++_version;
                }
            }

            public void Leave(string node)
            {
                Monitor.Enter(_lock);
                try
                {
                    if (_nodes.Remove(node)) _version++;
                    Monitor.PulseAll(_lock);
                }
                finally
                {
                    Monitor.Exit(_lock);
                }
            }

            private sealed class Entry
            {
                private int _hits;
                public void Hit() { lock (this) { _hits++; } }
            }
        }

        public partial class Registry
        {
            public void WaitForChange(int seen)
            {
                lock (_lock)
                {
                    while (_version == seen) Monitor.Wait(_lock);
                }
            }
        }
        """;

    /// <summary>
    /// The single fix rewrites every site of the type that locks the same object, in every part of a partial type, with
    /// its Monitor calls (Wait and PulseAll too), on one object (Monitor calls rule out a Lock); it rewrote only the
    /// reported site, and the methods stopped excluding each other. A nested type's this is another object: left alone.
    /// </summary>
    [Fact]
    public Task The_single_fix_rewrites_every_site_locking_the_same_object() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), Registry, RegistryFixed, new CodeFixTestOptions { FixAll = false });

    /// <summary>Fix All gives one object for the lock statements and the Monitor calls alike (it gave a Lock to the first and an object to the second).</summary>
    [Fact]
    public Task Fix_All_gives_the_lock_statements_and_Monitor_calls_of_one_object_one_lock_object() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), Registry, RegistryFixed.Replace(
            "        private int _hits;\n        public void Hit() { lock (this) { _hits++; } }",
            "        private readonly Lock _lock = new();\n        private int _hits;\n        public void Hit() { lock (_lock) { _hits++; } }"));

    /// <summary>
    /// A lock object waited on or pulsed is not shared with another object's sites: merged, a Pulse could wake a waiter
    /// of the other object's condition (a lost wake-up), and a thread blocked while holding one would block the other.
    /// Fix All gave both the first site's object.
    /// </summary>
    [Fact]
    public Task A_lock_object_waited_on_gets_a_lock_object_of_its_own() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Channel
            {
                public readonly object SyncRoot = new();
                private readonly Queue<int> _items = new();
                private int _readers;

                public void Enter()
                {
                    Monitor.Enter({|HOT203:SyncRoot|});
                    try { _readers++; }
                    finally { Monitor.Exit(SyncRoot); }
                }

                public void Put(int item)
                {
                    lock ({|HOT201:this|}) { _items.Enqueue(item); Monitor.Pulse(this); }
                }

                public int Take()
                {
                    lock ({|HOT201:this|}) { while (_items.Count == 0) Monitor.Wait(this); return _items.Dequeue(); }
                }
            }
            """, """
            using System.Collections.Generic;
            using System.Threading;

            public sealed class Channel
            {
                private readonly object _lock2 = new();
                private readonly object _lock = new();
                public readonly object SyncRoot = new();
                private readonly Queue<int> _items = new();
                private int _readers;

                public void Enter()
                {
                    Monitor.Enter(_lock);
                    try { _readers++; }
                    finally { Monitor.Exit(_lock); }
                }

                public void Put(int item)
                {
                    lock (_lock2) { _items.Enqueue(item); Monitor.Pulse(_lock2); }
                }

                public int Take()
                {
                    lock (_lock2) { while (_items.Count == 0) Monitor.Wait(_lock2); return _items.Dequeue(); }
                }
            }
            """);

    /// <summary>
    /// lock (this) guarding only static state would take a static lock, but this instance is also waited on: a static
    /// lock object would let one instance's Pulse wake another instance's waiter (a lost wake-up), so it stays per
    /// instance, as the monitor of this was.
    /// </summary>
    [Fact]
    public Task A_this_that_is_waited_on_keeps_an_instance_lock_object() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            using System.Threading;

            public sealed class Latch
            {
                private static int s_opened;
                private bool _open;

                public void Open()
                {
                    lock ({|HOT201:this|}) { _open = true; Monitor.PulseAll(this); }
                }

                public void Count()
                {
                    lock ({|HOT201:this|}) { s_opened++; }
                }

                public void Await()
                {
                    lock ({|HOT201:this|}) { while (!_open) Monitor.Wait(this); }
                }
            }
            """, """
            using System.Threading;

            public sealed class Latch
            {
                private readonly object _lock = new();
                private static int s_opened;
                private bool _open;

                public void Open()
                {
                    lock (_lock) { _open = true; Monitor.PulseAll(_lock); }
                }

                public void Count()
                {
                    lock (_lock) { s_opened++; }
                }

                public void Await()
                {
                    lock (_lock) { while (!_open) Monitor.Wait(_lock); }
                }
            }
            """, new CodeFixTestOptions { FixAll = false });

    private const string PartialRegistry = """
        public partial class Registry
        {
            private int _version;

            public void Bump()
            {
                lock ({|HOT201:typeof(Registry)|}) { _version++; }
            }
        }
        """;

    private const string PartialRegistryFixed = """
        public partial class Registry
        {
            private static readonly System.Threading.Lock s_lock = new();
            private int _version;

            public void Bump()
            {
                lock (s_lock) { _version++; }
            }
        }
        """;

    private const string PartialRegistryPart = """
        public partial class Registry
        {
            public int Read() { lock ({|HOT201:typeof(Registry)|}) { return _version; } }
        }
        """;

    private const string PartialRegistryPartFixed = """
        public partial class Registry
        {
            public int Read() { lock (s_lock) { return _version; } }
        }
        """;

    /// <summary>A part of the type in another file is rewritten too.</summary>
    [Fact]
    public Task The_single_fix_rewrites_the_sites_in_other_files_of_a_partial_type() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), PartialRegistry, PartialRegistryFixed, new CodeFixTestOptions
        {
            FixAll = false,
            AdditionalSources = ImmutableArray.Create(PartialRegistryPart),
            ExpectedAdditionalSources = ImmutableArray.Create(PartialRegistryPartFixed),
        });

    /// <summary>
    /// In a project of two hundred files, one walk of its trees (the type's declarations visited once) still finds the
    /// site in the type's other part, and another type's lock of the same object in the last file, which rules the fix out
    /// (the site collection and the other types' check each walked the type's declarations).
    /// </summary>
    [Fact]
    public async Task One_walk_over_two_hundred_files_finds_the_other_part_and_a_lock_in_the_last_file()
    {
        var fillers = Enumerable.Range(0, 200).Select(static i => $$"""
            public sealed class Filler{{i}}
            {
                private readonly object _gate = new();
                private int _n;
                public void Step() { lock (_gate) { _n++; } }
            }
            """).ToImmutableArray();
        await CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), PartialRegistry, PartialRegistryFixed, new CodeFixTestOptions
        {
            FixAll = false,
            AdditionalSources = fillers.Add(PartialRegistryPart),
            ExpectedAdditionalSources = fillers.Add(PartialRegistryPartFixed),
        });
        await CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), PartialRegistry, new CodeFixTestOptions
        {
            AdditionalSources = fillers.Add(PartialRegistryPart).Add("""
                public static class Elsewhere
                {
                    public static void Touch() { lock ({|HOT201:typeof(Registry)|}) { } }
                }
                """),
        });
    }

    /// <summary>
    /// Another type's lock of the same object in another file rules the fix out however it is written: a file without the
    /// type is looked at only where its text has the lock keyword or a Monitor method's name standing alone, and a name
    /// written with an escape is looked for node by node (a verbatim name or a global:: qualified Monitor is found by the scan).
    /// </summary>
    [Theory]
    [InlineData("public static class Elsewhere { public static void Touch() { lock({|HOT201:typeof(Registry)|}){} } }")]
    [InlineData("public static class Elsewhere { public static void Touch() { /* lock */ var lockName = \"lock\"; lock ({|HOT201:typeof(Registry)|}) { } } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor.Enter({|HOT201:typeof(Registry)|}); } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor . /* Enter */ TryEnter({|HOT201:typeof(Registry)|}); } }")]
    [InlineData("public static class Elsewhere { public static void Touch() { System.Threading.Monitor.Exit(typeof(Registry)); } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor.Wait(typeof(Registry)); } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor.Pulse(typeof(Registry)); } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor.PulseAll(typeof(Registry)); } }")]
    [InlineData("using System.Threading; public static class Elsewhere { public static void Touch() { Monitor.\\u0045nter({|HOT201:typeof(Registry)|}); } }")]
    [InlineData("using M = System.Threading.Monitor; public static class Elsewhere { public static void Touch() { M.@Enter({|HOT201:typeof(Registry)|}); } }")]
    [InlineData("public static class Elsewhere { public static void Touch() { global::System.Threading.Monitor.@TryEnter({|HOT201:typeof(Registry)|}); } }")]
    [InlineData("public static class Elsewhere { public static void Touch() { global::System.Threading.Monitor.Enter({|HOT201:typeof(Registry)|}); } }")]
    public Task A_lock_of_the_same_object_in_another_file_is_found_however_it_is_written(string elsewhere) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), PartialRegistry, new CodeFixTestOptions
        {
            AdditionalSources = ImmutableArray.Create(elsewhere),
        });

    /// <summary>
    /// The same words in a comment, a string, a longer name or another call (<c>task.Wait()</c>, <c>ExitCode</c>) of a file
    /// without the type are no site: the fix is offered and that file left as it is.
    /// </summary>
    [Fact]
    public Task The_site_words_in_comments_strings_and_other_names_of_another_file_leave_the_fix_offered() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), PartialRegistry, PartialRegistryFixed, new CodeFixTestOptions
        {
            FixAll = false,
            AdditionalSources = ImmutableArray.Create("""
                using System.Threading.Tasks;

                // lock (typeof(Registry)) and Monitor.Enter(typeof(Registry)) are only words here
                public sealed class Elsewhere
                {
                    private readonly object _gate = new();
                    public int ExitCode;
                    public string Text = "lock (typeof(Registry)) Monitor.Exit(typeof(Registry))";
                    public void Wait(Task task) { task.Wait(); lock (_gate) { ExitCode++; } }
                    public void Enter(object gate) { }
                    public void Touch() { Enter(typeof(Registry)); }
                }
                """),
        });

    private const string ThreeObjects = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Cache
        {
            private int _hits;
            private static int s_misses;
            private static int s_names;

            public void Hit(Action inside) { lock ({|HOT201:this|}) { _hits++; inside(); } }

            public static void Miss(Action inside) { lock ({|HOT201:typeof(Cache)|}) { s_misses++; inside(); } }

            public void Name(Action inside) { lock ({|HOT201:"cache-names"|}) { s_names++; inside(); } }

            public void Names(Action inside) { lock ({|HOT201:"cache-names"|}) { s_names--; inside(); } }

            /// <summary>While each site holds its lock, whether another thread gets through each other site (or is held up).</summary>
            public static string Probe()
            {
                static bool Through(Action<Action> site) => Task.Run(() => site(static () => { })).Wait(5000);
                static bool HeldUp(Action<Action> site) => !Task.Run(() => site(static () => { })).Wait(200);
                var cache = new Cache();
                var other = new Cache();
                var seen = new List<string>();
                cache.Hit(() => seen.Add($"{Through(Miss)} {Through(cache.Name)} {Through(other.Hit)} {HeldUp(cache.Hit)}"));
                Miss(() => seen.Add($"{Through(cache.Hit)} {Through(cache.Name)} {HeldUp(Miss)}"));
                cache.Name(() => seen.Add($"{Through(cache.Hit)} {Through(Miss)} {HeldUp(other.Names)}"));
                return string.Join(" | ", seen);
            }
        }
        """;

    private const string ThreeObjectsFixed = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Cache
        {
            private static readonly System.Threading.Lock s_lock2 = new();
            private static readonly System.Threading.Lock s_lock = new();
            private readonly System.Threading.Lock _lock = new();
            private int _hits;
            private static int s_misses;
            private static int s_names;

            public void Hit(Action inside) { lock (_lock) { _hits++; inside(); } }

            public static void Miss(Action inside) { lock (s_lock) { s_misses++; inside(); } }

            public void Name(Action inside) { lock (s_lock2) { s_names++; inside(); } }

            public void Names(Action inside) { lock (s_lock2) { s_names--; inside(); } }

            /// <summary>While each site holds its lock, whether another thread gets through each other site (or is held up).</summary>
            public static string Probe()
            {
                static bool Through(Action<Action> site) => Task.Run(() => site(static () => { })).Wait(5000);
                static bool HeldUp(Action<Action> site) => !Task.Run(() => site(static () => { })).Wait(200);
                var cache = new Cache();
                var other = new Cache();
                var seen = new List<string>();
                cache.Hit(() => seen.Add($"{Through(Miss)} {Through(cache.Name)} {Through(other.Hit)} {HeldUp(cache.Hit)}"));
                Miss(() => seen.Add($"{Through(cache.Hit)} {Through(cache.Name)} {HeldUp(Miss)}"));
                cache.Name(() => seen.Add($"{Through(cache.Hit)} {Through(Miss)} {HeldUp(other.Names)}"));
                return string.Join(" | ", seen);
            }
        }
        """;

    private static readonly CodeFixTestOptions s_threeObjectsRun = new()
    {
        Run = static assembly => Assert.Equal(
            "True True True True | True True True | True True True",
            assembly.GetType("Cache")!.GetMethod("Probe")!.Invoke(null, null)),
    };

    /// <summary>
    /// A type that locks three objects (this, typeof(Cache), a string) gets a lock object for each, of its kind (this: per
    /// instance; typeof and a string: static, which a static method's lock needs), and the program excludes exactly what
    /// it excluded before: each site only its own object's others. The later fixes reused the first static field, and
    /// the typeof and string sites, which never excluded each other, did.
    /// </summary>
    [Fact]
    public Task Each_object_a_type_locks_gets_a_lock_object_of_its_own() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), ThreeObjects, ThreeObjectsFixed, s_threeObjectsRun);

    [Fact]
    public Task Fix_All_gives_each_object_a_type_locks_a_lock_object_of_its_own() =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), ThreeObjects, ThreeObjectsFixed, s_threeObjectsRun);

    /// <summary>
    /// Fix All in any scope gives what the single fixes give one by one: each object's sites in every part of a partial
    /// type are rewritten, the other file's too, with one field per object (in the part of the site fixed first). In
    /// document scope the sites of the document are fixed, with the other parts' sites of the same objects (a site of
    /// another object only in another file is out of scope); it left a target also locked in another file alone (a
    /// single fix rewrote it), and with it the document's other sites on the old object.
    /// </summary>
    [Theory]
    [InlineData(FixAllScope.Document)]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_All_in_every_scope_rewrites_the_other_parts_of_the_type_like_the_single_fix(FixAllScope scope) =>
        CodeFixVerifier.VerifyFixAllAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            public partial class Registry
            {
                private int _version;
                private static int s_count;

                public void Bump()
                {
                    lock ({|HOT201:typeof(Registry)|}) { _version++; }
                    lock ({|HOT201:this|}) { _version++; }
                }
            }
            """, """
            public partial class Registry
            {
                private readonly System.Threading.Lock _lock = new();
                private static readonly System.Threading.Lock s_lock = new();
                private int _version;
                private static int s_count;

                public void Bump()
                {
                    lock (s_lock) { _version++; }
                    lock (_lock) { _version++; }
                }
            }
            """, new CodeFixTestOptions
            {
                AdditionalSources = ImmutableArray.Create("""
                    public partial class Registry
                    {
                        public int Read() { lock ({|HOT201:typeof(Registry)|}) { return _version; } }
                        public static void Count() { lock ({|HOT201:"registry"|}) { s_count++; } }
                    }
                    """),
                ExpectedAdditionalSources = ImmutableArray.Create(scope == FixAllScope.Document
                    ? """
                    public partial class Registry
                    {
                        public int Read() { lock (s_lock) { return _version; } }
                        public static void Count() { lock ("registry") { s_count++; } }
                    }
                    """
                    : """
                    public partial class Registry
                    {
                        private static readonly System.Threading.Lock s_lock2 = new();

                        public int Read() { lock (s_lock) { return _version; } }
                        public static void Count() { lock (s_lock2) { s_count++; } }
                    }
                    """),
            }, scope);

    /// <summary>
    /// The new field's name is free among the members of the base types (a base type's <c>_lock</c> would be hidden) and
    /// the names in the rewritten members (a local or parameter named <c>_lock</c> would be locked instead of the field).
    /// </summary>
    [Fact]
    public Task The_lock_objects_name_avoids_a_base_types_member_and_a_local_or_parameter_of_a_rewritten_member() =>
        CodeFixVerifier.VerifyAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            public class Base
            {
                protected int _lock;
            }

            public class Account : Base
            {
                private int _balance;

                public void Deposit(int amount)
                {
                    lock ({|HOT201:this|}) { _balance += amount + _lock; }
                }
            }

            public class Ledger
            {
                private int _entries;

                public void Add(int _lock2)
                {
                    var _lock = _lock2;
                    lock ({|HOT201:this|}) { _entries += _lock; }
                }
            }
            """, """
            public class Base
            {
                protected int _lock;
            }

            public class Account : Base
            {
                private readonly System.Threading.Lock _lock2 = new();
                private int _balance;

                public void Deposit(int amount)
                {
                    lock (_lock2) { _balance += amount + _lock; }
                }
            }

            public class Ledger
            {
                private readonly System.Threading.Lock _lock3 = new();
                private int _entries;

                public void Add(int _lock2)
                {
                    var _lock = _lock2;
                    lock (_lock3) { _entries += _lock; }
                }
            }
            """);

    /// <summary>
    /// Another type the fix cannot give the private lock object locks the same object: a base or derived type's
    /// lock (this), or another class's lock on the same string literal. Fixed, the two sides would stop excluding each
    /// other (each got a lock object of its own): no fix.
    /// </summary>
    [Theory]
    [InlineData("""
        public class Base { protected int _n; public void A() { lock ({|HOT201:this|}) { _n++; } } }
        public sealed class Derived : Base { public void B() { lock ({|HOT201:this|}) { _n--; } } }
        """)]
    [InlineData("""
        public class Base { protected int _n; public void A() { System.Threading.Monitor.Enter({|HOT201:this|}); _n++; System.Threading.Monitor.Exit(this); } }
        public sealed class Derived : Base { public void B() { lock ({|HOT201:this|}) { _n--; } } }
        """)]
    [InlineData("""
        public static class LegacyLocks { public static int A; public static void Bump() { lock ({|HOT201:"legacy-lock"|}) { A++; } } }
        public static class OtherLegacy { public static void Bump() { lock ({|HOT201:"legacy-lock"|}) { LegacyLocks.A--; } } }
        """)]
    [InlineData("""
        public class Registry { private static int s_n; public static void Add() { lock ({|HOT201:typeof(Registry)|}) { s_n++; } } }
        public static class Admin { public static void Reset() { lock ({|HOT201:typeof(Registry)|}) { } } }
        """)]
    public Task No_fix_when_another_type_locks_the_same_object(string source) =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), source);

    /// <summary>
    /// Another object's member (<c>lock (_registry.Sync)</c>, <c>lock (other.Sync)</c>) is locked by every instance, and
    /// by other types, that reach that object: a lock object of this type (one per instance) would stop excluding them
    /// from each other, and two such sites from each other. No fix (each site got a lock object of its own).
    /// </summary>
    [Fact]
    public async Task No_fix_for_a_member_of_another_object()
    {
        const string Markup = """
            public sealed class Registry
            {
                public readonly object Sync = new();
                public int Count;
            }

            public sealed class Worker
            {
                private readonly Registry _registry;
                public Worker(Registry registry) => _registry = registry;
                public void A() { lock ({|HOT203:_registry.Sync|}) { _registry.Count++; } }
                public void B(Registry other) { lock ({|HOT203:other.Sync|}) { other.Count++; } }
            }
            """;
        await CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), Markup);
    }

    /// <summary>
    /// Code that locks an instance of the type from outside (<c>lock (account)</c> around two calls, in another type or
    /// in a static method of the type itself), or this instance's member through another reference (<c>other.SyncRoot</c>),
    /// excludes the type's own <c>lock (this)</c> (or <c>lock (SyncRoot)</c>) sites: given a private lock object, they
    /// would no longer exclude that code. No fix (it was offered).
    /// </summary>
    [Theory]
    [InlineData("""
        public class Account { private int _n; public void Deposit() { lock ({|HOT201:this|}) { _n++; } } }
        public static class Bank { public static void Twice(Account account) { lock ({|HOT203:account|}) { account.Deposit(); account.Deposit(); } } }
        """)]
    [InlineData("""
        public class Account
        {
            private int _n;
            public void Deposit() { lock ({|HOT201:this|}) { _n++; } }
            public static void Twice(Account account) { System.Threading.Monitor.Enter({|HOT203:account|}); account.Deposit(); System.Threading.Monitor.Exit(account); }
        }
        """)]
    [InlineData("""
        public class Account { private int _n; public void Deposit() { lock ({|HOT201:this|}) { _n++; } } }
        public sealed class Savings : Account { }
        public static class Bank { public static void Twice(Savings account) { lock ({|HOT203:account|}) { account.Deposit(); } } }
        """)]
    [InlineData("""
        public class Registry { public readonly object SyncRoot = new(); private int _n; public void Add() { lock ({|HOT203:SyncRoot|}) { _n++; } } }
        public static class Admin { public static void Batch(Registry registry) { lock ({|HOT203:registry.SyncRoot|}) { registry.Add(); registry.Add(); } } }
        """)]
    public async Task No_fix_when_other_code_locks_an_instance_of_the_type_or_its_member(string markup)
    {
        await CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), markup);
    }

    [Fact]
    public Task No_fix_for_a_parameter() =>
        CodeFixVerifier.VerifyNoFixAsync(new LockTargetAnalyzer(), new IntroduceLockObjectCodeFixProvider(), """
            public static class Locks
            {
                public static void Run(object gate) { lock ({|HOT203:gate|}) { } }
            }
            """);
}

/// <summary>
/// The <c>object</c> fallback. The test reference pack (.NET 10) has System.Threading.Lock, so the fallback is
/// reached the two ways the fix checks: a target without the type (the .NET 8 reference pack, which every build
/// of this repository restores because runtime/Hotpath targets net8.0), and C# 12, where a lock statement does
/// not use Lock.
/// </summary>
public sealed class IntroduceLockObjectFallbackTests
{
    private const string Source = """
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

    private const string Expected = """
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

    [Fact]
    public Task Before_CSharp_13_the_lock_object_is_an_object() =>
        VerifyFallbackAsync(TestCompilation.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp12), ReferenceAssemblies.Net);

    [Fact]
    public Task On_a_target_without_System_Threading_Lock_the_lock_object_is_an_object()
    {
        var net8 = Net8References.Load();
        Assert.Null(CSharpCompilation.Create("probe", references: net8).GetTypeByMetadataName("System.Threading.Lock"));
        return VerifyFallbackAsync(TestCompilation.ParseOptions, net8);
    }

    private static async Task VerifyFallbackAsync(CSharpParseOptions parseOptions, IEnumerable<MetadataReference> references)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Test", "Test", LanguageNames.CSharp,
            compilationOptions: TestCompilation.Options(), parseOptions: parseOptions, metadataReferences: references));
        var document = workspace.AddDocument(project.Id, "Source0.cs", SourceText.From(Source));

        var compilation = (await document.Project.GetCompilationAsync())!;
        TestCompilation.AssertNoErrors(compilation);
        var diagnostic = Assert.Single(await AnalyzerVerifier.RunAnalyzersAsync(compilation, new DiagnosticAnalyzer[] { new LockTargetAnalyzer() }));
        Assert.Equal("HOT201", diagnostic.Id);

        var actions = new List<CodeAction>();
        await new IntroduceLockObjectCodeFixProvider().RegisterCodeFixesAsync(
            new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var operations = await Assert.Single(actions).GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;

        Assert.Equal(TextDiff.Normalize(Expected), TextDiff.Normalize((await changed.GetTextAsync()).ToString()));
        TestCompilation.AssertNoErrors((await changed.Project.GetCompilationAsync())!);
    }
}
