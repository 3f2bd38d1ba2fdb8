namespace Patchbay.Sdk;

/// <summary>Facts about the SDK build that results and logs carry.</summary>
public static class SdkInfo
{
    /// <summary>The SDK version written into every <c>IntegrationResult</c>.</summary>
    public static string Version { get; } =
        typeof(SdkInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
