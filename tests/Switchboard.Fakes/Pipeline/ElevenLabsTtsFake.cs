using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Protocols.Audio;

namespace Switchboard.Fakes.Pipeline;

/// <summary>
/// A strict ElevenLabs <c>POST /v1/text-to-speech/{voice_id}/stream?output_format=…</c> (reference §4.3): checks
/// <c>xi-api-key</c>, the voice, model and <c>output_format</c>, and streams a tone in that format (µ-law or PCM) in chunks.
/// </summary>
public sealed class ElevenLabsTtsFake : IAsyncDisposable
{
    // §4.3: the output_format values.
    private static readonly HashSet<string> OutputFormats =
    [
        "mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192",
        "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_32000", "pcm_44100", "pcm_48000", "ulaw_8000", "alaw_8000",
        "opus_48000_32", "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192",
    ];

    private static readonly HashSet<string> Fields =
        ["text", "model_id", "language_code", "voice_settings", "previous_text", "next_text", "apply_text_normalization", "seed"];

    private readonly FakeServer _server;
    private readonly ConcurrentQueue<(string VoiceId, string OutputFormat, JsonNode Body)> _requests = new();

    private ElevenLabsTtsFake(FakeServer server, string apiKey)
    {
        _server = server;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    public Uri BaseUrl => new(_server.BaseAddress, "v1/");

    /// <summary>Voices that exist; others get 404 <c>voice_not_found</c>.</summary>
    public HashSet<string> Voices { get; } = ["JBFqnCBsd6RMkjVDRZzb"];

    public HashSet<string> Models { get; } = ["eleven_flash_v2_5", "eleven_turbo_v2_5", "eleven_multilingual_v2"];

    public double ToneHz { get; set; } = 1000;

    public TimeSpan ToneDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    public IReadOnlyList<(string VoiceId, string OutputFormat, JsonNode Body)> Requests => [.. _requests];

    public static async Task<ElevenLabsTtsFake> StartAsync(string apiKey = "xi-test")
    {
        ElevenLabsTtsFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app => app.MapPost("/v1/text-to-speech/{voiceId}/stream", (HttpContext c, string voiceId) => fake!.HandleAsync(c, voiceId)));
        fake = new ElevenLabsTtsFake(server, apiKey);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, string voiceId)
    {
        if (context.Request.Headers["xi-api-key"] != ApiKey)
        {
            await ErrorAsync(context, 401, "invalid_api_key", "Invalid API key");
            return;
        }

        if (!Voices.Contains(voiceId))
        {
            await ErrorAsync(context, 404, "voice_not_found", $"A voice with the voice_id {voiceId} was not found.");
            return;
        }

        string format = context.Request.Query["output_format"].ToString();
        if (format.Length == 0)
        {
            format = "mp3_44100_128";
        }

        if (!OutputFormats.Contains(format))
        {
            await ErrorAsync(context, 422, "invalid_output_format", $"Invalid output_format '{format}'.");
            return;
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        string? problem = body is null ? "Body must be JSON." : Validate(body);
        if (problem is not null)
        {
            await ErrorAsync(context, 422, "invalid_request", problem);
            return;
        }

        _requests.Enqueue((voiceId, format, body!));
        byte[] audio;
        if (format == "ulaw_8000")
        {
            var tone = new short[(int)(8000 * ToneDuration.TotalSeconds)];
            ToneGenerator.Fill(tone, ToneHz, 8000, 0.5);
            audio = new byte[tone.Length];
            G711.MuLawEncode(tone, audio);
        }
        else if (format.StartsWith("pcm_", StringComparison.Ordinal))
        {
            int rate = int.Parse(format[4..], System.Globalization.CultureInfo.InvariantCulture);
            var tone = new short[(int)(rate * ToneDuration.TotalSeconds)];
            ToneGenerator.Fill(tone, ToneHz, rate, 0.5);
            audio = Pcm16.AsBytes(tone.AsSpan()).ToArray();
        }
        else
        {
            await ErrorAsync(context, 422, "unsupported_by_fake", "This fake produces only ulaw_8000 and pcm_* audio.");
            return;
        }

        context.Response.ContentType = format == "ulaw_8000" ? "audio/basic" : "audio/pcm";
        await TtsFakeAudio.WriteChunkedAsync(context, audio, 333, context.RequestAborted);
    }

    private string? Validate(JsonObject body)
    {
        foreach ((string name, _) in body)
        {
            if (!Fields.Contains(name))
            {
                return $"Unknown field '{name}'.";
            }
        }

        if (body["text"]?.GetValueKind() != JsonValueKind.String || ((string)body["text"]!).Length == 0)
        {
            return "text is required.";
        }

        if (body["model_id"] is JsonNode model && !Models.Contains((string?)model ?? string.Empty))
        {
            return $"Model '{model}' does not exist.";
        }

        return null;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["detail"] = new JsonObject { ["status"] = code, ["message"] = message } }.ToJsonString());
    }
}
