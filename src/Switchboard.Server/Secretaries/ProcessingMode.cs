namespace Switchboard.Server.Secretaries;

/// <summary>How a secretary talks to callers.</summary>
public enum ProcessingMode
{
    /// <summary>Speech-to-speech provider (OpenAI Realtime, ElevenLabs, Gemini Live).</summary>
    Realtime,

    /// <summary>Turn by turn: speech-to-text, LLM, text-to-speech.</summary>
    TurnBased,

    /// <summary>Realtime when the provider is available and within budget, turn-based otherwise.</summary>
    Auto,
}
