using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Patchbay.Cli.Commands.New;

/// <summary>
/// Writes a new connector and its test project from <see cref="ConnectorTemplates"/> and adds both to
/// Patchbay.slnx (with <c>dotnet sln add</c>, so solution folders come out as the SDK writes them).
/// </summary>
internal sealed partial class NewCommand(string name, string auth, string? output, CliConsole console)
{
    public const string AuthNone = "none";
    public const string AuthCustom = "custom";
    public const string AuthPlatform = "platform";
    public const string SolutionFile = "Patchbay.slnx";

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary><c>my-connector</c> → <c>MyConnector</c>.</summary>
    public static string ToPascal(string name) =>
        string.Concat(name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary><c>my-connector</c> → <c>My Connector</c>.</summary>
    public static string ToTitle(string name) =>
        string.Join(' ', name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Patchbay.slnx.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }

        return null;
    }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (!IsValidName(name))
        {
            throw new CliError($"'{name}' is not a connector name: use lowercase letters, digits and single hyphens, starting with a letter (e.g. my-connector)");
        }

        string root = output is not null
            ? console.Resolve(output)
            : FindRepositoryRoot(console.WorkingDirectory)
                ?? throw new CliError($"no {SolutionFile} in {console.WorkingDirectory} or above; run inside the Patchbay repository or pass --output <dir>");

        string connectorDir = Path.Combine(root, "src", "Connectors", name);
        string testDir = Path.Combine(root, "tests", "Connectors", name);
        foreach (string dir in (string[])[connectorDir, testDir])
        {
            if (Directory.Exists(dir))
            {
                throw new CliError($"{Path.GetRelativePath(root, dir).Replace('\\', '/')} already exists; pick another name or delete it first");
            }
        }

        string pascal = ToPascal(name);
        var tokens = Tokens(pascal);
        string connectorProject = Path.Combine(connectorDir, $"Patchbay.Connectors.{pascal}.csproj");
        string testProject = Path.Combine(testDir, $"Patchbay.Connectors.{pascal}.Tests.csproj");

        Write(connectorProject, ConnectorTemplates.ConnectorProject, tokens);
        Write(Path.Combine(connectorDir, "config.json"), ConnectorTemplates.Config, tokens);
        Write(Path.Combine(connectorDir, $"{pascal}Api.cs"), ConnectorTemplates.ApiClass, tokens);
        Write(Path.Combine(connectorDir, "GetItem.cs"), ConnectorTemplates.Handler, tokens);
        Write(Path.Combine(connectorDir, "README.md"), ConnectorTemplates.Readme, tokens);
        Write(testProject, ConnectorTemplates.TestProject, tokens);
        Write(Path.Combine(testDir, "GetItemTests.cs"), ConnectorTemplates.Tests, tokens);

        await console.Out.WriteLineAsync($"Created src/Connectors/{name} and tests/Connectors/{name} ({auth} auth).");

        string solution = Path.Combine(root, SolutionFile);
        if (File.Exists(solution))
        {
            await AddToSolutionAsync(root, [connectorProject, testProject], cancellationToken);
            await console.Out.WriteLineAsync($"Added both projects to {SolutionFile}.");
        }
        else
        {
            await console.Out.WriteLineAsync($"No {SolutionFile} in {root}; add the projects to your solution yourself.");
        }

        await console.Out.WriteLineAsync($"Next: dotnet test tests/Connectors/{name}");
        return ExitCodes.Success;
    }

    private Dictionary<string, string> Tokens(string pascal)
    {
        (string block, string testAuth, string assert, string readme, string curl) = auth switch
        {
            AuthNone => (
                string.Empty,
                "    private const object? Auth = null;\n",
                "        Assert.False(request.Headers.ContainsKey(\"Authorization\"));\n",
                "None: the API is public, so calls need no credentials.",
                "{}"),
            AuthPlatform => (
                ConnectorTemplates.PlatformAuthBlock,
                "    private static readonly object Auth = new { access_token = \"test-token\" };\n",
                "        Assert.Equal(\"Bearer test-token\", request.Headers[\"Authorization\"]);\n",
                "Platform OAuth (provider `%NAME%`, scope `items:read`): the platform holds the user's token and `FetchAsync` sends it as `Authorization: Bearer <access_token>`. Locally, pass `{\"access_token\": \"...\"}` as auth.",
                "{\"access_token\":\"YOUR_TOKEN\"}"),
            _ => (
                ConnectorTemplates.CustomAuthBlock,
                "    private static readonly object Auth = new { api_key = \"test-api-key\" };\n",
                "        Assert.Equal(\"test-api-key\", request.Headers[\"X-Api-Key\"]);\n",
                "Custom: the user enters an API key (`api_key`); `FetchAsync` sends it as the `X-Api-Key` header (see `auth.api_key` in config.json).",
                "{\"api_key\":\"YOUR_API_KEY\"}"),
        };

        // Order matters: blocks first, since they contain the name tokens themselves.
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["%AUTH_BLOCK%"] = block,
            ["%TEST_AUTH%"] = testAuth,
            ["%AUTH_ASSERT%"] = assert,
            ["%AUTH_README%"] = readme,
            ["%CURL_AUTH%"] = curl,
            ["%NAME%"] = name,
            ["%PASCAL%"] = pascal,
            ["%TITLE%"] = ToTitle(name),
        };
    }

    private static void Write(string path, string template, Dictionary<string, string> tokens)
    {
        var text = new StringBuilder(template);
        foreach ((string token, string value) in tokens) text.Replace(token, value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ToString().ReplaceLineEndings("\n"));
    }

    private static async Task AddToSolutionAsync(string root, string[] projects, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["sln", SolutionFile, "add", .. projects]) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start) ?? throw new CliError("could not start 'dotnet sln add'; is the .NET SDK on PATH?");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            string detail = (await stderr + await stdout).ReplaceLineEndings(" ").Trim();
            throw new CliError(string.Create(CultureInfo.InvariantCulture, $"the files were written, but 'dotnet sln {SolutionFile} add' failed ({process.ExitCode}): {detail}"));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
