using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>Starting the double (its indexing, its errors) and stopping it; each test runs its own worker.</summary>
public sealed class StartAndStopTests
{
    [Fact]
    public async Task A_schedule_setting_missing_from_the_app_settings_stops_the_start_naming_it()
    {
        FunctionsHostDoubleOptions options = SampleWorkerFixture.Options();
        options.AppSettings.Remove("Schedule");

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => FunctionsHostDouble.StartAsync(options));

        Assert.Contains("'%Schedule%'", error.Message);
        Assert.Contains("timer function 'Tick'", error.Message);
        Assert.Contains("AppSettings", error.Message);
    }

    [Fact]
    public async Task A_schedule_that_is_neither_cron_nor_a_timespan_stops_the_start()
    {
        FunctionsHostDoubleOptions options = SampleWorkerFixture.Options();
        options.AppSettings["Schedule"] = "every five minutes";

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => FunctionsHostDouble.StartAsync(options));

        Assert.Contains("'every five minutes'", error.Message);
        Assert.Contains("not recognized as a valid cron expression or timespan", error.Message);
    }

    [Fact]
    public async Task The_hosts_own_indexing_from_functions_metadata_serves_the_same_functions_under_host_jsons_route_prefix()
    {
        using var copy = new WorkerCopy();
        JsonNode hostJson = JsonNode.Parse(File.ReadAllText(copy.PathOf("host.json")))!;
        hostJson["extensions"]!["http"]!["routePrefix"] = "v1";
        File.WriteAllText(copy.PathOf("host.json"), hostJson.ToJsonString());
        var options = new FunctionsHostDoubleOptions { WorkerDirectory = copy.Directory, MetadataSource = FunctionMetadataSource.File };
        options.AppSettings["Schedule"] = "00:05:00"; // a TimeSpan schedule
        options.AppSettings["SampleQueue"] = SampleWorkerFixture.Queue;
        options.AppSettings["SampleStorage"] = SampleWorkerFixture.UnreachableStorage;
        options.AppSettings["SampleTickFails"] = "true";

        FunctionsHostDouble host = await FunctionsHostDouble.StartAsync(options);
        try
        {
            using HttpClient client = host.CreateClient();
            using HttpResponseMessage prefixed = await client.GetAsync("v1/items/tools/7");
            using HttpResponseMessage oldPrefix = await client.GetAsync("api/items/tools/7");
            FunctionInvocationResult tick = await host.InvokeTimerAsync("Tick");

            Assert.Equal("v1", host.RoutePrefix);
            Assert.True(prefixed.StatusCode == HttpStatusCode.OK, $"{prefixed.StatusCode}\n{host.Describe()}");
            Assert.Equal("7", JsonDocument.Parse(await prefixed.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
            Assert.Equal(HttpStatusCode.NotFound, oldPrefix.StatusCode);
            Assert.Equal("00:05:00", Assert.Single(host.Functions, f => f.Name == "Tick").Timer?.Schedule);
            Assert.Equal(FunctionInvocationStatus.Failed, tick.Status);
            Assert.Contains("SampleTickFails=true", tick.Error?.Message);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // WorkerTerminate let the worker stop by itself.
        Assert.Equal(0, await host.WorkerExited.WaitAsync(TimeSpan.FromMinutes(1))); // a guard against a hang
    }

    [Fact]
    public async Task A_worker_assembly_that_cannot_load_fails_the_start_with_its_exit_code_and_output()
    {
        using var copy = new WorkerCopy();
        File.WriteAllText(copy.PathOf("Patchbay.FunctionsHostDouble.SampleWorker.dll"), "not an assembly");

        WorkerExitedException error = await Assert.ThrowsAsync<WorkerExitedException>(
            () => FunctionsHostDouble.StartAsync(new FunctionsHostDoubleOptions { WorkerDirectory = copy.Directory }));

        Assert.NotNull(error.ExitCode);
        Assert.NotEqual(0, error.ExitCode);
        Assert.NotEmpty(error.OutputTail);
        Assert.Contains("StartStream", error.Message);
        Assert.Contains($"exited with code {error.ExitCode}", error.Message);
    }

    [Fact]
    public async Task A_folder_without_worker_config_says_to_build_the_worker()
    {
        string empty = Directory.CreateTempSubdirectory("patchbay-host-double-empty").FullName;
        try
        {
            FileNotFoundException error = await Assert.ThrowsAsync<FileNotFoundException>(
                () => FunctionsHostDouble.StartAsync(new FunctionsHostDoubleOptions { WorkerDirectory = empty }));

            Assert.Contains("worker.config.json", error.Message);
            Assert.Contains("build the worker project", error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
