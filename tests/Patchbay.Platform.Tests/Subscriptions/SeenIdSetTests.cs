using Patchbay.Platform.Polling;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

public class SeenIdSetTests
{
    [Fact]
    public void TouchedIds_OutliveUntouchedOnes_WhenTheSetOverflows()
    {
        var set = new SeenIdSet();
        for (int i = 0; i < PollingConstants.SeenIdCapacity; i++) set.Add("r" + i);
        Assert.True(set.Touch("r0"));
        Assert.False(set.Touch("new"));

        set.Add("new");

        Assert.Equal(PollingConstants.SeenIdCapacity, set.Count);
        Assert.True(set.Contains("r0"));
        Assert.False(set.Contains("r1"));
        Assert.True(set.Contains("new"));
    }

    [Fact]
    public void Properties_StayWithinTableStorageLimits_AndReadBackInOrder_IncludingARowWithOnlyTheFirst()
    {
        var set = new SeenIdSet();
        for (int i = 0; i < PollingConstants.SeenIdCapacity + 10; i++) set.Add("r" + i);

        byte[]?[] properties = set.ToProperties();

        Assert.Equal(SeenIdSet.PropertyNames.Length, properties.Length);
        Assert.All(properties, p => Assert.InRange(p!.Length, 1, 64 * 1024));
        Assert.Equal(set.ToBytes(), SeenIdSet.FromProperties(properties).ToBytes());
        SeenIdSet legacy = SeenIdSet.FromProperties([properties[0], null]);
        Assert.Equal(SeenIdSet.IdsPerProperty, legacy.Count);
        Assert.True(legacy.Contains("r10"));
        Assert.True(SeenIdSet.PropertyNames.Length * SeenIdSet.IdsPerProperty >= PollingConstants.SeenIdCapacity);
    }
}
