using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connect;

/// <summary>
/// The hosted connect page's HTML: one self-contained document (inline CSS under a per-response nonce, no scripts, no
/// external assets), so it works offline and under a strict Content-Security-Policy. Every value is HTML-encoded;
/// secret inputs are never filled in.
/// </summary>
public sealed class ConnectPage
{
    private const string Css = """
        :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
        body { margin: 0; padding: 2rem 1rem; background: Canvas; color: CanvasText; }
        main { max-width: 36rem; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin-top: 0; }
        ul.connectors { list-style: none; padding: 0; }
        ul.connectors li { margin: 0.5rem 0; }
        a, button, input, select, textarea { font: inherit; }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
        .field { margin: 1rem 0; }
        label { display: block; font-weight: 600; }
        .help { display: block; font-size: 0.9rem; opacity: 0.8; }
        input[type=text], input[type=password], input[type=number], select, textarea { width: 100%; box-sizing: border-box; padding: 0.4rem; border: 1px solid GrayText; border-radius: 4px; }
        textarea { min-height: 4rem; }
        .required { color: #c01c28; }
        button { padding: 0.5rem 1rem; border-radius: 4px; border: 1px solid #1a5fb4; background: #1a5fb4; color: #fff; cursor: pointer; }
        .error { border: 2px solid #c01c28; padding: 0.5rem 1rem; border-radius: 4px; }
        .field-error { color: #c01c28; display: block; }
        .success { border: 2px solid #26a269; padding: 0.5rem 1rem; border-radius: 4px; }
        .muted { opacity: 0.8; font-size: 0.9rem; }
        """;

    private readonly StringBuilder _html = new();

    public ConnectPage(string title)
    {
        Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\"><title>").Append(E(title)).Append(" · Patchbay</title><style nonce=\"").Append(Nonce).Append("\">")
            .Append(Css).Append("</style></head><body><main><h1>").Append(E(title)).Append("</h1>");
    }

    /// <summary>The nonce the page's only style element carries; the CSP allows styles with it and nothing else.</summary>
    public string Nonce { get; }

    public ConnectPage Paragraph(string text, string? cssClass = null)
    {
        _html.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(E(text)).Append("</p>");
        return this;
    }

    /// <summary>An error in plain words, announced to screen readers.</summary>
    public ConnectPage Error(string text, IEnumerable<string>? details = null)
    {
        _html.Append("<div class=\"error\" role=\"alert\" id=\"error\"><p>").Append(E(text)).Append("</p>");
        string[] list = [.. details ?? []];
        if (list.Length > 0)
        {
            _html.Append("<ul>");
            foreach (string detail in list) _html.Append("<li>").Append(E(detail)).Append("</li>");
            _html.Append("</ul>");
        }

        _html.Append("</div>");
        return this;
    }

    public ConnectPage Success(string connectorName, string connectionId, string status)
    {
        _html.Append("<div class=\"success\" role=\"status\" id=\"result\"><p>").Append(E(connectorName)).Append(" is connected.</p><p>Status: <strong id=\"status\">")
            .Append(E(status)).Append("</strong></p><p class=\"muted\">Connection id: <code id=\"connection-id\">").Append(E(connectionId))
            .Append("</code></p><p>You can close this page and go back to the app.</p></div>");
        return this;
    }

    /// <summary>The connectors of the session, each a link to its form; the selected one is marked.</summary>
    public ConnectPage ConnectorList(IEnumerable<Connector> connectors, string token, string? selected)
    {
        _html.Append("<nav aria-label=\"Accounts you can connect\"><ul class=\"connectors\">");
        foreach (Connector connector in connectors)
        {
            string current = connector.Id == selected ? " aria-current=\"page\"" : string.Empty;
            _html.Append("<li><a href=\"connect?token=").Append(Uri.EscapeDataString(token)).Append("&amp;connector=").Append(Uri.EscapeDataString(connector.Id)).Append('"').Append(current)
                .Append('>').Append(E(connector.Manifest.DisplayName)).Append("</a>");
            if (!string.IsNullOrEmpty(connector.Manifest.Description)) _html.Append(" <span class=\"muted\">").Append(E(connector.Manifest.Description)).Append("</span>");
            _html.Append("</li>");
        }

        _html.Append("</ul></nav>");
        return this;
    }

    /// <summary>
    /// The custom-auth form of <paramref name="connector"/>: a labelled input per field (password inputs for secrets,
    /// selects for enums, one-a-line text areas for lists), required marks, help text, and any per-field errors.
    /// </summary>
    public ConnectPage CustomForm(Connector connector, IReadOnlyList<ConnectField> fields, string token, string formToken,
        IReadOnlyDictionary<string, string>? values = null, IReadOnlyDictionary<string, string>? fieldErrors = null)
    {
        string heading = connector.Manifest.Auth.Raw.ValueKind == System.Text.Json.JsonValueKind.Object ? ConnectorManifest.GetString(connector.Manifest.Auth.Raw, "title") ?? "Credentials" : "Credentials";
        _html.Append("<section aria-labelledby=\"form-title\"><h2 id=\"form-title\">Connect ").Append(E(connector.Manifest.DisplayName)).Append("</h2>")
            .Append("<form method=\"post\" action=\"connect\" id=\"connect-form\" autocomplete=\"off\">");
        Hidden("token", token).Hidden("form_token", formToken).Hidden("connector", connector.Id);
        _html.Append("<fieldset><legend>").Append(E(heading)).Append("</legend>");
        if (fields.Any(f => f.Required)) _html.Append("<p class=\"muted\">Fields marked <span class=\"required\" aria-hidden=\"true\">*</span> are required.</p>");
        foreach (ConnectField field in fields)
        {
            string id = "field-" + field.Name;
            string? value = field.Secret ? null : values is not null ? values.GetValueOrDefault(field.Name) : field.Default;
            string? error = fieldErrors?.GetValueOrDefault(field.Name);
            string describedBy = string.Join(' ', new[] { field.Help is null ? null : id + "-help", error is null ? null : id + "-error" }.Where(x => x is not null));
            string aria = (describedBy.Length > 0 ? $" aria-describedby=\"{describedBy}\"" : string.Empty) + (error is null ? string.Empty : " aria-invalid=\"true\"")
                + (field.Required ? " required aria-required=\"true\"" : string.Empty);
            _html.Append("<div class=\"field\">");
            if (field.Type == "boolean")
            {
                bool isChecked = (value ?? field.Default) == "true";
                _html.Append(CultureInfo.InvariantCulture, $"<label for=\"{E(id)}\"><input type=\"checkbox\" id=\"{E(id)}\" name=\"{E(field.InputName)}\" value=\"true\"{(isChecked ? " checked" : string.Empty)}{aria}> ")
                    .Append(E(field.Label)).Append("</label>");
            }
            else
            {
                _html.Append(CultureInfo.InvariantCulture, $"<label for=\"{E(id)}\">").Append(E(field.Label));
                if (field.Required) _html.Append(" <span class=\"required\" aria-hidden=\"true\">*</span>");
                _html.Append("</label>");
                if (field.Help is not null) _html.Append(CultureInfo.InvariantCulture, $"<span class=\"help\" id=\"{E(id)}-help\">").Append(E(field.Help)).Append(field.IsList ? " One a line." : string.Empty).Append("</span>");
                if (field.Choices is { } choices)
                {
                    _html.Append(CultureInfo.InvariantCulture, $"<select id=\"{E(id)}\" name=\"{E(field.InputName)}\"{aria}>");
                    if (!field.Required && field.Default is null) _html.Append("<option value=\"\">(not set)</option>");
                    foreach (string choice in choices)
                    {
                        _html.Append("<option value=\"").Append(E(choice)).Append('"').Append(choice == value ? " selected" : string.Empty).Append('>').Append(E(choice)).Append("</option>");
                    }

                    _html.Append("</select>");
                }
                else if (field.IsList || field.Type == "object")
                {
                    _html.Append(CultureInfo.InvariantCulture, $"<textarea id=\"{E(id)}\" name=\"{E(field.InputName)}\"{aria}>").Append(E(value ?? string.Empty)).Append("</textarea>");
                }
                else
                {
                    string type = field.Secret ? "password" : field.Type is "integer" or "number" ? "number" : "text";
                    string extra = field.Secret ? " autocomplete=\"new-password\"" : field.Type == "number" ? " step=\"any\"" : string.Empty;
                    _html.Append(CultureInfo.InvariantCulture, $"<input type=\"{type}\" id=\"{E(id)}\" name=\"{E(field.InputName)}\"{extra}{aria}");
                    if (value is not null) _html.Append(" value=\"").Append(E(value)).Append('"');
                    _html.Append('>');
                }
            }

            if (error is not null) _html.Append(CultureInfo.InvariantCulture, $"<span class=\"field-error\" id=\"{E(id)}-error\">").Append(E(field.Label + " " + error)).Append("</span>");
            _html.Append("</div>");
        }

        _html.Append("</fieldset><button type=\"submit\" id=\"connect-submit\">Connect ").Append(E(connector.Manifest.DisplayName)).Append("</button></form></section>");
        return this;
    }

    /// <summary>The "Connect with &lt;Provider&gt;" button: a form post that the page answers with a redirect to the provider.</summary>
    public ConnectPage OAuthButton(Connector connector, string providerName, string token, string formToken)
    {
        _html.Append("<section aria-labelledby=\"form-title\"><h2 id=\"form-title\">Connect ").Append(E(connector.Manifest.DisplayName)).Append("</h2>")
            .Append("<form method=\"post\" action=\"connect\" id=\"connect-form\">");
        Hidden("token", token).Hidden("form_token", formToken).Hidden("connector", connector.Id);
        _html.Append("<p>You will sign in at ").Append(E(providerName)).Append(" and come back here.</p><button type=\"submit\" id=\"connect-submit\">Connect with ")
            .Append(E(providerName)).Append("</button></form></section>");
        return this;
    }

    public ConnectPage ContinueLink(Uri target)
    {
        _html.Append("<p><a id=\"continue\" href=\"").Append(E(target.AbsoluteUri)).Append("\">Continue</a></p>");
        return this;
    }

    public override string ToString() => _html + "</main></body></html>";

    private ConnectPage Hidden(string name, string value)
    {
        _html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">");
        return this;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
