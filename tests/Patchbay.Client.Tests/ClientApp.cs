using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Patchbay.Connectors.Testing;
using Patchbay.Testing;

namespace Patchbay.Client.Tests;

/// <summary>
/// The real standalone app on Kestrel (loopback), its state in a real Azurite, and a loopback upstream that
/// the shipped http connector calls. Tests talk to it only through <see cref="PatchbayClient"/>.
/// </summary>
public sealed class ClientApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "client-test-key-0123456789";

    public AzuriteFixture Azurite { get; } = new();

    public LoopbackServer Upstream { get; private set; } = null!;

    public Uri Endpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Upstream = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/items", () => Results.Json(new[] { new { id = 1, name = "a" }, new { id = 2, name = "b" } }));
            app.MapMethods("/echo", ["GET", "POST"], async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                string body = await reader.ReadToEndAsync();
                return Results.Json(new { method = request.Method, authorization = request.Headers.Authorization.ToString(), body });
            });
            app.MapGet("/me", () => Results.Json(new { login = "ada" }));
        });
        UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
        StartServer();
        using HttpClient probe = CreateClient();
        Endpoint = probe.BaseAddress!;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public PatchbayClient NewClient(string? apiKey = ApiKey) => new(new PatchbayClientOptions { Endpoint = Endpoint, ApiKey = apiKey, RetryDelay = TimeSpan.FromMilliseconds(10) });

    /// <summary>Credentials for the http connector that may call only the loopback upstream.</summary>
    public object BearerCredentials(string token) => new Dictionary<string, object>
    {
        ["auth_method"] = "bearer",
        ["token"] = token,
        ["allowed_hosts"] = new[] { Upstream.BaseAddress.Host },
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("AzureWebJobsStorage", Azurite.ConnectionString);
        builder.UseSetting("Patchbay:ApiKeys", ApiKey);
        builder.UseSetting("Patchbay:EncryptionKeys", "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
        builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
    }
}

[CollectionDefinition(Name)]
public sealed class ClientAppCollection : ICollectionFixture<ClientApp>
{
    public const string Name = "Patchbay client against the app";
}

internal static class Json
{
    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
