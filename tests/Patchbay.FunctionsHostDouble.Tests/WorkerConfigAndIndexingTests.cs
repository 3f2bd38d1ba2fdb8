using Patchbay.Testing.Functions.Functions;
using Patchbay.Testing.Functions.Worker;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>How the double reads worker.config.json, host.json and trigger settings (no worker process).</summary>
public sealed class WorkerConfigAndIndexingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("patchbay-host-double-config").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_sample_workers_config_runs_its_assembly_with_dotnet_and_indexes_in_the_worker()
    {
        WorkerConfig config = WorkerConfig.Load(SampleWorker.OutputDirectory);

        Assert.Equal("dotnet-isolated", config.Language);
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(config.ExecutablePath));
        Assert.Equal(Path.Combine(SampleWorker.OutputDirectory, "Patchbay.FunctionsHostDouble.SampleWorker.dll"), config.WorkerPath);
        Assert.True(config.WorkerIndexing);
    }

    [Fact]
    public void A_self_contained_worker_runs_from_the_worker_root_with_its_arguments_expanded()
    {
        File.WriteAllText(Path.Combine(_folder, WorkerConfig.FileName), """
            {
              "description": {
                "language": "dotnet-isolated",
                "defaultExecutablePath": "{WorkerRoot}MyApp",
                "arguments": [ "--flag {workerDirectoryPath}/x" ],
                "workerIndexing": false
              }
            }
            """);

        WorkerConfig config = WorkerConfig.Load(_folder);

        string expected = Path.Combine(_folder, "MyApp") + (OperatingSystem.IsWindows() ? ".exe" : string.Empty);
        Assert.Equal(expected, config.ExecutablePath);
        Assert.Equal(["--flag", $"{_folder}/x"], config.ExecutableArguments);
        Assert.Null(config.WorkerPath);
        Assert.False(config.WorkerIndexing);
    }

    [Fact]
    public void A_config_without_a_description_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(_folder, WorkerConfig.FileName), """{ "something": {} }""");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => WorkerConfig.Load(_folder));

        Assert.Contains("\"description\"", error.Message);
    }

    [Theory]
    [InlineData("""{ "version": "2.0" }""", "api")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "" } } }""", "")]
    [InlineData("{ // comment\n \"Extensions\": { \"Http\": { \"RoutePrefix\": \"v2\", }, }, }", "v2")]
    public void The_route_prefix_comes_from_host_json(string hostJson, string expected)
    {
        File.WriteAllText(Path.Combine(_folder, "host.json"), hostJson);

        Assert.Equal(expected, HostJson.ReadRoutePrefix(_folder));
    }

    [Fact]
    public void Without_host_json_the_route_prefix_is_api() => Assert.Equal("api", HostJson.ReadRoutePrefix(_folder));

    [Fact]
    public void Settings_resolve_from_the_app_settings_before_the_environment_and_inside_longer_strings()
    {
        var resolver = new AppSettingResolver(new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Minute"] = "5", ["PATH"] = "from-settings" });

        Assert.Equal("0 */5 * * * *", resolver.ResolveWholeString("0 */%minute% * * * *", "a test"));
        Assert.Equal("from-settings", resolver.ResolveWholeString("%PATH%", "a test"));
        Assert.Equal(Environment.GetEnvironmentVariable("HOME"), resolver.ResolveWholeString("%HOME%", "a test"));
    }

    [Theory]
    [InlineData("0 */5 * * * *")]
    [InlineData("*/10 * * * *")]
    [InlineData("00:00:30")]
    [InlineData("1.00:00:00")]
    public void Six_and_five_field_cron_and_timespans_are_valid_schedules(string schedule) => TimerSchedule.Validate(schedule, "Tick");

    [Theory]
    [InlineData("")]
    [InlineData("0 */5 * *")]
    [InlineData("every minute")]
    public void Anything_else_is_refused_naming_the_function(string schedule)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => TimerSchedule.Validate(schedule, "Tick"));

        Assert.Contains("'Tick'", error.Message);
    }
}
