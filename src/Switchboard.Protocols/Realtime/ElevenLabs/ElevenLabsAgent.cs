using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>
/// A conversation with an ElevenLabs agent (Agents Platform WebSocket, ai-providers.md §2).
/// </summary>
/// <remarks>
/// <para>Settings: <c>Options["agent_id"]</c> (required). With <see cref="VoiceAgentSettings.ApiKey"/> set the agent is
/// treated as private: a signed URL is fetched with <c>xi-api-key</c> and the socket connects to it as-is;
/// without a key it connects with <c>agent_id</c> alone (public agent). <see cref="VoiceAgentSettings.Endpoint"/>
/// is the API base (default <c>https://api.elevenlabs.io/</c>).</para>
/// <para>Overrides sent in <c>conversation_initiation_client_data</c>: prompt = <see cref="VoiceAgentSettings.Instructions"/>,
/// <c>first_message</c> = <c>Options["first_message"]</c> (present but empty: the agent waits for the caller),
/// <c>language</c> = <c>Options["language"]</c> or <see cref="VoiceAgentSettings.Language"/> lower-cased, <c>tts.voice_id</c> =
/// <see cref="VoiceAgentSettings.Voice"/>. Each must be enabled in the agent's security settings or ElevenLabs closes
/// with <c>override_error</c>; <c>Options["overrides"]</c> (comma list of <c>prompt,first_message,language,voice_id</c>)
/// limits which are sent. <c>Options["dynamic_variables.NAME"]</c> fill <c>{{NAME}}</c>; <c>Options["user_id"]</c> is passed on.
/// Tools, VAD and turn settings live on the agent (§2.2, §2.5), so <see cref="VoiceAgentSettings.Tools"/> and the VAD
/// settings are not sent; declare the client tools and enable the <c>client_tool_call</c> client event on the agent.</para>
/// <para>Audio: the formats echoed in <c>conversation_initiation_metadata</c> are checked; <c>ulaw_8000</c> is G.711
/// µ-law (no resampling on an 8 kHz call), <c>pcm_8000/16000/24000/48000</c> are resampled; anything else is refused.</para>
/// <para>Barge-in is decided by ElevenLabs (§2.5): <see cref="InterruptAsync"/> sends nothing, it only drops the audio
/// still queued in <see cref="Events"/>. An <c>interruption</c> drops queued and late audio with event id ≤ its own and
/// reports <see cref="CallerSpeech"/>(true). ElevenLabs has no "respond now" message: the greeting is <c>first_message</c>;
/// <see cref="RequestResponseAsync"/> sends the instructions as a <c>contextual_update</c> (or a <c>user_activity</c>).</para>
/// </remarks>
public sealed partial class ElevenLabsAgent : IVoiceAgent
{
    /// <summary>The public API base.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.elevenlabs.io/");

    private const int AudioQueueFrames = 25; // 500 ms of caller audio; older frames are dropped rather than delayed
    private const int EventQueueCapacity = 512;
    private const int MaxMessageBytes = 16 * 1024 * 1024; // the SDK's limit (§2.1)
    private const int IdleReceiveBytes = 4 * 1024;

    private static readonly TimeSpan MaxPongDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<QueuedEvent> _events;
    private readonly ElevenLabsEventReader _reader;
    private readonly Channel<AudioFrame> _audio;
    private readonly Channel<PendingPong> _pongs;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClientWebSocket? _socket;
    private VoiceAgentSettings? _settings;
    private UserAudioEncoder? _encoder;
    private AgentAudioDecoder? _decoder;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;
    private Task _pongLoop = Task.CompletedTask;
    private int _connectCalled;
    private int _closing;
    private int _disposed;
    private long _lastAudioEventId = -1;
    private string? _lastAudioEventIdText;

    public ElevenLabsAgent(HttpClient? httpClient = null, TimeProvider? timeProvider = null, ILogger<ElevenLabsAgent>? logger = null)
    {
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<ElevenLabsAgent>.Instance;
        _events = Channel.CreateBounded<QueuedEvent>(new BoundedChannelOptions(EventQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = true,
        });
        _reader = new ElevenLabsEventReader(_events.Reader);
        _audio = Channel.CreateBounded<AudioFrame>(
            new BoundedChannelOptions(AudioQueueFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            dropped => dropped.Dispose());
        _pongs = Channel.CreateUnbounded<PendingPong>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    }

    public string Provider => "elevenlabs";

    public ChannelReader<VoiceAgentEvent> Events => _reader;

    /// <summary>How long connecting may take: signed URL, WebSocket upgrade and <c>conversation_initiation_metadata</c>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The ElevenLabs conversation id, once connected.</summary>
    public string? ConversationId { get; private set; }

    /// <summary>The agent's input format as ElevenLabs echoed it (e.g. <c>ulaw_8000</c>), once connected.</summary>
    public string? InputFormat { get; private set; }

    /// <summary>The agent's output format as ElevenLabs echoed it, once connected.</summary>
    public string? OutputFormat { get; private set; }

    /// <summary>The caller audio heard when <see cref="InterruptAsync"/> was last called (recorded only; ElevenLabs needs no truncate).</summary>
    public TimeSpan? LastInterruptHeard { get; private set; }

    /// <summary>Agent audio chunks dropped because an interruption made them stale.</summary>
    public long DroppedAgentAudioChunks => _reader.DroppedChunks + Interlocked.Read(ref _lateChunksDropped);

    private long _lateChunksDropped;

    public async Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Interlocked.Exchange(ref _connectCalled, 1) != 0)
        {
            throw new InvalidOperationException("ConnectAsync was already called; use one ElevenLabsAgent per conversation.");
        }

        if (settings.CallSampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new VoiceAgentException($"Call sample rate {settings.CallSampleRate} Hz is not supported (8000, 16000, 24000 or 48000).");
        }

        if (!settings.Options.TryGetValue("agent_id", out string? agentId) || string.IsNullOrWhiteSpace(agentId))
        {
            throw new VoiceAgentException("The ElevenLabs provider needs the agent id: set the option agent_id.");
        }

        _settings = settings;
        Uri endpoint = settings.Endpoint ?? DefaultEndpoint;
        using var timeout = new CancellationTokenSource(ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            Uri conversationUri = string.IsNullOrEmpty(settings.ApiKey)
                ? PublicConversationUri(endpoint, agentId)
                : await GetSignedUrlAsync(endpoint, agentId, settings.ApiKey, linked.Token);

            _socket = new ClientWebSocket();
            _socket.Options.CollectHttpResponseDetails = true;
            try
            {
                await _socket.ConnectAsync(conversationUri, linked.Token);
            }
            catch (WebSocketException ex)
            {
                HttpStatusCode status = _socket.HttpStatusCode;
                string detail = status == 0 ? ex.Message : $"HTTP {(int)status} {status}";
                string hint = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? " (a private agent needs the API key so a signed URL is used)"
                    : string.Empty;
                throw new VoiceAgentException($"ElevenLabs refused the conversation WebSocket: {detail}{hint}.", ex);
            }

            await SendRawAsync(BuildInitiation(settings), linked.Token);
            _receiveLoop = ReceiveLoopAsync(_lifetime.Token);
            await _started.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await AbortAsync();
            throw new VoiceAgentException($"ElevenLabs did not start the conversation within {ConnectTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            await AbortAsync();
            throw new VoiceAgentException($"Could not reach ElevenLabs at {endpoint}: {ex.Message}", ex);
        }
        catch (Exception)
        {
            await AbortAsync();
            throw;
        }

        _sendLoop = SendLoopAsync(_lifetime.Token);
        _pongLoop = PongLoopAsync(_lifetime.Token);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_encoder is null || Volatile.Read(ref _closing) != 0)
        {
            return ValueTask.CompletedTask; // not connected or ended: the call keeps streaming, the frames go nowhere
        }

        AudioFrame copy = AudioFrame.Rent(frame.Length, _settings!.CallSampleRate);
        frame.Span.CopyTo(copy.Span);
        if (!_audio.Writer.TryWrite(copy))
        {
            copy.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendControlAsync(writer =>
        {
            writer.WriteString("type", "user_message");
            writer.WriteString("text", text);
        }, cancellationToken);
    }

    public ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(instructions))
        {
            return SendControlAsync(writer => writer.WriteString("type", "user_activity"), cancellationToken);
        }

        return SendControlAsync(writer =>
        {
            writer.WriteString("type", "contextual_update");
            writer.WriteString("text", instructions);
        }, cancellationToken);
    }

    public ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(resultJson);
        return SendControlAsync(writer =>
        {
            writer.WriteString("type", "client_tool_result");
            writer.WriteString("tool_call_id", callId);
            writer.WriteString("result", resultJson);
            writer.WriteBoolean("is_error", false);
        }, cancellationToken);
    }

    public ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken)
    {
        // §2.5: "You do not send a truncate"; ElevenLabs sends interruption / agent_response_correction itself.
        LastInterruptHeard = heard;
        _reader.DropAudioUpTo(Interlocked.Read(ref _lastAudioEventId));
        Log.InterruptRecorded(_logger, heard);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _closing, 1) == 0 && _socket is { State: WebSocketState.Open })
        {
            try
            {
                using var timeout = new CancellationTokenSource(CloseTimeout, _timeProvider);
                await _sendLock.WaitAsync(timeout.Token);
                try
                {
                    // §2.5: hang-up is a normal close; the receive loop sees the server's close reply.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", timeout.Token);
                }
                finally
                {
                    _sendLock.Release();
                }

                await _receiveLoop.WaitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer is gone or slow; the abort below ends the loops.
            }
        }

        await _lifetime.CancelAsync();
        _socket?.Abort();
        _audio.Writer.TryComplete();
        _pongs.Writer.TryComplete();
        await Task.WhenAll(_receiveLoop, _sendLoop, _pongLoop);
        while (_audio.Reader.TryRead(out AudioFrame? frame))
        {
            frame.Dispose();
        }

        _events.Writer.TryComplete();
        _socket?.Dispose();
        _lifetime.Dispose();
        _sendLock.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri PublicConversationUri(Uri endpoint, string agentId)
    {
        var builder = new UriBuilder(new Uri(endpoint, "v1/convai/conversation"))
        {
            Scheme = endpoint.Scheme is "https" or "wss" ? "wss" : "ws",
            Query = "agent_id=" + Uri.EscapeDataString(agentId),
        };
        return builder.Uri;
    }

    private async Task<Uri> GetSignedUrlAsync(Uri endpoint, string agentId, string apiKey, CancellationToken cancellationToken)
    {
        var httpEndpoint = new UriBuilder(endpoint) { Scheme = endpoint.Scheme is "https" or "wss" ? "https" : "http" }.Uri;
        var uri = new Uri(httpEndpoint, "v1/convai/conversation/get-signed-url?agent_id=" + Uri.EscapeDataString(agentId));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("xi-api-key", apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string reason = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? "the API key was refused"
                : response.StatusCode == HttpStatusCode.NotFound ? $"agent {agentId} was not found" : "the request failed";
            throw new VoiceAgentException($"ElevenLabs signed URL: HTTP {(int)response.StatusCode} ({reason}).");
        }

        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using JsonDocument document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("signed_url", out JsonElement signed) ||
            signed.ValueKind != JsonValueKind.String ||
            !Uri.TryCreate(signed.GetString(), UriKind.Absolute, out Uri? signedUri) ||
            signedUri.Scheme is not ("ws" or "wss"))
        {
            throw new VoiceAgentException("ElevenLabs signed URL: the answer has no usable signed_url.");
        }

        return signedUri; // opaque (§2.1): token= or conversation_signature=, connect as-is
    }

    private static byte[] BuildInitiation(VoiceAgentSettings settings)
    {
        IReadOnlyDictionary<string, string> options = settings.Options;
        HashSet<string>? enabled = options.TryGetValue("overrides", out string? list)
            ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : null;
        bool Enabled(string name) => enabled is null || enabled.Contains(name);

        string? prompt = Enabled("prompt") && !string.IsNullOrEmpty(settings.Instructions) ? settings.Instructions : null;
        string? firstMessage = Enabled("first_message") && options.TryGetValue("first_message", out string? first) ? first : null;
        string? language = Enabled("language")
            ? (options.TryGetValue("language", out string? lang) ? lang : settings.Language?.ToLowerInvariant())
            : null;
        string? voice = Enabled("voice_id") ? settings.Voice : null;

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "conversation_initiation_client_data");
            writer.WriteStartObject("conversation_config_override");
            if (prompt is not null || firstMessage is not null || !string.IsNullOrEmpty(language))
            {
                writer.WriteStartObject("agent");
                if (prompt is not null)
                {
                    writer.WriteStartObject("prompt");
                    writer.WriteString("prompt", prompt);
                    writer.WriteEndObject();
                }

                if (firstMessage is not null)
                {
                    writer.WriteString("first_message", firstMessage);
                }

                if (!string.IsNullOrEmpty(language))
                {
                    writer.WriteString("language", language);
                }

                writer.WriteEndObject();
            }

            if (!string.IsNullOrEmpty(voice))
            {
                writer.WriteStartObject("tts");
                writer.WriteString("voice_id", voice);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();

            const string VariablePrefix = "dynamic_variables.";
            bool any = false;
            foreach ((string key, string value) in options.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                if (key.StartsWith(VariablePrefix, StringComparison.Ordinal) && key.Length > VariablePrefix.Length)
                {
                    if (!any)
                    {
                        writer.WriteStartObject("dynamic_variables");
                        any = true;
                    }

                    writer.WriteString(key[VariablePrefix.Length..], value);
                }
            }

            if (any)
            {
                writer.WriteEndObject();
            }

            if (options.TryGetValue("user_id", out string? userId) && !string.IsNullOrEmpty(userId))
            {
                writer.WriteString("user_id", userId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async ValueTask SendControlAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        if (_socket is null || _encoder is null)
        {
            throw new InvalidOperationException("Connect the ElevenLabs agent first.");
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        try
        {
            await SendRawAsync(buffer.WrittenMemory, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException || (ex is InvalidOperationException && _socket.State != WebSocketState.Open))
        {
            throw new VoiceAgentException("The ElevenLabs conversation has ended.", ex);
        }
    }

    private async ValueTask SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket!.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>The only writer of caller audio: frames are converted and sent in order, under the send lock.</summary>
    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        ChannelReader<AudioFrame> reader = _audio.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out AudioFrame? frame))
                {
                    using (frame)
                    {
                        ReadOnlyMemory<byte> message = _encoder!.Encode(frame.Span);
                        await SendRawAsync(message, cancellationToken);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The receive loop reports why the conversation ended.
        }
    }

    /// <summary>Answers pings in order, each after its <c>ping_ms</c> (capped), as the ElevenLabs examples do.</summary>
    private async Task PongLoopAsync(CancellationToken cancellationToken)
    {
        ChannelReader<PendingPong> reader = _pongs.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out PendingPong pong))
                {
                    TimeSpan wait = pong.Delay - _timeProvider.GetElapsedTime(pong.ReceivedAt);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _timeProvider, cancellationToken);
                    }

                    byte[] message = System.Text.Encoding.UTF8.GetBytes(
                        "{\"type\":\"pong\",\"event_id\":" + pong.EventId.ToString(CultureInfo.InvariantCulture) + "}");
                    await SendRawAsync(message, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The receive loop reports why the conversation ended.
        }
    }

    private async Task AbortAsync()
    {
        Volatile.Write(ref _closing, 1);
        await _lifetime.CancelAsync();
        _socket?.Abort();
        await _receiveLoop;
    }

    private readonly record struct PendingPong(long EventId, long ReceivedAt, TimeSpan Delay);
}
