using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>New invocation ids are random version-4 GUIDs, as the Functions host's are, and do not repeat.</summary>
public sealed class InvocationIdsTests
{
    [Fact]
    public void New_IsAVersion4Guid_AndTenThousandOfThemFromFourThreadsAreDistinct()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 2_500; i++) ids.Add(InvocationIds.New());
        });

        Assert.Equal(10_000, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (string id in ids)
        {
            Assert.True(Guid.TryParseExact(id, "D", out Guid guid), id);
            Assert.Equal(4, guid.Version);
            Assert.Equal(0b10, guid.Variant >> 2);
        }
    }
}
