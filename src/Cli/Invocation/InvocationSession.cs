using System.Text;
using System.Text.Json;
using Patchbay.Cli.Loading;
using Patchbay.Cli.Secrets;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Cli.Invocation;

/// <summary>
/// One <c>run</c> or <c>poll</c>: the inputs and auth read, the connector loaded, a context with a real
/// <see cref="FetchClient"/>, and every line printed with the credentials redacted.
/// </summary>
internal sealed class InvocationSession
{
    private readonly CliConsole _console;
    private readonly SecretRedactor _redactor;

    private InvocationSession(CliConsole console, SecretRedactor redactor, JsonElement inputs, JsonElement auth)
    {
        _console = console;
        _redactor = redactor;
        Inputs = inputs;
        Auth = auth;
    }

    public JsonElement Inputs { get; }

    public JsonElement Auth { get; }

    public static InvocationSession Create(string? inputs, string? auth, CliConsole console)
    {
        JsonElement authJson = JsonArgument.Read(auth, "--auth", isSecret: true, console);
        if (authJson.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
        {
            throw new CliError("--auth must be a JSON object: flat credentials or {\"auth_type\": \"...\", \"credentials\": {...}}");
        }

        var redactor = new SecretRedactor(authJson);
        JsonElement inputsJson = JsonArgument.Read(inputs ?? "{}", "--inputs", isSecret: false, console);
        return new InvocationSession(console, redactor, inputsJson, authJson);
    }

    public Task<Connector> LoadAsync(string path, string? assembly, CancellationToken cancellationToken) =>
        ConnectorAssemblyLoader.LoadAsync(path, assembly, _console, cancellationToken);

    public ConnectorContext CreateContext(Connector connector, bool allowPrivateNetworks)
    {
        ConnectorAuth auth;
        try
        {
            auth = connector.ReadAuth(Auth);
        }
        catch (ArgumentException ex)
        {
            // The SDK's messages name the shape, never the values.
            throw new CliError($"--auth: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        var client = new FetchClient(new FetchOptions { AllowPrivateNetworks = allowPrivateNetworks });
        return new ConnectorContext(client, connector.CreateContextOptions(auth));
    }

    public Task WriteOutAsync(string text) => _console.Out.WriteLineAsync(_redactor.Redact(text));

    public Task WriteErrorAsync(string text) => _console.Error.WriteLineAsync(_redactor.Redact(text));

    /// <summary>Runs the call and turns the failures a caller can act on into one redacted line each.</summary>
    public async Task<int> GuardAsync(Func<Task<int>> call)
    {
        try
        {
            return await call();
        }
        catch (CliError ex)
        {
            await WriteErrorAsync($"error: {ex.Message}");
        }
        catch (ValidationError ex)
        {
            string what = ex.Target switch
            {
                ValidationTarget.Inputs => "the inputs are not valid",
                ValidationTarget.Auth => "the credentials are not valid",
                ValidationTarget.Output => "the result does not match output_schema (a connector bug)",
                _ => "the records are not valid (a connector bug)",
            };
            var text = new StringBuilder($"error: {what}:");
            foreach (FieldError error in ex.Errors)
            {
                text.Append('\n').Append("  ").Append(error.Path.Length == 0 ? "/" : error.Path).Append(": ").Append(error.Message);
            }

            await WriteErrorAsync(text.ToString());
        }
        catch (RateLimitError ex)
        {
            await WriteErrorAsync($"error: upstream answered HTTP 429 (rate limited); retry after {ex.RetryAfter.TotalSeconds:0} s");
        }
        catch (HttpError ex)
        {
            await WriteErrorAsync($"error: upstream answered HTTP {ex.Status}: {OneLine(ex.ResponseMessage)}");
        }
        catch (FetchBlockedException ex)
        {
            await WriteErrorAsync($"error: request blocked: {OneLine(ex.Message)} (a local test server needs --allow-private-networks)");
        }
        catch (UnknownOperationError ex)
        {
            await WriteErrorAsync($"error: {OneLine(ex.Message)}");
        }
        catch (ConfigurationError ex)
        {
            await WriteErrorAsync($"error: {OneLine(ex.Message)}");
        }
        catch (TimeoutException ex)
        {
            await WriteErrorAsync($"error: timed out: {OneLine(ex.Message)}");
        }
        catch (OperationCanceledException)
        {
            await WriteErrorAsync("error: canceled");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A handler bug: name it in one line; the stack trace belongs in the connector's own tests.
            await WriteErrorAsync($"error: the handler failed with {ex.GetType().Name}: {OneLine(ex.Message)}");
        }

        return ExitCodes.Failure;
    }

    /// <summary>Indented JSON that keeps non-ASCII text readable in a terminal.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Indent(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, IndentedOptions);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
