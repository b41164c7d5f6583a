using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Fakes;
using Switchboard.Protocols.Audio;
using Switchboard.Sandbox.Media;

namespace Switchboard.LoadTest;

/// <summary>
/// An OpenAI Realtime (GA) endpoint for load: the handshake and event shapes the strict fake in
/// <c>tests/Switchboard.Fakes</c> checks, on the same loopback Kestrel host (<see cref="FakeServer"/>), but built
/// to take hundreds of sessions: nothing is kept per event except an arrival time during the measured window.
/// Server VAD is emulated on the caller's µ-law energy; every caller turn is answered with one second of audio,
/// its first delta stamped with the send time (<see cref="StreamLatencyProbe.WriteCodes"/>: µ-law codes that survive
/// µ-law → PCM16 → µ-law, so the file the PBX writes tells when its audio left the provider).
/// </summary>
public sealed class RealtimeLoadFake : IAsyncDisposable
{
    public const string ApiKey = "sk-load-fake";

    /// <summary>Answer audio per response: 1 s at 8 kHz µ-law; the first delta is one playback chunk (120 ms).</summary>
    private const int AnswerSamples = 8000;
    private const int FirstDeltaSamples = 960;
    private const int DeltaSamples = 800;

    private readonly ConcurrentDictionary<int, Session> _sessions = new();
    private readonly byte[] _answer;
    private FakeServer? _server;
    private int _ids;
    private volatile bool _measuring;

    private RealtimeLoadFake()
    {
        short[] tone = new short[AnswerSamples];
        ToneGenerator.Fill(tone, 1200, 8000, 0.3);
        _answer = new byte[AnswerSamples];
        G711.MuLawEncode(tone, _answer);
    }

    public Uri Endpoint => new(_server!.WebSocketBase, "v1/realtime");

    public int OpenSessions => _sessions.Count;

    public long SessionsOpened => Volatile.Read(ref _ids);

    public long Errors => Interlocked.Read(ref _errors);

    private long _errors;

    public static async Task<RealtimeLoadFake> StartAsync()
    {
        var fake = new RealtimeLoadFake();
        fake._server = await FakeServer.StartAsync(app => app.Map("/v1/realtime", new RequestDelegate(fake.HandleAsync)));
        return fake;
    }

    /// <summary>Starts a measured window: arrival times are kept from now on (earlier ones are forgotten).</summary>
    public void BeginWindow()
    {
        foreach (Session session in _sessions.Values)
        {
            session.ResetWindow();
        }

        _measuring = true;
    }

    /// <summary>
    /// Ends the window and returns the caller → provider figures: per append, its delay beyond the best of its session
    /// (arrival − audio position, minus the session minimum), in milliseconds; and the appends counted.
    /// </summary>
    public (List<double> AddedMs, long Appends, long Responses) EndWindow()
    {
        _measuring = false;
        var added = new List<double>();
        long appends = 0;
        long responses = 0;
        foreach (Session session in _sessions.Values)
        {
            appends += session.Collect(added);
            responses += session.WindowResponses;
        }

        return (added, appends, responses);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Session session in _sessions.Values)
        {
            session.Abort();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        string model = context.Request.Query["model"].ToString();
        string? protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null;
        WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        int id = Interlocked.Increment(ref _ids);
        var session = new Session(this, context, socket, model);
        _sessions[id] = session;
        try
        {
            await session.RunAsync(context.RequestAborted);
        }
        finally
        {
            _sessions.TryRemove(id, out _);
        }
    }

    private sealed class Session(RealtimeLoadFake owner, HttpContext context, WebSocket socket, string model)
    {
        private const int LoudFramesToStart = 3;
        private const int QuietFramesToStop = 10;
        private const int WindowCapacity = 50 * 120;

        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private readonly CancellationTokenSource _ended = new();
        private readonly double[] _window = new double[WindowCapacity];
        private int _windowCount;
        private long _samples;
        private long _firstArrival = -1;
        private bool _probed;
        private int _loud;
        private int _quiet;
        private bool _speaking;
        private int _responses;
        private Task _response = Task.CompletedTask;
        private CancellationTokenSource? _cancelResponse;

        public long WindowResponses { get; private set; }

        public void ResetWindow()
        {
            lock (_window)
            {
                _windowCount = 0;
                WindowResponses = 0;
            }
        }

        public long Collect(List<double> added)
        {
            lock (_window)
            {
                if (_windowCount == 0)
                {
                    return 0;
                }

                double min = _probed ? 0 : double.MaxValue;
                for (int i = 0; i < _windowCount && !_probed; i++)
                {
                    min = Math.Min(min, _window[i]);
                }

                for (int i = 0; i < _windowCount; i++)
                {
                    added.Add(_window[i] - min);
                }

                return _windowCount;
            }
        }

        public void Abort()
        {
            try
            {
                context.Abort();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                await SendAsync(SessionJson("session.created", """{"type":"realtime","object":"realtime.session","id":"sess_load","model":""" + JsonSerializer.Serialize(model) + ""","audio":{"input":{"format":{"type":"audio/pcm","rate":24000}},"output":{"format":{"type":"audio/pcm","rate":24000}}}}"""));
                while (true)
                {
                    int count = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (count == buffer.Length)
                        {
                            byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, count).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }

                        result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                        count += result.Count;
                    }
                    while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        return;
                    }

                    await HandleAsync(buffer.AsMemory(0, count), Stopwatch.GetTimestamp());
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
            finally
            {
                await _ended.CancelAsync();
                _cancelResponse?.Cancel();
                try
                {
                    await _response;
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
                {
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static string SessionJson(string type, string session) => $$"""{"type":"{{type}}","event_id":"evt_{{type}}","session":{{session}}}""";

        private async Task HandleAsync(ReadOnlyMemory<byte> message, long arrived)
        {
            if (TryHandleAppend(message.Span, arrived, out bool turnEnded, out bool turnStarted))
            {
                if (turnStarted)
                {
                    await SendAsync("""{"type":"input_audio_buffer.speech_started","audio_start_ms":0,"item_id":"item_caller"}""");
                }

                if (turnEnded)
                {
                    await SendAsync("""{"type":"input_audio_buffer.speech_stopped","audio_end_ms":0,"item_id":"item_caller"}""");
                    await SendAsync("""{"type":"input_audio_buffer.committed","item_id":"item_caller","previous_item_id":null}""");
                    await StartResponseAsync();
                }

                return;
            }

            using JsonDocument document = JsonDocument.Parse(message);
            JsonElement root = document.RootElement;
            string type = root.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? string.Empty : string.Empty;
            switch (type)
            {
                case "session.update":
                    // Echo what was asked: the agent checks that its audio formats were applied.
                    await SendAsync(SessionJson("session.updated", root.GetProperty("session").GetRawText()));
                    break;
                case "response.create":
                    await StartResponseAsync();
                    break;
                case "response.cancel":
                    _cancelResponse?.Cancel();
                    break;
                case "conversation.item.truncate":
                    await SendAsync($$"""{"type":"conversation.item.truncated","item_id":"{{root.GetProperty("item_id").GetString()}}","content_index":0,"audio_end_ms":{{root.GetProperty("audio_end_ms").GetInt64()}}}""");
                    break;
                case "conversation.item.create":
                case "input_audio_buffer.commit":
                case "input_audio_buffer.clear":
                    break;
                default:
                    Interlocked.Increment(ref owner._errors);
                    break;
            }
        }

        /// <summary>The per-frame path, without building a document: type, audio → timing and VAD.</summary>
        private bool TryHandleAppend(ReadOnlySpan<byte> json, long arrived, out bool turnEnded, out bool turnStarted)
        {
            turnEnded = false;
            turnStarted = false;
            var reader = new Utf8JsonReader(json);
            bool isAppend = false;
            ReadOnlySpan<byte> audio = default;
            byte[]? unescaped = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("type"u8);
                bool isAudio = reader.ValueTextEquals("audio"u8);
                reader.Read();
                if (isType)
                {
                    if (!reader.ValueTextEquals("input_audio_buffer.append"u8))
                    {
                        return false;
                    }

                    isAppend = true;
                }
                else if (isAudio && reader.TokenType == JsonTokenType.String)
                {
                    if (reader.ValueIsEscaped)
                    {
                        unescaped = new byte[reader.ValueSpan.Length];
                        audio = unescaped.AsSpan(0, reader.CopyString(unescaped));
                    }
                    else
                    {
                        audio = reader.ValueSpan;
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            if (!isAppend)
            {
                return false;
            }

            Span<byte> mulaw = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(Math.Min(audio.Length, 4096))];
            if (audio.Length > 4096 || Base64.DecodeFromUtf8(audio, mulaw, out _, out int bytes) != OperationStatus.Done)
            {
                Interlocked.Increment(ref owner._errors);
                return true;
            }

            // Timing: arrival minus the audio position of this append (8 kHz µ-law, one byte per sample).
            if (_firstArrival < 0)
            {
                _firstArrival = arrived;
            }

            if (owner._measuring)
            {
                // With the PBX's latency probe, the frame says when it left the PBX: the hop is measured exactly.
                // Without it (PBX inside the server), its delay beyond its audio position (min-subtracted in Collect).
                double delayMs;
                if (StreamLatencyProbe.TryRead(mulaw[..bytes], out long sent))
                {
                    _probed = true;
                    delayMs = ((StreamLatencyProbe.Now() - sent + StreamLatencyProbe.Modulus) % StreamLatencyProbe.Modulus) / 1000.0;
                }
                else
                {
                    delayMs = Stopwatch.GetElapsedTime(_firstArrival, arrived).TotalMilliseconds - (_samples / 8.0);
                }

                lock (_window)
                {
                    if (_windowCount < _window.Length)
                    {
                        _window[_windowCount++] = delayMs;
                    }
                }
            }

            _samples += bytes;

            // Server VAD: loud frames start a turn, 200 ms of quiet ends it.
            bool loud = false;
            foreach (byte b in mulaw[..bytes])
            {
                if ((~b & 0x7F) >= 0x30)
                {
                    loud = true;
                    break;
                }
            }

            if (loud)
            {
                _quiet = 0;
                if (!_speaking && ++_loud >= LoudFramesToStart)
                {
                    _speaking = true;
                    turnStarted = true;
                }
            }
            else
            {
                _loud = 0;
                if (_speaking && ++_quiet >= QuietFramesToStop)
                {
                    _speaking = false;
                    turnEnded = true;
                }
            }

            return true;
        }

        private async Task StartResponseAsync()
        {
            _cancelResponse?.Cancel();
            try
            {
                await _response;
            }
            catch (OperationCanceledException)
            {
            }

            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
            _cancelResponse = cancel;
            int number = ++_responses;
            if (owner._measuring)
            {
                lock (_window)
                {
                    WindowResponses++;
                }
            }

            _response = RespondAsync($"resp_{number}", $"item_{number}", cancel.Token);
        }

        private async Task RespondAsync(string responseId, string itemId, CancellationToken cancellationToken)
        {
            await Task.Yield();
            string status = "completed";
            try
            {
                await SendAsync($$$"""{"type":"response.created","response":{"id":"{{{responseId}}}","object":"realtime.response","status":"in_progress","output":[]}}""");
                await SendAsync($$$"""{"type":"response.output_item.added","response_id":"{{{responseId}}}","output_index":0,"item":{"id":"{{{itemId}}}","object":"realtime.item","type":"message","role":"assistant","status":"in_progress","content":[]}}""");
                byte[] chunk = ArrayPool<byte>.Shared.Rent(FirstDeltaSamples);
                try
                {
                    using var pacer = new AudioPacer(TimeSpan.FromMilliseconds(100), TimeProvider.System);
                    int offset = 0;
                    while (offset < AnswerSamples)
                    {
                        int count = Math.Min(offset == 0 ? FirstDeltaSamples : DeltaSamples, AnswerSamples - offset);
                        owner._answer.AsSpan(offset, count).CopyTo(chunk);
                        if (offset == 0)
                        {
                            StreamLatencyProbe.WriteCodes(chunk, StreamLatencyProbe.Now());
                        }

                        await SendAsync($$"""{"type":"response.output_audio.delta","response_id":"{{responseId}}","item_id":"{{itemId}}","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(chunk, 0, count)}}"}""");
                        offset += count;
                        if (offset < AnswerSamples && !await pacer.WaitForNextTickAsync(cancellationToken))
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }

                await SendAsync($$"""{"type":"response.output_audio.done","response_id":"{{responseId}}","item_id":"{{itemId}}","output_index":0,"content_index":0}""");
                await SendAsync($$"""{"type":"response.output_audio_transcript.done","response_id":"{{responseId}}","item_id":"{{itemId}}","output_index":0,"content_index":0,"transcript":"Load answer."}""");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                status = "cancelled";
            }

            if (_ended.IsCancellationRequested)
            {
                return;
            }

            await SendAsync("""{"type":"response.done","response":{"id":""" + JsonSerializer.Serialize(responseId) + ""","object":"realtime.response","status":""" + JsonSerializer.Serialize(status) + ""","output":[],"usage":{"total_tokens":2,"input_tokens":1,"output_tokens":1,"input_token_details":{"text_tokens":0,"audio_tokens":1,"cached_tokens":0},"output_token_details":{"text_tokens":0,"audio_tokens":1}}}}""");
        }

        private async Task SendAsync(string json)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            await _sendLock.WaitAsync();
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }
}
