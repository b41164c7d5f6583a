using System.Collections.Concurrent;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Server.Calls;

/// <summary>eSpeak NG voices per language and call rate, shared by all calls so rendered phrases are reused.</summary>
public sealed class SpeechVoices
{
    private readonly ConcurrentDictionary<(string Language, int Rate), EspeakTextToSpeech> _voices = new();

    public EspeakTextToSpeech For(string language, int sampleRate) =>
        _voices.GetOrAdd((language, sampleRate), key => new EspeakTextToSpeech(new EspeakTtsOptions(), key.Language, key.Rate));
}
