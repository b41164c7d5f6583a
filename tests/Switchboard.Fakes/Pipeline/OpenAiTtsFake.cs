using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Protocols.Audio;

namespace Switchboard.Fakes.Pipeline;

/// <summary>
/// A strict OpenAI <c>POST /v1/audio/speech</c> (reference §4.3): checks the Bearer key, model, voice, input length and
/// format, records each request, and streams a tone in the requested format (only <c>pcm</c> = 24 kHz PCM16) in chunks.
/// </summary>
public sealed class OpenAiTtsFake : IAsyncDisposable
{
    // §4.3: models, voices and response formats.
    private static readonly HashSet<string> Models = ["tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15"];
    private static readonly HashSet<string> Voices = ["alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse", "marin", "cedar"];
    private static readonly HashSet<string> Formats = ["mp3", "opus", "aac", "flac", "wav", "pcm"];
    private static readonly HashSet<string> Fields = ["model", "input", "voice", "response_format", "speed", "instructions", "stream_format"];

    private readonly FakeServer _server;
    private readonly ConcurrentQueue<JsonNode> _requests = new();

    private OpenAiTtsFake(FakeServer server, string apiKey)
    {
        _server = server;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    public Uri BaseUrl => new(_server.BaseAddress, "v1/");

    /// <summary>Frequency and length of the tone every answer carries.</summary>
    public double ToneHz { get; set; } = 1000;

    public TimeSpan ToneDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Answer the next request with this HTTP error instead (status, message, code).</summary>
    public (int Status, string Message, string Code)? NextError { get; set; }

    public IReadOnlyList<JsonNode> Requests => [.. _requests];

    public static async Task<OpenAiTtsFake> StartAsync(string apiKey = "sk-test")
    {
        OpenAiTtsFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/speech", (HttpContext c) => fake!.HandleAsync(c)));
        fake = new OpenAiTtsFake(server, apiKey);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization != "Bearer " + ApiKey)
        {
            await ErrorAsync(context, 401, "Incorrect API key provided.", "invalid_api_key");
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

        string? problem = body is null ? "We could not parse the JSON body of your request." : Validate(body);
        if (problem is not null)
        {
            await ErrorAsync(context, 400, problem, "invalid_request_error");
            return;
        }

        _requests.Enqueue(body!);
        if (NextError is { } error)
        {
            NextError = null;
            await ErrorAsync(context, error.Status, error.Message, error.Code);
            return;
        }

        // §4.3: pcm is 24 kHz PCM16 without a header; other formats are containers this fake does not produce.
        if ((string?)body!["response_format"] != "pcm")
        {
            await ErrorAsync(context, 400, "This fake produces only response_format pcm.", "invalid_request_error");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        var tone = new short[(int)(24000 * ToneDuration.TotalSeconds)];
        ToneGenerator.Fill(tone, ToneHz, 24000, 0.5);
        await TtsFakeAudio.WriteChunkedAsync(context, Pcm16.AsBytes(tone.AsSpan()).ToArray(), 1201, context.RequestAborted);
    }

    private static string? Validate(JsonObject body)
    {
        foreach ((string name, _) in body)
        {
            if (!Fields.Contains(name))
            {
                return $"Unrecognized request argument supplied: {name}";
            }
        }

        string? model = (string?)body["model"];
        if (model is null || !Models.Contains(model))
        {
            return $"Invalid model '{model}'.";
        }

        if (body["voice"]?.GetValueKind() != JsonValueKind.String || !Voices.Contains((string)body["voice"]!))
        {
            return $"Invalid voice '{body["voice"]}'.";
        }

        // §4.3: input ≤ 4096 characters.
        if (body["input"]?.GetValueKind() != JsonValueKind.String || ((string)body["input"]!).Length is 0 or > 4096)
        {
            return "input must be a string of 1 to 4096 characters.";
        }

        if (body["response_format"] is JsonNode format && !Formats.Contains((string?)format ?? string.Empty))
        {
            return $"Invalid response_format '{format}'.";
        }

        // §4.3: instructions are not for tts-1*.
        if (body["instructions"] is not null && model.StartsWith("tts-1", StringComparison.Ordinal))
        {
            return "instructions are not supported for tts-1 models.";
        }

        return null;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = code },
        }.ToJsonString());
    }
}

internal static class TtsFakeAudio
{
    /// <summary>Writes the body in flushed pieces of an odd size, so PCM16 samples straddle chunk boundaries.</summary>
    public static async Task WriteChunkedAsync(HttpContext context, byte[] audio, int chunk, CancellationToken cancellationToken)
    {
        try
        {
            for (int offset = 0; offset < audio.Length; offset += chunk)
            {
                await context.Response.Body.WriteAsync(audio.AsMemory(offset, Math.Min(chunk, audio.Length - offset)), cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
