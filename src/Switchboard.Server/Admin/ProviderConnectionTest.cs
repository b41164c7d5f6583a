using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Server.Secretaries;

namespace Switchboard.Server.Admin;

/// <summary>What "Test connection" found: whether it worked and what to tell the operator.</summary>
public sealed record ProviderTestResult(bool Succeeded, string Detail);

/// <summary>
/// "Test connection" of a provider: one authenticated read against the configured endpoint (the model list of
/// OpenAI and Gemini, the user of ElevenLabs); the Local provider checks for eSpeak NG. Scoped.
/// </summary>
public sealed class ProviderConnectionTest
{
    public const string HttpClientName = "provider-test";

    private readonly IHttpClientFactory _http;
    private readonly ProviderSecrets _secrets;

    public ProviderConnectionTest(IHttpClientFactory http, ProviderSecrets secrets)
    {
        _http = http;
        _secrets = secrets;
    }

    /// <summary>The default endpoint of a provider type (settings key <c>endpoint</c> overrides it).</summary>
    public static string DefaultEndpoint(AiProviderType type) => type switch
    {
        AiProviderType.OpenAiRealtime or AiProviderType.Pipeline => "https://api.openai.com",
        AiProviderType.ElevenLabs => "https://api.elevenlabs.io",
        AiProviderType.GeminiLive => "https://generativelanguage.googleapis.com",
        _ => "",
    };

    public async Task<ProviderTestResult> RunAsync(AiProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.Type == AiProviderType.Local)
        {
            bool espeak = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "espeak-ng"))) == true;
            return espeak
                ? new ProviderTestResult(true, "espeak-ng found: the offline voice works.")
                : new ProviderTestResult(false, "espeak-ng is not installed on this machine (apt-get install espeak-ng).");
        }

        string endpoint = (provider.Type == AiProviderType.Pipeline ? Setting(provider.Settings, "llm_base_url") : Setting(provider.Settings, "endpoint"))
            ?? DefaultEndpoint(provider.Type);
        if (endpoint.StartsWith("ws", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = "http" + endpoint[2..];
        }

        Dictionary<string, string> secrets;
        try
        {
            secrets = _secrets.Unprotect(provider.ProtectedSecrets);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new ProviderTestResult(false, "The stored secret cannot be decrypted with this server's keys; enter it again.");
        }

        string? key = secrets.GetValueOrDefault("api_key");
        if (string.IsNullOrEmpty(key))
        {
            return new ProviderTestResult(false, "No API key is set.");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            return new ProviderTestResult(false, $"The endpoint '{endpoint}' is not an http(s) URL.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, provider.Type switch
        {
            AiProviderType.ElevenLabs => new Uri(baseUri, "/v1/user"),
            AiProviderType.GeminiLive => new Uri(baseUri, "/v1beta/models"),
            AiProviderType.Pipeline when baseUri.AbsolutePath.Length > 1 => new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/models"),
            _ => new Uri(baseUri, "/v1/models"),
        });
        switch (provider.Type)
        {
            case AiProviderType.ElevenLabs:
                request.Headers.Add("xi-api-key", key);
                break;
            case AiProviderType.GeminiLive:
                request.Headers.Add("x-goog-api-key", key);
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                break;
        }

        try
        {
            HttpClient client = _http.CreateClient(HttpClientName);
            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);
            int status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new ProviderTestResult(true, $"Connected to {request.RequestUri!.GetLeftPart(UriPartial.Authority)}: HTTP {status}, the key is accepted.")
                : new ProviderTestResult(false, status is 401 or 403
                    ? $"{request.RequestUri!.GetLeftPart(UriPartial.Authority)} refused the key: HTTP {status}."
                    : $"{request.RequestUri!.GetLeftPart(UriPartial.Authority)} answered HTTP {status} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException ex)
        {
            return new ProviderTestResult(false, $"Cannot reach {baseUri.GetLeftPart(UriPartial.Authority)}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProviderTestResult(false, $"{baseUri.GetLeftPart(UriPartial.Authority)} did not answer within 10 seconds.");
        }
    }

    /// <summary>A string value of the provider's settings JSON object, or null.</summary>
    public static string? Setting(string settingsJson, string name)
    {
        try
        {
            using JsonDocument settings = JsonDocument.Parse(string.IsNullOrWhiteSpace(settingsJson) ? "{}" : settingsJson);
            return settings.RootElement.ValueKind == JsonValueKind.Object && settings.RootElement.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
