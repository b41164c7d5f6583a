using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>ElevenLabs HTTP streaming TTS settings (reference §4.3).</summary>
public sealed record ElevenLabsTtsOptions
{
    public Uri BaseUrl { get; init; } = new("https://api.elevenlabs.io/v1/");

    /// <summary>Sent as <c>xi-api-key</c>.</summary>
    public required string ApiKey { get; init; }

    public required string VoiceId { get; init; }

    public string Model { get; init; } = "eleven_flash_v2_5";

    /// <summary>ISO language code (<c>de</c>, <c>pt</c>); null lets the model detect it.</summary>
    public string? LanguageCode { get; init; }
}

/// <summary>
/// ElevenLabs <c>POST /v1/text-to-speech/{voice}/stream</c>: <c>ulaw_8000</c> for 8 kHz calls (decoded to PCM16, no
/// resampling), <c>pcm_16000</c>/<c>pcm_24000</c>/<c>pcm_48000</c> at the other call rates.
/// </summary>
public sealed class ElevenLabsTextToSpeech : ITextToSpeech
{
    private readonly HttpClient _http;
    private readonly ElevenLabsTtsOptions _options;

    public ElevenLabsTextToSpeech(HttpClient http, ElevenLabsTtsOptions options, int callSampleRate)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        OutputFormat = callSampleRate switch
        {
            8000 => "ulaw_8000",
            16000 or 24000 or 48000 => "pcm_" + callSampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(callSampleRate), callSampleRate, "The call rate must be 8, 16, 24 or 48 kHz."),
        };
        _http = http;
        _options = options;
        OutputSampleRate = callSampleRate;
    }

    public int OutputSampleRate { get; }

    /// <summary>The <c>output_format</c> requested for the call rate.</summary>
    public string OutputFormat { get; }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var uri = new Uri(_options.BaseUrl, $"text-to-speech/{Uri.EscapeDataString(_options.VoiceId)}/stream?output_format={OutputFormat}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Add("xi-api-key", _options.ApiKey);
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteString("model_id", _options.Model);
            if (_options.LanguageCode is not null)
            {
                json.WriteString("language_code", _options.LanguageCode);
            }

            json.WriteEndObject();
        }

        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw TtsAudioStream.Error("ElevenLabs TTS", (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (ReadOnlyMemory<byte> chunk in TtsAudioStream.ConvertAsync(stream, OutputSampleRate == 8000, OutputSampleRate, OutputSampleRate, cancellationToken))
        {
            yield return chunk;
        }
    }
}
