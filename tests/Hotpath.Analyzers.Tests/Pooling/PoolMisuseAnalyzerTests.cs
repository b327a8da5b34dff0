using System.Collections.Immutable;
using Hotpath.Analyzers.Pooling;
using Hotpath.Generators.Pooling;
using Hotpath.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Hotpath.Analyzers.Tests.Pooling;

/// <summary>HOT301 (use after return), HOT302 (double return), HOT303 (leak) for Pool&lt;T&gt;, T.Pool, ObjectPool&lt;T&gt; and ArrayPool&lt;T&gt;.</summary>
public sealed class PoolMisuseAnalyzerTests
{
    private static readonly DiagnosticAnalyzer[] s_analyzer = { new PoolMisuseAnalyzer() };

    private static readonly AnalyzerTestOptions s_options = new()
    {
        Generators = ImmutableArray.Create<IIncrementalGenerator>(new PooledGenerator()),
        AdditionalSources = ImmutableArray.Create(
            """
            namespace App;
            [Hotpath.Pooled] public sealed partial class Item { public int Value; }
            public static class Sink
            {
                public static void Keep(Item item) { }
                public static void Keep(byte[] buffer) { }
                public static Item? Stored;
            }
            """),
    };

    private static Task Verify(string body) => AnalyzerVerifier.VerifyAsync(
        "using System;\nusing System.Buffers;\nusing Hotpath;\nnamespace App;\npublic sealed class Test\n{\n    private Item? _field;\n    private readonly Pool<Item> _pool = new(static () => new Item());\n" + body + "\n}",
        s_analyzer,
        s_options);

    // ---- HOT301 ----

    [Fact]
    public Task HOT301_use_after_return() => Verify("""
        public int M()
        {
            var item = Item.Pool.Rent();
            Item.Pool.Return(item);
            return {|HOT301:item|}.Value;
        }
        """);

    [Fact]
    public Task HOT301_write_through_after_return_on_an_instance_pool() => Verify("""
        public void M()
        {
            var item = _pool.Rent();
            _pool.Return(item);
            {|HOT301:item|}.Value = 3;
        }
        """);

    [Fact]
    public Task HOT301_array_pool_buffer_used_after_return() => Verify("""
        public byte M()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:buffer|}[0];
        }
        """);

    /// <summary>A span or memory made from the array before its Return views the pool's memory after it.</summary>
    [Fact]
    public Task HOT301_span_or_memory_over_a_returned_array_used_after_the_return() => Verify("""
        public string Encoded(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(n);
            var span = buffer.AsSpan(0, n);
            span.Fill(1);
            ArrayPool<byte>.Shared.Return(buffer);
            return Convert.ToBase64String({|HOT301:span|});
        }

        public int Views(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(n);
            Span<byte> span = buffer;
            ReadOnlySpan<byte> tail = new ReadOnlySpan<byte>(buffer, 0, n).Slice(1);
            Memory<byte> memory = buffer.AsMemory(0, n);
            var segment = new ArraySegment<byte>(buffer, 0, n);
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:span|}[0] + {|HOT301:tail|}[0] + {|HOT301:memory|}.Length + {|HOT301:segment|}.Count;
        }

        public byte RefElement()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            ref byte first = ref buffer[0];
            first = 1;
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:first|};
        }
        """);

    /// <summary>
    /// A view sliced from itself (<c>span = span.Slice(1)</c>, <c>span = span[1..]</c>, <c>memory = memory.Slice(…)</c>, also
    /// in a loop, or made by a range of a view) still views the array; written from anything else it no longer does.
    /// </summary>
    [Fact]
    public Task HOT301_view_sliced_from_itself_still_views_the_returned_array() => Verify("""
        public byte SlicedAfterTheReturn()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            ArrayPool<byte>.Shared.Return(buffer);
            span = {|HOT301:span|}.Slice(1);
            return span[0];
        }

        public byte RangeBeforeTheReturn()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            span = span[1..];
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:span|}[0];
        }

        public int MemoryInALoop(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var memory = buffer.AsMemory();
            while (memory.Length > n) memory = memory.Slice(1);
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:memory|}.Length;
        }

        public byte ARangeOfAView()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            Span<byte> tail = buffer.AsSpan()[2..];
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:tail|}[0];
        }

        public byte WrittenFromSomethingElse()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            span = span.Slice(1);
            ArrayPool<byte>.Shared.Return(buffer);
            span = new byte[4];
            return span[0];
        }

        public byte WrittenFromSomethingElseBeforeTheReturn(byte[] other)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            span = other.AsSpan().Slice(1);
            ArrayPool<byte>.Shared.Return(buffer);
            return span[0];
        }
        """);

    [Fact]
    public Task HOT301_quiet_for_a_view_used_before_the_return_made_again_or_over_another_rent() => Verify("""
        public byte Before()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            var first = span[0];
            ArrayPool<byte>.Shared.Return(buffer);
            return first;
        }

        public byte InFinally()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan(0, 4);
            try { return span[0]; }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }

        public byte OtherBranch(bool fail)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            if (fail) { ArrayPool<byte>.Shared.Return(buffer); return 0; }
            var first = span[0];
            ArrayPool<byte>.Shared.Return(buffer);
            return first;
        }

        public byte Reassigned()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            ArrayPool<byte>.Shared.Return(buffer);
            span = new byte[4];
            return span[0];
        }

        public byte ElementCopied()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            byte first = buffer[0];
            ArrayPool<byte>.Shared.Return(buffer);
            return first;
        }

        public byte RefRebound(byte[] other)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            ref byte first = ref buffer[0];
            first = 1;
            ArrayPool<byte>.Shared.Return(buffer);
            first = ref other[0];
            return first;
        }

        public byte PassedByRef()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            var span = buffer.AsSpan();
            ArrayPool<byte>.Shared.Return(buffer);
            Replace(ref span);
            return span[0];
        }

        private static void Replace(ref Span<byte> span) => span = new byte[4];

        public byte Renewed(byte[] input)
        {
            var buffer = input;
            var span = buffer.AsSpan();
            buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
            return span[0];
        }
        """);

    /// <summary>A return of a local a pattern bound from another returns that other local's object too.</summary>
    [Fact]
    public Task HOT301_and_HOT302_after_a_return_of_a_local_bound_by_a_pattern() => Verify("""
        public void UsedAfter()
        {
            var item = Item.Pool.Rent();
            if (item is { } held) Item.Pool.Return(held);
            {|HOT301:item|}.Value = 1;
        }

        public void ReturnedAgain()
        {
            byte[]? buffer = ArrayPool<byte>.Shared.Rent(8);
            if (buffer is byte[] rented) ArrayPool<byte>.Shared.Return(rented);
            {|HOT302:ArrayPool<byte>.Shared.Return(buffer)|};
        }
        """);

    [Fact]
    public Task HOT301_quiet_after_a_pattern_bound_return_when_the_tested_local_was_written_since_or_on_the_other_branch() => Verify("""
        public void Rewritten(Item other)
        {
            var item = Item.Pool.Rent();
            if (item is { } held) { item = other; Item.Pool.Return(held); }
            item.Value = 1;
        }

        public void OtherBranch()
        {
            var item = Item.Pool.Rent();
            if (item is not { } held) { item.Value = 2; return; }
            Item.Pool.Return(held);
        }
        """);

    [Fact]
    public Task HOT301_after_a_conditional_return() => Verify("""
        public int M(bool done)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            if (done) Item.Pool.Return(item);
            return {|HOT301:item|}.Value;
        }
        """);

    [Fact]
    public Task HOT301_quiet_when_the_return_path_ends_or_the_variable_is_reassigned() => Verify("""
        public int M(bool fail)
        {
            var item = Item.Pool.Rent();
            if (fail)
            {
                Item.Pool.Return(item);
                return -1;
            }

            var value = item.Value;
            Item.Pool.Return(item);
            item = Item.Pool.Rent();
            value += item.Value;
            Item.Pool.Return(item);
            return value + nameof(item).Length;
        }
        """);

    [Fact]
    public Task HOT301_quiet_in_the_other_branch() => Verify("""
        public int M(bool a)
        {
            var item = Item.Pool.Rent();
            if (a)
            {
                Item.Pool.Return(item);
            }
            else
            {
                item.Value = 1;
                Item.Pool.Return(item);
            }

            return 0;
        }
        """);

    // ---- HOT302 ----

    [Fact]
    public Task HOT302_returned_twice() => Verify("""
        public void M()
        {
            var item = Item.Pool.Rent();
            Item.Pool.Return(item);
            {|HOT302:Item.Pool.Return(item)|};
        }
        """);

    [Fact]
    public Task HOT302_array_pool_returned_twice_through_a_branch() => Verify("""
        public void M(bool clear)
        {
            var buffer = ArrayPool<int>.Shared.Rent(8);
            if (clear)
            {
                ArrayPool<int>.Shared.Return(buffer, clearArray: true);
            }

            {|HOT302:ArrayPool<int>.Shared.Return(buffer)|};
        }
        """);

    [Fact]
    public Task HOT302_parameter_returned_twice() => Verify("""
        public void M(Item item)
        {
            _pool.Return(item);
            {|HOT302:_pool.Return(item)|};
        }
        """);

    [Fact]
    public Task HOT302_quiet_on_exclusive_paths_and_after_a_new_rent() => Verify("""
        public void M(int mode)
        {
            var item = Item.Pool.Rent();
            switch (mode)
            {
                case 0:
                    Item.Pool.Return(item);
                    break;
                default:
                    Item.Pool.Return(item);
                    break;
            }

            item = Item.Pool.Rent();
            if (mode > 1) { Item.Pool.Return(item); return; }
            Item.Pool.Return(item);
        }
        """);

    /// <summary>A lease returns its object when disposed: an explicit Return of that object is a second one.</summary>
    [Fact]
    public Task HOT302_object_of_a_lease_returned_explicitly() => Verify("""
        public void A()
        {
            using var lease = Item.Pool.Lease(out var item);
            item.Value = 1;
            {|HOT302:Item.Pool.Return(item)|};
        }
        public void B()
        {
            using (Item.Pool.Lease(out var item)) { {|HOT302:Item.Pool.Return(item)|}; }
        }
        public int C()
        {
            using var lease = _pool.Lease(out var item);
            {|HOT302:_pool.Return(item)|};
            return {|HOT301:item|}.Value;
        }
        public void D(bool done)
        {
            using (var lease = Item.Pool.Lease(out var item))
            {
                if (done) { {|HOT302:Item.Pool.Return(item)|}; return; }
                item.Value = 2;
            }
        }
        """);

    [Fact]
    public Task HOT302_quiet_for_a_lease_without_explicit_return_or_after_the_variable_changed() => Verify("""
        public void A()
        {
            using var lease = Item.Pool.Lease(out var item);
            item.Value = 1;
        }
        public void B()
        {
            using var lease = Item.Pool.Lease(out var item);
            item = Item.Pool.Rent();
            Item.Pool.Return(item);
        }
        public void C()
        {
            var lease = Item.Pool.Lease(out var item);
            Item.Pool.Return(item);
        }
        """);

    /// <summary>A lease not disposed by a using is a rent whose release is disposing it: never disposed, it never returns its object.</summary>
    [Fact]
    public Task HOT303_lease_never_disposed_or_discarded() => Verify("""
        public void Stored()
        {
            var lease = {|HOT303:Item.Pool.Lease(out var item)|};
            item.Value++;
        }
        public void Discarded()
        {
            {|HOT303:Item.Pool.Lease(out var item)|};
            item.Value++;
        }
        public void DiscardAssigned()
        {
            _ = {|HOT303:_pool.Lease(out var item)|};
            item.Value++;
        }
        public void DisposedOnOnePath(bool done)
        {
            var lease = {|HOT303:Item.Pool.Lease(out var item)|};
            if (done) return;
            item.Value++;
            lease.Dispose();
        }
        public void DiscardedAndTheObjectReturnedOnOnePath(bool done)
        {
            {|HOT303:Item.Pool.Lease(out var item)|};
            if (done) return;
            Item.Pool.Return(item);
        }
        public void Overwritten()
        {
            var lease = {|HOT303:Item.Pool.Lease(out var first)|};
            lease = Item.Pool.Lease(out var second);
            lease.Dispose();
        }
        public void InALoop(int n)
        {
            PoolLease<Item> lease = default;
            for (var i = 0; i < n; i++)
            {
                lease = {|HOT303:Item.Pool.Lease(out var item)|};
                item.Value = i;
            }
            lease.Dispose();
        }
        """);

    [Fact]
    public Task HOT303_quiet_for_a_lease_disposed_returned_or_handed_on() => Verify("""
        private PoolLease<Item> _lease;
        public void UsingDeclaration() { using var lease = Item.Pool.Lease(out var item); item.Value++; }
        public void UsingStatement() { using (Item.Pool.Lease(out var item)) { item.Value++; } }
        public void UsingStatementOfAField() { using (Item.Pool.Lease(out _field)) { } }
        public void UsingTheLocal() { var lease = Item.Pool.Lease(out var item); using (lease) { item.Value++; } }
        public void Finally()
        {
            var lease = Item.Pool.Lease(out var item);
            try { item.Value++; }
            finally { lease.Dispose(); }
        }
        public void DisposedOnEveryPath(bool done)
        {
            var lease = _pool.Lease(out var item);
            if (done) { lease.Dispose(); return; }
            item.Value++;
            lease.Dispose();
        }
        public PoolLease<Item> Returned() { var lease = Item.Pool.Lease(out var item); item.Value = 1; return lease; }
        public PoolLease<Item> ReturnedDirectly(out Item item) => Item.Pool.Lease(out item);
        public void StoredInAField() { _lease = Item.Pool.Lease(out var item); }
        public void StoredFromALocal() { var lease = Item.Pool.Lease(out var item); _lease = lease; }
        public void Passed() { var lease = Item.Pool.Lease(out var item); Keep(lease); }
        public void PassedDirectly() { Keep(Item.Pool.Lease(out var item)); }
        public void Captured() { var lease = Item.Pool.Lease(out var item); Action release = () => lease.Dispose(); release(); }
        public void ObjectReturned() { Item.Pool.Lease(out var item); item.Value = 1; Item.Pool.Return(item); }
        public void ObjectHandedOn() { Item.Pool.Lease(out var item); Sink.Keep(item); }
        public void ReturnedOrDisposed(bool done)
        {
            var lease = Item.Pool.Lease(out var item);
            if (done) { Item.Pool.Return(item); return; }
            lease.Dispose();
        }
        public void DisposedAtOnce() { Item.Pool.Lease(out var item).Dispose(); }
        public void ExplicitlyTyped() { PoolLease<Item> lease = Item.Pool.Lease(out var item); item.Value = 1; lease.Dispose(); }
        public void CopiedThenDisposed() { var lease = Item.Pool.Lease(out var item); var copy = lease; copy.Dispose(); }
        public void DisposedInEachIteration(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var lease = Item.Pool.Lease(out var item);
                if (i == 2) { lease.Dispose(); continue; }
                item.Value = i;
                lease.Dispose();
            }
        }
        public void InALambda() { Action run = () => { var lease = Item.Pool.Lease(out var item); item.Value = 1; lease.Dispose(); }; run(); }
        public void DisposedInEverySection(int k)
        {
            var lease = Item.Pool.Lease(out var item);
            switch (k)
            {
                case 0: lease.Dispose(); return;
                default: item.Value = k; lease.Dispose(); break;
            }
        }
        private static void Keep(PoolLease<Item> lease) => lease.Dispose();
        """);

    /// <summary>
    /// Disposing a lease returns its object: a use of the object after <c>lease.Dispose()</c> is a use after return,
    /// and a Return of it before or after the Dispose returns it a second time (a lease disposed twice does nothing).
    /// </summary>
    [Fact]
    public Task HOT301_and_HOT302_around_an_explicit_lease_dispose() => Verify("""
        public int UsedAfter()
        {
            var lease = Item.Pool.Lease(out var item);
            item.Value = 1;
            lease.Dispose();
            return {|HOT301:item|}.Value;
        }
        public void ReturnedAfter()
        {
            var lease = Item.Pool.Lease(out var item);
            lease.Dispose();
            {|HOT302:Item.Pool.Return(item)|};
        }
        public void ReturnedBefore()
        {
            var lease = _pool.Lease(out var item);
            _pool.Return(item);
            {|HOT302:lease.Dispose()|};
        }
        public void UsedAfterAConditionalDispose(bool done)
        {
            var lease = {|HOT303:Item.Pool.Lease(out var item)|};
            if (done) lease.Dispose();
            {|HOT301:item|}.Value = 2;
        }
        """);

    /// <summary>
    /// A lease disposed through a conversion (<c>((IDisposable)lease).Dispose()</c>, the copy it boxes returns the same
    /// object) is disposed like <c>lease.Dispose()</c>, as a lease disposed at once that way already was: no leak, and the
    /// object used after it is a use after return (the disposal was missed: HOT303 on a disposed lease, no HOT301).
    /// </summary>
    [Fact]
    public Task A_lease_disposed_through_a_conversion_is_disposed() => Verify("""
        public void DisposedAtOnce() { ((IDisposable)Item.Pool.Lease(out var item)).Dispose(); }
        public void Disposed() { var lease = Item.Pool.Lease(out var item); item.Value = 1; ((IDisposable)lease).Dispose(); }
        public int UsedAfter()
        {
            var lease = Item.Pool.Lease(out var item);
            ((IDisposable)lease).Dispose();
            return {|HOT301:item|}.Value;
        }
        """);

    /// <summary>
    /// A using statement disposes its lease where its body ends, returning the object: a local declared before it
    /// (<c>using (T.Pool.Lease(out var x))</c> scopes <c>x</c> to the statement, so only <c>out x</c> of an earlier local
    /// outlives it) used or returned after it comes after the return. So does one after <c>using (lease)</c>, and after a
    /// copy of the lease is disposed.
    /// </summary>
    [Fact]
    public Task HOT301_and_HOT302_after_a_using_statement_or_a_copy_of_the_lease_disposed() => Verify("""
        public int UsingStatement()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; }
            return {|HOT301:item|}.Value;
        }
        public int UsingStatementWithALocal()
        {
            Item item;
            using (var lease = _pool.Lease(out item)) { item.Value = 1; }
            return {|HOT301:item|}.Value;
        }
        public void UsingStatementThenReturned()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; }
            {|HOT302:Item.Pool.Return(item)|};
        }
        public int UsingTheLocal()
        {
            var lease = Item.Pool.Lease(out var item);
            using (lease) { item.Value = 1; }
            return {|HOT301:item|}.Value;
        }
        public int CopyDisposed()
        {
            var lease = Item.Pool.Lease(out var item);
            var copy = lease;
            copy.Dispose();
            return {|HOT301:item|}.Value;
        }
        public void CopyDisposedThenReturned()
        {
            var lease = Item.Pool.Lease(out var item);
            PoolLease<Item> copy;
            copy = lease;
            using (copy) { item.Value = 1; }
            {|HOT302:Item.Pool.Return(item)|};
        }
        public void ReturnedInsideTheUsing()
        {
            var lease = Item.Pool.Lease(out var item);
            {|HOT302:using (lease)|} { Item.Pool.Return(item); }
        }
        """);

    /// <summary>The object used inside the using statement, or replaced after it: quiet.</summary>
    [Fact]
    public Task HOT301_quiet_inside_a_using_statement_or_after_the_object_was_replaced() => Verify("""
        public int Inside()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; return item.Value; }
        }
        public int Replaced()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; }
            item = Item.Pool.Rent();
            var value = item.Value;
            Item.Pool.Return(item);
            return value;
        }
        public int LeftInside(bool done)
        {
            Item item;
            using (Item.Pool.Lease(out item)) { if (done) return item.Value; }
            return 0;
        }
        public int UsedInsideTheUsingOfTheLocal()
        {
            var lease = Item.Pool.Lease(out var item);
            using (lease) { item.Value = 1; return item.Value; }
        }
        public int CopyNotDisposed()
        {
            var lease = Item.Pool.Lease(out var item);
            var copy = lease;
            var value = item.Value;
            copy.Dispose();
            return value;
        }
        """);

    [Fact]
    public Task HOT301_and_HOT302_quiet_around_a_lease_dispose_on_another_path_or_of_another_object() => Verify("""
        public void DisposedTwice() { var lease = Item.Pool.Lease(out var item); item.Value = 1; lease.Dispose(); lease.Dispose(); }
        public int Replaced()
        {
            var lease = Item.Pool.Lease(out var item);
            lease.Dispose();
            item = Item.Pool.Rent();
            var value = item.Value;
            Item.Pool.Return(item);
            return value;
        }
        public int OnAnotherPath(bool done)
        {
            var lease = Item.Pool.Lease(out var item);
            if (done) { lease.Dispose(); return 0; }
            var value = item.Value;
            lease.Dispose();
            return value;
        }
        public bool Compared(Item other) { var lease = Item.Pool.Lease(out var item); lease.Dispose(); return ReferenceEquals(item, other); }
        public void LeasedAgain()
        {
            var lease = Item.Pool.Lease(out var item);
            lease.Dispose();
            lease = Item.Pool.Lease(out item);
            item.Value = 2;
            lease.Dispose();
        }
        public void ReturnedOnOnePathDisposedOnTheOther(bool done)
        {
            var lease = Item.Pool.Lease(out var item);
            if (done) { Item.Pool.Return(item); return; }
            lease.Dispose();
        }
        """);

    [Fact]
    public Task HOT303_leases_in_top_level_statements() => VerifyProgram("""
        var leased = {|HOT303:Item.Pool.Lease(out var s)|}; s.Value++;
        {|HOT303:Item.Pool.Lease(out var s2)|}; s2.Value++;
        using var kept = Item.Pool.Lease(out var s3); s3.Value++;
        var disposed = Item.Pool.Lease(out var s4); s4.Value++; disposed.Dispose();
        using (Item.Pool.Lease(out var s5)) { s5.Value++; }
        """);

    [Fact]
    public Task HOT303_lease_message_names_the_lease() => VerifyMessages(
        """
        public void M()
        {
            var lease = Item.Pool.Lease(out var item);
            item.Value++;
            Item.Pool.Lease(out var other);
            other.Value++;
        }
        """,
        "HOT303: 'lease' is rented but on some path neither disposed nor handed on, so its object does not go back to the pool",
        "HOT303: 'Item.Pool.Lease(out var other)' is rented but the lease is discarded, so its object never goes back to the pool");

    /// <summary>Comparing the reference after the return does not touch the object.</summary>
    [Fact]
    public Task HOT301_quiet_for_reference_comparisons_after_return() => Verify("""
        public bool A(Item other)
        {
            var item = Item.Pool.Rent();
            Item.Pool.Return(item);
            return ReferenceEquals(item, other) || object.ReferenceEquals(other, item);
        }
        public bool B()
        {
            var item = Item.Pool.Rent();
            Item.Pool.Return(item);
            return item is null || item is not null;
        }
        public bool C(Item other, byte[] previous)
        {
            var item = Item.Pool.Rent();
            var buffer = ArrayPool<byte>.Shared.Rent(8);
            Item.Pool.Return(item);
            ArrayPool<byte>.Shared.Return(buffer);
            return item == other || other != item || buffer == previous || (object)item == null;
        }
        """);

    [Fact]
    public Task HOT301_comparison_through_an_overloaded_operator_is_a_use() => Verify("""
        public sealed class Key { public static bool operator ==(Key? a, Key? b) => true; public static bool operator !=(Key? a, Key? b) => false; public override bool Equals(object? o) => true; public override int GetHashCode() => 0; }
        private readonly Pool<Key> _keys = new(static () => new Key());
        public bool A(Key other)
        {
            var key = _keys.Rent();
            _keys.Return(key);
            return {|HOT301:key|} == other;
        }
        public bool B(Item other)
        {
            var item = Item.Pool.Rent();
            Item.Pool.Return(item);
            return {|HOT301:item|}.Equals(other);
        }
        """);

    /// <summary>A lease returns its object when the using ends: a use after that is a use after return.</summary>
    [Fact]
    public Task HOT301_object_of_a_lease_used_after_the_using_statement() => Verify("""
        public int A()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; }
            return {|HOT301:item|}.Value;
        }
        public void B(bool done)
        {
            Item item;
            using (_pool.Lease(out item))
            {
                if (done) return;
                item.Value = 2;
            }
            Sink.Keep({|HOT301:item|});
        }
        """);

    /// <summary>Returning or storing the leased object hands on a reference that outlives the lease.</summary>
    [Fact]
    public Task HOT301_object_of_a_lease_returned_or_stored_in_a_field() => Verify("""
        public Item A()
        {
            using var lease = Item.Pool.Lease(out var item);
            item.Value = 1;
            return {|HOT301:item|};
        }
        public void B()
        {
            using (Item.Pool.Lease(out var item)) { _field = {|HOT301:item|}; }
            _field!.Value = 2;
        }
        public object C()
        {
            using (Item.Pool.Lease(out var item)) { Sink.Stored = {|HOT301:item|}; return {|HOT301:item|}; }
        }
        """);

    [Fact]
    public Task HOT301_quiet_for_uses_of_a_leased_object_within_its_scope() => Verify("""
        public int A()
        {
            using var lease = Item.Pool.Lease(out var item);
            item.Value = 1;
            var local = item;
            Sink.Keep(item);
            return item.Value;
        }
        public int B()
        {
            Item item;
            using (Item.Pool.Lease(out item)) { item.Value = 1; Sink.Keep(item); }
            item = Item.Pool.Rent();
            var value = item.Value;
            Item.Pool.Return(item);
            return value;
        }
        public int C()
        {
            using (Item.Pool.Lease(out var item)) { return item.Value; }
        }
        """);

    /// <summary>A value read or computed from a leased object is not the object: storing or returning it outlives nothing.</summary>
    [Fact]
    public Task HOT301_quiet_for_values_read_or_computed_from_a_leased_object_stored_or_returned() => Verify("""
        public sealed class Holder
        {
            public string Name = "";
            public int Count;
            public System.Uri? Link;
            [NoReset] public System.Collections.Generic.List<int> Shared = new();
            public System.Collections.Generic.List<int> Items { get; } = new();
            public static implicit operator int(Holder holder) => holder.Count;
            public override string ToString() => Name;
        }

        private readonly Pool<Holder> _holders = new(static () => new Holder());
        private int _count;
        private long _total;
        private string _name = "";
        private string? _text;
        private int[] _counts = new int[4];
        private System.Uri? _link;
        private System.Collections.Generic.List<int>? _shared;

        public void Stored()
        {
            using var lease = _holders.Lease(out var holder);
            _count = holder.Count;
            _count = holder.Items.Count;
            _total += holder.Count;
            _name = holder.Name;
            _text = holder.ToString();
            _text = $"{holder.Name}:{holder.Count}";
            _counts[0] = holder.Items[0];
            _count = Measure(holder);
            _count = holder;
            _link = holder.Link;
            _shared = holder.Shared;
        }

        public string Name()
        {
            using (_holders.Lease(out var holder)) { return holder.Name; }
        }

        public int Converted()
        {
            using var lease = _holders.Lease(out var holder);
            return holder;
        }

        public int Counted()
        {
            using var lease = _holders.Lease(out var holder);
            return holder.Items.Count + Measure(holder);
        }

        private static int Measure(Holder holder) => holder.Count;
        """);

    /// <summary>A list, array or builder a leased object owns is reset with it: handing one out outlives the lease too.</summary>
    [Fact]
    public Task HOT301_leased_object_or_a_part_reset_with_it_stored_or_returned_through_a_branch() => Verify("""
        public sealed class Holder
        {
            public int[] Buffer = new int[4];
            public System.Collections.Generic.List<int> Items { get; } = new();
            public System.Text.StringBuilder Text = new();
            public Item Nested = new();
        }

        private readonly Pool<Holder> _holders = new(static () => new Holder());
        private System.Collections.Generic.List<int>? _items;
        private int[]? _buffer;
        private object? _any;

        public System.Collections.Generic.List<int> Items()
        {
            using var lease = _holders.Lease(out var holder);
            return {|HOT301:holder|}.Items;
        }

        public void Parts(bool flag)
        {
            using (_holders.Lease(out var holder))
            {
                _items = {|HOT301:holder|}.Items;
                _buffer = {|HOT301:holder|}.Buffer;
                _any = {|HOT301:holder|}.Text;
                _field = {|HOT301:holder|}.Nested;
            }
        }

        public void Branches(bool flag)
        {
            using var lease = Item.Pool.Lease(out var item);
            _field = flag ? {|HOT301:item|} : null;
            Sink.Stored ??= {|HOT301:item|};
            _any = _any ?? {|HOT301:item|};
        }
        """);

    [Fact]
    public Task HOT301_lease_messages_say_what_outlives_the_lease() => VerifyMessages(
        """
        private Item? _kept;
        public Item A()
        {
            using var lease = Item.Pool.Lease(out var item);
            return item;
        }
        public void B()
        {
            using (Item.Pool.Lease(out var held)) { _kept = held; }
        }
        """,
        "HOT301: 'item' is returned, but its lease returns it to the pool when the method ends",
        "HOT301: 'held' is stored in '_kept', which outlives the lease that returns it to the pool");

    [Fact]
    public Task HOT301_lease_message_names_the_part_handed_out() => VerifyMessages(
        """
        public sealed class Holder { public System.Collections.Generic.List<int> Items { get; } = new(); }
        private readonly Pool<Holder> _holders = new(static () => new Holder());
        private System.Collections.Generic.List<int>? _items;
        public System.Collections.Generic.List<int> A()
        {
            using var lease = _holders.Lease(out var holder);
            return holder.Items;
        }
        public void B()
        {
            using (_holders.Lease(out var held)) { _items = held.Items; }
        }
        """,
        "HOT301: 'holder' hands out 'holder.Items', which goes back to the pool with it, as the return value, but its lease returns it to the pool when the method ends",
        "HOT301: 'held' hands out 'held.Items', which goes back to the pool with it, to '_items', which outlives the lease that returns it to the pool");

    // ---- through loops and out of them ----

    [Fact]
    public Task A_return_in_a_loop_body_that_runs_again_is_a_double_return_and_the_next_iterations_use_a_use_after_return() => Verify("""
        public void M(int n)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++)
            {
                {|HOT301:item|}.Value = i;
                {|HOT302:Item.Pool.Return(item)|};
            }
        }
        """);

    /// <summary>The back edge of every kind of loop: while, do, foreach, and a for without a header.</summary>
    [Fact]
    public Task A_return_in_the_body_of_any_loop_runs_again() => Verify("""
        public void While(int n)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            while (n-- > 0) { {|HOT301:item|}.Value = n; {|HOT302:Item.Pool.Return(item)|}; }
        }
        public void Do(int n)
        {
            var item = Item.Pool.Rent();
            do { {|HOT301:item|}.Value = n; {|HOT302:Item.Pool.Return(item)|}; } while (n-- > 0);
        }
        public void ForEach(int[] values)
        {
            var buffer = {|HOT303:ArrayPool<int>.Shared.Rent(4)|};
            foreach (var value in values) { {|HOT301:buffer|}[0] = value; {|HOT302:ArrayPool<int>.Shared.Return(buffer)|}; }
        }
        public void Forever(Func<bool> stop)
        {
            var item = Item.Pool.Rent();
            for (;;) { {|HOT301:item|}.Value = 1; {|HOT302:Item.Pool.Return(item)|}; if (stop()) return; }
        }
        """);

    /// <summary>
    /// A break or return right after the Return leaves the loop: no next iteration sees the object (a loop that may not
    /// run at all leaves it unreturned).
    /// </summary>
    [Fact]
    public Task A_return_followed_by_a_break_or_return_in_a_loop_is_quiet() => Verify("""
        public void Break(int n)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++) { item.Value = i; Item.Pool.Return(item); break; }
        }
        public void Return(int[] values)
        {
            var buffer = {|HOT303:ArrayPool<int>.Shared.Rent(4)|};
            foreach (var value in values) { buffer[0] = value; ArrayPool<int>.Shared.Return(buffer); return; }
        }
        public void Forever()
        {
            var item = Item.Pool.Rent();
            while (true) { item.Value = 1; Item.Pool.Return(item); break; }
        }
        """);

    [Fact]
    public Task A_return_then_continue_reaches_the_next_iteration_and_the_code_after_the_loop() => Verify("""
        public int M(string[] lines)
        {
            var buffer = ArrayPool<char>.Shared.Rent(256);
            var total = 0;
            foreach (var line in lines)
            {
                if (line.Length == 0)
                {
                    {|HOT302:ArrayPool<char>.Shared.Return(buffer)|};
                    continue;
                }

                total += {|HOT301:buffer|}.Length;
            }

            {|HOT302:ArrayPool<char>.Shared.Return(buffer)|};
            return total;
        }
        """);

    [Fact]
    public Task The_HOT301_pages_loop_example_reports_the_use_and_the_return() => Verify("""
        private static void Parse(string line, char[] buffer) { }

        public void M(string[] lines)
        {
            var buffer = ArrayPool<char>.Shared.Rent(256);
            foreach (var line in lines)
            {
                if (line.Length == 0) { {|HOT302:ArrayPool<char>.Shared.Return(buffer)|}; continue; }
                Parse(line, {|HOT301:buffer|});
            }
        }
        """);

    [Fact]
    public Task A_use_in_a_while_condition_runs_after_the_body_returned_it() => Verify("""
        public void M(Item item)
        {
            while ({|HOT301:item|}.Value > 0)
            {
                {|HOT302:_pool.Return(item)|};
            }
        }
        """);

    [Fact]
    public Task A_break_out_of_an_inner_loop_reaches_the_outer_loops_next_iteration() => Verify("""
        public void M(int n, Item item)
        {
            for (var i = 0; i < n; i++)
            {
                {|HOT301:item|}.Value = i;
                for (var j = 0; j < n; j++)
                {
                    {|HOT302:_pool.Return(item)|};
                    break;
                }
            }
        }
        """);

    [Fact]
    public Task A_return_in_a_finally_inside_a_loop_runs_on_every_iteration() => Verify("""
        public void M(int n)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(64)|};
            for (var i = 0; i < n; i++)
            {
                try
                {
                    {|HOT301:buffer|}[0] = (byte)i;
                }
                finally
                {
                    {|HOT302:ArrayPool<byte>.Shared.Return(buffer)|};
                }
            }
        }
        """);

    [Fact]
    public Task A_return_then_break_out_of_a_switch_reaches_the_code_after_it() => Verify("""
        public int M(int mode)
        {
            var item = Item.Pool.Rent();
            switch (mode)
            {
                case 0:
                    Item.Pool.Return(item);
                    break;
                default:
                    item.Value = mode;
                    break;
            }

            var value = {|HOT301:item|}.Value;
            {|HOT302:Item.Pool.Return(item)|};
            return value;
        }
        """);

    [Fact]
    public Task A_return_then_break_out_of_a_loop_reaches_a_use_after_the_loop_but_not_the_rest_of_the_body() => Verify("""
        public int M(int[] values)
        {
            var item = Item.Pool.Rent();
            foreach (var value in values)
            {
                if (value < 0)
                {
                    Item.Pool.Return(item);
                    break;
                }

                item.Value += value;
            }

            var sum = {|HOT301:item|}.Value;
            {|HOT302:Item.Pool.Return(item)|};
            return sum;
        }
        """);

    [Fact]
    public Task Loops_quiet_on_a_variable_new_each_iteration_reassigned_in_the_loop_or_left_with_the_loop() => Verify("""
        public int M(int n, Item seed, int[] values)
        {
            for (var i = 0; i < n; i++)
            {
                var item = Item.Pool.Rent();
                item.Value = i;
                Item.Pool.Return(item);
            }

            Item? current = null;
            while (n-- > 0)
            {
                current = Item.Pool.Rent();
                current.Value = n;
                Item.Pool.Return(current);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(16);
            foreach (var value in values)
            {
                if (value < 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return -1;
                }

                buffer[0] = (byte)value;
            }

            var grown = ArrayPool<byte>.Shared.Rent(4);
            while (grown.Length < n)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(grown.Length * 2);
                ArrayPool<byte>.Shared.Return(grown);
                grown = bigger;
            }

            var once = Item.Pool.Rent();
            do
            {
                once.Value = 1;
                Item.Pool.Return(once);
            }
            while (false);

            foreach (var pooled in new[] { seed })
            {
                Item.Pool.Return(pooled);
            }

            ArrayPool<byte>.Shared.Return(grown);
            ArrayPool<byte>.Shared.Return(buffer);
            return 0;
        }
        """);

    /// <summary>
    /// A loop whose condition (or a for's incrementor) rents again: the body's Return can only get past the loop
    /// through that condition, so the Return after the loop returns the fresh rent.
    /// </summary>
    [Fact]
    public Task Loops_whose_condition_or_incrementor_rents_again_are_quiet() => Verify("""
        public void While()
        {
            byte[] b;
            while ((b = ArrayPool<byte>.Shared.Rent(8)).Length == 0) { ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        public void ForCondition()
        {
            byte[] b;
            for (; (b = ArrayPool<byte>.Shared.Rent(8)).Length == 0;) { ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        public void ForIncrementor()
        {
            byte[] b;
            for (b = ArrayPool<byte>.Shared.Rent(8); b.Length == 0; b = ArrayPool<byte>.Shared.Rent(8)) { ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        public void DoWhile()
        {
            var b = ArrayPool<byte>.Shared.Rent(8);
            do { b[0] = 1; ArrayPool<byte>.Shared.Return(b); }
            while ((b = ArrayPool<byte>.Shared.Rent(8)).Length == 0);
            ArrayPool<byte>.Shared.Return(b);
        }
        """);

    /// <summary>
    /// A break before the body's Return leaves the loop holding the condition's rent: the Return after the loop
    /// returns it. Without that Return, or with an early return instead of the break, it leaks.
    /// </summary>
    [Fact]
    public Task Loops_whose_condition_rents_again_and_a_break_before_the_return_leaves_it_to_after_the_loop() => Verify("""
        public void While(bool stop)
        {
            byte[] b;
            while ((b = ArrayPool<byte>.Shared.Rent(8)).Length == 0) { if (stop) break; ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        public void NotNull(bool stop)
        {
            Item item;
            while ((item = Item.Pool.Rent()) != null) { if (stop) break; Item.Pool.Return(item); }
            if (item != null) Item.Pool.Return(item);
        }
        public void NoReturnAfter(bool stop)
        {
            byte[] b;
            while ((b = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|}).Length == 0) { if (stop) break; ArrayPool<byte>.Shared.Return(b); }
        }
        public void NotNullNoReturnAfter(bool stop)
        {
            Item item;
            while ((item = {|HOT303:Item.Pool.Rent()|}) != null) { if (stop) break; Item.Pool.Return(item); }
        }
        public void EarlyReturn(bool stop)
        {
            byte[] b;
            while ((b = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|}).Length == 0) { if (stop) return; ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        """);

    /// <summary>
    /// A loop whose body rents at its start: the Return at its end is followed by a fresh rent on the back edge,
    /// and a break before that Return leaves with the object the Return after the loop gives back.
    /// </summary>
    [Fact]
    public Task Loops_that_rent_again_at_the_top_of_the_body_after_a_return_are_quiet() => Verify("""
        public void Do()
        {
            byte[] b;
            do { b = ArrayPool<byte>.Shared.Rent(8); if (b.Length > 0) break; ArrayPool<byte>.Shared.Return(b); } while (true);
            ArrayPool<byte>.Shared.Return(b);
        }
        public void While()
        {
            byte[] b;
            while (true) { b = ArrayPool<byte>.Shared.Rent(8); if (b.Length > 0) break; ArrayPool<byte>.Shared.Return(b); }
            ArrayPool<byte>.Shared.Return(b);
        }
        """);

    /// <summary>A break before the body's rent, a condition that can end the loop, or no Return after the loop: still reported.</summary>
    [Fact]
    public Task Loops_that_rent_at_the_top_of_the_body_but_can_leave_before_it_are_reported() => Verify("""
        public void BreakFirst(bool stop)
        {
            var b = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|}; // overwritten when stop is false
            while (true) { if (stop) break; b = ArrayPool<byte>.Shared.Rent(8); if (b.Length > 0) break; ArrayPool<byte>.Shared.Return(b); }
            {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }
        public void Condition(bool go)
        {
            byte[] b = Array.Empty<byte>();
            while (go) { b = ArrayPool<byte>.Shared.Rent(8); if (b.Length > 0) break; ArrayPool<byte>.Shared.Return(b); }
            {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }
        public void NoReturnAfter()
        {
            byte[] b;
            while (true) { b = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|}; if (b.Length > 0) break; ArrayPool<byte>.Shared.Return(b); }
        }
        """);

    /// <summary>A break after the body's Return leaves without the condition: the Return after the loop is a second one.</summary>
    [Fact]
    public Task Loops_whose_condition_rents_again_but_a_break_skips_it_are_reported() => Verify("""
        public void While(bool stop)
        {
            byte[] b;
            while ((b = ArrayPool<byte>.Shared.Rent(8)).Length == 0) { ArrayPool<byte>.Shared.Return(b); if (stop) break; }
            {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }
        """);

    /// <summary>A return statement (or break) in the try runs its finally: a Return before it and one in the finally are two.</summary>
    [Fact]
    public Task HOT302_return_in_the_try_then_a_jump_then_the_finally_returns_again() => Verify("""
        public int A()
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try { b[0] = 1; ArrayPool<byte>.Shared.Return(b); return 1; }
            finally { {|HOT302:ArrayPool<byte>.Shared.Return(b)|}; }
        }
        public void B(int n)
        {
            var item = Item.Pool.Rent();
            try
            {
                for (var i = 0; i < n; i++) { if (i == 2) { Item.Pool.Return(item); return; } }
            }
            finally { {|HOT302:Item.Pool.Return(item)|}; }
        }
        public int D()
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try { ArrayPool<byte>.Shared.Return(b); return 1; }
            finally { {|HOT301:b|}[0] = 0; }
        }
        public int C(bool ok)
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try { if (ok) { ArrayPool<byte>.Shared.Return(b); return 1; } }
            finally { n(); }
            ArrayPool<byte>.Shared.Return(b);
            return 0;
            static void n() { }
        }
        """);

    /// <summary>A throw leaves the try through its finally just like a return does.</summary>
    [Fact]
    public Task HOT302_return_in_the_try_then_a_throw_then_the_finally_returns_or_uses_it_again() => Verify("""
        public void A()
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try { b[0] = 1; ArrayPool<byte>.Shared.Return(b); throw new InvalidOperationException(); }
            finally { {|HOT302:ArrayPool<byte>.Shared.Return(b)|}; }
        }
        public void B()
        {
            var item = Item.Pool.Rent();
            try { Item.Pool.Return(item); throw new InvalidOperationException(); }
            finally { {|HOT301:item|}.Value = 0; }
        }
        public void C(bool ok)
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try
            {
                try { ArrayPool<byte>.Shared.Return(b); throw new InvalidOperationException(); }
                catch (InvalidOperationException) { }
            }
            finally { {|HOT302:ArrayPool<byte>.Shared.Return(b)|}; }
        }
        public void D()
        {
            var b = ArrayPool<byte>.Shared.Rent(10);
            try { ArrayPool<byte>.Shared.Return(b); b = null; throw new InvalidOperationException(); }
            finally { if (b != null) ArrayPool<byte>.Shared.Return(b); }
        }
        """);

    // ---- fields ----

    /// <summary>
    /// A field of this instance (or a static one) returned, then used or returned again in the same method with nothing in
    /// between that could change it (no write of it, no call, property, constructor or operator of someone else).
    /// </summary>
    [Fact]
    public Task HOT301_HOT302_field_used_or_returned_again_right_after_its_return() => AnalyzerVerifier.VerifyAsync("""
        using System;
        using System.Buffers;
        namespace App;
        public sealed class Holder
        {
            private byte[] _buffer = Array.Empty<byte>();
            private Item _item = new();
            private static byte[] s_shared = Array.Empty<byte>();
            private int _count;

            public void Twice()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                {|HOT302:ArrayPool<byte>.Shared.Return(this._buffer)|};
            }

            public int Used(string name)
            {
                ArrayPool<byte>.Shared.Return(this._buffer);
                _count = name.Length;
                return {|HOT301:_buffer|}[0];
            }

            public void PooledObject()
            {
                Item.Pool.Return(_item);
                {|HOT301:_item|}.Value = 1;
            }

            public void Static()
            {
                ArrayPool<byte>.Shared.Return(s_shared);
                {|HOT301:s_shared|}[0] = 1;
            }

            public void AfterALoop(int n)
            {
                for (var i = 0; i < n; i++) { if (i == 3) ArrayPool<byte>.Shared.Return(_buffer); }
                {|HOT301:_buffer|}[0] = 1;
            }
        }
        """, new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, s_options);

    /// <summary>
    /// Written again, or after a call, a property or anything else that may write it, on another instance, on exclusive
    /// branches, under a flag that records the return, compared as a reference or taken by ref: quiet.
    /// </summary>
    [Fact]
    public Task HOT301_HOT302_quiet_for_a_field_that_may_have_changed_since_its_return() => AnalyzerVerifier.VerifyAsync("""
        using System;
        using System.Buffers;
        namespace App;
        public sealed class Holder
        {
            private byte[] _buffer = Array.Empty<byte>();
            private byte[] _spare = Array.Empty<byte>();
            private Holder? _next;

            public void Rented()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent(16);
                _buffer[0] = 1;
            }

            public void WrittenThroughAnother(Holder other)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                other._buffer = _spare; // other may be this
                _buffer[0] = 1;
            }

            public void Nulled()
            {
                if (_buffer != null) { ArrayPool<byte>.Shared.Return(_buffer); _buffer = null!; }
                if (_buffer != null) ArrayPool<byte>.Shared.Return(_buffer);
            }

            public void AfterACall()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                Grow();
                _buffer[0] = 1;
            }

            public int AfterAProperty()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                var size = Size;
                return _buffer[0] + size;
            }

            public void UnderALock()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                lock (_spare) { _buffer[0] = 1; }
            }

            public void AfterALockReleased()
            {
                lock (_spare) { ArrayPool<byte>.Shared.Return(_buffer); }
                _buffer[0] = 1;
            }

            public void Deconstructed(Holder other)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                var (_, _) = other; // Deconstruct runs
                _buffer[0] = 1;
            }

            public void DisposedAtTheEndOfItsBlock()
            {
                {
                    using var scope = new Scope(this);
                    ArrayPool<byte>.Shared.Return(_buffer);
                } // scope.Dispose() runs
                _buffer[0] = 1;
            }

            public void Deconstruct(out int a, out int b) { _buffer = _spare; (a, b) = (0, 0); }

            public void AnotherInstance()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _next!._buffer[0] = 1;
            }

            public void Exclusive(bool x)
            {
                if (x) ArrayPool<byte>.Shared.Return(_buffer); else ArrayPool<byte>.Shared.Return(_buffer);
            }

            public void UnderAFlag(bool x)
            {
                var returned = false;
                if (x) { ArrayPool<byte>.Shared.Return(_buffer); returned = true; }
                if (!returned) ArrayPool<byte>.Shared.Return(_buffer);
            }

            public bool Compared()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                return _buffer is null || ReferenceEquals(_buffer, _spare);
            }

            public void ByRef()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                Swap(ref _buffer, ref _spare);
                _buffer[0] = 1;
            }

            private int Size => _buffer.Length;
            private void Grow() => _buffer = new byte[_buffer.Length * 2];
            private static void Swap(ref byte[] a, ref byte[] b) => (a, b) = (b, a);
        }

        public sealed class Scope(Holder holder) : IDisposable
        {
            public void Dispose() => holder.Deconstruct(out _, out _);
        }

        public struct Slot
        {
            private byte[] _buffer;

            public void Replaced(Slot other)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                this = other; // writes every field
                _buffer[0] = 1;
            }

            public void Twice()
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                {|HOT302:ArrayPool<byte>.Shared.Return(_buffer)|};
            }
        }
        """, new DiagnosticAnalyzer[] { new PoolMisuseAnalyzer() }, s_options);

    // ---- local functions that return the object ----

    /// <summary>
    /// A call of a local function that returns the variable on every path (or its parameter, for the variable passed) is a
    /// return of it where it is called: a second call, or a Return, on the same path returns it twice, a use after it is
    /// HOT301, and a call in a loop returns it again on the next iteration.
    /// </summary>
    [Fact]
    public Task HOT301_HOT302_local_function_that_returns_the_object_called_twice_on_one_path() => Verify("""
        public void Twice()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Give() => ArrayPool<byte>.Shared.Return(b);
            Give();
            {|HOT302:Give()|};
        }

        public void ThenAReturn()
        {
            var item = Item.Pool.Rent();
            void Give() { item.Value = 0; Item.Pool.Return(item); }
            Give();
            {|HOT302:Item.Pool.Return(item)|};
        }

        public byte InALoopThenUsed(int n)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            Give();
            for (var i = 0; i < n; i++) {|HOT302:Give()|};
            return {|HOT301:b|}[0];
            void Give() { ArrayPool<byte>.Shared.Return(b, clearArray: true); }
        }

        public void ItsParameter()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            static void Release(byte[] array) => ArrayPool<byte>.Shared.Return(array);
            Release(b);
            {|HOT302:Release(b)|};
        }
        """);

    /// <summary>Calls on exclusive branches, and a local function that returns the object only on some path or rents again, are quiet.</summary>
    [Fact]
    public Task HOT302_quiet_for_local_function_calls_on_exclusive_paths_or_that_may_not_return() => Verify("""
        public void Exclusive(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Give() => ArrayPool<byte>.Shared.Return(b);
            if (x) Give(); else Give();
        }

        public void OnSomePath(bool y)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Give() { if (y) ArrayPool<byte>.Shared.Return(b); }
            Give();
            Give();
        }

        public void EarlyReturn(bool y)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Give() { if (y) return; ArrayPool<byte>.Shared.Return(b); }
            Give();
            Give();
        }

        public void RentsAgain()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Swap() { ArrayPool<byte>.Shared.Return(b); b = ArrayPool<byte>.Shared.Rent(16); }
            Swap();
            Swap();
            ArrayPool<byte>.Shared.Return(b);
        }
        """);

    /// <summary>
    /// A local function that returns the object and then calls one that writes the variable (or a lambda that does) gives
    /// it a new object: its calls are not returns of the same one.
    /// </summary>
    [Fact]
    public Task HOT302_quiet_for_a_local_function_that_rents_again_through_another() => Verify("""
        public void ThroughAnother()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            void Renew() => b = ArrayPool<byte>.Shared.Rent(16);
            void Give() { ArrayPool<byte>.Shared.Return(b); Renew(); }
            Give();
            Give();
            ArrayPool<byte>.Shared.Return(b);
        }

        public void ThroughALambda()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            Action renew = () => b = ArrayPool<byte>.Shared.Rent(16);
            void Give() { ArrayPool<byte>.Shared.Return(b); renew(); }
            Give();
            Give();
            ArrayPool<byte>.Shared.Return(b);
        }
        """);

    // ---- flags that record a return or a rent ----

    /// <summary>
    /// A bool local declared false and set true right after each return of the variable (and nowhere else) is true only
    /// once the object went back: what runs only while it is false (<c>if (!returned)</c>, <c>== false</c>, <c>is false</c>,
    /// the <c>else</c> of <c>if (returned)</c>, the right of <c>!returned &amp;&amp;</c>, after <c>if (returned) return;</c>) is
    /// not after that return, and a branch taken only while it is true has nothing left to return.
    /// </summary>
    [Fact]
    public Task HOT301_HOT302_HOT303_quiet_for_a_return_under_a_flag_that_records_an_earlier_return() => Verify("""
        public void InALoop(int n, bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            for (var i = 0; i < n; i++) { if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; break; } }
            if (!returned) ArrayPool<byte>.Shared.Return(b);
        }

        public void ComparedWithFalse(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (returned == false) ArrayPool<byte>.Shared.Return(b);
        }

        public void IsFalse(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            bool returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (returned is false) { ArrayPool<byte>.Shared.Return(b); }
        }

        public void InTheElse(bool x)
        {
            var item = Item.Pool.Rent();
            var returned = false;
            if (x) { Item.Pool.Return(item); returned = true; }
            if (returned) { } else Item.Pool.Return(item);
        }

        public void GuardClause(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (returned) return;
            b[0] = 1;
            ArrayPool<byte>.Shared.Return(b);
        }

        public int UsedWhileNotReturned(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            var first = !returned ? b[0] : 0;
            if (!returned || first > 0) { if (!returned) ArrayPool<byte>.Shared.Return(b); }
            return first;
        }

        public void OnceInALoop(int n)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            for (var i = 0; i < n; i++) { if (!returned && i > 3) { ArrayPool<byte>.Shared.Return(b); returned = true; } }
            if (!returned) ArrayPool<byte>.Shared.Return(b);
        }

        public void AViewUsedWhileNotReturned(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var span = b.AsSpan(0, 8);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (!returned) { span[0] = 1; ArrayPool<byte>.Shared.Return(b); }
        }

        public void FlagDeclaredFirst(bool x)
        {
            var returned = false;
            var b = ArrayPool<byte>.Shared.Rent(16);
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (!returned) ArrayPool<byte>.Shared.Return(b);
        }

        public int InAFinally(bool x)
        {
            var item = Item.Pool.Rent();
            var released = false;
            try
            {
                if (x) { Item.Pool.Return(item); released = true; return 1; }
                return item.Value;
            }
            finally { if (!released) Item.Pool.Return(item); }
        }
        """);

    /// <summary>
    /// The flag is read only while it means what it says: written anywhere else (also in a lambda), declared again on each
    /// iteration, tested before the return it records, or combined with a condition that lets the branch run while it is
    /// true, the rules stay as they were; a branch taken while it is false that leaves without returning still leaks.
    /// </summary>
    [Fact]
    public Task HOT301_HOT302_HOT303_still_reported_when_the_flag_does_not_cover_the_path() => Verify("""
        public void SetElsewhere(bool x, bool y)
        {
            var b = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (y) returned = true;
            if (!returned) {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }

        public void SetInALambda(bool x)
        {
            var b = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            Action reset = () => returned = false;
            if (!returned) {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }

        public void OrAnotherCondition(bool x, bool y)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (!returned || y) {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }

        public void DeclaredInTheLoop(bool x, int n)
        {
            var b = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            for (var i = 0; i < n; i++)
            {
                var returned = false;
                if (x) { {|HOT302:ArrayPool<byte>.Shared.Return(b)|}; returned = true; }
                if (!returned) {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
            }
        }

        public void RentedAgainInALoopTheFlagIsNotDeclaredIn(bool x, int n)
        {
            var returned = false;
            for (var i = 0; i < n; i++)
            {
                var b = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
                if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
                if (!returned) ArrayPool<byte>.Shared.Return(b);
            }
        }

        public void TestedBeforeTheReturn()
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (!returned) { ArrayPool<byte>.Shared.Return(b); returned = true; {|HOT302:ArrayPool<byte>.Shared.Return(b)|}; }
        }

        public int LeavesWhileNotReturned(bool x)
        {
            var b = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (!returned) return b[0];
            return 0;
        }

        public int AViewUsedWhileReturned(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var span = b.AsSpan(0, 8);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (returned) return {|HOT301:span|}[0];
            ArrayPool<byte>.Shared.Return(b);
            return 0;
        }

        public int UsedWhileReturned(bool x)
        {
            var b = ArrayPool<byte>.Shared.Rent(16);
            var returned = false;
            if (x) { ArrayPool<byte>.Shared.Return(b); returned = true; }
            if (returned) return {|HOT301:b|}[0];
            ArrayPool<byte>.Shared.Return(b);
            return 0;
        }
        """);

    /// <summary>
    /// A bool local declared false and set true right after each rent of the variable (<c>b = pool.Rent(n); rented = true;</c>)
    /// is true whenever it holds a rent: a branch taken only while it is false has nothing to return.
    /// </summary>
    [Fact]
    public Task HOT303_quiet_for_a_return_under_a_flag_that_records_the_rent() => Verify("""
        public void InATry(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            try { b = ArrayPool<byte>.Shared.Rent(n); rented = true; b[0] = 1; }
            finally { if (rented) ArrayPool<byte>.Shared.Return(b); }
        }

        public void OnABranch(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            if (n > 10) { b = ArrayPool<byte>.Shared.Rent(n); rented = true; }
            b[0] = 1;
            if (rented) ArrayPool<byte>.Shared.Return(b);
        }

        public void NullAsTheFlag(int n)
        {
            byte[]? b = null;
            try { b = ArrayPool<byte>.Shared.Rent(n); b[0] = 1; }
            finally { if (b != null) ArrayPool<byte>.Shared.Return(b); }
        }
        """);

    /// <summary>
    /// A rented flag cleared right after a return (<c>pool.Return(b); rented = false;</c>) is false on every path from that
    /// return until the next rent: a return under <c>if (rented)</c> in a <c>finally</c> is not a second one; one taken while
    /// it is false is.
    /// </summary>
    [Fact]
    public Task HOT302_quiet_for_a_return_under_a_rented_flag_cleared_by_an_earlier_return() => Verify("""
        public int ClearedAfterTheReturn(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            try
            {
                b = ArrayPool<byte>.Shared.Rent(n);
                rented = true;
                var first = b[0];
                ArrayPool<byte>.Shared.Return(b);
                rented = false;
                return first;
            }
            finally { if (rented) ArrayPool<byte>.Shared.Return(b); }
        }

        public void TakenWhileCleared(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            b = ArrayPool<byte>.Shared.Rent(n);
            rented = true;
            ArrayPool<byte>.Shared.Return(b);
            rented = false;
            if (!rented) {|HOT302:ArrayPool<byte>.Shared.Return(b)|};
        }
        """);

    [Fact]
    public Task HOT303_still_reported_when_the_rented_flag_does_not_cover_every_rent() => Verify("""
        public void AnotherRentWithoutTheFlag(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            if (n > 10) { b = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|}; rented = true; }
            else b = {|HOT303:ArrayPool<byte>.Shared.Rent(4)|};
            if (rented) ArrayPool<byte>.Shared.Return(b);
        }

        public void ClearedElsewhere(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            if (n > 10) { b = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|}; rented = true; }
            if (n > 20) rented = false;
            if (rented) ArrayPool<byte>.Shared.Return(b);
        }

        public void DeconstructedWithoutTheFlag(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            if (n > 10) { b = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|}; rented = true; }
            else (b, n) = ({|HOT303:ArrayPool<byte>.Shared.Rent(4)|}, 0);
            if (rented) ArrayPool<byte>.Shared.Return(b);
        }

        public void TestedTheWrongWay(int n)
        {
            var rented = false;
            byte[] b = Array.Empty<byte>();
            if (n > 10) { b = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|}; rented = true; }
            if (!rented) ArrayPool<byte>.Shared.Return(b);
        }
        """);

    // ---- HOT303 ----

    /// <summary>Every exit from a try block runs its finally: a return there that always gives the buffer back covers them all.</summary>
    [Fact]
    public Task HOT303_rent_in_a_try_with_early_exits_and_a_finally_that_returns() => Verify("""
        public int A(int n)
        {
            byte[]? rented = null;
            try { rented = ArrayPool<byte>.Shared.Rent(n); rented[0] = 1; return rented.Length; }
            finally { if (rented is not null) ArrayPool<byte>.Shared.Return(rented); }
        }
        public int B(int n)
        {
            var rented = ArrayPool<byte>.Shared.Rent(n);
            try { rented[0] = 1; return rented.Length; }
            finally { ArrayPool<byte>.Shared.Return(rented); }
        }
        public int C(int n)
        {
            byte[]? rented = null;
            try
            {
                rented = ArrayPool<byte>.Shared.Rent(n);
                if (n == 0) return 0;
                for (var i = 0; i < n; i++) { if (rented[i] == 1) break; }
                return rented.Length;
            }
            finally { if (rented != null) ArrayPool<byte>.Shared.Return(rented); }
        }
        public int D(int n)
        {
            byte[]? rented = null;
            try
            {
                try { rented = ArrayPool<byte>.Shared.Rent(n); if (n == 0) return 0; }
                finally { n++; }
                return n;
            }
            finally { if (rented != null) ArrayPool<byte>.Shared.Return(rented); }
        }
        """);

    /// <summary>A finally only covers its own try: a rent repeated by a loop inside it, or a finally that may skip the return, still leaks.</summary>
    [Fact]
    public Task HOT303_a_finally_does_not_cover_a_loop_inside_its_try_or_a_conditional_return() => Verify("""
        public int A(int n)
        {
            byte[]? rented = null;
            try
            {
                for (var i = 0; i < n; i++) { rented = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|}; if (i == 3) return i; }
                return n;
            }
            finally { if (rented != null) ArrayPool<byte>.Shared.Return(rented); }
        }
        public int B(int n)
        {
            var rented = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|};
            try { if (n == 0) return 0; return rented.Length; }
            finally { if (n > 1) ArrayPool<byte>.Shared.Return(rented); }
        }
        """);

    /// <summary>A goto forward to a label whose statements always return the object is not a leak path; one past them is.</summary>
    [Fact]
    public Task HOT303_goto_forward_to_a_return() => Verify("""
        public int A(int k)
        {
            var s = Item.Pool.Rent();
            if (k > 0) goto done;
            s.Value = k;
        done:
            Item.Pool.Return(s);
            return k;
        }
        public int B(int k)
        {
            var s = Item.Pool.Rent();
            if (k > 0) goto done;
            s.Value = k;
        done:
            k++;
            Item.Pool.Return(s);
            return k;
        }
        public int C(int k)
        {
            var s = {|HOT303:Item.Pool.Rent()|};
            if (k > 0) goto done;
            Item.Pool.Return(s);
        done:
            return k;
        }
        public int D(int k)
        {
            var s = {|HOT303:Item.Pool.Rent()|};
            if (k > 0) goto done;
            s.Value = k;
        done:
            if (k > 1) return k;
            Item.Pool.Return(s);
            return k;
        }
        """);

    /// <summary>A rent taken on one branch of ?:, ?? or a switch expression and stored in a local is tracked, not "handed on".</summary>
    [Fact]
    public Task HOT303_rent_in_a_conditional_branch_never_returned() => Verify("""
        public int A(int n) { var b = n > 0 ? {|HOT303:ArrayPool<byte>.Shared.Rent(n)|} : Array.Empty<byte>(); return b.Length; }
        public int B(byte[]? cached) { var b = cached ?? {|HOT303:ArrayPool<byte>.Shared.Rent(8)|}; return b.Length; }
        public int C(int n) { byte[] b; b = n switch { 0 => Array.Empty<byte>(), _ => ({|HOT303:ArrayPool<byte>.Shared.Rent(n)|}) }; return b.Length; }
        """);

    /// <summary>Conditions are not evaluated: a conditional rent with a Return anywhere (typically under the same condition) is not reported.</summary>
    [Fact]
    public Task HOT303_rent_in_a_conditional_branch_returned_or_handed_on_is_quiet() => Verify("""
        public int A(int n)
        {
            var b = n > 0 ? ArrayPool<byte>.Shared.Rent(n) : Array.Empty<byte>();
            var length = b.Length;
            if (n > 0) ArrayPool<byte>.Shared.Return(b);
            return length;
        }
        public byte[] B(int n) => n > 0 ? ArrayPool<byte>.Shared.Rent(n) : Array.Empty<byte>();
        public void C(byte[]? cached) { var b = cached ?? ArrayPool<byte>.Shared.Rent(8); Sink.Keep(b); }
        public void D(int n) { Sink.Keep(n switch { 0 => Array.Empty<byte>(), _ => ArrayPool<byte>.Shared.Rent(n) }); }
        """);

    /// <summary>An array returned as Memory or ReadOnlyMemory (a user-defined conversion) is handed on.</summary>
    [Fact]
    public Task HOT303_rented_array_returned_as_memory_is_handed_on() => Verify("""
        public Memory<byte> P() { var b = ArrayPool<byte>.Shared.Rent(10); return b; }
        public ReadOnlyMemory<byte> Q() { var b = ArrayPool<byte>.Shared.Rent(10); b[0] = 1; return b; }
        public ArraySegment<byte> R() { var b = ArrayPool<byte>.Shared.Rent(10); return b; }
        public void S(out Memory<byte> m) { var b = ArrayPool<byte>.Shared.Rent(10); m = b; }
        public Span<byte> T() { var b = {|HOT303:ArrayPool<byte>.Shared.Rent(10)|}; Span<byte> s = b; s[0] = 1; return default; }
        """);

    [Fact]
    public Task HOT303_rented_and_never_returned() => Verify("""
        public int M()
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            item.Value = 1;
            return item.Value;
        }
        """);

    [Fact]
    public Task HOT303_discarded_rent() => Verify("""
        public void M()
        {
            {|HOT303:_pool.Rent()|};
            {|HOT303:Item.Pool.Rent()|}.Value = 2;
        }
        """);

    [Fact]
    public Task HOT303_rent_assigned_to_a_discard() => Verify("""
        public void M()
        {
            _ = {|HOT303:Item.Pool.Rent()|};
            _ = {|HOT303:ArrayPool<byte>.Shared.Rent(4)|};
        }
        """);

    /// <summary>A rent assigned inside a condition is stored in the local exactly like <c>x = pool.Rent();</c>.</summary>
    [Fact]
    public Task HOT303_rent_assigned_inside_a_condition_and_never_returned() => Verify("""
        public int A()
        {
            byte[] buffer;
            if ((buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|}).Length > 0) { buffer[0] = 1; }
            return buffer[0];
        }
        public void B()
        {
            Item? item;
            while ((item = {|HOT303:Item.Pool.Rent()|}) != null) { item.Value = 1; }
        }
        public int C()
        {
            byte[] buffer;
            if ((buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|}).Length == 0) return 0;
            ArrayPool<byte>.Shared.Return(buffer);
            return 1;
        }
        public void D()
        {
            byte[] buffer;
            if ((buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|}).Length > 0) { ArrayPool<byte>.Shared.Return(buffer); }
        }
        """);

    [Fact]
    public Task HOT303_rent_assigned_inside_a_condition_returned_or_handed_on_is_quiet() => Verify("""
        public int A()
        {
            byte[] buffer;
            if ((buffer = ArrayPool<byte>.Shared.Rent(16)).Length > 0) { buffer[0] = 1; }
            var first = buffer[0];
            ArrayPool<byte>.Shared.Return(buffer);
            return first;
        }
        public void B()
        {
            Item? item;
            while ((item = Item.Pool.Rent()) != null) { item.Value = 1; Item.Pool.Return(item); }
        }
        public void C()
        {
            byte[] buffer;
            if ((buffer = ArrayPool<byte>.Shared.Rent(16)).Length > 0) { ArrayPool<byte>.Shared.Return(buffer); }
            else { ArrayPool<byte>.Shared.Return(buffer); }
        }
        public void D()
        {
            Item item;
            Sink.Keep(item = Item.Pool.Rent());
            item.Value = 1;
            byte[] buffer;
            Sink.Keep(buffer = ArrayPool<byte>.Shared.Rent(16));
        }
        public void E()
        {
            Item? item;
            if ((item = Item.Pool.Rent()) != null) { item.Value = 1; Item.Pool.Return(item); }
        }
        """);

    /// <summary>A rent bound by a pattern (<c>is { } s</c>, <c>is var s</c>, a switch section or arm) is tracked in the pattern's local.</summary>
    [Fact]
    public Task HOT303_pattern_bound_rent_never_returned() => Verify("""
        public void A()
        {
            if ({|HOT303:Item.Pool.Rent()|} is { } item) { item.Value = 1; }
        }
        public void B()
        {
            if ({|HOT303:_pool.Rent()|} is var item) { item.Value = 1; }
        }
        public void C(bool stop)
        {
            if ({|HOT303:Item.Pool.Rent()|} is Item item) { if (stop) return; Item.Pool.Return(item); }
        }
        public void D()
        {
            switch ({|HOT303:Item.Pool.Rent()|})
            {
                case { Value: 0 } zero: Item.Pool.Return(zero); break;
                case var other: other.Value = 2; break;
            }
        }
        public int E() => {|HOT303:Item.Pool.Rent()|} switch { { Value: 0 } zero => zero.Value, var other => other.Value + 1 };
        public void F()
        {
            while ({|HOT303:Item.Pool.Rent()|} is { } item) { item.Value = 1; }
        }
        """);

    /// <summary>
    /// A rent tested by a pattern that binds nothing (<c>is Item</c>, <c>is null</c>, a section or arm without a
    /// variable, <c>default:</c>), or that can fail on a rented object (sub-patterns, a guard, a switch with no
    /// section for every object), is lost on the path where nothing holds it.
    /// </summary>
    [Fact]
    public Task HOT303_pattern_test_that_can_drop_the_rent() => Verify("""
        public void A()
        {
            if ({|HOT303:Item.Pool.Rent()|} is Item) { _field = null; }
        }
        public void B()
        {
            if ({|HOT303:Item.Pool.Rent()|} is { Value: 0 } item) { Item.Pool.Return(item); }
        }
        public void C()
        {
            if ({|HOT303:Item.Pool.Rent()|} is not { Value: 0 } item) return;
            Item.Pool.Return(item);
        }
        public void D()
        {
            if ({|HOT303:Item.Pool.Rent()|} is not null) { _field = null; }
        }
        public void E()
        {
            switch ({|HOT303:Item.Pool.Rent()|})
            {
                case { Value: 0 }: break;
                case var other: Item.Pool.Return(other); break;
            }
        }
        public void F()
        {
            switch ({|HOT303:Item.Pool.Rent()|})
            {
                case { Value: 0 } zero: Item.Pool.Return(zero); break;
                default: break;
            }
        }
        public void G()
        {
            switch ({|HOT303:Item.Pool.Rent()|})
            {
                case { Value: 0 } zero: Item.Pool.Return(zero); break;
                case var other when other.Value > 1: Item.Pool.Return(other); break;
            }
        }
        public int H() => {|HOT303:Item.Pool.Rent()|} switch { { Value: 0 } zero => Keep(zero), _ => 1 };
        private static int Keep(Item item) { Sink.Keep(item); return 0; }
        """);

    /// <summary>A section for null binds nothing because nothing was rented; a guarded section followed by one for every object is fine.</summary>
    [Fact]
    public Task HOT303_switch_on_a_rent_with_a_null_section_or_a_final_catch_all_is_quiet() => Verify("""
        public void A()
        {
            switch (Item.Pool.Rent())
            {
                case null: break;
                case var item: Item.Pool.Return(item); break;
            }
        }
        public void B()
        {
            switch (Item.Pool.Rent())
            {
                case Item item when item.Value > 0: Item.Pool.Return(item); break;
                case { } other: Item.Pool.Return(other); break;
            }
        }
        public void C()
        {
            if (Item.Pool.Rent() is Item item) { Item.Pool.Return(item); }
        }
        """);

    [Fact]
    public Task HOT303_pattern_bound_rent_returned_on_every_path_or_handed_on_is_quiet() => Verify("""
        public void A()
        {
            if (Item.Pool.Rent() is { } item) { item.Value = 1; Item.Pool.Return(item); }
        }
        public void B()
        {
            if (_pool.Rent() is var item) { item.Value = 1; _pool.Return(item); }
        }
        public void C()
        {
            if (Item.Pool.Rent() is not Item item) return;
            item.Value = 1;
            Item.Pool.Return(item);
        }
        public void D()
        {
            switch (Item.Pool.Rent())
            {
                case { Value: 0 } zero: Item.Pool.Return(zero); break;
                case var other: other.Value = 2; Sink.Keep(other); break;
            }
        }
        public void E() => _ = Item.Pool.Rent() switch { { Value: 0 } zero => Keep(zero), var other => Keep(other) };
        public void F()
        {
            while (Item.Pool.Rent() is { } item) { item.Value = 1; Item.Pool.Return(item); }
        }
        public void G()
        {
            if (Item.Pool.Rent() is { } item) { Item.Pool.Return(item); } else { _field = null; }
        }
        private static int Keep(Item item) { Sink.Keep(item); return 0; }
        """);

    [Fact]
    public Task HOT303_early_return_skips_the_return() => Verify("""
        public int M(bool skip)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(32)|};
            if (skip) return 0;
            var first = buffer[0];
            ArrayPool<byte>.Shared.Return(buffer);
            return first;
        }
        """);

    [Fact]
    public Task HOT303_returned_on_one_branch_only() => Verify("""
        public void M(bool a)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            if (a)
            {
                Item.Pool.Return(item);
            }
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_loop_returned_after_it() => Verify("""
        public void M(int n)
        {
            Item? last = null;
            for (var i = 0; i < n; i++)
            {
                var item = {|HOT303:Item.Pool.Rent()|};
                item.Value = i;
            }
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_loop_returned_before_a_continue_or_break_and_at_the_end_of_the_body_is_quiet() => Verify("""
        public void Continue(int[] xs, bool skip)
        {
            foreach (var x in xs)
            {
                var s = Item.Pool.Rent();
                if (skip) { Item.Pool.Return(s); continue; }
                s.Value = x;
                Item.Pool.Return(s);
            }
        }

        public void Break(int[] xs)
        {
            for (var i = 0; i < xs.Length; i++)
            {
                var b = ArrayPool<byte>.Shared.Rent(xs[i]);
                if (b.Length > 100) { ArrayPool<byte>.Shared.Return(b); break; }
                if (b.Length == 0) { ArrayPool<byte>.Shared.Return(b); continue; }
                b[0] = 1;
                ArrayPool<byte>.Shared.Return(b);
            }
        }

        public void Goto(int[] xs)
        {
            foreach (var x in xs)
            {
                var s = Item.Pool.Rent();
                if (x < 0) { Item.Pool.Return(s); goto done; }
                s.Value = x;
                Item.Pool.Return(s);
            }

            done:
            _field = null;
        }

        public void Nested(int[][] rows)
        {
            foreach (var row in rows)
            {
                var s = Item.Pool.Rent();
                foreach (var x in row)
                {
                    if (x < 0) { continue; }
                    if (x == 0) { break; }
                    s.Value += x;
                }

                if (s.Value == 0) { Item.Pool.Return(s); continue; }
                Item.Pool.Return(s);
            }
        }

        public void InnerLoopRent(int[][] rows)
        {
            while (rows.Length > 0)
            {
                foreach (var x in rows[0])
                {
                    var s = Item.Pool.Rent();
                    if (x < 0) { Item.Pool.Return(s); continue; }
                    if (x == 0) { Item.Pool.Return(s); break; }
                    s.Value = x;
                    Item.Pool.Return(s);
                }

                rows = rows[1..];
            }
        }

        public void Assigned(int[] xs)
        {
            Item s;
            foreach (var x in xs)
            {
                s = Item.Pool.Rent();
                if (x < 0) { Item.Pool.Return(s); continue; }
                Item.Pool.Return(s);
            }
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_loop_left_by_a_continue_or_break_before_its_return_leaks() => Verify("""
        public void Continue(int[] xs)
        {
            foreach (var x in xs)
            {
                var s = {|HOT303:Item.Pool.Rent()|};
                if (x < 0) continue;
                Item.Pool.Return(s);
            }
        }

        public void Break(int[] xs)
        {
            foreach (var x in xs)
            {
                var s = {|HOT303:Item.Pool.Rent()|};
                if (x < 0) break;
                Item.Pool.Return(s);
            }
        }

        public void InnerContinue(int[][] rows)
        {
            foreach (var row in rows)
            {
                var s = {|HOT303:Item.Pool.Rent()|};
                foreach (var x in row)
                {
                    if (x < 0) { {|HOT302:Item.Pool.Return(s)|}; continue; }
                }
            }
        }
        """);

    [Fact]
    public Task HOT303_as_span_is_a_use_not_a_hand_over() => Verify("""
        public int M()
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|};
            return buffer.AsSpan().Length;
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_returned_on_every_path() => Verify("""
        public int M(bool a)
        {
            var item = Item.Pool.Rent();
            try
            {
                if (a) return 1;
                item.Value = 2;
            }
            finally
            {
                Item.Pool.Return(item);
            }

            var other = Item.Pool.Rent();
            if (a) { Item.Pool.Return(other); } else { other.Value = 1; Item.Pool.Return(other); }

            var buffer = ArrayPool<char>.Shared.Rent(4);
            if (buffer.Length == 0) throw new System.InvalidOperationException();
            ArrayPool<char>.Shared.Return(buffer);
            return 0;
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_handed_on() => Verify("""
        public Item Returned() { var item = Item.Pool.Rent(); return item; }
        public void Stored() { var item = Item.Pool.Rent(); _field = item; }
        public void StoredStatic() { var item = Item.Pool.Rent(); Sink.Stored = item; }
        public void Passed() { var item = Item.Pool.Rent(); Sink.Keep(item); }
        public void PassedBuffer() { var buffer = ArrayPool<byte>.Shared.Rent(8); Sink.Keep(buffer); }
        public System.Action Captured() { var item = Item.Pool.Rent(); return () => Sink.Keep(item); }
        public Item Direct() => Item.Pool.Rent();
        public void DirectArgument() => Sink.Keep(Item.Pool.Rent());
        public void InCollection(System.Collections.Generic.List<Item> items) { var item = Item.Pool.Rent(); items.Add(item); }
        public (Item, int) InTuple() { var item = Item.Pool.Rent(); return (item, 1); }
        public void Leased() { using var lease = Item.Pool.Lease(out var item); item.Value = 1; }
        """);

    [Fact]
    public Task HOT303_in_expression_bodies_and_lambdas() => Verify("""
        public void Expression() => {|HOT303:Item.Pool.Rent()|}.Value = 1;
        public System.Action Lambda() => () => { var item = {|HOT303:Item.Pool.Rent()|}.Value; };
        public System.Func<Item> Factory() => () => Item.Pool.Rent();
        """);

    /// <summary>The grow pattern: a loop that returns the old buffer and rents a bigger one under an if, the code after the loop returning the last.</summary>
    [Fact]
    public Task HOT303_quiet_for_a_buffer_grown_under_an_if_in_a_loop_and_returned_after_it() => Verify("""
        public void Grow(int[] sizes)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            foreach (var size in sizes)
            {
                if (size < 0) break;
                if (buffer.Length < size)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                    if (size > 1024) continue;
                }
                else if (size == 0) continue;
                buffer[0] = 1;
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void GrowFromNull(int[] sizes)
        {
            byte[]? buffer = null;
            foreach (var size in sizes)
            {
                if (buffer == null || buffer.Length < size)
                {
                    if (buffer != null) ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                }
                buffer[0] = 1;
            }
            if (buffer != null) ArrayPool<byte>.Shared.Return(buffer);
        }

        public void InASwitchSection(int[] ops)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            foreach (var op in ops)
            {
                switch (op)
                {
                    case 0:
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(op + 32);
                        break;
                    case 1:
                        buffer[0] = 1;
                        break;
                    default:
                        continue;
                }
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void SkipFirst(int[] sizes)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            foreach (var size in sizes)
            {
                if (size == 0) continue;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
        """);

    [Fact]
    public Task HOT303_a_buffer_grown_under_an_if_in_a_loop_leaks_on_a_return_or_without_a_return_after_the_loop() => Verify("""
        public void ReturnAfterGrow(int[] sizes)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            foreach (var size in sizes)
            {
                if (buffer.Length < size)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(size)|};
                }
                if (size == 0) return;
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void ReturnInElse(int[] sizes)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            foreach (var size in sizes)
            {
                if (buffer.Length < size)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(size)|};
                }
                else return;
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void ReturnBeforeTheReturn(int[] sizes)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            foreach (var size in sizes)
            {
                if (buffer.Length < size)
                {
                    if (size > 1024) return;
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(size)|};
                }
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void ReturnInAnotherSection(int[] ops)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            foreach (var op in ops)
            {
                switch (op)
                {
                    case 0:
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(op + 32)|};
                        break;
                    case 1:
                        return;
                }
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void NothingAfterTheLoop(int[] sizes)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            foreach (var size in sizes)
            {
                if (buffer.Length < size)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(size)|};
                }
            }
        }
        """);

    /// <summary>A view made by AsMemory/AsSpan goes on as the conversion to it would: returned or stored it hands the array on.</summary>
    [Fact]
    public Task HOT303_quiet_when_a_view_made_by_an_extension_is_returned_or_stored() => Verify("""
        private Memory<byte> _memory;

        public Memory<byte> Returned(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(n);
            return buffer.AsMemory(0, n);
        }

        public void Stored(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(n);
            _memory = buffer.AsMemory(0, n).Slice(1);
        }

        public Span<byte> ReturnedSpan(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(n);
            return buffer.AsSpan(0, n);
        }
        """);

    [Fact]
    public Task HOT303_a_view_made_by_an_extension_and_passed_or_kept_as_a_span_is_a_use() => Verify("""
        private static void Fill(Memory<byte> memory) { }

        public void Passed(int n)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|};
            Fill(buffer.AsMemory(0, n));
        }

        public void AsSpan(int n)
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|};
            var span = buffer.AsSpan(0, n);
            span.Fill(1);
        }
        """);

    /// <summary>The stackalloc-or-rent idiom: a span cannot keep the array, so the local assigned on the way holds it.</summary>
    [Fact]
    public Task HOT303_a_rent_assigned_on_its_way_into_a_span_is_held_by_the_local() => Verify("""
        public void Leaks(int n)
        {
            byte[]? rented = null;
            Span<byte> span = n <= 256 ? stackalloc byte[256] : (rented = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|});
            span[0] = 1;
        }

        public int LeaksThroughAsSpan(int n)
        {
            char[]? rented = null;
            Span<char> span = n <= 128 ? stackalloc char[128] : (rented = {|HOT303:ArrayPool<char>.Shared.Rent(n)|}).AsSpan(0, n);
            return span.Length;
        }

        public void LeaksOnAPath(int n)
        {
            char[] rented;
            ReadOnlySpan<char> span = rented = {|HOT303:ArrayPool<char>.Shared.Rent(n)|};
            if (span.Length == 0) return;
            ArrayPool<char>.Shared.Return(rented);
        }
        """);

    [Fact]
    public Task HOT303_quiet_for_the_stackalloc_or_rent_idiom_returned_under_a_null_test() => Verify("""
        public void Returned(int n)
        {
            byte[]? rented = null;
            Span<byte> span = n <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(n));
            span[0] = 1;
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }

        public void InFinally(int n)
        {
            char[]? rented = null;
            Span<char> span = n > 256 ? (rented = ArrayPool<char>.Shared.Rent(n)) : stackalloc char[256];
            try { span[0] = 'a'; }
            finally { if (rented is not null) ArrayPool<char>.Shared.Return(rented); }
        }

        public int ThroughAsSpan(int n)
        {
            char[]? rented = null;
            Span<char> span = n <= 128 ? stackalloc char[128] : (rented = ArrayPool<char>.Shared.Rent(n)).AsSpan(0, n);
            var length = span.Length;
            if (rented is { }) ArrayPool<char>.Shared.Return(rented);
            return length;
        }

        public Memory<byte> AsMemory(int n)
        {
            byte[]? rented = null;
            Memory<byte> memory = n <= 256 ? new byte[256] : (rented = ArrayPool<byte>.Shared.Rent(n));
            return memory;
        }
        """);

    /// <summary>A pattern that binds the object to another local stores it there, as <c>var b = buffer;</c> does.</summary>
    [Fact]
    public Task HOT303_quiet_when_a_pattern_binds_the_object_to_another_local_that_is_returned() => Verify("""
        public void Finally()
        {
            byte[]? buffer = null;
            try { buffer = ArrayPool<byte>.Shared.Rent(8); buffer[0] = 1; }
            finally { if (buffer is { } b) ArrayPool<byte>.Shared.Return(b); }
        }

        public void Typed()
        {
            byte[]? buffer = ArrayPool<byte>.Shared.Rent(8);
            if (buffer is byte[] b) ArrayPool<byte>.Shared.Return(b);
            var item = Item.Pool.Rent();
            if (item is not { } held) return;
            Item.Pool.Return(held);
        }
        """);

    [Fact]
    public Task HOT303_a_pattern_that_binds_nothing_does_not_hand_the_object_on() => Verify("""
        public void M()
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|};
            if (buffer is { Length: > 0 }) ArrayPool<byte>.Shared.Return(buffer);
        }
        """);

    /// <summary>A local declared in a lambda or local function is that function's own, not captured: its leaks count there.</summary>
    [Fact]
    public Task HOT303_a_local_declared_in_a_lambda_or_local_function_is_followed_there() => Verify("""
        public void M()
        {
            Action<int> run = n =>
            {
                var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(8)|};
                buffer[0] = 1;
                if (n == 0) return;
                ArrayPool<byte>.Shared.Return(buffer);
            };
            run(1);
            Local();

            static void Local()
            {
                var item = {|HOT303:Item.Pool.Rent()|};
                item.Value = 1;
            }
        }
        """);

    /// <summary>A lambda in a field or property initializer is followed as one in a method is.</summary>
    [Fact]
    public Task HOT301_and_HOT303_in_a_lambda_of_a_field_or_property_initializer() => Verify("""
        private static readonly Func<int, int> s_read = n =>
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(n)|};
            return buffer[0];
        };

        private Func<byte> First { get; } = () =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(8);
            ArrayPool<byte>.Shared.Return(buffer);
            return {|HOT301:buffer|}[0];
        };

        private static readonly Func<byte[]> s_factory = () => ArrayPool<byte>.Shared.Rent(8);
        private readonly byte[] _rented = ArrayPool<byte>.Shared.Rent(8);
        """);

    [Fact]
    public Task HOT303_quiet_for_a_lambda_local_returned_handed_on_or_captured_by_a_nested_lambda() => Verify("""
        public void M()
        {
            Func<byte[]> make = () => { var b = ArrayPool<byte>.Shared.Rent(8); b[0] = 1; return b; };
            Action nested = () => { var b = ArrayPool<byte>.Shared.Rent(8); Action release = () => ArrayPool<byte>.Shared.Return(b); release(); };
            Action guarded = () => { var b = ArrayPool<byte>.Shared.Rent(8); try { b[0] = 1; } finally { ArrayPool<byte>.Shared.Return(b); } };
            var outer = Item.Pool.Rent();
            Local();
            make(); nested(); guarded();

            void Local() => Item.Pool.Return(outer);
        }
        """);

    [Fact]
    public Task HOT303_rent_overwritten_by_a_rent_in_a_loop_before_it_was_returned() => Verify("""
        public void M(int n)
        {
            var item = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++)
            {
                item = Item.Pool.Rent();
                Sink.Keep(item);
                Item.Pool.Return(item);
            }
        }
        """);

    [Fact]
    public Task HOT303_rent_overwritten_in_straight_line_code_before_it_was_returned() => Verify("""
        public void Pool()
        {
            var a = {|HOT303:_pool.Rent()|};
            a = _pool.Rent();
            _pool.Return(a);
        }

        public void Shared()
        {
            var buffer = {|HOT303:ArrayPool<byte>.Shared.Rent(16)|};
            buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void OverwrittenOnOnePath(bool done)
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            if (done) Item.Pool.Return(a);
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public void OverwrittenInATry()
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            try
            {
                a = Item.Pool.Rent();
            }
            finally
            {
                Item.Pool.Return(a);
            }
        }

        public void OverwrittenByAnOutArgument()
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            Fill(out a);
            Item.Pool.Return(a);
        }

        private static void Fill(out Item item) => item = Item.Pool.Rent();
        """);

    [Fact]
    public Task HOT303_overwritten_message_names_the_overwrite() => VerifyMessage(
        """
        public void M()
        {
            var a = Item.Pool.Rent();
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }
        """,
        "HOT303: 'a' is rented but overwritten by 'a = Item.Pool.Rent()' before it was returned or handed on");

    [Fact]
    public Task HOT303_rent_overwritten_by_a_deconstruction_or_deconstructed_and_never_returned() => Verify("""
        public void Overwritten(int n)
        {
            var s = {|HOT303:Item.Pool.Rent()|};
            (s, n) = (Item.Pool.Rent(), 0);
            Item.Pool.Return(s);
        }

        public void OverwrittenNested(int n)
        {
            var s = {|HOT303:Item.Pool.Rent()|};
            ((s, n), _) = ((Item.Pool.Rent(), 0), 1);
            Item.Pool.Return(s);
        }

        public int DeclaredAndNeverReturned()
        {
            var (s, n) = ({|HOT303:Item.Pool.Rent()|}, 1);
            return s.Value + n;
        }

        public int AssignedAndNeverReturned(int n)
        {
            Item s;
            (s, n) = ({|HOT303:Item.Pool.Rent()|}, n);
            return s.Value;
        }

        public int Discarded(int n)
        {
            (_, n) = ({|HOT303:Item.Pool.Rent()|}, 1);
            return n;
        }
        """);

    [Fact]
    public Task HOT303_overwritten_by_a_deconstruction_message_names_the_deconstruction() => VerifyMessage(
        """
        public void M(int n)
        {
            var a = Item.Pool.Rent();
            (a, n) = (Item.Pool.Rent(), 0);
            Item.Pool.Return(a);
        }
        """,
        "HOT303: 'a' is rented but overwritten by '(a, n) = (Item.Pool.Rent(), 0)' before it was returned or handed on");

    [Fact]
    public Task HOT303_and_HOT301_rent_deconstructed_into_a_local_and_returned_or_handed_on_are_quiet() => Verify("""
        private (Item, int) _pair;

        public void Declared()
        {
            var (s, n) = (Item.Pool.Rent(), 1);
            s.Value = n;
            Item.Pool.Return(s);
        }

        public void Assigned(int n)
        {
            Item s;
            (s, n) = (Item.Pool.Rent(), n);
            Item.Pool.Return(s);
        }

        public void ReturnedBeforeTheDeconstruction(int n)
        {
            var s = Item.Pool.Rent();
            Item.Pool.Return(s);
            (s, n) = (Item.Pool.Rent(), 0);
            s.Value = n;
            Item.Pool.Return(s);
        }

        public void IntoAField(int n)
        {
            (_field, n) = (Item.Pool.Rent(), 0);
        }

        public void KeptByTheValue(bool keep, int n)
        {
            var s = Item.Pool.Rent();
            (s, n) = (keep ? s : Item.Pool.Rent(), 0);
            Item.Pool.Return(s);
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_tuple_whose_element_is_neither_returned_nor_handed_on() => Verify("""
        public int Dropped()
        {
            var t = ({|HOT303:Item.Pool.Rent()|}, 1);
            return t.Item2;
        }

        public void Discarded()
        {
            _ = ({|HOT303:Item.Pool.Rent()|}, 1);
        }

        public int OnlyRead()
        {
            (Item Item, int N) t;
            t = ({|HOT303:Item.Pool.Rent()|}, 1);
            t.Item.Value = 2;
            return t.N + t.Item.Value;
        }

        public void OtherElementReturned()
        {
            var t = ({|HOT303:Item.Pool.Rent()|}, Item.Pool.Rent());
            Item.Pool.Return(t.Item2);
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_tuple_returned_or_handed_on_is_quiet() => Verify("""
        private (Item, int) _pair;

        public (Item, int) Returned() { var t = (Item.Pool.Rent(), 1); return t; }
        public (Item, int) Direct() => (Item.Pool.Rent(), 1);
        public void StoredInAField() { _pair = (Item.Pool.Rent(), 1); }
        public void TupleStoredInAField() { var t = (Item.Pool.Rent(), 1); _pair = t; }
        public void ElementReturned() { var t = (Item.Pool.Rent(), 1); t.Item1.Value = t.Item2; Item.Pool.Return(t.Item1); }
        public void NamedElementReturned() { var t = (Item: Item.Pool.Rent(), N: 1); Item.Pool.Return(t.Item); }
        public void NestedElementReturned() { var t = (1, (Item.Pool.Rent(), 2)); Item.Pool.Return(t.Item2.Item1); }
        public void ElementPassed() { var t = (Item.Pool.Rent(), 1); Sink.Keep(t.Item1); }
        public void Deconstructed() { var t = (Item.Pool.Rent(), 1); var (item, _) = t; Item.Pool.Return(item); }
        public System.Action Captured() { var t = (Item.Pool.Rent(), 1); return () => Sink.Keep(t.Item1); }
        """);

    /// <summary>
    /// A rent in a tuple local whose element is only ever returned (never handed on) is followed along the paths like
    /// a rent in a local: <c>Pool.Return(t.Item1)</c> must be reached on every path, a null test of the element
    /// (<c>if (t.Item1 != null)</c>) counting as for a local.
    /// </summary>
    [Fact]
    public Task HOT303_rent_in_a_tuple_whose_element_is_returned_on_every_path_is_quiet() => Verify("""
        public int EveryPath(bool early)
        {
            var t = (Item.Pool.Rent(), 1);
            if (early)
            {
                Item.Pool.Return(t.Item1);
                return 0;
            }

            t.Item1.Value = t.Item2;
            Item.Pool.Return(t.Item1);
            return 1;
        }

        public void InFinally(int n)
        {
            var t = (Item: Item.Pool.Rent(), N: n);
            try
            {
                if (n > 0) return;
                t.Item.Value = n;
            }
            finally
            {
                if (t.Item != null) Item.Pool.Return(t.Item);
            }
        }

        public void BothElements(bool early)
        {
            var t = (Item.Pool.Rent(), (2, Item.Pool.Rent()));
            if (early)
            {
                Item.Pool.Return(t.Item2.Item2);
                Item.Pool.Return(t.Item1);
                return;
            }

            Item.Pool.Return(t.Item1);
            Item.Pool.Return(t.Item2.Item2);
        }

        public void ReturnedOrHandedOn(bool keep)
        {
            var t = (Item.Pool.Rent(), 1);
            if (keep) { Sink.Keep(t.Item1); return; }
        }
        """);

    [Fact]
    public Task HOT303_rent_in_a_tuple_whose_element_is_dropped_on_one_path() => Verify("""
        public int EarlyReturn(bool early)
        {
            var t = ({|HOT303:Item.Pool.Rent()|}, 1);
            t.Item1.Value = 2;
            if (early) return 0;
            Item.Pool.Return(t.Item1);
            return 1;
        }

        public void OneElementDropped(bool early)
        {
            var t = (Item.Pool.Rent(), {|HOT303:Item.Pool.Rent()|});
            if (early)
            {
                Item.Pool.Return(t.Item1);
                return;
            }

            Item.Pool.Return(t.Item1);
            Item.Pool.Return(t.Item2);
        }

        public void OtherElementWritten(bool early)
        {
            var t = ({|HOT303:Item.Pool.Rent()|}, 1);
            if (early) return;
            t.Item2 = 3;
            Item.Pool.Return(t.Item1);
        }

        public void TupleWrittenAgainIsNotFollowed(bool early)
        {
            var t = (Item.Pool.Rent(), 1);
            if (early) return;
            Item.Pool.Return(t.Item1);
            t = (Item.Pool.Rent(), 2);
            Item.Pool.Return(t.Item1);
        }

        public void OnlyOnABranch(bool done)
        {
            (Item Item, int N) t;
            t = ({|HOT303:Item.Pool.Rent()|}, 1);
            if (done) Item.Pool.Return(t.Item);
        }

        public void InALoop(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var t = ({|HOT303:Item.Pool.Rent()|}, i);
                if (t.Item2 == 3) continue;
                Item.Pool.Return(t.Item1);
            }
        }
        """);

    [Fact]
    public Task HOT303_quiet_when_returned_or_handed_on_before_the_overwrite() => Verify("""
        public void Returned()
        {
            var a = Item.Pool.Rent();
            Item.Pool.Return(a);
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public void ReturnedOnBothBranches(bool done)
        {
            var a = Item.Pool.Rent();
            if (done) { Item.Pool.Return(a); } else { a.Value = 1; Item.Pool.Return(a); }
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public void ReturnedOnTheBranchThatOverwrites(bool grow)
        {
            var a = Item.Pool.Rent();
            if (grow)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
            }

            Item.Pool.Return(a);
        }

        public void Grown(int n)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16);
            while (buffer.Length < n)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan().CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }

        public void Aliased()
        {
            var a = Item.Pool.Rent();
            var old = a;
            a = Item.Pool.Rent();
            Item.Pool.Return(old);
            Item.Pool.Return(a);
        }

        public void Stored()
        {
            var a = Item.Pool.Rent();
            _field = a;
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public void Passed()
        {
            var a = Item.Pool.Rent();
            Sink.Keep(a);
            a = Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public Item PassedToTheOverwrite()
        {
            var a = Item.Pool.Rent();
            a = Replace(a);
            return a;
        }

        public void KeptByTheValueWritten(bool keep)
        {
            var a = Item.Pool.Rent();
            a = keep ? a : Item.Pool.Rent();
            Item.Pool.Return(a);
        }

        public Item ReturnedFromTheMethod(bool early)
        {
            var a = Item.Pool.Rent();
            if (early) return a;
            Item.Pool.Return(a);
            a = Item.Pool.Rent();
            return a;
        }

        public void OnlyInACatch()
        {
            var a = Item.Pool.Rent();
            try
            {
                a.Value = 1;
            }
            catch (System.InvalidOperationException)
            {
                a = Item.Pool.Rent();
            }

            Item.Pool.Return(a);
        }

        public void ForIncrementorAfterABodyThatReturns(int n)
        {
            var a = Item.Pool.Rent();
            for (var i = 0; i < n; i++, a = Item.Pool.Rent())
            {
                Item.Pool.Return(a);
            }

            Item.Pool.Return(a);
        }

        public void DoConditionAfterTheRestOfTheBody()
        {
            Item a;
            do
            {
                a = Item.Pool.Rent();
                a.Value++;
                Item.Pool.Return(a);
            }
            while ((a = Item.Pool.Rent()).Value > 0);
            Item.Pool.Return(a);
        }

        private static Item Replace(Item old) => old;
        """);

    /// <summary>
    /// A loop whose body first returns the object the previous iteration rented, then rents the next one, and after
    /// which the last one is returned, leaks nothing; an exit before that return, or no return after the loop, does.
    /// </summary>
    [Fact]
    public Task HOT303_rent_returned_at_the_top_of_the_next_iteration_and_after_the_loop() => Verify("""
        public void Renewed(int n)
        {
            var a = Item.Pool.Rent();
            for (var i = 0; i < n; i++)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
                a.Value = i;
            }

            Item.Pool.Return(a);
        }

        public void RenewedUntilABreak(System.Collections.Generic.List<int> values)
        {
            var a = Item.Pool.Rent();
            foreach (var value in values)
            {
                if (value < 0) break;
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
            }

            Item.Pool.Return(a);
        }

        public void ExitBeforeTheReturn(int n, bool stop)
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++)
            {
                if (stop) return;
                Item.Pool.Return(a);
                a = {|HOT303:Item.Pool.Rent()|};
            }

            Item.Pool.Return(a);
        }

        public void NotReturnedAfterTheLoop(int n)
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++)
            {
                Item.Pool.Return(a);
                a = {|HOT303:Item.Pool.Rent()|};
            }
        }
        """);

    [Fact]
    public Task HOT303_rent_returned_at_the_top_of_the_next_iteration_after_a_continue_break_or_goto_is_quiet() => Verify("""
        public void Continue(int[] xs)
        {
            var a = Item.Pool.Rent();
            foreach (var x in xs)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
                if (x < 0) continue;
                a.Value = x;
            }

            Item.Pool.Return(a);
        }

        public void Break(int[] xs)
        {
            var a = Item.Pool.Rent();
            for (var i = 0; i < xs.Length; i++)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
                if (xs[i] < 0) { a.Value = -1; break; }
                if (xs[i] == 0) { continue; }
                a.Value = xs[i];
            }

            Item.Pool.Return(a);
        }

        public void Goto(int[] xs)
        {
            var a = Item.Pool.Rent();
            foreach (var x in xs)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
                if (x < 0) goto done;
                a.Value = x;
            }

            done:
            Item.Pool.Return(a);
        }

        public void Nested(int[][] rows)
        {
            var a = Item.Pool.Rent();
            foreach (var row in rows)
            {
                Item.Pool.Return(a);
                a = Item.Pool.Rent();
                foreach (var x in row)
                {
                    if (x < 0) break;
                    if (x == 0) continue;
                    a.Value += x;
                }

                if (a.Value == 0) continue;
                a.Value = 0;
            }

            Item.Pool.Return(a);
        }
        """);

    [Fact]
    public Task HOT303_rent_returned_at_the_top_of_the_next_iteration_left_by_a_return_or_a_goto_past_the_return_leaks() => Verify("""
        public void Returned(int[] xs)
        {
            var a = Item.Pool.Rent(); // returned on the first iteration, or after the loop when there is none
            foreach (var x in xs)
            {
                Item.Pool.Return(a);
                a = {|HOT303:Item.Pool.Rent()|};
                if (x < 0) return;
                if (x == 0) continue;
            }

            Item.Pool.Return(a);
        }

        public void GotoPast(int[] xs)
        {
            var a = Item.Pool.Rent(); // returned on the first iteration, or after the loop when there is none
            foreach (var x in xs)
            {
                Item.Pool.Return(a);
                a = {|HOT303:Item.Pool.Rent()|};
                if (x < 0) goto done;
                if (x == 0) continue;
            }

            Item.Pool.Return(a);
            done:
            _field = null;
        }
        """);

    [Fact]
    public Task HOT303_overwritten_in_a_loop_header_before_the_body_returned_it() => Verify("""
        public void ForIncrementor(int n, bool skip)
        {
            var a = {|HOT303:Item.Pool.Rent()|};
            for (var i = 0; i < n; i++, a = Item.Pool.Rent())
            {
                if (skip) continue;
                Item.Pool.Return(a);
            }

            Item.Pool.Return(a);
        }

        public void DoCondition()
        {
            Item a;
            do
            {
                a = {|HOT303:Item.Pool.Rent()|};
                a.Value++;
            }
            while ((a = {|HOT303:Item.Pool.Rent()|}).Value > 0); // a true condition runs the body, which rents again
            Item.Pool.Return(a);
        }
        """);

    [Fact]
    public Task HOT303_object_pool_get_without_return() => Verify("""
        public void M(Microsoft.Extensions.ObjectPool.ObjectPool<Item> pool)
        {
            var item = {|HOT303:pool.Get()|};
            item.Value = 1;
        }
        """);

    [Fact]
    public Task Quiet_without_pools() => Verify("""
        public int M()
        {
            var item = new Item();
            item.Value = 1;
            var copy = item;
            return copy.Value;
        }
        """);

    [Fact]
    public async Task Messages_name_the_variable()
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            """
            using Hotpath;
            namespace App;
            public static class Test
            {
                public static int M()
                {
                    var state = Item.Pool.Rent();
                    Item.Pool.Return(state);
                    Item.Pool.Return(state);
                    return state.Value;
                }

                public static void Leak() { var leaked = Item.Pool.Rent(); }
            }
            """,
            s_analyzer,
            s_options);

        var messages = diagnostics.OrderBy(d => d.Id, StringComparer.Ordinal).Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(
            new[]
            {
                "HOT301: 'state' is used after it was returned to the pool",
                "HOT302: 'state' is returned to the pool a second time",
                "HOT303: 'leaked' is rented but on some path neither returned nor handed on",
            },
            messages);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    private static async Task VerifyMessages(string body, params string[] expected)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "using System;\nusing System.Buffers;\nusing Hotpath;\nnamespace App;\npublic sealed class Test\n{\n" + body + "\n}",
            s_analyzer,
            s_options);
        Assert.Equal(expected, diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static async Task VerifyMessage(string body, string expected)
    {
        var diagnostics = await AnalyzerVerifier.GetDiagnosticsAsync(
            "using System;\nusing System.Buffers;\nusing Hotpath;\nnamespace App;\npublic sealed class Test\n{\n" + body + "\n}",
            s_analyzer,
            s_options);
        Assert.Equal(new[] { expected }, diagnostics.Select(d => d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    // ---- top-level statements (a Program.cs without Main: the statements are one body, not one function each) ----

    private static Task VerifyProgram(string statements) => AnalyzerVerifier.VerifyAsync(
        "using System;\nusing System.Buffers;\nusing Hotpath;\nusing App;\n" + statements,
        s_analyzer,
        s_options with { OutputKind = OutputKind.ConsoleApplication });

    [Fact]
    public Task Top_level_statements_that_rent_use_and_return_are_quiet() => VerifyProgram("""
        var item = Item.Pool.Rent();
        item.Value = 5;
        Console.WriteLine(item.Value);
        Item.Pool.Return(item);

        var buffer = ArrayPool<byte>.Shared.Rent(16);
        try
        {
            buffer[0] = 1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        using var lease = Item.Pool.Lease(out var leased);
        leased.Value = 2;
        Sink.Keep(Item.Pool.Rent());
        Work();

        static void Work()
        {
            var inner = Item.Pool.Rent();
            Item.Pool.Return(inner);
        }
        """);

    [Fact]
    public Task Top_level_statements_report_a_leak_an_early_exit_a_use_after_return_and_a_double_return() => VerifyProgram("""
        var leaked = {|HOT303:Item.Pool.Rent()|};
        leaked.Value = 1;

        var early = {|HOT303:Item.Pool.Rent()|};
        if (args.Length > 0)
        {
            return;
        }

        Item.Pool.Return(early);

        var item = Item.Pool.Rent();
        Item.Pool.Return(item);
        Console.WriteLine({|HOT301:item|}.Value);

        var twice = Item.Pool.Rent();
        Item.Pool.Return(twice);
        Console.WriteLine("between");
        {|HOT302:Item.Pool.Return(twice)|};
        """);

    [Fact]
    public Task Top_level_statements_and_a_type_in_the_same_file_are_told_apart() => VerifyProgram("""
        var item = Item.Pool.Rent();
        Item.Pool.Return(item);
        new Worker().Run();

        sealed class Worker
        {
            public void Run()
            {
                var mine = {|HOT303:Item.Pool.Rent()|};
                mine.Value = 3;
            }
        }
        """);

    // ---- scale ----

    [Fact]
    public Task A_long_method_with_many_rents_and_returns_in_branches_and_loops_reports_exactly_its_misuses()
    {
        // 200 units of eight shapes in one method, most reusing one local: each misuse is still found at its own
        // site, and nothing is reported across units (each reassignment starts afresh).
        var body = new System.Text.StringBuilder("public void M(int x)\n{\n    var p = ArrayPool<byte>.Shared;\n    byte[] buf;\n");
        for (var k = 0; k < 200; k++)
        {
            body.Append((k % 8) switch
            {
                0 => "    buf = p.Rent(8); buf[0] = 1; p.Return(buf);\n",
                1 => "    buf = p.Rent(8); p.Return(buf); {|HOT301:buf|}[0] = 1;\n",
                2 => $"    if (x > {k}) {{ buf = p.Rent(8); buf[0] = 2; p.Return(buf); }} else {{ x++; }}\n",
                3 => $"    buf = p.Rent(8); p.Return(buf); if (x == {k}) {{ {{|HOT302:p.Return(buf)|}}; }}\n",
                4 => $"    for (var i{k} = 0; i{k} < x; i{k}++) {{ var t{k} = p.Rent(4); t{k}[0] = 1; p.Return(t{k}); }}\n",
                5 => $"    {{ var u{k} = {{|HOT303:p.Rent(4)|}}; if (x == {k}) {{ return; }} p.Return(u{k}); }}\n",
                6 => $"    {{ var w{k} = p.Rent(4); try {{ w{k}[0] = (byte)x; }} finally {{ p.Return(w{k}); }} }}\n",
                _ => $"    while (x > {k}) {{ var v{k} = {{|HOT303:p.Rent(4)|}}; x--; if (v{k}.Length > 100) break; p.Return(v{k}); }}\n",
            });
        }

        return Verify(body.Append("}").ToString());
    }
}
