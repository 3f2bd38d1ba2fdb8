using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Patchbay.Server.Hosting;

/// <summary>
/// The OpenAPI document at <c>/api/openapi/v1.json</c>: the function-key scheme (<c>x-functions-key</c> header or
/// <c>code</c> query) on every route but the anonymous ones. Bodies and problems come from each route's
/// <c>WithJsonBody&lt;T&gt;()</c> and <c>WithPatchbayProblems(…)</c> (src/Platform/Hosting/ApiDocumentation.cs).
/// </summary>
public static class OpenApiDocumentation
{
    /// <summary>The <c>x-functions-key</c> header scheme.</summary>
    public const string HeaderScheme = StandaloneHosting.FunctionKeyScheme;

    /// <summary>The <c>code</c> query parameter scheme.</summary>
    public const string QueryScheme = "FunctionCode";

    public static IServiceCollection AddPatchbayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Patchbay";
                document.Info.Description = "Every connector behind one HTTP API: discover connectors and actions, run them with inline auth or stored connections, and subscribe to polling triggers. Every error is RFC 9457 problem details (application/problem+json).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "x-functions-key",
                    Description = "An API key (Patchbay__ApiKeys standalone, a function or host key on Azure Functions).",
                };
                document.Components.SecuritySchemes[QueryScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Query,
                    Name = "code",
                    Description = "The same key as a query parameter; prefer the header, which stays out of URL logs.",
                };
                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
                // Either scheme: the header or the query parameter.
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(QueryScheme, context.Document)] = [] },
                ];
                return Task.CompletedTask;
            });
        });
}
