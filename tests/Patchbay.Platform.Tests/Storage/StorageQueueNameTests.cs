using Microsoft.Extensions.Configuration;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Tests.Storage;

/// <summary>Azure Storage's queue-name rule, shared by a subscription's queue destination and the PollingQueue setting.</summary>
public sealed class StorageQueueNameTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("patchbay-polls", true)]
    [InlineData("a1-b2-c3", true)]
    [InlineData("123", true)]
    [InlineData("ab", false)]
    [InlineData("-abc", false)]
    [InlineData("abc-", false)]
    [InlineData("a--b", false)]
    [InlineData("Abc", false)]
    [InlineData("ab_c", false)]
    [InlineData("ab c", false)]
    [InlineData("abé", false)]
    public void IsValid_FollowsAzureStoragesRule(string name, bool valid) => Assert.Equal(valid, StorageQueueName.IsValid(name));

    [Fact]
    public void IsValid_BoundsTheLength_At63_OrTheGivenBound()
    {
        Assert.True(StorageQueueName.IsValid(new string('a', 63)));
        Assert.False(StorageQueueName.IsValid(new string('a', 64)));
        Assert.True(StorageQueueName.IsValid(new string('a', 56), 56));
        Assert.False(StorageQueueName.IsValid(new string('a', 57), 56));
    }

    [Fact]
    public void PollingQueue_LeavesRoomForThePoisonSuffix_AndSaysWhatToSet()
    {
        static IConfiguration With(string? value) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PollingQueue"] = value }).Build();

        Assert.Equal("patchbay-polls", PollingQueue.Name(With(" patchbay-polls ")));
        Assert.Equal(new string('q', 56), PollingQueue.Name(With(new string('q', 56))));
        InvalidOperationException tooLong = Assert.Throws<InvalidOperationException>(() => PollingQueue.Name(With(new string('q', 57))));
        Assert.Contains("-poison", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("PollingQueue is not set", Assert.Throws<InvalidOperationException>(() => PollingQueue.Name(With(null))).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => PollingQueue.Name(With("Patchbay_Polls")));
    }
}
