// Counters and switches the tests flip with Interlocked: plain fields on purpose.
#pragma warning disable CA1051
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Tests.TestConnector;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests.OAuth;

/// <summary>
/// A loopback OAuth authorization server (authorize, token with PKCE/client/redirect_uri checks, refresh grant, error modes)
/// that also serves a bearer-protected <c>/things</c>, and two Patchbay instances over one Azurite, each with its own FakeTimeProvider.
/// </summary>
public sealed class OAuthFixture : IAsyncLifetime
{
    public const string ClientId = "loopback-client";
    public const string ClientSecret = "loopback-secret-123";
    public const string AllowedRedirect = "https://app.example.test/done";

    public AzuriteFixture Azurite { get; } = new();
    public LoopbackServer Provider { get; private set; } = null!;

    /// <summary>A webhook receiver for subscriptions: every body it is sent, in order.</summary>
    public LoopbackServer Receiver { get; private set; } = null!;
    public ConcurrentQueue<string> Deliveries { get; } = new();
    public OAuthApp First { get; private set; } = null!;
    public OAuthApp Second { get; private set; } = null!;
    public string StateKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // Provider state.
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(); // refresh → access
    public ConcurrentDictionary<string, bool> ValidAccessTokens { get; } = new();
    public ConcurrentQueue<string> BearersSeen { get; } = new();
    private int _tokenCounter;

    /// <summary>The access token the provider issued last (by an authorization code or a refresh).</summary>
    public volatile string? LastIssuedAccessToken;
    public int RefreshGrants;
    public int TokenFailuresLeft;
    public volatile string Mode = "normal"; // normal | deny | invalid_grant
    public TaskCompletionSource? RefreshGate;
    public int RefreshGateCount;
    public int RefreshGateArrived;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Provider = await LoopbackServer.StartAsync(Map);
        Receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            Deliveries.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok();
        }));
        First = new OAuthApp(this);
        Second = new OAuthApp(this);
        First.Start();
        Second.Start();
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await Provider.DisposeAsync();
        await Receiver.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public void Reset()
    {
        Mode = "normal";
        Interlocked.Exchange(ref RefreshGrants, 0);
        Interlocked.Exchange(ref TokenFailuresLeft, 0);
        RefreshGate = null;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            string redirect = request.Query["redirect_uri"]!;
            string state = request.Query["state"]!;
            if (request.Query["client_id"] != ClientId) return Results.BadRequest("unknown client");
            if (Mode == "deny") return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["error"] = "access_denied", ["error_description"] = "The user said no", ["state"] = state }));
            if (request.Query["code_challenge_method"] != "S256") return Results.BadRequest("PKCE S256 required");
            string code = "code-" + Guid.NewGuid().ToString("N");
            _codes[code] = (request.Query["code_challenge"]!, redirect);
            return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state }));
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            IFormCollection form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (Interlocked.Decrement(ref TokenFailuresLeft) >= 0) return Results.Json(new { error = "server_error" }, statusCode: 503);
            if (form["grant_type"] == "authorization_code")
            {
                if (!_codes.TryRemove(form["code"].ToString(), out var issued)) return Results.Json(new { error = "invalid_grant", error_description = "unknown or used code" }, statusCode: 400);
                string challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
                if (challenge != issued.Challenge) return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier does not match" }, statusCode: 400);
                if (form["redirect_uri"] != issued.RedirectUri) return Results.Json(new { error = "invalid_grant", error_description = "redirect_uri differs" }, statusCode: 400);
                return Results.Json(Issue());
            }

            if (form["grant_type"] == "refresh_token")
            {
                Interlocked.Increment(ref RefreshGrants);
                if (RefreshGate is { } gate)
                {
                    if (Interlocked.Increment(ref RefreshGateArrived) >= RefreshGateCount) gate.TrySetResult();
                    await gate.Task;
                }

                if (Mode == "invalid_grant" || !_refreshTokens.ContainsKey(form["refresh_token"].ToString()))
                {
                    return Results.Json(new { error = "invalid_grant", error_description = "refresh token revoked" }, statusCode: 400);
                }

                return Results.Json(Issue());
            }

            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        });
        app.MapGet("/things", (HttpRequest request) =>
        {
            string bearer = request.Headers.Authorization.ToString();
            BearersSeen.Enqueue(bearer);
            return bearer.StartsWith("Bearer ", StringComparison.Ordinal) && ValidAccessTokens.ContainsKey(bearer["Bearer ".Length..])
                ? Results.Json(new { ok = true })
                : Results.Json(new { message = "Bad credentials" }, statusCode: 401);
        });
        // The feed of the test connector's "items" polling trigger, behind the same bearer check.
        app.MapGet("/items", (HttpRequest request) =>
        {
            string bearer = request.Headers.Authorization.ToString();
            ItemBearersSeen.Enqueue(bearer);
            return bearer.StartsWith("Bearer ", StringComparison.Ordinal) && ValidAccessTokens.ContainsKey(bearer["Bearer ".Length..])
                ? Results.Json(new[] { new { id = 1, name = "first" } })
                : Results.Json(new { message = "Bad credentials" }, statusCode: 401);
        });
    }

    /// <summary>The Authorization headers <c>/items</c> (the polling trigger's feed) was sent.</summary>
    public ConcurrentQueue<string> ItemBearersSeen { get; } = new();

    private object Issue()
    {
        int n = Interlocked.Increment(ref _tokenCounter);
        string access = $"at-{n}", refresh = $"rt-{n}";
        LastIssuedAccessToken = access;
        ValidAccessTokens[access] = true;
        _refreshTokens[refresh] = access;
        return new { access_token = access, refresh_token = refresh, expires_in = 3600, token_type = "Bearer", scope = "read" };
    }

    /// <summary>Makes every access token issued so far invalid upstream (as when the service revokes them).</summary>
    public void RevokeAccessTokens() => ValidAccessTokens.Clear();
}

/// <summary>One Patchbay instance for the OAuth tests.</summary>
public sealed class OAuthApp(OAuthFixture fixture) : WebApplicationFactory<Program>
{
    public const string ApiKey = "oauth-test-key-0123456789";
    public static readonly string EncryptionKeys = "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public HttpClient Client { get; private set; } = null!;
    public Patchbay.Platform.Polling.Poller Poller => Services.GetRequiredService<Patchbay.Platform.Polling.Poller>();

    public static readonly Connector TestConnector = Connector.Create(ConnectorManifest.Parse("""
        {
          "name": "oauth-test", "version": "1.0.0", "description": "Calls a loopback API with a platform OAuth token.",
          "auth": { "type": "platform", "provider": "loopback", "scopes": ["read"] },
          "actions": { "get_thing": { "description": "GETs base_url + path",
            "input_schema": { "type": "object", "required": ["base_url", "path"], "properties": {
              "base_url": { "type": "string", "format": "uri" }, "path": { "type": "string", "pattern": "^/" },
              "limit": { "type": "integer", "minimum": 1, "maximum": 100, "default": 10 }, "timeout_ms": { "type": "integer", "minimum": 1 } } },
            "output_schema": { "type": "object", "required": ["status"], "properties": { "status": { "type": "integer" } } } } },
          "polling_triggers": { "items": { "description": "Items from base_url/items", "polling_interval": "30s",
            "input_schema": { "type": "object", "required": ["base_url"], "properties": { "base_url": { "type": "string" } } },
            "output_schema": { "type": "object", "required": ["name"] } } }
        }
        """, "oauth-test/config.json"), [typeof(GetThing), typeof(Items)]);

    public void Start()
    {
        UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
        StartServer();
        Client = CreateClient();
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        string provider = fixture.Provider.BaseAddress.ToString().TrimEnd('/');
        builder.UseSetting("AzureWebJobsStorage", fixture.Azurite.ConnectionString);
        builder.UseSetting("Patchbay:ApiKeys", ApiKey);
        builder.UseSetting("Patchbay:EncryptionKeys", SharedKeys);
        builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
        builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
        builder.UseSetting("Patchbay:OAuth:StateKey", fixture.StateKey);
        builder.UseSetting("Patchbay:OAuth:AllowedRedirectUris", OAuthFixture.AllowedRedirect + ",https://other.example.test/cb");
        builder.UseSetting("Patchbay:OAuth:Providers:loopback:AuthorizeUrl", provider + "/authorize");
        builder.UseSetting("Patchbay:OAuth:Providers:loopback:TokenUrl", provider + "/token");
        builder.UseSetting("Patchbay:OAuth:Providers:loopback:ClientId", OAuthFixture.ClientId);
        builder.UseSetting("Patchbay:OAuth:Providers:loopback:ClientSecret", OAuthFixture.ClientSecret);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new ConnectorRegistration(TestConnector));
            // Upstream calls on the real clock (the fake one only drives token expiry and state lifetime).
            services.RemoveAll<Patchbay.Sdk.Fetch.FetchClient>();
            services.AddSingleton(sp => new Patchbay.Sdk.Fetch.FetchClient(
                new Patchbay.Sdk.Fetch.FetchOptions { AllowPrivateNetworks = true, MaxRetries = 0 }, TimeProvider.System,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("Patchbay.Fetch")));
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton(sp =>
            {
                var client = new Patchbay.Platform.OAuth.OAuthTokenClient(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Patchbay.Platform.Hosting.PatchbayOptions>>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>())
                {
                    BaseDelay = TimeSpan.FromMilliseconds(1),
                };
                return client;
            });
        });
    }

    // Both instances must decrypt each other's rows.
    private static readonly string SharedKeys = EncryptionKeys;
}

[CollectionDefinition(Name)]
public sealed class OAuthCollection : ICollectionFixture<OAuthFixture>
{
    public const string Name = "OAuth";
}
