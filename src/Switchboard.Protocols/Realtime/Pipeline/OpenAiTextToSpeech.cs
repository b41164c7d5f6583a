using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>OpenAI <c>/v1/audio/speech</c> settings (reference §4.3).</summary>
public sealed record OpenAiTtsOptions
{
    public Uri BaseUrl { get; init; } = ChatCompletionsOptions.OpenAiBaseUrl;

    public required string ApiKey { get; init; }

    public string Model { get; init; } = "gpt-4o-mini-tts";

    public string Voice { get; init; } = "marin";

    /// <summary>Delivery instructions; not for <c>tts-1*</c> models, so not sent to them.</summary>
    public string? Instructions { get; init; }

    public double Speed { get; init; } = 1.0;
}

/// <summary>
/// OpenAI text-to-speech with <c>response_format:"pcm"</c> (24 kHz PCM16, no header), streamed and resampled to the call rate.
/// </summary>
public sealed class OpenAiTextToSpeech : ITextToSpeech
{
    private const int PcmRate = 24000;
    private readonly HttpClient _http;
    private readonly OpenAiTtsOptions _options;

    public OpenAiTextToSpeech(HttpClient http, OpenAiTtsOptions options, int callSampleRate)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        OutputSampleRate = TtsAudioStream.CheckCallRate(callSampleRate);
    }

    public int OutputSampleRate { get; }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUrl, "audio/speech"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("model", _options.Model);
            json.WriteString("input", text);
            json.WriteString("voice", _options.Voice);
            json.WriteString("response_format", "pcm");
            json.WriteNumber("speed", _options.Speed);
            if (_options.Instructions is not null && !_options.Model.StartsWith("tts-1", StringComparison.Ordinal))
            {
                json.WriteString("instructions", _options.Instructions);
            }

            json.WriteEndObject();
        }

        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw TtsAudioStream.Error("OpenAI TTS", (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (ReadOnlyMemory<byte> chunk in TtsAudioStream.ConvertAsync(stream, muLaw: false, PcmRate, OutputSampleRate, cancellationToken))
        {
            yield return chunk;
        }
    }
}
