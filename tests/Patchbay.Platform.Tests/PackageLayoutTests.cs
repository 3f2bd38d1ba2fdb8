using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Hosting;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests;

/// <summary>What the Functions host needs: host.json pointing at the executable, and a function.json per route the app serves.</summary>
[Collection(PatchbayAppCollection.Name)]
public class PackageLayoutTests(PatchbayApp app)
{
    private static readonly string Root = AzuriteFixture.FindRepoRoot();

    public static TheoryData<string> FunctionFolders()
    {
        var data = new TheoryData<string>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(AzuriteFixture.FindRepoRoot(), "src", "Server", "functions")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FunctionFolders))]
    public void EveryFunction_MatchesARouteAndMethodsTheAppServes(string function)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", "Server", "functions", function, "function.json")));
        JsonElement trigger = document.RootElement.GetProperty("bindings")[0];
        string type = trigger.GetProperty("type").GetString()!;

        if (type == "timerTrigger")
        {
            Assert.Equal("%PollingSchedule%", trigger.GetProperty("schedule").GetString());
            Assert.True(trigger.GetProperty("useMonitor").GetBoolean());
            Assert.Contains(Endpoints(), e => e.Pattern == "/" + function && e.Methods.Contains("POST"));
            return;
        }

        Assert.Equal("httpTrigger", type);
        Assert.Equal(2, document.RootElement.GetProperty("bindings").GetArrayLength());
        Assert.Equal("http", document.RootElement.GetProperty("bindings")[1].GetProperty("type").GetString());
        string route = "/api/" + trigger.GetProperty("route").GetString()!.Replace("{*path}", "{**path}", StringComparison.Ordinal);
        string[] methods = [.. trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())];
        string level = trigger.GetProperty("authLevel").GetString()!;

        Assert.Equal(function is "Health" or "HealthReady" ? "anonymous" : "function", level);
        foreach (string method in methods)
        {
            Assert.True(Endpoints().Any(e => Same(e.Pattern, route) && e.Methods.Contains(method)), $"{function}: the app serves no {method} {route}");
        }
    }

    [Fact]
    public void EveryApiRoute_HasAFunction()
    {
        string[] functionRoutes = [.. Directory.GetDirectories(Path.Combine(Root, "src", "Server", "functions")).Select(Path.GetFileName)
            .Select(f => f!).Select(f => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", "Server", "functions", f, "function.json"))).RootElement.GetProperty("bindings")[0])
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .Select(b => "/api/" + b.GetProperty("route").GetString())];

        foreach ((string pattern, _) in Endpoints().Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) && !e.Pattern.StartsWith("/api/docs", StringComparison.Ordinal)))
        {
            Assert.True(functionRoutes.Any(r => Same(r, pattern)), $"no function.json forwards {pattern}");
        }
    }

    [Fact]
    public void HostJson_RunsTheExecutableThePublishStepProduces_WithForwarding()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        JsonElement handler = host.RootElement.GetProperty("customHandler");

        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(typeof(Program).Assembly.GetName().Name, handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        string publish = File.ReadAllText(Path.Combine(Root, "publish.sh"));
        Assert.Contains("-r linux-x64 --self-contained true", publish, StringComparison.Ordinal);
        Assert.Contains("chmod +x \"$out/Patchbay.Server\"", publish, StringComparison.Ordinal);
        Assert.Contains("cp host.json", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingNames_AreTheOnesTheOptionsBind()
    {
        string[] bound = [.. typeof(PatchbayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => $"{PatchbayOptions.Section}__{p.Name}").Order(StringComparer.Ordinal)];
        string[] listed = [.. SettingNames.Azure.Concat(SettingNames.LocalOnly).Where(n => n.StartsWith("Patchbay__", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];

        Assert.Equal(bound, listed);
    }

    private static bool Same(string a, string b) =>
        string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    // Parameter names and constraints do not matter to the host; only the shape of the path does.
    private static string Normalize(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), @"\{[^}]*\}", "{}");

    private IEnumerable<(string Pattern, IReadOnlyList<string> Methods)> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => ("/" + (e.RoutePattern.RawText ?? string.Empty).TrimStart('/'),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])));
}
