using System.Reflection;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Runs the standalone host's real entry point (<c>Program</c>, as <c>dotnet Patchbay.Server.dll</c> does) with settings
/// as command-line arguments, and returns what its start threw.
/// </summary>
/// <remarks>
/// For start-up failures thrown while the host starts (<c>app.Run()</c>: options validated on start, hosted services).
/// <c>WebApplicationFactory</c> cannot report those reliably: when the app's own <c>Run</c> fails, it disposes the host,
/// and the factory, which reads the host's services to wait for its start, may then throw an
/// <see cref="ObjectDisposedException"/> instead of the app's error (it did once in a full run). Failures thrown before
/// <c>app.Run()</c> reach the factory intact.
/// </remarks>
internal static class FailedStart
{
    /// <summary>How long the host may take to fail; a host that starts instead fails the test after this.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>The exception the host's start threw, unwrapped from the reflection call and single-item aggregates.</summary>
    public static async Task<Exception> OfAsync(params (string Name, string Value)[] settings)
    {
        // Kestrel on a free loopback port; the settings as Program's command line (they take precedence over the
        // environment's).
        string[] args = [.. settings.Prepend((Name: "urls", Value: "http://127.0.0.1:0")).Select(setting => $"--{setting.Name}={setting.Value}")];
        MethodInfo main = typeof(Program).Assembly.EntryPoint ?? throw new InvalidOperationException("Patchbay.Server has no entry point.");

        Task running;
        // Not in this test's execution context: nothing of it (a factory's host capture among them) flows into the host.
        using (ExecutionContext.SuppressFlow())
        {
            running = Task.Factory.StartNew(() => main.Invoke(null, [args]), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        try
        {
            await running.WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The host did not fail within {Bound.TotalSeconds} s: it started (or hangs), and is left running.");
        }
        catch (Exception thrown)
        {
            return Unwrap(thrown);
        }

        throw new Xunit.Sdk.XunitException("The host's entry point returned without an error: it started and stopped.");
    }

    private static Exception Unwrap(Exception exception) => exception switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => exception,
    };
}
