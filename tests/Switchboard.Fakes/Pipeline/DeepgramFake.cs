using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Fakes.Pipeline;

/// <summary>
/// A strict Deepgram live-transcription server (<c>/v1/listen</c>, reference §4.1) on a loopback port: checks the
/// <c>Authorization: Token</c> header and the query, records every binary audio message with its arrival time and
/// every control message, and answers with scripted <c>Results</c>/<c>UtteranceEnd</c>/<c>SpeechStarted</c> messages
/// once enough audio has arrived.
/// </summary>
public sealed class DeepgramFake : IAsyncDisposable
{
    // §4.1: the encodings Deepgram accepts for raw audio.
    private static readonly HashSet<string> Encodings =
        ["linear16", "linear32", "mulaw", "alaw", "flac", "opus", "ogg-opus", "amr-nb", "amr-wb", "speex", "g729"];

    // §4.1: the streaming query parameters this product may use (anything else is a typo the real API would not honour).
    private static readonly HashSet<string> KnownParameters =
    [
        "model", "language", "encoding", "sample_rate", "channels", "interim_results", "endpointing", "utterance_end_ms",
        "vad_events", "smart_format", "punctuate", "keyterm", "keywords", "diarize_model", "no_delay", "numerals", "redact",
        "tag", "mip_opt_out",
    ];

    private static readonly HashSet<int> SampleRates = [8000, 16000, 22050, 24000, 32000, 44100, 48000];

    private readonly FakeServer _server;
    private readonly ConcurrentQueue<ScriptedMessage> _script = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly List<ReceivedAudio> _audio = [];
    private readonly List<string> _controlMessages = [];
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, string>> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private DeepgramFake(FakeServer server, string apiKey)
    {
        _server = server;
        ApiKey = apiKey;
    }

    public string ApiKey { get; }

    /// <summary><c>ws://127.0.0.1:port/v1/listen</c>.</summary>
    public Uri Endpoint => new(_server.WebSocketBase, "v1/listen");

    /// <summary>No audio or KeepAlive for this long closes the stream with 1011 <c>NET-0001</c> (10 s on the real service, G19).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Query parameters of the accepted connection.</summary>
    public Task<IReadOnlyDictionary<string, string>> Connected => _connected.Task;

    /// <summary>Completes when the accepted connection ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The Authorization header of the last rejected or accepted connection.</summary>
    public string? LastAuthorization { get; private set; }

    public IReadOnlyList<ReceivedAudio> Audio
    {
        get
        {
            lock (_lock)
            {
                return [.. _audio];
            }
        }
    }

    public IReadOnlyList<string> ControlMessages
    {
        get
        {
            lock (_lock)
            {
                return [.. _controlMessages];
            }
        }
    }

    public static async Task<DeepgramFake> StartAsync(string apiKey = "dg-test-key")
    {
        DeepgramFake? fake = null;
        FakeServer server = await FakeServer.StartAsync(app => app.Map("/v1/listen", context => fake!.HandleAsync(context)));
        fake = new DeepgramFake(server, apiKey);
        return fake;
    }

    /// <summary>Sends <paramref name="json"/> once the stream has carried <paramref name="afterAudio"/> of audio.</summary>
    public void EmitAfterAudio(TimeSpan afterAudio, string json) => _script.Enqueue(new ScriptedMessage(afterAudio, json));

    /// <summary>A <c>Results</c> message (§4.1 shape).</summary>
    public static string Results(string transcript, bool isFinal, bool speechFinal, double start = 0, double duration = 1) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "Results",
            ["channel_index"] = new[] { 0, 1 },
            ["duration"] = duration,
            ["start"] = start,
            ["is_final"] = isFinal,
            ["speech_final"] = speechFinal,
            ["from_finalize"] = false,
            ["channel"] = new { alternatives = new[] { new { transcript, confidence = 0.97, words = Array.Empty<object>() } } },
            ["metadata"] = new { request_id = "fake-request" },
        });

    public static string UtteranceEnd(double lastWordEnd) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"type":"UtteranceEnd","channel":[0,1],"last_word_end":{{lastWordEnd}}}""");

    public static string SpeechStarted(double timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"type":"SpeechStarted","channel":[0],"timestamp":{{timestamp}}}""");

    /// <summary>Sends a message now.</summary>
    public async Task SendAsync(string json)
    {
        WebSocket socket = _socket ?? throw new InvalidOperationException("No client connected.");
        await SendTextAsync(socket, json, CancellationToken.None);
    }

    /// <summary>Closes the stream abruptly (a network drop as the client sees it).</summary>
    public void Drop() => _socket?.Abort();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        LastAuthorization = context.Request.Headers.Authorization;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RejectAsync(context, 400, "Bad Request", "Expected a WebSocket upgrade.");
            return;
        }

        // §4.1: Authorization: Token <key> (Bearer only for temporary tokens, which this fake does not issue).
        if (LastAuthorization != "Token " + ApiKey)
        {
            await RejectAsync(context, 401, "INVALID_AUTH", "Invalid credentials.");
            return;
        }

        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        string? problem = ValidateQuery(query);
        if (problem is not null)
        {
            await RejectAsync(context, 400, "Bad Request", problem);
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        _socket = socket;
        _connected.TrySetResult(query);
        try
        {
            await RunAsync(socket, query, context.RequestAborted);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private static string? ValidateQuery(Dictionary<string, string> query)
    {
        foreach (string name in query.Keys)
        {
            if (!KnownParameters.Contains(name))
            {
                return $"Unknown query parameter '{name}'.";
            }
        }

        // §4.1: encoding + sample_rate are required for raw audio, from the listed encodings.
        if (!query.TryGetValue("encoding", out string? encoding) || !Encodings.Contains(encoding))
        {
            return $"Unsupported or missing encoding '{encoding}'.";
        }

        if (!query.TryGetValue("sample_rate", out string? rateText) || !int.TryParse(rateText, CultureInfo.InvariantCulture, out int rate) || !SampleRates.Contains(rate))
        {
            return $"Unsupported or missing sample_rate '{rateText}'.";
        }

        // §0: µ-law and A-law are 8 kHz G.711.
        if (encoding is "mulaw" or "alaw" && rate != 8000)
        {
            return $"{encoding} audio is 8000 Hz, not {rate}.";
        }

        if (query.TryGetValue("channels", out string? channels) && channels != "1")
        {
            return "This fake takes mono audio only.";
        }

        foreach (string flag in new[] { "interim_results", "vad_events", "smart_format", "punctuate", "no_delay" })
        {
            if (query.TryGetValue(flag, out string? value) && value is not ("true" or "false"))
            {
                return $"{flag} must be true or false.";
            }
        }

        // §4.1: endpointing=<ms> or false.
        if (query.TryGetValue("endpointing", out string? endpointing) && endpointing != "false" && !int.TryParse(endpointing, CultureInfo.InvariantCulture, out _))
        {
            return "endpointing must be milliseconds or false.";
        }

        // §4.1: utterance_end_ms requires interim_results=true.
        if (query.TryGetValue("utterance_end_ms", out string? utteranceEnd))
        {
            if (!int.TryParse(utteranceEnd, CultureInfo.InvariantCulture, out _))
            {
                return "utterance_end_ms must be milliseconds.";
            }

            if (!query.TryGetValue("interim_results", out string? interim) || interim != "true")
            {
                return "utterance_end_ms requires interim_results=true.";
            }
        }

        return null;
    }

    private async Task RunAsync(WebSocket socket, Dictionary<string, string> query, CancellationToken aborted)
    {
        int rate = int.Parse(query["sample_rate"], CultureInfo.InvariantCulture);
        double bytesPerSecond = query["encoding"] switch
        {
            "mulaw" or "alaw" => rate,
            "linear32" => rate * 4.0,
            _ => rate * 2.0,
        };
        long audioBytes = 0;
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            WebSocketReceiveResult result;
            Task<WebSocketReceiveResult> receive = socket.ReceiveAsync(new ArraySegment<byte>(buffer), aborted);
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted))
            {
                // A cancelled WebSocket receive aborts the socket, so the idle timer races the receive instead.
                Task timer = Task.Delay(IdleTimeout, idle.Token);
                if (await Task.WhenAny(receive, timer) == timer && !aborted.IsCancellationRequested)
                {
                    // G19: no audio or KeepAlive for 10 s → closed with NET-0001.
                    await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, "NET-0001");
                    return;
                }

                await idle.CancelAsync();
                try
                {
                    result = await receive;
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    return;
                }
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null);
                return;
            }

            if (!result.EndOfMessage)
            {
                await CloseAsync(socket, WebSocketCloseStatus.MessageTooBig, "This fake expects each message in one frame.");
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                lock (_lock)
                {
                    _audio.Add(new ReceivedAudio(_clock.Elapsed, buffer.AsSpan(0, result.Count).ToArray()));
                }

                audioBytes += result.Count;
                TimeSpan audio = TimeSpan.FromSeconds(audioBytes / bytesPerSecond);
                while (_script.TryPeek(out ScriptedMessage? next) && next.AfterAudio <= audio && _script.TryDequeue(out next))
                {
                    await SendTextAsync(socket, next.Json, aborted);
                }

                continue;
            }

            string text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            lock (_lock)
            {
                _controlMessages.Add(text);
            }

            string? type;
            try
            {
                using var document = JsonDocument.Parse(text);
                type = document.RootElement.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
            }
            catch (JsonException)
            {
                type = null;
            }

            switch (type)
            {
                case "KeepAlive":
                    break;
                case "Finalize":
                    await FlushScriptAsync(socket, aborted);
                    break;
                case "CloseStream":
                    // §4.1: flush, send final results + Metadata, then close.
                    await FlushScriptAsync(socket, aborted);
                    await SendTextAsync(
                        socket,
                        string.Create(CultureInfo.InvariantCulture, $$"""{"type":"Metadata","transaction_key":"deprecated","request_id":"fake-request","created":"2026-01-01T00:00:00.000Z","duration":{{audioBytes / bytesPerSecond}},"channels":1}"""),
                        aborted);
                    await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null);
                    return;
                default:
                    await CloseAsync(socket, WebSocketCloseStatus.PolicyViolation, "Unknown control message.");
                    return;
            }
        }
    }

    private async Task FlushScriptAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        while (_script.TryDequeue(out ScriptedMessage? next))
        {
            await SendTextAsync(socket, next.Json, cancellationToken);
        }
    }

    private async Task SendTextAsync(WebSocket socket, string json, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task RejectAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { err_code = code, err_msg = message, request_id = "fake-request" }));
    }

    private sealed record ScriptedMessage(TimeSpan AfterAudio, string Json);
}

/// <summary>One binary audio message as the fake received it, <paramref name="At"/> since the fake started.</summary>
public sealed record ReceivedAudio(TimeSpan At, byte[] Bytes);
