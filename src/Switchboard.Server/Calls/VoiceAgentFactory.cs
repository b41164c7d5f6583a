using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.ElevenLabs;
using Switchboard.Protocols.Realtime.Gemini;
using Switchboard.Protocols.Realtime.Local;
using Switchboard.Protocols.Realtime.OpenAi;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Server.Observability;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Announcements;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Calls;

/// <summary>
/// Chooses who talks to a call from the secretary's configuration. The secretary's provider and its fallback
/// provider become <see cref="AgentPlan"/>s in the order its processing mode gives (a provider over its monthly
/// budget is skipped), served through one <see cref="VoiceAgentBridge"/>; the built-in agent is the last resort.
/// Provider settings are the provider row's JSON (<c>endpoint</c>, <c>model</c>, <c>voice</c>, other keys passed
/// through as options); the API key is its encrypted secret <c>api_key</c>.
/// </summary>
public sealed partial class VoiceAgentFactory(
    SecretaryConfigCache configs,
    ProviderSecrets secrets,
    PhrasePlayer phrases,
    SpeechVoices voices,
    CallToolDispatcher tools,
    IOptions<CallsOptions> callOptions,
    IOptions<TransferExecutionOptions> transferOptions,
    SwitchboardMetrics metrics,
    ILoggerFactory loggers,
    TimeProvider time) : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<CallAgentSetup> CreateAsync(Guid tenantId, StreamMetadata metadata, CancellationToken cancellationToken)
    {
        var fallback = new GreetingEchoAgent(metadata.SampleRate);
        if (metadata.SecretaryId is not { } secretaryId)
        {
            return new CallAgentSetup(fallback, null, ProcessingMode.Auto, null, []);
        }

        if (await configs.GetAsync(tenantId, secretaryId, cancellationToken) is not { } snapshot)
        {
            return new CallAgentSetup(fallback, null, ProcessingMode.Auto, null, []);
        }

        Secretary secretary = snapshot.Secretary;
        if (callOptions.Value.EchoTest && secretary.Provider is { Type: AiProviderType.Local })
        {
            return new CallAgentSetup(fallback, secretary, ProcessingMode.TurnBased, AiProviderType.Local, []);
        }

        Tenant? tenant = snapshot.Tenant;
        IReadOnlyList<TransferDestination> destinations = snapshot.Destinations;

        var skipped = new List<(string Label, string Reason)>();
        var plans = new List<AgentPlan>();
        foreach (AiProvider? provider in Ordered(secretary))
        {
            if (provider is not { Enabled: true })
            {
                continue;
            }

            if (provider.Type == AiProviderType.Local)
            {
                continue;
            }

            decimal spent = provider.BudgetMonthlyUsd is null ? 0 : await configs.SpentAsync(tenantId, provider.Id, cancellationToken);
            if (provider.BudgetMonthlyUsd is { } budget && spent >= budget)
            {
                skipped.Add((ConversationRecorder.Label(ModeOf(provider.Type), provider.Type), "over_budget"));
                continue;
            }

            AgentPlan? plan = Plan(secretary, tenant, destinations, provider, metadata);
            if (plan is not null)
            {
                plans.Add(plan with { SpentAtStart = spent });
            }
        }

        // The local offline agent is always the last plan: menu, typed text, take a message. Never silence.
        plans.Add(LocalPlan(secretary, tenant, destinations, metadata));

        string? greeting = string.IsNullOrWhiteSpace(secretary.Greeting) ? null : $"Greet the caller with exactly: {secretary.Greeting}";
        var limits = new BridgeLimits(TimeSpan.FromMilliseconds(secretary.VadMinSpeechMs), TimeSpan.FromSeconds(secretary.IdleTimeoutSeconds));
        var bridge = new VoiceAgentBridge(plans, greeting, fallback, tools.RunAsync, phrases.SpeakAsync, limits, metrics, time, loggers.CreateLogger<VoiceAgentBridge>())
        {
            KeywordTransfer = secretary.Tools.Contains(Tools.ToolNames.TransferCall) ? tools.KeywordTransferAsync : null,
        };
        return new CallAgentSetup(bridge, secretary, plans[0].Mode, plans[0].Provider?.Type, skipped);
    }

    /// <summary>
    /// The agent that announces a call to the human of an announced transfer, on the human's leg: the caller's secretary's
    /// AI providers (in its processing-mode order, within budget) with the announcer's instructions and its two tools;
    /// the spoken announcement (eSpeak NG) when none can serve, and as the last resort when they fail. Keys decide either way.
    /// </summary>
    public async Task<ICallAgent> CreateAnnouncerAsync(Guid tenantId, StreamMetadata metadata, PendingAnnouncement pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(pending);
        TransferExecutionOptions keys = transferOptions.Value;
        var spoken = new SpokenAnnouncementAgent(pending.SpokenText, voices.For, time);
        var plans = new List<AgentPlan>();
        SecretarySnapshot? snapshot = pending.SecretaryId is { } secretaryId ? await configs.GetAsync(tenantId, secretaryId, cancellationToken) : null;
        if (snapshot is not null && !(callOptions.Value.EchoTest && snapshot.Secretary.Provider is { Type: AiProviderType.Local }))
        {
            var brief = new AgentBrief(pending.Instructions, AnnouncerAgent.Tools);
            foreach (AiProvider? provider in Ordered(snapshot.Secretary))
            {
                if (provider is not { Enabled: true } || provider.Type == AiProviderType.Local)
                {
                    continue;
                }

                decimal spent = provider.BudgetMonthlyUsd is null ? 0 : await configs.SpentAsync(tenantId, provider.Id, cancellationToken);
                if (provider.BudgetMonthlyUsd is { } budget && spent >= budget)
                {
                    continue;
                }

                if (Plan(snapshot.Secretary, snapshot.Tenant, snapshot.Destinations, provider, metadata, brief) is { } plan)
                {
                    plans.Add(plan with { SpentAtStart = spent });
                }
            }
        }

        if (plans.Count == 0)
        {
            return new AnnouncerAgent(spoken, pending, keys.AcceptDigit, keys.RefuseDigit);
        }

        var limits = new BridgeLimits(TimeSpan.FromMilliseconds(snapshot!.Secretary.VadMinSpeechMs), TimeSpan.Zero);
        var bridge = new VoiceAgentBridge(
            plans,
            "Announce the call now, then wait for the colleague's answer.",
            spoken,
            (_, call, _) => AnnouncerAgent.RunToolAsync(pending, call),
            phrases.SpeakAsync,
            limits,
            metrics,
            time,
            loggers.CreateLogger<VoiceAgentBridge>());
        return new AnnouncerAgent(bridge, pending, keys.AcceptDigit, keys.RefuseDigit);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The offline agent: greets, reads a menu of the secretary's destinations (keys 1–8, 9 leaves a message),
    /// understands typed text by keywords, and takes messages; speaks with eSpeak NG.
    /// </summary>
    private AgentPlan LocalPlan(Secretary secretary, Tenant? tenant, IReadOnlyList<TransferDestination> destinations, StreamMetadata metadata)
    {
        var menu = new List<LocalMenuEntry>();
        char digit = '1';
        foreach (TransferDestination destination in destinations)
        {
            if (digit > '8')
            {
                break;
            }

            List<string> keywords = [.. destination.Aliases];
            if (!string.IsNullOrWhiteSpace(destination.Department))
            {
                keywords.Add(destination.Department);
            }

            if (!string.IsNullOrWhiteSpace(destination.Role))
            {
                keywords.Add(destination.Role);
            }

            menu.Add(new LocalMenuEntry(digit++, destination.Name, keywords));
        }

        var script = new LocalAgentScript
        {
            Language = LocalPhrases.For(secretary.Language) is null ? "pt-BR" : secretary.Language,
            CompanyName = tenant?.DisplayName ?? "",
            Greeting = string.IsNullOrWhiteSpace(secretary.Greeting) ? null : secretary.Greeting,
            Menu = menu,
        };
        var options = new LocalAgentOptions
        {
            IdleTimeout = TimeSpan.FromSeconds(Math.Clamp(secretary.IdleTimeoutSeconds, 5, 120)),
            VadMinSpeech = TimeSpan.FromMilliseconds(secretary.VadMinSpeechMs),
        };
        var settings = new VoiceAgentSettings
        {
            Instructions = secretary.Prompt,
            Language = script.Language,
            CallSampleRate = metadata.SampleRate,
        };
        AiProvider? local = secretary.Provider is { Type: AiProviderType.Local } own ? own : secretary.FallbackProvider is { Type: AiProviderType.Local } second ? second : null;
        return new AgentPlan(
            ProcessingMode.TurnBased,
            local,
            () => new LocalAgent(script, voices.For(script.Language, metadata.SampleRate), time, loggers.CreateLogger<LocalAgent>(), options),
            settings,
            ConnectTimeout);
    }

    /// <summary>The secretary's providers in the order its processing mode tries them.</summary>
    private static IEnumerable<AiProvider?> Ordered(Secretary secretary)
    {
        AiProvider? main = secretary.Provider;
        AiProvider? second = secretary.FallbackProvider;
        bool mainIsRealtime = main is not null && ModeOf(main.Type) == ProcessingMode.Realtime;
        return secretary.ProcessingMode switch
        {
            // Turn by turn first: a realtime provider only serves as the fallback.
            ProcessingMode.TurnBased when mainIsRealtime && second is not null => [second, main],
            _ => [main, second],
        };
    }

    private static ProcessingMode ModeOf(AiProviderType type) =>
        type is AiProviderType.Pipeline or AiProviderType.Local ? ProcessingMode.TurnBased : ProcessingMode.Realtime;

    // The system prompt (1–3 KB) and tool definitions depend on the configuration snapshot only, so calls share them:
    // keyed by the snapshot's Secretary instance, replaced when the cache reloads the configuration.
    private readonly ConditionalWeakTable<Secretary, AgentBrief> _sharedTexts = [];

    private AgentBrief SharedTextsFor(Secretary secretary, Tenant? tenant, IReadOnlyList<TransferDestination> destinations) =>
        _sharedTexts.GetValue(secretary, s => new AgentBrief(
            tenant is null
                ? (string.IsNullOrWhiteSpace(s.Persona) ? s.Prompt : s.Prompt + "\n\n" + s.Persona)
                : SystemPromptBuilder.Build(tenant, s, destinations),
            tools.DefinitionsFor(s.Tools, s.Language)));

    /// <summary>Instructions and tools that replace the secretary's (the announcer's session).</summary>
    private sealed record AgentBrief(string Instructions, IReadOnlyList<ToolDefinition> Tools);

    private AgentPlan? Plan(
        Secretary secretary, Tenant? tenant, IReadOnlyList<TransferDestination> destinations, AiProvider provider, StreamMetadata metadata, AgentBrief? brief = null)
    {
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
            // A provider row an operator got wrong must not cost the call its voice: the next plan answers.
            Log.BadProviderSettings(loggers.CreateLogger<VoiceAgentFactory>(), provider.Id, metadata.CallUuid, ex);
            return null;
        }

        if (secretary.VadMinSpeechMs > 0 && provider.Type == AiProviderType.OpenAiRealtime)
        {
            // The call decides barge-in after the minimum speech (a cough is not one): the server must not cancel on its own.
            options.TryAdd("interrupt_response", "false");
        }

        Dictionary<string, string> keys = string.IsNullOrEmpty(provider.ProtectedSecrets) ? [] : secrets.Unprotect(provider.ProtectedSecrets);
        var settings = new VoiceAgentSettings
        {
            Instructions = brief?.Instructions ?? SharedTextsFor(secretary, tenant, destinations).Instructions,
            Language = secretary.Language,
            Voice = secretary.Voice ?? options.GetValueOrDefault("voice"),
            Model = options.GetValueOrDefault("model"),
            Endpoint = endpointUri,
            ApiKey = keys.GetValueOrDefault("api_key"),
            CallSampleRate = metadata.SampleRate,
            VadThreshold = secretary.VadThreshold,
            VadSilenceMilliseconds = secretary.VadSilenceMs,
            Options = options,
            Tools = brief?.Tools ?? SharedTextsFor(secretary, tenant, destinations).Tools,
        };

        Func<IVoiceAgent>? create = provider.Type switch
        {
            AiProviderType.OpenAiRealtime => () => new OpenAiRealtimeAgent(loggers.CreateLogger<OpenAiRealtimeAgent>(), time),
            AiProviderType.GeminiLive => () => new GeminiLiveAgent(loggers.CreateLogger<GeminiLiveAgent>(), time),
            AiProviderType.ElevenLabs => () => new ElevenLabsAgent(httpClient: null, time, loggers.CreateLogger<ElevenLabsAgent>()),
            AiProviderType.Pipeline => () => CreatePipeline(settings, options, keys),
            _ => null,
        };
        return create is null ? null : new AgentPlan(ModeOf(provider.Type), provider, create, settings, ConnectTimeout);
    }

    /// <summary>
    /// STT → LLM → TTS from the provider row: <c>stt_endpoint</c>/<c>stt_model</c> with secret <c>stt_api_key</c>
    /// (Deepgram), <c>llm_base_url</c>/<c>model</c> with secret <c>api_key</c> (any OpenAI-compatible server),
    /// <c>tts</c> = openai | elevenlabs | piper with <c>tts_base_url</c>/<c>tts_voice</c>/<c>tts_model</c> and secret
    /// <c>tts_api_key</c>.
    /// </summary>
    private PipelineAgent CreatePipeline(VoiceAgentSettings settings, Dictionary<string, string> options, Dictionary<string, string> keys)
    {
        var stt = new DeepgramOptions
        {
            Endpoint = options.TryGetValue("stt_endpoint", out string? sttEndpoint) ? new Uri(sttEndpoint) : DeepgramOptions.PublicEndpoint,
            ApiKey = keys.GetValueOrDefault("stt_api_key") ?? "",
            Model = options.GetValueOrDefault("stt_model") ?? "nova-3",
            Language = options.GetValueOrDefault("stt_language") ?? settings.Language,
            SampleRate = settings.CallSampleRate,
            EndpointingMilliseconds = settings.VadSilenceMilliseconds,
        };
        var chat = new ChatCompletionsClient(_http, new ChatCompletionsOptions
        {
            BaseUrl = options.TryGetValue("llm_base_url", out string? llm) ? new Uri(llm) : ChatCompletionsOptions.OpenAiBaseUrl,
            ApiKey = keys.GetValueOrDefault("api_key"),
            Model = settings.Model ?? "gpt-4o-mini",
        });
        Uri? ttsBase = options.TryGetValue("tts_base_url", out string? ttsUrl) ? new Uri(ttsUrl) : null;
        string ttsKey = keys.GetValueOrDefault("tts_api_key") ?? keys.GetValueOrDefault("api_key") ?? "";
        ITextToSpeech tts = options.GetValueOrDefault("tts") switch
        {
            "elevenlabs" => new ElevenLabsTextToSpeech(_http, new ElevenLabsTtsOptions
            {
                BaseUrl = ttsBase ?? new Uri("https://api.elevenlabs.io/v1/"),
                ApiKey = ttsKey,
                VoiceId = options.GetValueOrDefault("tts_voice") ?? "",
                Model = options.GetValueOrDefault("tts_model") ?? "eleven_flash_v2_5",
            }, settings.CallSampleRate),
            "piper" => new PiperTextToSpeech(_http, new PiperTtsOptions
            {
                BaseUrl = ttsBase ?? new Uri("http://localhost:5000/"),
                Voice = options.GetValueOrDefault("tts_voice"),
            }, settings.CallSampleRate),
            _ => new OpenAiTextToSpeech(_http, new OpenAiTtsOptions
            {
                BaseUrl = ttsBase ?? ChatCompletionsOptions.OpenAiBaseUrl,
                ApiKey = ttsKey,
                Model = options.GetValueOrDefault("tts_model") ?? "gpt-4o-mini-tts",
                Voice = options.GetValueOrDefault("tts_voice") ?? settings.Voice ?? "marin",
            }, settings.CallSampleRate),
        };
        return new PipelineAgent(stt, chat, tts, time);
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
        [LoggerMessage(2041, LogLevel.Error, "Provider {ProviderId} has unusable settings; call {CallId} goes on without it")]
        public static partial void BadProviderSettings(ILogger logger, Guid providerId, string callId, Exception exception);
    }
}

/// <summary>Who serves a call, and what the conversation record starts with.</summary>
/// <param name="Agent">Talks to the caller.</param>
/// <param name="Secretary">The secretary of the extension called, if enabled.</param>
/// <param name="Mode">Mode of the first plan.</param>
/// <param name="Provider">Provider of the first plan (null: built-in agent).</param>
/// <param name="Skipped">Providers passed over before the call started (e.g. over budget), with why.</param>
public sealed record CallAgentSetup(
    ICallAgent Agent,
    Secretary? Secretary,
    ProcessingMode Mode,
    AiProviderType? Provider,
    IReadOnlyList<(string Label, string Reason)> Skipped);
