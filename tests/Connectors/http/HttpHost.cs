using Patchbay.Connectors.Testing;
using Patchbay.Sdk.Testing;

namespace Patchbay.Connectors.Http.Tests;

internal static class HttpHost
{
    public const string Api = "https://api.example.com";

    public static ConnectorTestHost For(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(Request).Assembly)
            .Redirect(Api, server.BaseAddress)
            .Redirect("https://eu.api.example.com", server.BaseAddress)
            .Redirect("https://example.com", server.BaseAddress)
            .Redirect("https://other.example.org", server.BaseAddress);
}
