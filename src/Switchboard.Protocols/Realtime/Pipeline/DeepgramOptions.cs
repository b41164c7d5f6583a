namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>Settings of one Deepgram streaming transcription (<c>/v1/listen</c>, reference §4.1).</summary>
public sealed record DeepgramOptions
{
    public static readonly Uri PublicEndpoint = new("wss://api.deepgram.com/v1/listen");

    /// <summary>The <c>/v1/listen</c> WebSocket address; tests point it at a fake.</summary>
    public Uri Endpoint { get; init; } = PublicEndpoint;

    /// <summary>Sent as <c>Authorization: Token &lt;key&gt;</c>.</summary>
    public required string ApiKey { get; init; }

    public string Model { get; init; } = "nova-3";

    /// <summary>BCP-47 language (<c>de</c>, <c>pt-BR</c>); null lets the model default.</summary>
    public string? Language { get; init; }

    /// <summary>
    /// Rate of the PCM16 frames given to <see cref="DeepgramStreamingClient.SendAudioAsync"/>. At 8000 the client
    /// sends G.711 µ-law (<c>encoding=mulaw</c>, half the bytes, what the phone line carries); otherwise <c>linear16</c>.
    /// </summary>
    public int SampleRate { get; init; } = 8000;

    public bool InterimResults { get; init; } = true;

    /// <summary>Silence that finalises a segment with <c>speech_final</c>; 300–500 ms suits conversations (§4.1, G7).</summary>
    public int EndpointingMilliseconds { get; init; } = 300;

    /// <summary><c>UtteranceEnd</c> after this gap following the last final word; 0 = not requested. Needs interim results.</summary>
    public int UtteranceEndMilliseconds { get; init; } = 1000;

    /// <summary><c>vad_events=true</c>: <c>SpeechStarted</c> for barge-in.</summary>
    public bool VadEvents { get; init; } = true;

    public bool SmartFormat { get; init; } = true;

    /// <summary>Send <c>{"type":"KeepAlive"}</c> when no audio went out for this long (Deepgram closes after 10 s, G19).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Largest JSON message accepted from the server.</summary>
    public int MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>The encoding the client sends for <see cref="SampleRate"/>.</summary>
    public string Encoding => SampleRate == 8000 ? "mulaw" : "linear16";

    /// <summary>The connect address with every query parameter.</summary>
    public Uri BuildUri()
    {
        var query = new System.Text.StringBuilder();
        void Add(string name, string value)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add("model", Model);
        if (Language is not null)
        {
            Add("language", Language);
        }

        Add("encoding", Encoding);
        Add("sample_rate", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("channels", "1");
        Add("interim_results", InterimResults ? "true" : "false");
        Add("endpointing", EndpointingMilliseconds > 0 ? EndpointingMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : "false");
        if (UtteranceEndMilliseconds > 0)
        {
            Add("utterance_end_ms", UtteranceEndMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Add("vad_events", VadEvents ? "true" : "false");
        Add("smart_format", SmartFormat ? "true" : "false");
        return new UriBuilder(Endpoint) { Query = query.ToString(1, query.Length - 1) }.Uri;
    }
}
