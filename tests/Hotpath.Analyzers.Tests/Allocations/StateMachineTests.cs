namespace Hotpath.Analyzers.Tests.Allocations;

/// <summary>HOT109: async methods and iterators, declared or called on a hot path.</summary>
public sealed class StateMachineTests
{
    [Fact]
    public Task Hot_async_methods_iterators_local_functions_and_lambdas_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public async Task {|HOT109:RunAsync|}() => await Task.Yield();

            [HotPath]
            public async ValueTask<int> {|HOT109:ReadAsync|}() { await Task.Yield(); return 1; }

            [HotPath]
            public IEnumerable<int> {|HOT109:Items|}() { yield return 1; }

            [HotPath]
            public IEnumerator<int> {|HOT109:Enumerate|}() { yield break; }

            [HotPath]
            public Func<Task> M()
            {
                return Local;
                async Task {|HOT109:Local|}() => await Task.Yield();
            }

            [HotPath]
            public Func<Task> Lambda() => {|HOT109:static async () => await Task.Yield()|};
        }
        """, "HOT109");

    [Fact]
    public Task Calls_to_async_methods_and_iterators_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public async Task<int> {|HOT109:M|}()
            {
                var sum = 0;
                foreach (var x in {|HOT109:Items()|}) sum += x;
                await {|HOT109:ColdAsync()|};
                return sum;
            }

            private static IEnumerable<int> Items() { yield return 1; }
            private static async Task ColdAsync() => await Task.Yield();
        }
        """, "HOT109");

    [Fact]
    public Task Task_returning_methods_without_async_and_eager_enumerables_are_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private static readonly int[] s_items = { 1 };

            [HotPath]
            public Task M() => Task.CompletedTask;

            [HotPath]
            public ValueTask<int> N() => new ValueTask<int>(1);

            [HotPath]
            public IEnumerable<int> Items() => s_items;

            [HotPath]
            public IEnumerable<int> WithNestedIterator()
            {
                return s_items; // not an iterator itself: the yield belongs to the local function
                IEnumerable<int> {|HOT109:Unused|}() { yield return 1; }
            }

            public async Task Cold() => await Task.Yield();
        }
        """, "HOT109");

    /// <summary>The fix the HOT109 page recommends: the hot method chooses the async slow path and hands its task back.</summary>
    [Fact]
    public Task Fast_path_that_hands_back_an_async_slow_path_is_not_reported() => Alloc.VerifyAsync("""
        public class C
        {
            private readonly System.Threading.Channels.ChannelReader<int> _buffer = null!;

            [HotPath]
            public ValueTask<int> FastPath() => _buffer.TryRead(out var v) ? new ValueTask<int>(v) : ReadSlowAsync();

            [HotPath]
            public ValueTask<int> Statements()
            {
                if (_buffer.TryRead(out var v)) return new(v);
                return ReadSlowAsync();
            }

            [HotPath]
            public ValueTask<int> SlowFirst()
            {
                if (!_buffer.TryRead(out var v)) return (ReadSlowAsync());
                return new(v);
            }

            [HotPath]
            public Task Converted(bool done) => done ? Task.CompletedTask : (Task)LoadSlowAsync();

            [HotPath]
            public Func<ValueTask<int>> Lambda() => () => _buffer.TryRead(out var v) ? new ValueTask<int>(v) : ReadSlowAsync();

            [HotPath]
            public ValueTask<int> ThroughHelper() => Helper(); // HOT111 does not follow the helper's slow path either

            private ValueTask<int> Helper() => _buffer.TryRead(out var v) ? new ValueTask<int>(v) : ReadSlowAsync();
            private async ValueTask<int> ReadSlowAsync() { await Task.Yield(); return 1; }
            private static async Task<int> LoadSlowAsync() { await Task.Yield(); return 1; }
        }
        """, "HOT109", "HOT111");

    /// <summary>An async call whose task is awaited, discarded or always returned (no fast path) still runs its state machine on every call.</summary>
    [Fact]
    public Task Async_calls_awaited_discarded_or_always_forwarded_are_reported() => Alloc.VerifyAsync("""
        public class C
        {
            [HotPath]
            public void Discarded() => _ = {|HOT109:ReadSlowAsync()|};

            [HotPath]
            public void Statement() { {|HOT109:ReadSlowAsync()|}; }

            [HotPath]
            public ValueTask<int> Forwarded() => {|HOT109:ReadSlowAsync()|};

            [HotPath]
            public int Blocking(bool b) => b ? 0 : {|HOT109:ReadSlowAsync()|}.Result;

            [HotPath]
            public object Boxed(bool b) => b ? null! : {|HOT109:ReadSlowAsync()|};

            [HotPath]
            public async Task<int> {|HOT109:Awaited|}(bool b) => b ? 0 : await {|HOT109:ReadSlowAsync()|};

            private static async ValueTask<int> ReadSlowAsync() { await Task.Yield(); return 1; }
        }
        """, "HOT109", "HOT111");

    [Fact]
    public async Task ValueTask_message_says_synchronous_completion_cannot_be_proven()
    {
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public async ValueTask<int> ReadAsync() { await Task.Yield(); return 1; }
            }
            """, "HOT109");

        Assert.Contains("<ReadAsync>d__", message);
        Assert.Contains("cannot be proven", message);
    }

    [Fact]
    public async Task Message_for_an_async_iterator_names_its_state_machine_class_allocated_per_call()
    {
        // Channels' ChannelReader<T>.ReadAllAsync: an async iterator makes its state machine object (the enumerable)
        // on every call and has no Task; the async method's wording (boxed, with a Task, when an await does not
        // complete synchronously) does not describe it.
        var message = await Alloc.MessageAsync("""
            public class C
            {
                [HotPath]
                public async IAsyncEnumerable<int> ReadAllAsync()
                {
                    await Task.Yield();
                    yield return 1;
                }
            }
            """, "HOT109");

        Assert.Equal(
            "The async iterator 'ReadAllAsync' (its state machine class '<ReadAllAsync>d__' is allocated per call) allocates a state machine on a hot path",
            message);
    }
}
