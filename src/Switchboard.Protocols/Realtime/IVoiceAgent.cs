using System.Threading.Channels;

namespace Switchboard.Protocols.Realtime;

/// <summary>
/// One conversation with a voice-AI provider for one call: caller audio in, the agent's audio,
/// transcripts and tool calls out. Implementations speak their provider's wire protocol (OpenAI
/// Realtime, ElevenLabs Agents, Gemini Live, the STT → LLM → TTS pipeline, the local offline agent)
/// and convert audio to and from the call's format, so the call session never knows which it has.
/// </summary>
public interface IVoiceAgent : IAsyncDisposable
{
    /// <summary>Provider family for metrics and records: <c>openai</c>, <c>elevenlabs</c>, <c>gemini</c>, <c>pipeline</c>, <c>local</c>.</summary>
    string Provider { get; }

    /// <summary>Everything the agent tells the call, in order. Completes when the session ends.</summary>
    ChannelReader<VoiceAgentEvent> Events { get; }

    /// <summary>Opens the provider session and configures it; throws <see cref="VoiceAgentException"/> when it cannot.</summary>
    Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken);

    /// <summary>
    /// One 20 ms frame of the caller, PCM16 mono at <see cref="VoiceAgentSettings.CallSampleRate"/>. Called on the
    /// media receive path: must not block on the network and allocates nothing per frame.
    /// </summary>
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>What the caller typed (browser test call) or a DTMF-driven utterance, as a user turn.</summary>
    ValueTask SendTextAsync(string text, CancellationToken cancellationToken);

    /// <summary>Asks the agent to speak now (e.g. the greeting), with optional extra instructions.</summary>
    ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken);

    /// <summary>Returns a tool's result (JSON) for the call id of a <see cref="ToolCallRequested"/> event.</summary>
    ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken);

    /// <summary>
    /// Barge-in: the caller spoke over the agent. Cancels the response in progress and tells the provider
    /// how much of it the caller actually heard, so its memory of the conversation matches reality.
    /// </summary>
    ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken);
}

/// <summary>How the agent is set up for one call.</summary>
public sealed record VoiceAgentSettings
{
    /// <summary>System prompt.</summary>
    public required string Instructions { get; init; }

    public string Language { get; init; } = "pt-BR";

    public string? Voice { get; init; }

    public string? Model { get; init; }

    /// <summary>Provider endpoint; null = the provider's public one (tests point it at a fake).</summary>
    public Uri? Endpoint { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>Sample rate of the call's PCM16 audio, both directions (8000 for G.711 calls).</summary>
    public int CallSampleRate { get; init; } = 8000;

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Server-side voice activity detection: level threshold 0..1 (provider scale).</summary>
    public double VadThreshold { get; init; } = 0.5;

    public int VadSilenceMilliseconds { get; init; } = 500;

    public int VadPrefixMilliseconds { get; init; } = 300;

    /// <summary>Provider-specific settings (agent id, STT model, TTS voice, ...), as configured on the provider row.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}

/// <summary>A function the agent may call: name, description and JSON Schema of its parameters.</summary>
public sealed record ToolDefinition(string Name, string Description, string ParametersJsonSchema);

/// <summary>Base of everything an agent reports.</summary>
public abstract record VoiceAgentEvent;

/// <summary>Agent audio for the caller: PCM16 mono at the call rate. The receiver owns <paramref name="Pcm"/>.</summary>
public sealed record AgentAudio(byte[] Pcm, int Length, string? ResponseId) : VoiceAgentEvent;

/// <summary>The provider's VAD heard the caller start (barge-in trigger) or stop speaking.</summary>
public sealed record CallerSpeech(bool Started) : VoiceAgentEvent;

/// <summary>A transcript of either side; <paramref name="Final"/> once the turn's text is settled.</summary>
public sealed record Transcript(TranscriptSpeaker Speaker, string Text, bool Final) : VoiceAgentEvent;

public enum TranscriptSpeaker
{
    Caller,
    Agent,
}

/// <summary>The agent wants a tool run; answer with <see cref="IVoiceAgent.SendToolResultAsync"/>.</summary>
public sealed record ToolCallRequested(string CallId, string Name, string ArgumentsJson) : VoiceAgentEvent;

/// <summary>A response finished (completed, cancelled or failed), with the usage the provider reported.</summary>
public sealed record ResponseFinished(string? ResponseId, string Status, VoiceAgentUsage? Usage) : VoiceAgentEvent;

/// <summary>Tokens and audio seconds the provider counted, for cost records.</summary>
public sealed record VoiceAgentUsage(long InputTokens, long OutputTokens, long InputAudioTokens, long OutputAudioTokens);

/// <summary>The provider reported an error; <paramref name="Fatal"/> when the session cannot go on.</summary>
public sealed record AgentError(string Code, string Message, bool Fatal) : VoiceAgentEvent;

/// <summary>The provider will end the session soon (e.g. Gemini <c>goAway</c>); the agent may resume on its own.</summary>
public sealed record SessionEnding(TimeSpan TimeLeft) : VoiceAgentEvent;

/// <summary>A provider failure: connect refused or timed out, authentication, protocol violation.</summary>
public sealed class VoiceAgentException : Exception
{
    public VoiceAgentException()
    {
    }

    public VoiceAgentException(string message)
        : base(message)
    {
    }

    public VoiceAgentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
