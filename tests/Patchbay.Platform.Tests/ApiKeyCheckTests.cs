using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;
using Patchbay.Server.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>The standalone host's key check, hashed once at start (<see cref="ApiKeyCheck"/>).</summary>
public class ApiKeyCheckTests
{
    private static ApiKeyCheck For(string? keys) => new(Options.Create(new PatchbayOptions { ApiKeys = keys }));

    [Fact]
    public void EveryConfiguredKey_Matches_AndNothingElse()
    {
        ApiKeyCheck check = For(" key-one , key-two,,");

        Assert.Equal(2, check.Count);
        Assert.True(check.Matches("key-one"));
        Assert.True(check.Matches("key-two"));
        Assert.False(check.Matches("key-one "));
        Assert.False(check.Matches("KEY-ONE"));
        Assert.False(check.Matches("key-on"));
        Assert.False(check.Matches(""));
    }

    [Fact]
    public void NoKeysConfigured_NothingMatches()
    {
        ApiKeyCheck check = For(null);

        Assert.Equal(0, check.Count);
        Assert.False(check.Matches("anything"));
        Assert.False(check.Matches(""));
    }

    [Fact]
    public void KeysLongerThanTheStackBuffer_AndNonAscii_AreComparedWhole()
    {
        // Over ApiKeyCheck.MaxStackKeyBytes in UTF-8 (hashed from a pooled buffer), differing only in the last character.
        string longKey = new string('é', ApiKeyCheck.MaxStackKeyBytes) + "1";
        ApiKeyCheck check = For(longKey + ",ключ");

        Assert.True(check.Matches(longKey));
        Assert.False(check.Matches(longKey[..^1] + "2"));
        Assert.True(check.Matches("ключ"));
        Assert.False(check.Matches("ключ" + new string('x', 300)));
    }
}
