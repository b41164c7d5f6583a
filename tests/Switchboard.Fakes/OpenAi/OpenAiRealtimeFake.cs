using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Fakes.OpenAi;

/// <summary>
/// A strict fake of the OpenAI Realtime GA WebSocket (ai-providers.md §1) on a loopback Kestrel port:
/// <c>/v1/realtime?model=…</c> with <c>Authorization: Bearer</c>, <c>session.created</c> first, GA
/// <c>session.update</c> validated field by field (beta shapes refused with <c>beta_api_shape_disabled</c>),
/// audio appends decoded and recorded with arrival times, responses scripted with <see cref="EnqueueResponse"/>.
/// </summary>
public sealed class OpenAiRealtimeFake : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<FakeClientEvent> _events = [];
    private readonly List<FakeAudioChunk> _audio = [];
    private readonly List<FakeServerError> _errors = [];
    private readonly List<FakeTruncation> _truncations = [];
    private readonly List<OpenAiRealtimeFakeSession> _sessions = [];
    private readonly Queue<FakeResponse> _script = new();
    private readonly long _start;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeServer? _server;

    private OpenAiRealtimeFake(string apiKey, TimeProvider timeProvider)
    {
        ApiKey = apiKey;
        TimeProvider = timeProvider;
        _start = timeProvider.GetTimestamp();
    }

    public string ApiKey { get; }

    /// <summary>Clock for arrival times and real-time pacing of answers.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary><c>ws://127.0.0.1:port/v1/realtime</c>.</summary>
    public Uri Endpoint => new(_server!.WebSocketBase, "v1/realtime");

    /// <summary>False: accept the socket but never send <c>session.created</c> (connect-timeout tests).</summary>
    public bool SendSessionCreated { get; set; } = true;

    /// <summary>True: echo <c>audio/pcm</c> 24 kHz output whatever was asked (gotcha G1, the format the server ignored).</summary>
    public bool IgnoreOutputFormat { get; set; }

    public int ConnectionCount { get { lock (_gate) { return _sessions.Count; } } }

    public IReadOnlyList<FakeClientEvent> ClientEvents { get { lock (_gate) { return [.. _events]; } } }

    public IReadOnlyList<FakeAudioChunk> AudioChunks { get { lock (_gate) { return [.. _audio]; } } }

    public IReadOnlyList<FakeServerError> ErrorsSent { get { lock (_gate) { return [.. _errors]; } } }

    public IReadOnlyList<FakeTruncation> Truncations { get { lock (_gate) { return [.. _truncations]; } } }

    /// <summary>The last assistant message item that carried audio.</summary>
    public string? LastAudioItemId { get; internal set; }

    /// <summary>Call id of the last function call the fake made.</summary>
    public string? LastCallId { get; internal set; }

    public static async Task<OpenAiRealtimeFake> StartAsync(string apiKey = "sk-test-fake", TimeProvider? timeProvider = null)
    {
        var fake = new OpenAiRealtimeFake(apiKey, timeProvider ?? TimeProvider.System);
        fake._server = await FakeServer.StartAsync(app => app.Map("/v1/realtime", new RequestDelegate(fake.HandleAsync)));
        return fake;
    }

    /// <summary>Queues the answer to the next response request.</summary>
    /// <summary>
    /// Detect the caller's speech in the appended audio (server VAD) and report speech start/stop on its own; a
    /// stop then also sends the next queued caller transcript and, with <c>create_response</c>, starts a response.
    /// </summary>
    public bool ServerVad { get; set; }

    private readonly Queue<string> _callerTranscripts = new();

    /// <summary>What the caller "said" in their next turn, sent as its input transcription.</summary>
    public void EnqueueCallerTranscript(string text)
    {
        lock (_gate)
        {
            _callerTranscripts.Enqueue(text);
        }
    }

    internal string? TakeCallerTranscript()
    {
        lock (_gate)
        {
            return _callerTranscripts.TryDequeue(out string? text) ? text : null;
        }
    }

    public void EnqueueResponse(FakeResponse response)
    {
        lock (_gate)
        {
            _script.Enqueue(response);
        }
    }

    /// <summary>Server VAD emulation: <c>input_audio_buffer.speech_started</c>; cancels a running response when <c>interrupt_response</c> is on.</summary>
    public Task SpeechStartedAsync() => Current().SpeechStartedAsync();

    /// <summary>Server VAD emulation: <c>speech_stopped</c> + <c>committed</c>, then a response when <c>create_response</c> is on.</summary>
    public Task SpeechStoppedAsync() => Current().SpeechStoppedAsync();

    /// <summary>Sends <c>conversation.item.input_audio_transcription.completed</c> for the last caller item.</summary>
    public Task SendCallerTranscriptAsync(string transcript) => Current().SendCallerTranscriptAsync(transcript);

    /// <summary>Sends an <c>error</c> event; <paramref name="close"/> then closes the socket with <paramref name="closeStatus"/>.</summary>
    public Task SendErrorAsync(FakeServerError error, bool close = false, int closeStatus = 1001) =>
        Current().SendErrorAsync(error, null, close ? closeStatus : null);

    /// <summary>Aborts the connection without a close frame.</summary>
    public void Drop() => Current().Abort();

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; it runs under the fake's lock.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition())
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The OpenAI fake did not see {what ?? "the expected condition"} in time.");
            }
        }
    }

    /// <summary>The first received client event of <paramref name="type"/> (matching <paramref name="match"/>), waiting for it.</summary>
    public async Task<FakeClientEvent> WaitForEventAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        FakeClientEvent? found = null;
        await WaitUntilAsync(
            () => (found = _events.Find(e => e.Type == type && (match is null || match(e.Json)))) is not null,
            timeout,
            $"a client '{type}' event");
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        OpenAiRealtimeFakeSession[] sessions;
        lock (_gate)
        {
            sessions = [.. _sessions];
        }

        foreach (OpenAiRealtimeFakeSession session in sessions)
        {
            session.Abort(); // Kestrel's graceful stop would otherwise wait for open sockets
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    internal TimeSpan Now => TimeProvider.GetElapsedTime(_start);

    internal FakeResponse? NextResponse()
    {
        lock (_gate)
        {
            return _script.TryDequeue(out FakeResponse? response) ? response : null;
        }
    }

    internal void Record(Action update)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            update();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    internal void RecordEvent(FakeClientEvent received) => Record(() => _events.Add(received));

    internal void RecordAudio(FakeAudioChunk chunk) => Record(() => _audio.Add(chunk));

    internal void RecordError(FakeServerError error) => Record(() => _errors.Add(error));

    internal void RecordTruncation(FakeTruncation truncation) => Record(() => _truncations.Add(truncation));

    private OpenAiRealtimeFakeSession Current()
    {
        lock (_gate)
        {
            return _sessions.Count > 0 ? _sessions[^1] : throw new InvalidOperationException("No client is connected to the OpenAI fake.");
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // §1.2: Authorization: Bearer <key>; a wrong key is refused before the upgrade.
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"error":{"type":"invalid_request_error","code":"invalid_api_key","message":"Incorrect API key provided.","param":null}}""");
            return;
        }

        // §1.2: ?model=<id> for a conversation session.
        string? model = context.Request.Query["model"];
        if (string.IsNullOrEmpty(model))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        string? protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null;
        WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var session = new OpenAiRealtimeFakeSession(this, context, socket, model);
        Record(() => _sessions.Add(session));

        // §1.1 / G3: the beta header gets HTTP 101, then beta_api_shape_disabled and close 4000.
        bool beta = context.Request.Headers.ContainsKey("OpenAI-Beta");
        await session.RunAsync(beta, context.RequestAborted);
    }
}
