namespace Hotpath.Analyzers.Tests.Locks;

/// <summary>HOT201: lock on <c>this</c>, a Type/MemberInfo, a string, a thread, other weak-identity objects.</summary>
public sealed class WeakIdentityLockTests
{
    [Fact]
    public Task Lock_on_this_of_a_public_type() => LockVerifier.VerifyAsync("""
        public class Account
        {
            private int _balance;
            public void Deposit(int amount) { lock ({|HOT201:this|}) { _balance += amount; _balance++; } }
        }
        """, "HOT201");

    [Fact]
    public Task Monitor_Enter_on_this_of_a_public_type() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public class Account
        {
            public void Touch()
            {
                Monitor.Enter({|HOT201:this|});
                try { } finally { Monitor.Exit(this); }
            }
        }
        """, "HOT201");

    [Fact]
    public Task Lock_on_this_of_an_internal_or_private_type() => LockVerifier.VerifyAsync("""
        class Account
        {
            public void Touch() { lock ({|HOT201:this|}) { } }
            private sealed class Nested { public void Touch() { lock ({|HOT201:this|}) { } } }
        }
        public class Outer { private sealed class Nested { public void Touch() { lock ({|HOT201:this|}) { } } } }
        """, "HOT201");

    [Fact]
    public async Task The_message_says_whether_other_assemblies_can_reach_the_instance()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync("""
            public class Visible { public void Touch() { lock (this) { } } }
            internal class Hidden { public void Touch() { lock (this) { } } }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new Hotpath.Analyzers.Locks.LockTargetAnalyzer() });
        var messages = diagnostics.Where(d => d.Id == "HOT201").OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Contains("other assemblies can see", messages[0]);
        Assert.DoesNotContain("other assemblies", messages[1]);
    }

    /// <summary>Each message says once why other code can reach the object, then the fix.</summary>
    [Fact]
    public async Task Each_message_gives_its_reason_once()
    {
        var diagnostics = await Hotpath.Testing.AnalyzerVerifier.GetDiagnosticsAsync("""
            using System;
            using System.Reflection;
            using System.Threading;
            public class Visible
            {
                private const string Name = "n";
                private readonly MethodInfo _method = typeof(Visible).GetMethod(nameof(Touch))!;
                private readonly OutOfMemoryException _oom = new();
                public void Touch(Thread thread)
                {
                    lock (this) { }
                    lock (typeof(Visible)) { }
                    lock (GetType()) { }
                    lock ("x") { }
                    lock (Name.ToString()) { }
                    lock (_method) { }
                    lock (thread) { }
                    lock (AppDomain.CurrentDomain) { }
                    lock (_oom) { }
                }
            }
            internal class Hidden { public void Touch() { lock (this) { } } }
            """, new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new Hotpath.Analyzers.Locks.LockTargetAnalyzer() });
        var messages = diagnostics.Where(d => d.Id == "HOT201").OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        const string Fix = "; lock on a private readonly object instead";
        Assert.Equal(
            new[]
            {
                "Locking on 'this' of a type other assemblies can see: code in those assemblies can lock the same instance" + Fix,
                "Locking on typeof(Visible): Type objects are shared across the process, so other code can lock the same one" + Fix,
                "Locking on GetType(): Type objects are shared across the process, so other code can lock the same one" + Fix,
                "Locking on a string literal: literals are interned, so every literal with that text is one object other code can lock" + Fix,
                "Locking on a string: strings may be interned, so other code can lock the same one" + Fix,
                "Locking on a reflection object of type 'MethodInfo': reflection objects are shared across the process, so other code can lock the same one" + Fix,
                "Locking on a Thread: the runtime and other code can lock it too" + Fix,
                "Locking on an AppDomain: one object is shared by all code in the process, so other code can lock it too" + Fix,
                "Locking on an object of weak identity ('OutOfMemoryException'): other code can lock the same object" + Fix,
                "Locking on 'this': any code holding a reference to the instance can lock it too" + Fix,
            },
            messages);
    }

    [Fact]
    public Task Lock_on_type_objects() => LockVerifier.VerifyAsync("""
        using System;
        public static class Registry
        {
            private static readonly Type s_type = typeof(Registry);
            public static void A() { lock ({|HOT201:typeof(Registry)|}) { } }
            public static void B(object o) { lock ({|HOT201:o.GetType()|}) { } }
            public static void C() { lock ({|HOT201:s_type|}) { } }
        }
        """, "HOT201");

    [Fact]
    public Task Lock_on_reflection_objects() => LockVerifier.VerifyAsync("""
        using System.Reflection;
        public sealed class Invoker
        {
            private readonly MethodInfo _method = typeof(Invoker).GetMethod(nameof(Run))!;
            public void Run()
            {
                lock ({|HOT201:_method|}) { }
                MemberInfo member = _method;
                lock ({|HOT201:member|}) { }
                ParameterInfo[] parameters = _method.GetParameters();
                foreach (var parameter in parameters) { lock ({|HOT201:parameter|}) { } }
            }
        }
        """, "HOT201");

    [Fact]
    public Task Lock_on_strings() => LockVerifier.VerifyAsync("""
        public sealed class Cache
        {
            private const string Key = "cache";
            private readonly string _name = "cache";
            public void A() { lock ({|HOT201:"cache"|}) { } }
            public void B() { lock ({|HOT201:_name|}) { } }
            public void C() { lock ({|HOT201:Key|}) { } }
            public void D(string tenant) { lock ({|HOT201:string.Intern(tenant)|}) { } }
        }
        """, "HOT201");

    [Fact]
    public Task Lock_on_threads_and_other_weak_identity_objects() => LockVerifier.VerifyAsync("""
        using System;
        using System.Threading;
        public sealed class Worker
        {
            private readonly Thread _thread = new(() => { });
            private readonly OutOfMemoryException _oom = new();
            private readonly AppDomain _domain = AppDomain.CurrentDomain;
            public void A() { lock ({|HOT201:_thread|}) { } }
            public void B() { lock ({|HOT201:Thread.CurrentThread|}) { } }
            public void C() { lock ({|HOT201:_oom|}) { } }
            public void D() { lock ({|HOT201:_domain|}) { } }
        }
        """, "HOT201");

    /// <summary>.NET Core has no cross-AppDomain marshalling: a MarshalByRefObject (a Stream, a user type) is an ordinary object.</summary>
    [Fact]
    public Task MarshalByRefObjects_are_not_weak_without_remoting() => LockVerifier.VerifyAsync("""
        using System;
        using System.IO;
        public sealed class Service : MarshalByRefObject { }
        public sealed class Worker
        {
            private readonly Service _service = new();
            private readonly Stream _stream = new MemoryStream();
            public void A() { lock (_service) { } }
            public void B() { lock (_stream) { } }
            public void C() { lock ({|HOT201:AppDomain.CurrentDomain|}) { } }
        }
        """, "HOT201");

    /// <summary>Where the compilation sees .NET Framework remoting (RealProxy), a MarshalByRefObject may be a proxy.</summary>
    [Fact]
    public Task MarshalByRefObjects_are_weak_where_remoting_exists() => LockVerifier.VerifyAsync("""
        namespace System.Runtime.Remoting.Proxies { public abstract class RealProxy { } }
        namespace App
        {
            using System;
            public sealed class Service : MarshalByRefObject { }
            public sealed class Worker
            {
                private readonly Service _service = new();
                public void A() { lock ({|HOT201:_service|}) { } }
            }
        }
        """, "HOT201");

    [Fact]
    public Task Private_readonly_objects_are_not_weak() => LockVerifier.VerifyAsync("""
        using System.Threading;
        public sealed class Account
        {
            private readonly object _gate = new();
            private readonly Lock _lock = new();
            private static readonly object s_gate = new();
            public void A() { lock (_gate) { } lock (_lock) { } lock (s_gate) { } }
        }
        """, "HOT201");
}
