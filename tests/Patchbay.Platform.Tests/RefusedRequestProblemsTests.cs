using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Patchbay.Server.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>The connection middleware rewrites Kestrel's refusals only, never a response the app wrote, however it looks.</summary>
public class RefusedRequestProblemsTests
{
    [Fact]
    public async Task Issue11Item7_AnAppResponseThatLooksLikeARefusal_PassesUnchanged_WhileARefusalIsRewritten()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            listen.UseRefusedRequestProblems(kestrel.Limits, listen.ApplicationServices.GetRequiredService<ILoggerFactory>())));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.Use(RefusedRequestProblems.Track);
        // Exactly what Kestrel writes for a refusal: an error status and Content-Length: 0.
        app.MapGet("/empty-400", (HttpResponse response) =>
        {
            response.ContentLength = 0;
            return Results.StatusCode(400);
        });
        await app.StartAsync();
        Uri address = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        string answer = await SendRawAsync(address,
            "GET /empty-400 HTTP/1.1\r\nHost: localhost\r\n\r\n" +
            "GET /\0 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        // The app's response has no body, so it ends at its blank line; the refusal follows.
        int end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        string[] responses = [answer[..end], answer[end..]];
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", responses[0], StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 0\r\n", responses[0], StringComparison.Ordinal);
        Assert.DoesNotContain("problem+json", responses[0], StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", responses[1], StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", responses[1], StringComparison.Ordinal);
        Assert.Contains("\"type\":\"urn:patchbay:problem:invalid-request\"", responses[1], StringComparison.Ordinal);
        await app.StopAsync();
    }

    private static async Task<string> SendRawAsync(Uri address, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        return Encoding.UTF8.GetString(received.ToArray());
    }
}
