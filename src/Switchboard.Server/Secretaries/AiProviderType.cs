namespace Switchboard.Server.Secretaries;

public enum AiProviderType
{
    OpenAiRealtime,
    ElevenLabs,
    GeminiLive,

    /// <summary>Speech-to-text + LLM + text-to-speech pieces.</summary>
    Pipeline,

    /// <summary>Offline voice on this machine (espeak-ng, pocketsphinx); needs no account.</summary>
    Local,
}
