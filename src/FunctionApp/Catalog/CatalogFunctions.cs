using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;

namespace Patchbay.FunctionApp.Catalog;

/// <summary>Connectors, their manifests and actions as LLM tools: <see cref="CatalogApi"/> under the Functions host.</summary>
public sealed class CatalogFunctions(ConnectorCatalog catalog, ActionInvoker invoker, IConfiguration configuration)
{
    [Function("ListConnectors")]
    public IResult ListConnectors([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Connectors)] HttpRequest req) =>
        CatalogApi.ListConnectors(catalog);

    [Function("GetConnector")]
    public IResult GetConnector([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Connector)] HttpRequest req, string connector) =>
        CatalogApi.GetConnector(connector, invoker);

    [Function("GetConnectorAuth")]
    public IResult GetConnectorAuth([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.ConnectorAuth)] HttpRequest req, string connector) =>
        CatalogApi.GetAuthParameters(connector, invoker, configuration);

    [Function("ListTools")]
    public IResult ListTools([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Tools)] HttpRequest req) =>
        CatalogApi.ListTools(catalog, req.Query["format"], req.Query["connectors"], req.Query["tags"]);
}
