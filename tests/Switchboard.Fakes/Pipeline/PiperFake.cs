using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Protocols.Audio;

namespace Switchboard.Fakes.Pipeline;

/// <summary>
/// A Piper HTTP server (<c>python3 -m piper.http_server</c>, reference §4.3): <c>POST /</c> with
/// <c>{"text","voice?","speaker?","speaker_id?","length_scale?","noise_scale?","noise_w_scale?"}</c> answers a mono PCM16
/// WAV of a tone at the voice's own rate (16 kHz for x_low/low voices, 22.05 kHz for medium/high); <c>GET /voices</c>.
/// </summary>
public sealed class PiperFake : IAsyncDisposable
{
    private static readonly HashSet<string> Fields = ["text", "voice", "speaker", "speaker_id", "length_scale", "noise_scale", "noise_w_scale"];

    private readonly FakeServer _server;
    private readonly ConcurrentQueue<JsonNode> _requests = new();

    private PiperFake(FakeServer server) => _server = server;

    public Uri BaseUrl => _server.BaseAddress;

    /// <summary>Voice name → sample rate (the first is the default voice).</summary>
    public Dictionary<string, int> Voices { get; } = new() { ["de_DE-thorsten-low"] = 16000, ["de_DE-thorsten-medium"] = 22050 };

    public double ToneHz { get; set; } = 1000;

    public IReadOnlyList<JsonNode> Requests => [.. _requests];

    public static async Task<PiperFake> StartAsync()
    {
        PiperFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app =>
        {
            app.MapPost("/", (HttpContext c) => fake!.SynthesizeAsync(c));
            app.MapGet("/voices", () => Results.Json(fake!.Voices.Keys));
        });
        fake = new PiperFake(server);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task SynthesizeAsync(HttpContext context)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null || body["text"]?.GetValueKind() != JsonValueKind.String || body.Any(p => !Fields.Contains(p.Key)))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("Expected JSON with a text field and only Piper's synthesis options.");
            return;
        }

        string voice = (string?)body["voice"] ?? Voices.Keys.First();
        if (!Voices.TryGetValue(voice, out int rate))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($"Voice not found: {voice}");
            return;
        }

        _requests.Enqueue(body);
        var tone = new short[rate / 2];
        ToneGenerator.Fill(tone, ToneHz, rate, 0.5);
        using var wav = new MemoryStream();
        WavFile.Write(wav, tone, rate);
        context.Response.ContentType = "audio/wav";
        await context.Response.Body.WriteAsync(wav.ToArray());
    }
}
