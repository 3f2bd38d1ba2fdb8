using Patchbay.Sdk;

namespace Patchbay.Sdk.Tests;

public class SdkInfoTests
{
    [Fact]
    public void Version_IsSemver() => Assert.Matches(@"^\d+\.\d+\.\d+$", SdkInfo.Version);
}
