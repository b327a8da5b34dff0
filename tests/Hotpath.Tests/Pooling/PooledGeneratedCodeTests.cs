using Hotpath.Tests.Shared;
using Microsoft.Extensions.ObjectPool;

namespace Hotpath.Tests.Pooling;

/// <summary>Compile-and-run tests: the [Pooled] types in PooledTypes.cs get real generated code.</summary>
public sealed class PooledGeneratedCodeTests
{
    [Fact]
    public void PodState_sample_resets_per_DESIGN()
    {
        var state = PodState.Pool.Rent();
        var containers = state.Containers;
        var usage = state.Usage;
        state.Namespace = "kube-system";
        state.Phase = PodPhase.Running;
        state.Containers.Add(new ContainerState { Name = "app" });
        state.Usage.CpuCores = 2;
        state.Usage.MemoryBytes = 1;
        var generation = state.Generation;

        PodState.Pool.Return(state);
        var again = PodState.Pool.Rent();

        Assert.Same(state, again);
        Assert.Equal("", again.Namespace);
        Assert.Equal(PodPhase.Unknown, again.Phase);
        Assert.Empty(again.Containers);
        Assert.Same(containers, again.Containers); // cleared, never reallocated
        Assert.Same(usage, again.Usage); // reset in place
        Assert.Equal(0, again.Usage.CpuCores);
        Assert.Equal(512, again.Usage.MemoryBytes); // constant initializer of the nested type
        Assert.Equal(generation + 1, again.Generation); // [NoReset], and OnReset ran
        PodState.Pool.Return(again);
    }

    [Fact]
    public void PodState_pool_uses_the_attribute_arguments()
    {
        Assert.Equal(15_000, PodState.Pool.MaxRetained);
        Assert.IsAssignableFrom<IResettable>(PodState.Pool.Rent());
    }

    [Fact]
    public void Constant_initializers_are_restored()
    {
        var item = new EveryRule
        {
            Number = 1, Text = "x", Ratio = 9, Big = 9, Phase = PodPhase.Pending, Failed = PodPhase.Pending, Flag = false,
            Letter = 'y', Money = 9, Maybe = null, Settable = "changed",
        };

        item.Reset();

        Assert.Equal(42, item.Number);
        Assert.Equal("hello", item.Text);
        Assert.Equal(0.5, item.Ratio);
        Assert.Equal(5, item.Big);
        Assert.Equal(PodPhase.Running, item.Phase);
        Assert.Equal(PodPhase.Failed, item.Failed);
        Assert.True(item.Flag);
        Assert.Equal('x', item.Letter);
        Assert.Equal(1.25m, item.Money);
        Assert.Equal(3, item.Maybe);
        Assert.Equal("prop", item.Settable);
    }

    [Fact]
    public void Members_without_a_constant_initializer_get_default()
    {
        var item = new EveryRule { Plain = 5, Name = "n", Tag = new object(), When = DateTime.Now };

        item.Reset();

        Assert.Equal(0, item.Plain);
        Assert.Null(item.Name);
        Assert.Null(item.Tag);
        Assert.Equal(default, item.When); // a non-constant initializer is not re-run
    }

    [Fact]
    public void Collections_dictionaries_and_StringBuilder_are_cleared_in_place()
    {
        var item = new EveryRule();
        var numbers = item.Numbers;
        var lookup = item.Lookup;
        var builder = item.Builder;
        item.Numbers.Add(1);
        item.Lookup["a"] = 1;
        item.Seen.Add("s");
        item.Pending.Enqueue(3);
        item.Builder.Append("text");
        item.AsInterface.Add(4);

        item.Reset();

        Assert.Same(numbers, item.Numbers);
        Assert.Same(lookup, item.Lookup);
        Assert.Same(builder, item.Builder);
        Assert.Empty(item.Numbers);
        Assert.Empty(item.Lookup);
        Assert.Empty(item.Seen);
        Assert.Empty(item.Pending);
        Assert.Equal(0, item.Builder.Length);
        Assert.Empty(item.AsInterface);
    }

    [Fact]
    public void Arrays_are_cleared_not_replaced()
    {
        var item = new EveryRule();
        var buffer = item.Buffer;
        item.Buffer[2] = 7;
        item.Bytes[1] = 1;

        item.Reset();

        Assert.Same(buffer, item.Buffer);
        Assert.Equal(new int[4], item.Buffer);
        Assert.Equal(new byte[2], item.Bytes);
    }

    [Fact]
    public void Null_containers_do_not_throw()
    {
        var item = new EveryRule { Buffer = null!, Name = "x" };
        item.Reset();
        Assert.Null(item.Buffer);
        Assert.Null(item.Name);
    }

    [Fact]
    public void Nested_pooled_and_resettable_members_are_reset_in_place()
    {
        var item = new EveryRule();
        var usage = item.Usage;
        var counter = item.Counter;
        item.Usage.CpuCores = 3;
        item.Counter.Value = 5;
        item.StructField.Value = 5;
        item.StructProperty = new StructCounter { Value = 5 };

        item.Reset();

        Assert.Same(usage, item.Usage);
        Assert.Same(counter, item.Counter);
        Assert.Equal(0, item.Usage.CpuCores);
        Assert.Equal(0, item.Counter.Value);
        Assert.Equal(-1, item.StructField.Value); // TryReset ran on the field itself
        Assert.Equal(-1, item.StructProperty.Value);
    }

    [Fact]
    public void NoReset_and_immutable_readonly_members_are_untouched()
    {
        var item = new EveryRule { Untouched = 70 };
        var gate = item.Gate;

        item.Reset();

        Assert.Equal(70, item.Untouched);
        Assert.Same(gate, item.Gate);
        Assert.Equal(9, item.Immutable);
    }

    [Fact]
    public void Field_like_events_are_cleared()
    {
        var item = new EveryRule();
        item.Changed += static (_, _) => { };
        Assert.True(item.HasChangedHandlers);
        item.Reset();
        Assert.False(item.HasChangedHandlers);
    }

    [Fact]
    public void OnReset_is_called_last()
    {
        var item = new EveryRule();
        item.Numbers.Add(1);
        item.Lookup["a"] = 1;

        item.Reset();

        Assert.Equal(1, item.OnResetCalls);
        Assert.True(item.ListsWereEmptyWhenOnResetRan);
    }

    [Fact]
    public void IResettable_TryReset_runs_the_generated_reset()
    {
        IResettable item = new EveryRule { Number = 1 };
        Assert.True(item.TryReset());
        Assert.Equal(42, ((EveryRule)item).Number);
    }

    [Fact]
    public void Generated_types_work_with_DefaultObjectPool()
    {
        var pool = new DefaultObjectPool<EveryRule>(new DefaultPooledObjectPolicy<EveryRule>());
        var item = pool.Get();
        item.Number = 1;
        item.Numbers.Add(1);
        pool.Return(item);

        var again = pool.Get();
        Assert.Same(item, again);
        Assert.Equal(42, again.Number);
        Assert.Empty(again.Numbers);
    }

    [Fact]
    public void Derived_pooled_type_resets_its_base_part_too()
    {
        var item = DerivedState.Pool.Rent();
        item.BaseValue = 10;
        item.BaseItems.Add(1);
        item.DerivedValue = "changed";
        item.DerivedItems.Add(2);

        DerivedState.Pool.Return(item);

        Assert.Equal(1, item.BaseValue);
        Assert.Empty(item.BaseItems);
        Assert.Equal("d", item.DerivedValue);
        Assert.Empty(item.DerivedItems);
        Assert.Equal(1, item.BaseOnResetCalls);
        Assert.Equal(1, item.DerivedOnResetCalls);
        Assert.Equal(4, DerivedState.Pool.MaxRetained);
        Assert.NotSame(BaseState.Pool, (object)DerivedState.Pool);
    }

    [Fact]
    public void Reset_through_the_base_type_resets_the_whole_derived_instance()
    {
        BaseState item = new DerivedState { DerivedValue = "x", BaseValue = 3 };
        item.Reset();
        Assert.Equal("d", ((DerivedState)item).DerivedValue);
        Assert.Equal(1, item.BaseValue);
    }

    [Fact]
    public void Abstract_pooled_base_gets_a_reset_and_its_concrete_derivative_a_pool()
    {
        var item = ConcreteState.Pool.Rent();
        item.Shared = 30;
        item.Own = 40;
        ConcreteState.Pool.Return(item);
        Assert.Equal(3, item.Shared);
        Assert.Equal(4, item.Own);
        Assert.Null(typeof(AbstractState).GetProperty("Pool"));
    }

    [Fact]
    public void Generic_pooled_type_has_one_pool_per_closed_type()
    {
        var box = Box<string>.Pool.Rent();
        box.Value = "v";
        box.Items.Add("i");
        box.Count = 5;
        Box<string>.Pool.Return(box);

        Assert.Null(box.Value);
        Assert.Empty(box.Items);
        Assert.Equal(1, box.Count);
        Assert.NotSame(Box<string>.Pool, (object)Box<int>.Pool);
        Assert.Equal(4, Box<int>.Pool.MaxRetained);
    }

    [Fact]
    public void Nested_pooled_type_in_generic_containers_works()
    {
        var inner = Outer.Middle<string>.Inner.Pool.Rent();
        inner.Map["k"] = 1;
        inner.Value = 1;
        Outer.Middle<string>.Inner.Pool.Return(inner);
        Assert.Empty(inner.Map);
        Assert.Equal(11, inner.Value);
    }

    [Fact]
    public void Private_parameterless_constructor_is_used_by_the_pool()
    {
        var item = PrivateConstructor.Pool.Rent();
        Assert.Equal(1, item.Value);
        item.Value = 5;
        PrivateConstructor.Pool.Return(item);
        Assert.Equal(0, item.Value);
    }

    [Fact]
    public void Lease_on_a_generated_pool_returns_and_resets()
    {
        PodState leased;
        using (PodState.Pool.Lease(out leased))
        {
            leased.Namespace = "ns";
        }

        Assert.Equal("", leased.Namespace);
    }

    [Fact]
    public void Warm_rent_reset_return_of_a_generated_type_allocates_nothing()
    {
        var pool = PodState.Pool;
        for (var i = 0; i < 1_000; i++)
        {
            Cycle(pool);
        }

        AllocationAssert.SteadyStateAllocatesNothing(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100_000; i++)
            {
                Cycle(pool);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        static void Cycle(Pool<PodState> pool)
        {
            var state = pool.Rent();
            state.Namespace = "default";
            state.Phase = PodPhase.Running;
            state.Usage.CpuCores = 1.5;
            pool.Return(state);
        }
    }
}
