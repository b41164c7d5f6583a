using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.OpenAi;

/// <summary>
/// A voice agent on the OpenAI Realtime API (GA interface, WebSocket; reference §1): caller audio goes out as
/// <c>input_audio_buffer.append</c>, the model's audio, transcripts, VAD events, tool calls and usage come back
/// as <see cref="VoiceAgentEvent"/>s. A G.711 call stays in G.711 (<c>audio/pcmu</c> both ways); other call
/// rates use <c>audio/pcm</c> at 24 kHz with resampling.
/// </summary>
/// <remarks>
/// <para>Keys read from <see cref="VoiceAgentSettings.Options"/> (all optional):</para>
/// <list type="bullet">
/// <item><c>audio_format</c>: <c>pcmu</c> (default for 8000 Hz calls) or <c>pcm</c> (24 kHz PCM, default for other call rates).</item>
/// <item><c>transcription_model</c>: caller transcription model, default <c>gpt-4o-mini-transcribe</c>; <c>none</c> turns it off.</item>
/// <item><c>transcription_language</c>: ISO-639-1 language for it; default the first part of <see cref="VoiceAgentSettings.Language"/>.</item>
/// <item><c>turn_detection</c>: <c>server_vad</c> (default; threshold, prefix and silence from the settings), <c>semantic_vad</c> or <c>none</c>.</item>
/// <item><c>eagerness</c>: <c>low</c>, <c>medium</c>, <c>high</c> or <c>auto</c> for <c>semantic_vad</c>.</item>
/// <item><c>interrupt_response</c>: <c>false</c> stops the server cancelling a response when it hears the caller.</item>
/// <item><c>noise_reduction</c>: <c>near_field</c> or <c>far_field</c>; off unless set.</item>
/// <item><c>connect_timeout_ms</c>: how long connecting and configuring may take, default 5000.</item>
/// </list>
/// <para>
/// One receive loop and one send loop per session; every outgoing message goes through one bounded queue, so
/// <see cref="SendAudioAsync"/> never waits on the network (a frame that finds the queue full is dropped).
/// A response requested while another runs (a tool result, typed text) is sent on that one's <c>response.done</c>.
/// After the connection is lost, caller audio is dropped quietly and the other calls throw <see cref="VoiceAgentException"/>.
/// </para>
/// </remarks>
public sealed partial class OpenAiRealtimeAgent : IVoiceAgent
{
    /// <summary>The public GA endpoint; <c>?model=</c> is appended.</summary>
    public static readonly Uri DefaultEndpoint = new("wss://api.openai.com/v1/realtime");

    public const string DefaultModel = "gpt-realtime";

    public const string DefaultVoice = "marin";

    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private const int OutgoingCapacity = 64;

    /// <summary>Errors after which the session cannot go on (reference §1.12; LiveKit stops reconnecting on the last four).</summary>
    private static readonly HashSet<string> FatalCodes = new(StringComparer.Ordinal)
    {
        "session_expired", "beta_api_shape_disabled", "invalid_api_key", "insufficient_quota",
        "account_deactivated", "billing_hard_limit_reached",
    };

    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<VoiceAgentEvent> _events =
        Channel.CreateBounded<VoiceAgentEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
    private readonly Channel<OutgoingMessage> _outgoing =
        Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(OutgoingCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly HashSet<string> _announcedCalls = new(StringComparer.Ordinal);

    private ClientWebSocket? _socket;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;
    private OpenAiAudioFormat _format;
    private int _callRate = 8000;
    private volatile bool _open;
    private int _disposed;
    private long _droppedFrames;

    // Messages are received into a small buffer of the agent's own; a larger one (an audio delta of PCM16, a long
    // transcript) is assembled in a pooled buffer that goes back to the pool once the message was handled, so an idle
    // socket holds 4 KB rather than its largest message (ReceiveMessageAsync, ReleaseLargeReceiveBuffer).
    private readonly byte[] _ownReceiveBuffer = new byte[4 * 1024];
    private byte[]? _largeReceiveBuffer;

    private byte[] ReceiveBuffer => _largeReceiveBuffer ?? _ownReceiveBuffer;

    // Caller audio, touched only by the SendAudioAsync caller.
    private byte[] _inputEncoded = [];
    private short[] _inputResampled = [];
    private Resampler? _inputResampler;

    // Agent audio, touched only by the receive loop.
    private Resampler? _outputResampler;
    private int _outputCarry = -1;

    // Response state shared by the receive loop and the callers; under _lock.
    private string? _audioItemId;
    private long _audioItemBytes;
    private bool _dropItemAudio;
    private string? _responseId;
    private bool _responseActive;
    private bool _responsePending;
    private string? _pendingInstructions;
    private string? _lastResponseCreateId;
    private long _responseCreates;

    public OpenAiRealtimeAgent(ILogger<OpenAiRealtimeAgent>? logger = null, TimeProvider? timeProvider = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Provider => "openai";

    public ChannelReader<VoiceAgentEvent> Events => _events.Reader;

    /// <summary>Caller frames dropped because the send queue was full (the network could not keep up).</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>The session id from <c>session.created</c>.</summary>
    public string? SessionId { get; private set; }

    public async Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_socket is not null)
        {
            throw new InvalidOperationException("The agent is already connected; use one agent per call.");
        }

        if (string.IsNullOrEmpty(settings.ApiKey))
        {
            throw new VoiceAgentException("OpenAI Realtime needs an API key.");
        }

        OpenAiSessionPlan plan = OpenAiSessionPlan.From(settings);
        _format = plan.Format;
        _callRate = settings.CallSampleRate;
        PrepareAudio();

        using var timeout = new CancellationTokenSource(plan.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + settings.ApiKey);
        socket.Options.AddSubProtocol("realtime"); // what the .NET SDK sends; harmless (reference §1.2)
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        Uri uri = BuildUri(settings.Endpoint ?? DefaultEndpoint, plan.Model);
        try
        {
            await socket.ConnectAsync(uri, linked.Token);
            await HandshakeAsync(socket, plan, linked.Token);
        }
        catch (Exception ex) when (ex is not VoiceAgentException)
        {
            socket.Abort();
            socket.Dispose();
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new VoiceAgentException($"OpenAI Realtime did not connect and configure within {plan.ConnectTimeout.TotalMilliseconds:0} ms.", ex);
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            string status = socket.HttpStatusCode == 0 ? string.Empty : $" (HTTP {(int)socket.HttpStatusCode})";
            throw new VoiceAgentException($"Could not connect to OpenAI Realtime at {uri.GetLeftPart(UriPartial.Path)}{status}: {ex.Message}", ex);
        }
        catch (VoiceAgentException)
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _open = true;
        Log.SessionConfigured(_logger, SessionId, OpenAiRealtimeMessages.FormatName(plan.Format), plan.Model);
        _sendLoop = SendLoopAsync(socket, _stop.Token);
        _receiveLoop = ReceiveLoopAsync(socket, _stop.Token);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (!_open || frame.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        ReadOnlySpan<short> pcm = Pcm16.AsSamples(frame.Span);
        ReadOnlySpan<byte> payload;
        if (_format == OpenAiAudioFormat.Pcmu)
        {
            EnsureLength(ref _inputEncoded, pcm.Length);
            G711.MuLawEncode(pcm, _inputEncoded.AsSpan(0, pcm.Length));
            payload = _inputEncoded.AsSpan(0, pcm.Length);
        }
        else if (_inputResampler is null)
        {
            payload = frame.Span; // a 24 kHz call
        }
        else
        {
            EnsureLength(ref _inputResampled, Resampler.MaxOutputLength(pcm.Length, _inputResampler.InputRate, _inputResampler.OutputRate));
            int produced = _inputResampler.Process(pcm, _inputResampled);
            payload = Pcm16.AsBytes(_inputResampled.AsSpan(0, produced));
        }

        if (payload.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        ReadOnlySpan<byte> prefix = OpenAiRealtimeMessages.AppendPrefix;
        ReadOnlySpan<byte> suffix = OpenAiRealtimeMessages.AppendSuffix;
        int size = prefix.Length + Base64.GetMaxEncodedToUtf8Length(payload.Length) + suffix.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        prefix.CopyTo(buffer);
        Base64.EncodeToUtf8(payload, buffer.AsSpan(prefix.Length), out _, out int encoded);
        int length = prefix.Length + encoded;
        suffix.CopyTo(buffer.AsSpan(length));
        length += suffix.Length;
        if (!_outgoing.Writer.TryWrite(new OutgoingMessage(buffer, length, Pooled: true)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _droppedFrames);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        await EnqueueAsync(OpenAiRealtimeMessages.UserText(text), cancellationToken);
        await RequestResponseCoreAsync(null, cancellationToken);
    }

    public ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken) =>
        RequestResponseCoreAsync(instructions, cancellationToken);

    public async ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(resultJson);
        await EnqueueAsync(OpenAiRealtimeMessages.FunctionCallOutput(callId, resultJson), cancellationToken);

        // Adding the output does not make the model speak; response.create is required, and only after the
        // calling response is done (reference §1.9 step 4, gotcha G4).
        await RequestResponseCoreAsync(null, cancellationToken);
    }

    public async ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken)
    {
        string? itemId;
        long audioEndMs = 0;
        bool truncate = false;
        lock (_lock)
        {
            itemId = _audioItemId;
            if (itemId is not null && !_dropItemAudio)
            {
                // Clamp to what was generated: a larger audio_end_ms is an error (reference §1.11 step 3).
                long generated = _audioItemBytes / BytesPerMillisecond(_format);
                audioEndMs = Math.Clamp((long)heard.TotalMilliseconds, 0, generated);
                _dropItemAudio = true; // late deltas of the interrupted item are not played
                truncate = true;
            }

            _responsePending = false;
            _pendingInstructions = null;
        }

        // Safe even when nothing runs: the server answers response_cancel_not_active, which is ignored (§1.11 step 2).
        await EnqueueAsync(OpenAiRealtimeMessages.ResponseCancel(), cancellationToken);
        if (truncate)
        {
            await EnqueueAsync(OpenAiRealtimeMessages.Truncate(itemId!, audioEndMs), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _open = false;
        _outgoing.Writer.TryComplete();
        ClientWebSocket? socket = _socket;
        if (socket is not null)
        {
            await WaitBoundedAsync(_sendLoop, TimeSpan.FromSeconds(2));
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _timeProvider);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", closeTimeout.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The peer is gone already; the abort below finishes the job.
                }
            }

            await WaitBoundedAsync(_receiveLoop, TimeSpan.FromSeconds(2));
        }

        await _stop.CancelAsync();
        socket?.Abort();
        await WaitBoundedAsync(_sendLoop, Timeout.InfiniteTimeSpan);
        await WaitBoundedAsync(_receiveLoop, Timeout.InfiniteTimeSpan);
        socket?.Dispose();
        while (_outgoing.Reader.TryRead(out OutgoingMessage leftover))
        {
            leftover.Release();
        }

        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private static Uri BuildUri(Uri endpoint, string model)
    {
        var builder = new UriBuilder(endpoint);
        string query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? string.Empty : query + "&") + "model=" + Uri.EscapeDataString(model);
        return builder.Uri;
    }

    private static int BytesPerMillisecond(OpenAiAudioFormat format) => format == OpenAiAudioFormat.Pcmu ? 8 : 48;

    private static void EnsureLength<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
    }

    private void PrepareAudio()
    {
        if (_format == OpenAiAudioFormat.Pcm24k && _callRate != 24000)
        {
            _inputResampler = new Resampler(_callRate, 24000);
            _outputResampler = new Resampler(24000, _callRate);
        }

        int frameSamples = Pcm16.SamplesPerFrame(_callRate);
        _inputEncoded = new byte[frameSamples];
        _inputResampled = _inputResampler is null ? [] : new short[Resampler.MaxOutputLength(frameSamples, _callRate, 24000)];
    }

    private async ValueTask RequestResponseCoreAsync(string? instructions, CancellationToken cancellationToken)
    {
        string eventId;
        lock (_lock)
        {
            if (_responseActive)
            {
                // Sent on the response.done of the running response (conversation_already_has_active_response otherwise).
                _responsePending = true;
                _pendingInstructions = instructions ?? _pendingInstructions;
                return;
            }

            eventId = NextResponseCreateId();
        }

        await EnqueueAsync(OpenAiRealtimeMessages.ResponseCreate(instructions, eventId), cancellationToken);
    }

    /// <summary>Marks a response as running and names the <c>response.create</c> that starts it. Under <see cref="_lock"/>.</summary>
    private string NextResponseCreateId()
    {
        _responseActive = true;
        _lastResponseCreateId = "sb_rc_" + (++_responseCreates).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _lastResponseCreateId;
    }

    private async ValueTask EnqueueAsync(byte[] message, CancellationToken cancellationToken)
    {
        if (!_open)
        {
            throw new VoiceAgentException("The OpenAI Realtime session is not open.");
        }

        try
        {
            await _outgoing.Writer.WriteAsync(new OutgoingMessage(message, message.Length, Pooled: false), cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new VoiceAgentException("The OpenAI Realtime session is closed.", ex);
        }
    }

    private async Task WaitBoundedAsync(Task task, TimeSpan timeout)
    {
        try
        {
            if (timeout == Timeout.InfiniteTimeSpan)
            {
                await task;
            }
            else
            {
                await task.WaitAsync(timeout, _timeProvider);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or WebSocketException)
        {
            // Bounded waits during shutdown: whatever is left is cancelled and aborted next.
        }
    }

    private readonly record struct OutgoingMessage(byte[] Buffer, int Length, bool Pooled)
    {
        public void Release()
        {
            if (Pooled)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
