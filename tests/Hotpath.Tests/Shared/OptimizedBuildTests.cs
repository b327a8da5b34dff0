using Hotpath.Caching;

namespace Hotpath.Tests.Shared;

public sealed class OptimizedBuildTests
{
    [Fact]
    public void Allocation_budgets_are_skipped_exactly_when_Hotpath_itself_is_unoptimized()
    {
        // The budgets are Hotpath's; the skip is decided from the test assembly. A Release run (CI's) must skip none.
        Assert.Equal(OptimizedBuild.IsUnoptimized(typeof(ShardedCache<,>).Assembly), OptimizedBuild.Disabled);
        Assert.Equal(OptimizedBuild.Disabled ? OptimizedBuild.SkipReason : null, new OptimizedBuildFactAttribute().Skip);
    }
}
