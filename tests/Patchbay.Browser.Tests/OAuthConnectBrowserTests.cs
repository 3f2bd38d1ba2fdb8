using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Catalog;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Browser.Tests;

/// <summary>
/// The connect page's "Connect with &lt;Provider&gt;" button in headless Chromium: the form post goes to a loopback OAuth
/// authorization server on Kestrel (another origin, so the page's CSP form-action must allow it), back to Patchbay's
/// callback, which exchanges the code (PKCE S256, client id/secret, redirect_uri checked) and shows the connection.
/// </summary>
public sealed class OAuthConnectBrowserTests : IAsyncLifetime
{
    private const string ApiKey = "browser-oauth-key-0123456789";
    private const string ClientId = "browser-loopback-client";
    private const string ClientSecret = "browser-loopback-secret-123";

    private readonly AzuriteFixture _azurite = new();
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentQueue<string> _tokenRefusals = new();
    private int _tokensIssued;
    private LoopbackServer _provider = null!;
    private App _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _provider = await LoopbackServer.StartAsync(MapProvider);
        _app = new App(this);
        _app.Start();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task ConnectWithLoopback_GoesToTheProviderAndBack_ShowsConnected()
    {
        HttpResponseMessage created = await _app.Client.PostAsJsonAsync("/api/connect-sessions", new { entity_id = "browser-oauth", connectors = new[] { "oauth-browser" } });
        created.EnsureSuccessStatusCode();
        string connectUrl = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connect_url").GetString()!;

        IPage page = await _browser.NewPageAsync();
        var cspViolations = new ConcurrentQueue<string>();
        var cspBlocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Console += (_, message) =>
        {
            if (!message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) return;
            cspViolations.Enqueue(message.Text);
            cspBlocked.TrySetResult();
        };

        IResponse? connectPage = await page.GotoAsync(connectUrl);
        Assert.NotNull(connectPage);
        string providerOrigin = _provider.BaseAddress.GetLeftPart(UriPartial.Authority);
        string? csp = await connectPage.HeaderValueAsync("content-security-policy");
        Assert.Matches(new Regex(@"form-action [^;]*" + Regex.Escape(providerOrigin) + @"( |;)"), csp ?? string.Empty);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "connect-oauth-button.png"), FullPage = true });

        // The form post, the provider's authorize redirect and the callback are one navigation; wait for the callback's
        // answer, or for Chromium to report that the page's CSP blocked it (then the violation is the failure message).
        // The wait is set up before the click, as an event: WaitForURLAsync called once the URL already matches checks the
        // frame's load states on this thread while Playwright records them on its own, and missed "load" once in CI.
        Task<IResponse> arrived = page.WaitForResponseAsync(response => response.Url.Contains("/api/oauth/callback?", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect with Loopback" }).ClickAsync();
        await Task.WhenAny(arrived, cspBlocked.Task);
        Assert.Empty(cspViolations);
        await arrived;
        await page.GetByRole(AriaRole.Heading, new() { Name = "Connected", Exact = true }).WaitForAsync();

        Assert.Empty(_tokenRefusals);
        Assert.Equal(1, Volatile.Read(ref _tokensIssued));
        Assert.Equal("Connected", await page.Locator("h1").TextContentAsync());
        Assert.Contains("account is connected", await page.Locator("main p").TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "connect-oauth-connected.png"), FullPage = true });

        // The connection the button started is the one the API reports ACTIVE.
        HttpResponseMessage list = await _app.Client.GetAsync("/api/connections?entity_id=browser-oauth");
        list.EnsureSuccessStatusCode();
        JsonElement listed = await list.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement items = listed.ValueKind == JsonValueKind.Array ? listed : listed.GetProperty("data");
        string id = Assert.Single(items.EnumerateArray()).GetProperty("id").GetString()!;
        JsonElement connection = await _app.Client.GetFromJsonAsync<JsonElement>($"/api/connections/{id}");
        Assert.Equal("ACTIVE", connection.GetProperty("status").GetString());
        Assert.Equal("oauth-browser", connection.GetProperty("connector").GetString());
    }

    private static string Artifacts()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "browser");
        Directory.CreateDirectory(dir);
        return dir;
    }

    // A minimal authorization server: authorize redirects back with a code and the same state; token checks the grant,
    // client, PKCE verifier against the S256 challenge and redirect_uri, and records every refusal for the test to assert on.
    private void MapProvider(WebApplication app)
    {
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            string? redirect = request.Query["redirect_uri"];
            string? state = request.Query["state"];
            if (request.Query["client_id"] != ClientId || request.Query["response_type"] != "code" || request.Query["code_challenge_method"] != "S256"
                || redirect is null || state is null || string.IsNullOrEmpty(request.Query["code_challenge"]))
            {
                return Results.BadRequest("authorize needs response_type=code, this client_id, redirect_uri, state and an S256 code_challenge");
            }

            string code = "code-" + Guid.NewGuid().ToString("N");
            _codes[code] = (request.Query["code_challenge"]!, redirect);
            return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state }));
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            IFormCollection form = await request.ReadFormAsync();
            IResult Refuse(string error, string why, int status = 400)
            {
                _tokenRefusals.Enqueue(why);
                return Results.Json(new { error, error_description = why }, statusCode: status);
            }

            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Refuse("invalid_client", "client id or secret differs", 401);
            if (form["grant_type"] != "authorization_code") return Refuse("unsupported_grant_type", $"grant_type was '{form["grant_type"]}'");
            if (!_codes.TryRemove(form["code"].ToString(), out var issued)) return Refuse("invalid_grant", "unknown or used code");
            string challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != issued.Challenge) return Refuse("invalid_grant", "PKCE verifier does not match the S256 challenge");
            if (form["redirect_uri"] != issued.RedirectUri) return Refuse("invalid_grant", "redirect_uri differs from the authorize request's");
            int n = Interlocked.Increment(ref _tokensIssued);
            return Results.Json(new { access_token = $"at-{n}", refresh_token = $"rt-{n}", expires_in = 3600, token_type = "Bearer", scope = "read" });
        });
    }

    [Action("ping")]
    private sealed class Ping : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(ActionResult.From(new { ok = true }));
    }

    private sealed class App(OAuthConnectBrowserTests test) : WebApplicationFactory<Program>
    {
        private static readonly Connector OAuthConnector = Connector.Create(ConnectorManifest.Parse("""
            {
              "name": "oauth-browser", "version": "1.0.0", "description": "Signs in at a loopback OAuth provider.",
              "auth": { "type": "platform", "provider": "loopback", "scopes": ["read"] },
              "actions": { "ping": { "description": "Answers ok.",
                "input_schema": { "type": "object", "properties": {} },
                "output_schema": { "type": "object", "required": ["ok"], "properties": { "ok": { "type": "boolean" } } } } }
            }
            """, "oauth-browser/config.json"), [typeof(Ping)]);

        public HttpClient Client { get; private set; } = null!;

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
            string provider = test._provider.BaseAddress.GetLeftPart(UriPartial.Authority);
            builder.UseSetting("AzureWebJobsStorage", test._azurite.ConnectionString);
            builder.UseSetting("Patchbay:ApiKeys", ApiKey);
            builder.UseSetting("Patchbay:EncryptionKeys", "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
            builder.UseSetting("Patchbay:OAuth:StateKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting("Patchbay:OAuth:Providers:loopback:AuthorizeUrl", provider + "/authorize");
            builder.UseSetting("Patchbay:OAuth:Providers:loopback:TokenUrl", provider + "/token");
            builder.UseSetting("Patchbay:OAuth:Providers:loopback:ClientId", ClientId);
            builder.UseSetting("Patchbay:OAuth:Providers:loopback:ClientSecret", ClientSecret);
            builder.ConfigureServices(services => services.AddSingleton(new ConnectorRegistration(OAuthConnector)));
        }
    }
}
