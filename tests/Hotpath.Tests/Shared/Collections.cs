namespace Hotpath.Tests.Shared;

/// <summary>Lets the GC finish with dropped objects, finalizers included (finalizers can free more garbage, hence the rounds).</summary>
internal static class Collections
{
    public static void Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
