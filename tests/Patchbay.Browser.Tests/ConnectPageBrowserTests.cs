using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using Patchbay.Testing;

namespace Patchbay.Browser.Tests;

/// <summary>The connect page in headless Chromium (Debian's /usr/bin/chromium), against the real app on Kestrel and Azurite.</summary>
public sealed class ConnectPageBrowserTests : IAsyncLifetime
{
    private const string ApiKey = "browser-test-key-0123456789";
    private readonly App _app = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
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
    }

    private static string Artifacts()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "browser");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private async Task<string> ConnectUrlAsync(string entity)
    {
        HttpResponseMessage response = await _app.Client.PostAsJsonAsync("/api/connect-sessions", new { entity_id = entity, connectors = new[] { "http" } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connect_url").GetString()!;
    }

    [Fact]
    public async Task FillTheHttpForm_ShowsActive()
    {
        IPage page = await _browser.NewPageAsync();
        await page.GotoAsync(await ConnectUrlAsync("browser-form"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "connect-form.png"), FullPage = true });

        await page.GetByLabel("Auth method").SelectOptionAsync("bearer");
        await page.GetByLabel("Token").FillAsync("browser-secret-token");
        await page.GetByLabel("Allowed hosts").FillAsync("api.example.com");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Connect") }).ClickAsync();

        await page.Locator("#status").WaitForAsync();
        Assert.Equal("ACTIVE", await page.Locator("#status").TextContentAsync());
        Assert.DoesNotContain("browser-secret-token", await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "connect-active.png"), FullPage = true });
    }

    [Fact]
    public async Task KeyboardAlone_ReachesEveryFieldAndSubmits()
    {
        IPage page = await _browser.NewPageAsync();
        await page.GotoAsync(await ConnectUrlAsync("browser-keyboard"));

        // Tab to the method select and choose bearer with the keyboard, then tab to the token and type it.
        await TabUntilAsync(page, "field-auth_method");
        await page.Keyboard.PressAsync("b"); // the first option starting with b: bearer
        Assert.Equal("bearer", await page.Locator("#field-auth_method").InputValueAsync());
        await TabUntilAsync(page, "field-token");
        await page.Keyboard.TypeAsync("keyboard-token");
        await TabUntilAsync(page, "connect-submit");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts(), "connect-keyboard-focus.png"), FullPage = true });
        await page.Keyboard.PressAsync("Enter");

        await page.Locator("#status").WaitForAsync();
        Assert.Equal("ACTIVE", await page.Locator("#status").TextContentAsync());
    }

    // Presses Tab until the element with this id has focus; fails when the focus order never reaches it.
    private static async Task TabUntilAsync(IPage page, string id)
    {
        for (int i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string>("() => document.activeElement && document.activeElement.id") == id) return;
        }

        Assert.Fail($"Tab never reached #{id}.");
    }

    private sealed class App : WebApplicationFactory<Program>
    {
        private readonly AzuriteFixture _azurite = new();

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _azurite.InitializeAsync();
            UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
            StartServer();
            Client = CreateClient();
            Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await _azurite.DisposeAsync();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("AzureWebJobsStorage", _azurite.ConnectionString);
            builder.UseSetting("Patchbay:ApiKeys", ApiKey);
            builder.UseSetting("Patchbay:EncryptionKeys", "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
        }
    }
}
