using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;

namespace Patchbay.FunctionApp.Tests;

/// <summary>What <c>func start</c> and Azure need from the worker's build output, as they read it.</summary>
public class BuildOutputTests
{
    private static readonly string[] RouteTemplates = [.. typeof(PatchbayRoutes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.Name != nameof(PatchbayRoutes.Prefix)).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void FunctionsMetadata_ListsEveryRouteOfPatchbayRoutes_AsAnHttpFunctionOfTheWorker()
    {
        IReadOnlyList<FunctionEntry> functions = FunctionAppOutput.Functions();
        FunctionEntry[] http = [.. functions.Where(f => f.IsHttp)];

        Assert.All(functions, f =>
        {
            Assert.Equal("Patchbay.FunctionApp.dll", f.ScriptFile);
            Assert.Equal("dotnet-isolated", f.Language);
            Assert.StartsWith("Patchbay.FunctionApp.", f.EntryPoint, StringComparison.Ordinal);
        });
        Assert.Equal(functions.Count, functions.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(RouteTemplates.Order(StringComparer.Ordinal), http.Select(f => f.Route).Distinct().Order(StringComparer.Ordinal));
        // One function per route and method: two functions never answer the same request.
        Assert.Equal(http.Length, http.SelectMany(f => f.Methods.Select(m => $"{m} {f.Route}")).Distinct().Count());
        Assert.All(http, f =>
        {
            Assert.Single(f.Methods);
            JsonElement output = Assert.Single(f.Outputs);
            Assert.Equal("http", output.GetProperty("type").GetString());
            Assert.Equal("$return", output.GetProperty("name").GetString());
        });
    }

    [Fact]
    public void FunctionsMetadata_HealthRoutesTheOAuthCallbackAndTheConnectPageAreTheOnlyAnonymousFunctions_EveryOtherNeedsAFunctionKey()
    {
        FunctionEntry[] http = [.. FunctionAppOutput.Functions().Where(f => f.IsHttp)];

        FunctionEntry[] anonymous = [.. http.Where(f => f.AuthLevel != "Function").OrderBy(f => f.Name, StringComparer.Ordinal)];
        // The OAuth callback's signed state and the connect page's token authorise them (a browser never holds a function key);
        // the page's form posts to the same route.
        Assert.Equal(
            [("ConnectPage", "Anonymous", PatchbayRoutes.Connect, "GET"), ("Health", "Anonymous", PatchbayRoutes.Health, "GET"),
             ("HealthReady", "Anonymous", PatchbayRoutes.HealthReady, "GET"), ("OAuthCallback", "Anonymous", PatchbayRoutes.OAuthCallback, "GET"),
             ("SubmitConnectPage", "Anonymous", PatchbayRoutes.Connect, "POST")],
            anonymous.Select(f => (f.Name, f.AuthLevel, f.Route, Assert.Single(f.Methods))));
    }

    [Fact]
    public void FunctionsMetadata_PollingTickIsATimerOnThePollingScheduleSetting()
    {
        FunctionEntry timer = Assert.Single(FunctionAppOutput.Functions(), f => f.TriggerType == "timerTrigger");

        Assert.Equal(PollingSchedule.FunctionName, timer.Name);
        Assert.Equal("timerTrigger", timer.TriggerType);
        Assert.Equal("%PollingSchedule%", timer.Trigger.GetProperty("schedule").GetString());
        Assert.False(timer.Trigger.TryGetProperty("runOnStartup", out JsonElement runOnStartup) && runOnStartup.GetBoolean(), "a tick on every start-up would poll at each scale-out");
        Assert.Empty(timer.Outputs);
    }

    [Fact]
    public void FunctionsMetadata_PollingBatchReadsThePollingQueue_AndPollingBatchPoisonItsPoisonQueue_AsStrings()
    {
        FunctionEntry[] queued = [.. FunctionAppOutput.Functions().Where(f => f.TriggerType == "queueTrigger").OrderBy(f => f.Name, StringComparer.Ordinal)];

        // Nothing else: every other function is HTTP or the PollingTick timer.
        Assert.Equal(FunctionAppOutput.Functions().Count, FunctionAppOutput.Functions().Count(f => f.IsHttp) + 1 + queued.Length);
        Assert.Equal(["PollingBatch", "PollingBatchPoison"], queued.Select(f => f.Name));
        Assert.Equal(["%PollingQueue%", "%PollingQueue%-poison"], queued.Select(f => f.Trigger.GetProperty("queueName").GetString()));
        Assert.All(queued, f =>
        {
            // A string, never a POCO: a message that is not a poll batch must reach the function (which logs and drops it), not fail binding and be retried.
            Assert.Equal("String", f.Trigger.GetProperty("dataType").GetString());
            // The default connection, AzureWebJobsStorage: identity-based in Azure (AzureWebJobsStorage__queueServiceUri), Azurite locally.
            Assert.False(f.Trigger.TryGetProperty("connection", out _));
            Assert.Empty(f.Outputs);
        });
    }

    [Fact]
    public void HostJson_QueueSettings_KeepPollBatchesOnTheScheduleAndNeverRetryForever()
    {
        JsonElement queues = FunctionAppOutput.ReadJson("host.json").GetProperty("extensions").GetProperty("queues");

        // A failing message is tried a bounded number of times, then the host moves it to the poison queue.
        Assert.InRange(queues.GetProperty("maxDequeueCount").GetInt32(), 1, 5);
        // An idle instance notices a tick's messages well within the 30 s a batch may run after its scheduled time and stay on the grid.
        TimeSpan polling = TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(polling, TimeSpan.FromMilliseconds(100), PollingConstants.ScheduleTolerance / 3);
        // Few messages in hand per instance, so the host spreads a tick over instances.
        Assert.InRange(queues.GetProperty("batchSize").GetInt32() + queues.GetProperty("newBatchThreshold").GetInt32(), 1, 8);
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void WorkerConfig_StartsTheWorkerAssemblyWithDotnet()
    {
        JsonElement description = FunctionAppOutput.ReadJson("worker.config.json").GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        string worker = description.GetProperty("defaultWorkerPath").GetString()!;
        Assert.Equal("Patchbay.FunctionApp.dll", worker);
        FunctionAppOutput.PathOf(worker);
        FunctionAppOutput.PathOf("Patchbay.FunctionApp.runtimeconfig.json");
    }

    [Fact]
    public void HostJson_IsTheProjectsOne_ForTheIsolatedWorker_WithTheApiPrefixAndABoundedTimeout()
    {
        string output = File.ReadAllText(FunctionAppOutput.PathOf("host.json"));
        Assert.Equal(File.ReadAllText(Path.Combine(FunctionAppOutput.ProjectDirectory, "host.json")), output);

        JsonElement host = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _), "a customHandler section would make the host start the worker as a custom handler");
        Assert.Equal(PatchbayRoutes.Prefix, host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        TimeSpan timeout = TimeSpan.Parse(host.GetProperty("functionTimeout").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(timeout, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
        Assert.Equal("Information", host.GetProperty("logging").GetProperty("logLevel").GetProperty("default").GetString());
        Assert.Equal("OpenTelemetry", host.GetProperty("telemetryMode").GetString());
    }

    [Fact]
    public void ExtensionsJson_ListsStartupTypesWhoseAssembliesShipInTheOutput()
    {
        JsonElement[] extensions = [.. FunctionAppOutput.ReadJson("extensions.json").GetProperty("extensions").EnumerateArray()];

        Assert.NotEmpty(extensions);
        foreach (JsonElement extension in extensions)
        {
            string hintPath = extension.GetProperty("hintPath").GetString()!;
            FunctionAppOutput.PathOf(hintPath.StartsWith("./", StringComparison.Ordinal) ? hintPath[2..] : hintPath);
        }
    }

    [Fact]
    public void LocalSettings_StayOutOfTheOutput_AndTheSampleRunsTheIsolatedWorkerOnAzurite()
    {
        Assert.False(File.Exists(Path.Combine(FunctionAppOutput.Directory, "local.settings.json")));
        Assert.False(File.Exists(Path.Combine(FunctionAppOutput.Directory, "local.settings.sample.json")));

        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionAppOutput.ProjectDirectory, "local.settings.sample.json")));
        JsonElement values = sample.RootElement.GetProperty("Values");
        Assert.Equal("dotnet-isolated", values.GetProperty(SettingNames.WorkerRuntime).GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty(SettingNames.Storage).GetString());
        Assert.Equal(SettingNames.DefaultPollingSchedule, values.GetProperty(SettingNames.PollingSchedule).GetString());
        Assert.Equal(SettingNames.DefaultPollingQueue, values.GetProperty(SettingNames.PollingQueue).GetString());
    }
}
