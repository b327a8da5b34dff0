using System.Collections.Immutable;
using Hotpath.Analyzers.Locks;
using Hotpath.CodeFixes.Locks;
using Hotpath.Testing;

namespace Hotpath.CodeFixes.Tests.Locks;

/// <summary>HOT205's fix: the lock becomes one Interlocked call.</summary>
public sealed class UseInterlockedCodeFixTests
{
    [Fact]
    public Task Increment_decrement_add_and_exchange() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _total;
                private int _state;

                public void Hit()
                {
                    {|HOT205:lock (_gate)|}
                    {
                        _count++;
                    }
                }

                public void Miss() { {|HOT205:lock (_gate)|} --_count; }

                public void Add(long bytes)
                {
                    {|HOT205:lock (_gate)|} { _total += bytes; }
                }

                public void Remove(int n, int m)
                {
                    {|HOT205:lock (_gate)|} { _count -= n + m; }
                }

                public void Reset()
                {
                    {|HOT205:lock (_gate)|} { _state = 0; }
                }

                public void One()
                {
                    {|HOT205:lock (_gate)|} { _total += 1; }
                }
            }
            """, """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _total;
                private int _state;

                public void Hit()
                {
                    Interlocked.Increment(ref _count);
                }

                public void Miss() { Interlocked.Decrement(ref _count); }

                public void Add(long bytes)
                {
                    Interlocked.Add(ref _total, bytes);
                }

                public void Remove(int n, int m)
                {
                    Interlocked.Add(ref _count, -(n + m));
                }

                public void Reset()
                {
                    Interlocked.Exchange(ref _state, 0);
                }

                public void One()
                {
                    Interlocked.Increment(ref _total);
                }
            }
            """);

    /// <summary>The comments inside the lock stay with the Interlocked call (they were dropped).</summary>
    [Fact]
    public Task Comments_inside_the_lock_are_kept() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed class Limiter
            {
                private readonly object _gate = new();
                private long _dropped;
                private int _seen;

                public void Drop(int count)
                {
                    {|HOT205:lock (_gate)|}
                    {
                        _dropped += count; // dropped by the rate limiter
                    }
                }

                public void See()
                {
                    {|HOT205:lock (_gate)|} // every request
                    {
                        // counted even when dropped
                        _seen++; /* wraps */
                    }
                }
            }
            """, """
            using System.Threading;

            public sealed class Limiter
            {
                private readonly object _gate = new();
                private long _dropped;
                private int _seen;

                public void Drop(int count)
                {
                    Interlocked.Add(ref _dropped, count); // dropped by the rate limiter
                }

                public void See()
                {
                    // every request
                    // counted even when dropped
                    Interlocked.Increment(ref _seen); /* wraps */
                }
            }
            """);

    [Fact]
    public Task Without_a_using_the_type_is_qualified() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            public sealed class Stats
            {
                private static readonly object s_gate = new();
                private static int s_hits;

                public static void Hit(int n)
                {
                    {|HOT205:lock (s_gate)|} { s_hits -= n; }
                }
            }
            """, """
            public sealed class Stats
            {
                private static readonly object s_gate = new();
                private static int s_hits;

                public static void Hit(int n)
                {
                    System.Threading.Interlocked.Add(ref s_hits, -n);
                }
            }
            """);

    [Fact]
    public Task Self_assignment_forms_become_the_same_calls() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _total;

                public void Hit() { {|HOT205:lock (_gate)|} { _count = _count + 1; } }
                public void Add(long n) { {|HOT205:lock (_gate)|} { _total = n + _total; } }
                public void Take(long n, long m) { {|HOT205:lock (_gate)|} { this._total = _total - (n + m); } }
                public void Miss() { {|HOT205:lock (_gate)|} { _count = _count - 1; } }
            }
            """, """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _total;

                public void Hit() { Interlocked.Increment(ref _count); }
                public void Add(long n) { Interlocked.Add(ref _total, n); }
                public void Take(long n, long m) { Interlocked.Add(ref this._total, -(n + m)); }
                public void Miss() { Interlocked.Decrement(ref _count); }
            }
            """);

    [Fact]
    public Task Fixing_one_lock_rewrites_every_single_update_lock_of_the_field() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _bytes;

                public void Hit() { {|HOT205:lock (_gate)|} { _count++; } }
                public void Miss(int n) { {|HOT205:lock (_gate)|} { _count -= n; } }
                public void Reset() { {|HOT205:lock (_gate)|} { _count = 0; } }
                public void Add(long n) { {|HOT205:lock (_gate)|} { _bytes += n; } }
            }
            """, """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _bytes;

                public void Hit() { Interlocked.Increment(ref _count); }
                public void Miss(int n) { Interlocked.Add(ref _count, -n); }
                public void Reset() { Interlocked.Exchange(ref _count, 0); }
                public void Add(long n) { lock (_gate) { _bytes += n; } }
            }
            """, new CodeFixTestOptions { FixAll = false });

    [Fact]
    public Task Fixing_a_lock_of_a_partial_class_rewrites_the_field_s_locks_in_its_other_file_too() =>
        CodeFixVerifier.VerifyAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed partial class Stats
            {
                private readonly object _gate = new();
                private int _count;

                public void Hit() { {|HOT205:lock (_gate)|} { _count++; } }
            }
            """, """
            using System.Threading;

            public sealed partial class Stats
            {
                private readonly object _gate = new();
                private int _count;

                public void Hit() { Interlocked.Increment(ref _count); }
            }
            """, new CodeFixTestOptions
            {
                FixAll = false,
                AdditionalSources = ImmutableArray.Create("""
                    public sealed partial class Stats
                    {
                        public void Miss() { {|HOT205:lock (_gate)|} { _count--; } }

                        private static class Drain
                        {
                            public static void Take(Stats s, int n) { {|HOT205:lock (s._gate)|} { s._count -= n; } }
                        }
                    }
                    """),
                ExpectedAdditionalSources = ImmutableArray.Create("""
                    public sealed partial class Stats
                    {
                        public void Miss() { System.Threading.Interlocked.Decrement(ref _count); }

                        private static class Drain
                        {
                            public static void Take(Stats s, int n) { System.Threading.Interlocked.Add(ref s._count, -n); }
                        }
                    }
                    """),
            });

    [Fact]
    public Task Fix_all_in_the_document_rewrites_each_lock_once() =>
        CodeFixVerifier.VerifyFixAllAsync(new InterlockedAnalyzer(), new UseInterlockedCodeFixProvider(), """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _bytes;
                private int _busy;

                public void Hit() { lock (_gate) { _count++; } }
                public void Miss(int n) { lock (_gate) { _count -= n; } }
                public void Add(long n) { {|HOT205:lock (_gate)|} { _bytes += n; } }
                public void Take(long n) { {|HOT205:lock (_gate)|} { _bytes = _bytes - n; } }
                public void Work() { lock (_gate) { _busy++; _count++; } }
            }

            public static class Global
            {
                private static readonly object s_gate = new();
                private static int s_hits;

                public static void Hit() { {|HOT205:lock (s_gate)|} { s_hits++; } }
            }
            """, """
            using System.Threading;

            public sealed class Stats
            {
                private readonly object _gate = new();
                private int _count;
                private long _bytes;
                private int _busy;

                public void Hit() { lock (_gate) { _count++; } }
                public void Miss(int n) { lock (_gate) { _count -= n; } }
                public void Add(long n) { Interlocked.Add(ref _bytes, n); }
                public void Take(long n) { Interlocked.Add(ref _bytes, -n); }
                public void Work() { lock (_gate) { _busy++; _count++; } }
            }

            public static class Global
            {
                private static readonly object s_gate = new();
                private static int s_hits;

                public static void Hit() { Interlocked.Increment(ref s_hits); }
            }
            """);
}
