using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.ElevenLabs;
using Switchboard.Protocols.Realtime.Gemini;
using Switchboard.Protocols.Realtime.OpenAi;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

/// <summary>
/// Chooses who talks to a call from the secretary's configuration: its provider's voice agent when one
/// is configured and enabled, otherwise the built-in greeting/echo agent. Provider settings are the
/// provider row's JSON (<c>endpoint</c>, <c>model</c>, <c>voice</c>, other keys passed through as options);
/// the API key is its encrypted secret <c>api_key</c>.
/// </summary>
public sealed partial class VoiceAgentFactory(
    IServiceScopeFactory scopes,
    ProviderSecrets secrets,
    ILoggerFactory loggers,
    TimeProvider time)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task<ICallAgent> CreateAsync(Guid tenantId, StreamMetadata metadata, CancellationToken cancellationToken)
    {
        var fallback = new GreetingEchoAgent(metadata.SampleRate);
        if (metadata.SecretaryId is not { } secretaryId)
        {
            return fallback;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Secretary? secretary = await db.Secretaries.AsNoTracking()
            .Include(s => s.Provider)
            .FirstOrDefaultAsync(s => s.Id == secretaryId && s.Enabled, cancellationToken);
        AiProvider? provider = secretary?.Provider;
        if (secretary is null || provider is not { Enabled: true })
        {
            return fallback;
        }

        IVoiceAgent? agent = provider.Type switch
        {
            AiProviderType.OpenAiRealtime => new OpenAiRealtimeAgent(loggers.CreateLogger<OpenAiRealtimeAgent>(), time),
            AiProviderType.GeminiLive => new GeminiLiveAgent(loggers.CreateLogger<GeminiLiveAgent>(), time),
            AiProviderType.ElevenLabs => new ElevenLabsAgent(httpClient: null, time, loggers.CreateLogger<ElevenLabsAgent>()),
            _ => null,
        };
        if (agent is null)
        {
            return fallback;
        }

        Dictionary<string, string> options;
        Uri? endpointUri = null;
        try
        {
            options = ReadSettings(provider.Settings);
            if (options.TryGetValue("endpoint", out string? endpoint))
            {
                endpointUri = new Uri(endpoint, UriKind.Absolute);
            }
        }
        catch (Exception ex) when (ex is JsonException or UriFormatException)
        {
            // A provider row an operator got wrong must not cost the call its voice: the built-in agent answers.
            Log.BadProviderSettings(loggers.CreateLogger<VoiceAgentFactory>(), provider.Id, metadata.CallUuid, ex);
            await agent.DisposeAsync();
            return fallback;
        }

        Dictionary<string, string> keys = string.IsNullOrEmpty(provider.ProtectedSecrets) ? [] : secrets.Unprotect(provider.ProtectedSecrets);
        var settings = new VoiceAgentSettings
        {
            Instructions = string.IsNullOrWhiteSpace(secretary.Persona) ? secretary.Prompt : secretary.Prompt + "\n\n" + secretary.Persona,
            Language = secretary.Language,
            Voice = secretary.Voice ?? options.GetValueOrDefault("voice"),
            Model = options.GetValueOrDefault("model"),
            Endpoint = endpointUri,
            ApiKey = keys.GetValueOrDefault("api_key"),
            CallSampleRate = metadata.SampleRate,
            VadThreshold = secretary.VadThreshold,
            VadSilenceMilliseconds = secretary.VadSilenceMs,
            Options = options,
        };
        string? greeting = string.IsNullOrWhiteSpace(secretary.Greeting) ? null : $"Greet the caller with exactly: {secretary.Greeting}";
        return new VoiceAgentBridge(agent, settings, greeting, ConnectTimeout, fallback, time, loggers.CreateLogger<VoiceAgentBridge>());
    }

    private static Dictionary<string, string> ReadSettings(string json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return values;
        }

        using JsonDocument document = JsonDocument.Parse(json);
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return values;
    }

    private static partial class Log
    {
        [LoggerMessage(2041, LogLevel.Error, "Provider {ProviderId} has unusable settings; call {CallId} uses the built-in agent")]
        public static partial void BadProviderSettings(ILogger logger, Guid providerId, string callId, Exception exception);
    }
}
