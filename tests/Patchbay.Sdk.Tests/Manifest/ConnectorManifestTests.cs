using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Sdk.Tests.Manifest;

public class ConnectorManifestTests
{
    private const string Valid = """
    {
      "name": "acme-crm", "version": "1.2.0", "description": "Acme CRM", "entry_point": "acme.py",
      "display_name": "Acme CRM", "x_unknown": {"kept": true},
      "auth": {"type": "custom", "fields": {"type": "object", "properties": {"api_key": {"type": "string", "format": "password"}}, "required": ["api_key"]},
               "api_key": {"in": "header", "name": "X-Api-Key", "field": "api_key"}},
      "allowed_hosts": ["api.acme.test", "*.acme.test"],
      "actions": {
        "list_items": {"display_name": "List items", "description": "Lists items", "tags": ["read"],
          "input_schema": {"type": "object", "properties": {"limit": {"type": "integer", "default": 10, "maximum": 100}}},
          "output_schema": {"type": "object"}}
      },
      "polling_triggers": {
        "new_items": {"description": "New items", "polling_interval": "5m", "input_schema": {"type": "object"}, "output_schema": {"type": "object"}}
      }
    }
    """;

    private static string With(Action<JsonObject> change)
    {
        JsonObject root = JsonNode.Parse(Valid)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    private static ConfigurationError Fails(string json) =>
        Assert.Throws<ConfigurationError>(() => ConnectorManifest.Parse(json, "acme/config.json"));

    [Fact]
    public void Parse_ValidManifest_ExposesFieldsAndKeepsUnknownOnes()
    {
        ConnectorManifest manifest = ConnectorManifest.Parse(Valid, "acme/config.json");

        Assert.Equal("acme-crm", manifest.Id);
        Assert.Equal("Acme CRM", manifest.DisplayName);
        Assert.Equal("acme.py", manifest.EntryPoint);
        Assert.True(manifest.Raw.GetProperty("x_unknown").GetProperty("kept").GetBoolean());
        Assert.Equal(AuthKinds.Custom, manifest.Auth.Type);
        Assert.Equal(new ApiKeyPlacement("header", "X-Api-Key", "api_key"), manifest.Auth.ApiKey);
        Assert.Equal(["api.acme.test", "*.acme.test"], manifest.AllowedHosts);
        Assert.Equal(["read"], manifest.Actions["list_items"].Tags);
        Assert.Equal(10, manifest.Actions["list_items"].Defaults.TopLevel["limit"].GetInt32());
        Assert.Equal(TimeSpan.FromMinutes(5), manifest.PollingTriggers["new_items"].PollingInterval);
        Assert.Empty(manifest.Warnings);
    }

    [Fact]
    public void Parse_InvalidJson_NamesFileAndLine()
    {
        ConfigurationError error = Fails("{\n  \"name\": \"x\",\n  oops\n}");
        Assert.Equal("acme/config.json", error.File);
        Assert.Contains("is not valid JSON (line 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", "/name", "is required")]
    [InlineData("version", "/version", "is required")]
    [InlineData("description", "/description", "is required")]
    [InlineData("actions", "/actions", "is required")]
    public void Parse_MissingTopLevelField_NamesPath(string field, string path, string message)
    {
        ConfigurationError error = Fails(With(r => r.Remove(field)));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"acme/config.json: {path}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoActions_IsAnError()
    {
        ConfigurationError error = Fails(With(r => r["actions"] = new JsonObject()));
        Assert.Equal("/actions", error.Path);
        Assert.Contains("at least one", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("description")]
    [InlineData("input_schema")]
    [InlineData("output_schema")]
    public void Parse_ActionMissingField_NamesActionPath(string field)
    {
        ConfigurationError error = Fails(With(r => r["actions"]!["list_items"]!.AsObject().Remove(field)));
        Assert.Equal($"/actions/list_items/{field}", error.Path);
        Assert.Contains("is required", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SchemaThatDoesNotCompile_PointsIntoTheSchema()
    {
        ConfigurationError error = Fails(With(r => r["actions"]!["list_items"]!["input_schema"] = JsonNode.Parse("""{"type":"object","properties":{"limit":{"minimum":"ten"}}}""")));
        Assert.StartsWith("/actions/list_items/input_schema/properties/limit", error.Path, StringComparison.Ordinal);
        Assert.Contains("is not a valid JSON Schema", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type": "magic"}""", "/auth/type", "is not an auth type")]
    [InlineData("""{"type": "custom"}""", "/auth/fields", "is required for custom auth")]
    [InlineData("""{"type": "custom", "fields": []}""", "/auth/fields", "must be a JSON Schema object")]
    [InlineData("""{"type": "platform"}""", "/auth/provider", "is required")]
    [InlineData("""{"type": "platform", "provider": "github", "scopes": "repo"}""", "/auth/scopes", "must be an array of strings")]
    [InlineData("\"api-key\"", "/auth", "must be an object")]
    [InlineData("""{"type": "custom", "fields": {"type":"object","properties":{"token":{"type":"string"}}}, "api_key": {"in":"header","name":"X-Key","field":"api_key"}}""", "/auth/api_key/field", "is not a property of auth.fields")]
    public void Parse_AuthOfWrongShape_SaysWhatToWrite(string auth, string path, string message)
    {
        ConfigurationError error = Fails(With(r => r["auth"] = JsonNode.Parse(auth)));
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1w", "no valid unit")]
    [InlineData("1.5h", "not a whole number")]
    [InlineData("0m", "is zero")]
    [InlineData("5", "no valid unit")]
    [InlineData("m", "not a whole number")]
    [InlineData("", "is empty")]
    [InlineData("99999999999999999999d", "not a whole number")]
    [InlineData("400d", "longer than a year")]
    public void Parse_BadPollingInterval_IsAnErrorWithAMessage(string interval, string message)
    {
        ConfigurationError error = Fails(With(r => r["polling_triggers"]!["new_items"]!["polling_interval"] = interval));
        Assert.Equal("/polling_triggers/new_items/polling_interval", error.Path);
        Assert.Contains(message, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    public void PollingInterval_AcceptsWholeNumbersWithUnits(string text, int seconds)
    {
        Assert.True(PollingInterval.TryParse(text, out TimeSpan interval, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Fact]
    public void Parse_NonSnakeCaseNamesAndNonSemverVersion_AreWarnings()
    {
        ConnectorManifest manifest = ConnectorManifest.Parse(With(r =>
        {
            r["version"] = "1.0";
            JsonNode action = r["actions"]!["list_items"]!.DeepClone();
            r["actions"]!.AsObject().Add("ListItems", action);
        }));

        Assert.Contains(manifest.Warnings, w => w.Path == "/version" && w.Message.Contains("semantic version", StringComparison.Ordinal));
        Assert.Contains(manifest.Warnings, w => w.Path == "/actions/ListItems" && w.Message.Contains("snake_case", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_LenientDraft3Required_LoadsWithAWarning()
    {
        ConnectorManifest manifest = ConnectorManifest.Parse(With(r =>
            r["actions"]!["list_items"]!["input_schema"] = JsonNode.Parse("""{"type":"object","properties":{"q":{"type":"string","required":true}}}""")));

        Assert.Contains(manifest.Warnings, w => w.Path.StartsWith("/actions/list_items/input_schema", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Google BigQuery", "google-bigquery")]
    [InlineData("github", "github")]
    [InlineData("My_Connector v2", "my-connector-v2")]
    [InlineData("  Café Menu ", "cafe-menu")]
    public void ConnectorId_SlugsNamesThatAreNotAlreadyIds(string name, string id) => Assert.Equal(id, ConnectorId.FromName(name));

    [Fact]
    public void Parse_NameWithoutLettersOrDigits_IsAnError()
    {
        ConfigurationError error = Fails(With(r => r["name"] = "!!!"));
        Assert.Equal("/name", error.Path);
    }

    [Fact]
    public void Parse_AllowedHostWithScheme_IsAnError()
    {
        ConfigurationError error = Fails(With(r => r["allowed_hosts"] = new JsonArray("https://api.acme.test/")));
        Assert.Equal("/allowed_hosts", error.Path);
        Assert.Contains("without scheme", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        ConfigurationError error = Assert.Throws<ConfigurationError>(() => ConnectorManifest.Load("/nonexistent/config.json"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_FillMissingInputsIncludingNestedOnes()
    {
        JsonElement schema = JsonDocument.Parse("""
            {"type":"object","properties":{"limit":{"type":"integer","default":10},"filter":{"type":"object","properties":{"state":{"type":"string","default":"open"}}}}}
            """).RootElement;
        InputDefaults defaults = InputDefaults.From(schema);

        JsonElement filled = defaults.Apply(JsonDocument.Parse("""{"filter":{}}""").RootElement);
        Assert.Equal(10, filled.GetProperty("limit").GetInt32());
        Assert.Equal("open", filled.GetProperty("filter").GetProperty("state").GetString());

        JsonElement given = JsonDocument.Parse("""{"limit":3,"filter":{"state":"closed"}}""").RootElement;
        Assert.Equal(given.GetRawText(), defaults.Apply(given).GetRawText());
    }
}
