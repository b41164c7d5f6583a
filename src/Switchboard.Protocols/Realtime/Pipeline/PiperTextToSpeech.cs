using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>Piper HTTP server settings (<c>python3 -m piper.http_server</c>, reference §4.3).</summary>
public sealed record PiperTtsOptions
{
    /// <summary>The server root (default port 5000).</summary>
    public Uri BaseUrl { get; init; } = new("http://localhost:5000/");

    /// <summary>Voice name for servers hosting several (e.g. <c>de_DE-thorsten-low</c>); null = the server's default.</summary>
    public string? Voice { get; init; }

    public int? SpeakerId { get; init; }

    /// <summary>1.0 = normal speed, below 1 faster.</summary>
    public double? LengthScale { get; init; }
}

/// <summary>
/// Local Piper TTS over its HTTP server: <c>POST /</c> with JSON, a WAV back. Only 16 kHz voices (<c>x_low</c>, <c>low</c>)
/// are accepted: the 22.05 kHz ones (<c>medium</c>, <c>high</c>) need a resampling ratio the call resampler does not do.
/// </summary>
public sealed class PiperTextToSpeech : ITextToSpeech
{
    private const int MaxWavBytes = 64 << 20;
    private readonly HttpClient _http;
    private readonly PiperTtsOptions _options;

    public PiperTextToSpeech(HttpClient http, PiperTtsOptions options, int callSampleRate)
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
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.BaseUrl);
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            if (_options.Voice is not null)
            {
                json.WriteString("voice", _options.Voice);
            }

            if (_options.SpeakerId is int speaker)
            {
                json.WriteNumber("speaker_id", speaker);
            }

            if (_options.LengthScale is double lengthScale)
            {
                json.WriteNumber("length_scale", lengthScale);
            }

            json.WriteEndObject();
        }

        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw TtsAudioStream.Error("Piper", (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        if (response.Content.Headers.ContentLength > MaxWavBytes)
        {
            throw new ProviderHttpException($"Piper answered a WAV over {MaxWavBytes} bytes.");
        }

        using var wav = new MemoryStream();
        await using (Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            await stream.CopyToAsync(wav, cancellationToken);
        }

        wav.Position = 0;
        WavAudio audio;
        try
        {
            audio = WavFile.Read(wav);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or NotSupportedException)
        {
            throw new ProviderHttpException("Piper answered something that is not a PCM16 WAV: " + ex.Message, ex);
        }

        if (audio.Channels != 1)
        {
            throw new ProviderHttpException($"Piper answered {audio.Channels} channels; voices are mono.");
        }

        if (audio.SampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new NotSupportedException(
                $"Piper voice '{_options.Voice ?? "(default)"}' speaks at {audio.SampleRate} Hz; the call resampler converts only 8, 16, 24 and 48 kHz. " +
                "Use an x_low or low (16 kHz) Piper voice; medium and high voices are 22.05 kHz.");
        }

        using var pcm = new MemoryStream(audio.Samples.Length * 2);
        pcm.Write(Pcm16.AsBytes(audio.Samples.AsSpan()));
        pcm.Position = 0;
        await foreach (ReadOnlyMemory<byte> chunk in TtsAudioStream.ConvertAsync(pcm, muLaw: false, audio.SampleRate, OutputSampleRate, cancellationToken))
        {
            yield return chunk;
        }
    }
}
