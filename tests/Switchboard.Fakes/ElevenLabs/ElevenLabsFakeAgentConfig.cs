namespace Switchboard.Fakes.ElevenLabs;

/// <summary>How the fake ElevenLabs agent is configured (what the real one holds in its agent settings, ai-providers.md §2.2).</summary>
public sealed class ElevenLabsFakeAgentConfig
{
    public string AgentId { get; set; } = "agent_fake_secretary";

    /// <summary>The API key the signed-URL endpoint accepts in <c>xi-api-key</c>.</summary>
    public string ApiKey { get; set; } = "xi-fake-key";

    /// <summary>Private agent (authentication enabled): the socket needs a signed URL (§2.1).</summary>
    public bool RequiresAuth { get; set; }

    /// <summary><c>conversation_config.asr.user_input_audio_format</c>.</summary>
    public string InputFormat { get; set; } = "ulaw_8000";

    /// <summary><c>conversation_config.tts.agent_output_audio_format</c>.</summary>
    public string OutputFormat { get; set; } = "ulaw_8000";

    /// <summary><c>platform_settings.overrides...agent.prompt.prompt</c> (§2.2).</summary>
    public bool AllowPromptOverride { get; set; } = true;

    public bool AllowFirstMessageOverride { get; set; } = true;

    public bool AllowLanguageOverride { get; set; } = true;

    public bool AllowVoiceOverride { get; set; } = true;

    /// <summary>Variables used by the prompt; missing ones close with <c>missing_dynamic_variable</c> (§2.3).</summary>
    public ISet<string> RequiredDynamicVariables { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The reference calls the initiation message optional but recommended (§2.3); the fake holds clients to the
    /// recommended form and closes 1008 <c>invalid_message</c> when anything else comes first.
    /// </summary>
    public bool RequireInitiationFirst { get; set; } = true;

    /// <summary>False: the fake accepts the initiation but never answers with <c>conversation_initiation_metadata</c> (a hung service).</summary>
    public bool SendInitiationMetadata { get; set; } = true;

    /// <summary>Period of server pings; zero = only the pings a test sends.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.Zero;

    /// <summary><c>ping_ms</c> put in pings sent on <see cref="PingInterval"/>; null is allowed by the schema (§2.4).</summary>
    public int? PingMs { get; set; } = 20;

    /// <summary>An unanswered ping closes the socket after this long (§6 G12: missed pings close it).</summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>No client message for this long closes 1002 <c>transport_receive_timeout</c> (§2.6: 60 s).</summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
