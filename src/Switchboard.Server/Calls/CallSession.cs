using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Server.Calls.Playback;
using Switchboard.Server.Observability;

namespace Switchboard.Server.Calls;

/// <summary>
/// One live call: the mod_audio_stream WebSocket (caller audio in, <c>streamAudio</c> out), the call's
/// ESL events (play, DTMF, hangup) and the agent talking to the caller. Owns its loops and awaits them.
/// </summary>
public sealed partial class CallSession : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HangupGrace = TimeSpan.FromMilliseconds(500);

    private readonly WebSocket _socket;
    private readonly EventSocketClient _esl;
    private readonly CallsOptions _options;
    private readonly SwitchboardMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<OutgoingText> _outgoing;
    private readonly int _frameBytes;
    private EventSubscription? _events;
    private string? _endReason;

    public CallSession(
        Guid tenantId,
        StreamMetadata metadata,
        WebSocket socket,
        EventSocketClient esl,
        ICallAgent agent,
        CallsOptions options,
        SwitchboardMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _metrics = metrics;
        TenantId = tenantId;
        Metadata = metadata;
        CallUuid = metadata.CallUuid;
        _socket = socket;
        _esl = esl;
        Agent = agent;
        _options = options;
        _time = time;
        _logger = logger;
        _frameBytes = metadata.SampleRate / 50 * 2;
        StartedAt = time.GetUtcNow();
        _outgoing = Channel.CreateBounded<OutgoingText>(new BoundedChannelOptions(32)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Playback = new FilePlayback(CallUuid, metadata.SampleRate, esl, EnqueueTextAsync, options, time);
    }

    public Guid TenantId { get; }

    public string CallUuid { get; }

    public StreamMetadata Metadata { get; }

    public DateTimeOffset StartedAt { get; }

    public ICallAgent Agent { get; }

    public FilePlayback Playback { get; }

    /// <summary>Language the caller is served in (the secretary's), e.g. <c>pt-BR</c>.</summary>
    public string Language { get; init; } = "pt-BR";

    /// <summary>The call's conversation record; null only in tests that run a bare session.</summary>
    public ConversationRecorder? Recorder { get; init; }

    /// <summary>What the conversation achieved, when something decided it (a ticket, a transfer).</summary>
    public ConversationOutcome? OutcomeHint { get; private set; }

    /// <summary>Notes what the call achieved; the first decisive outcome wins over later ones except a transfer.</summary>
    public void SetOutcome(ConversationOutcome outcome)
    {
        if (OutcomeHint is null || outcome == ConversationOutcome.Transferred)
        {
            OutcomeHint = outcome;
        }
    }

    /// <summary>Records why the call ends (when nothing else did first), e.g. <c>end_call</c>.</summary>
    public void EndedBy(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null);

    /// <summary>
    /// The caller is bridged to a person: when that person hangs up the call ends (instead of parking the caller with no
    /// one to serve them), and the media stream is stopped — the AI's part of the call is over.
    /// </summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _esl.SetVarAsync(CallUuid, "park_after_bridge", "false", cancellationToken);
            await _esl.SetVarAsync(CallUuid, "hangup_after_bridge", "true", cancellationToken);
            await _esl.AudioStreamStopAsync(CallUuid, null, cancellationToken);
        }
        catch (Exception ex) when (ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or TimeoutException)
        {
            Log.PlaybackCommandFailed(_logger, CallUuid, ex);
        }
    }

    /// <summary>Hangs the caller up through ESL (<c>uuid_kill … NORMAL_CLEARING</c>).</summary>
    public Task HangUpAsync(CancellationToken cancellationToken) =>
        _esl.KillAsync(CallUuid, HangupCause.NormalClearing, cancellationToken);

    /// <summary>Caller frames of 20 ms received from FreeSWITCH.</summary>
    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    private long _framesReceived;

    /// <summary>
    /// Why the session ended: what the conversation decided (end_call, idle_timeout), else the hangup cause when the
    /// PBX reported one, else what ended the stream.
    /// </summary>
    public string? EndReason => _endReason is "end_call" or "idle_timeout" or "transferred" or "voicemail" or "transfer_failed" || _hangupCause is null ? _endReason : "hangup:" + _hangupCause;

    private string? _hangupCause;

    public async Task RunAsync(CancellationToken hostStopping)
    {
        _events = _esl.Subscribe(CallUuid);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
        linked.CancelAfter(_options.MaxCallDuration);
        CancellationToken token = linked.Token;

        Task receive = ReceiveLoopAsync(token);
        Task events = EventLoopAsync(token);
        Task send = SendLoopAsync(token);
        Task agent = Agent.RunAsync(this, token);

        Task first = await Task.WhenAny(receive, events, agent, Task.Delay(Timeout.Infinite, token));
        if (first == receive && !events.IsCompleted)
        {
            // FreeSWITCH closes the stream as the channel hangs up: give the hangup event a moment to
            // arrive so the conversation records the cause, not just "stream closed".
            await Task.WhenAny(events, Task.Delay(HangupGrace, _time, CancellationToken.None));
        }

        if (first == agent)
        {
            Interlocked.CompareExchange(ref _endReason, "agent_finished", null);
        }
        else if (token.IsCancellationRequested)
        {
            Interlocked.CompareExchange(ref _endReason, hostStopping.IsCancellationRequested ? "server_stopping" : "max_duration", null);
        }

        await linked.CancelAsync();
        _outgoing.Writer.TryComplete();
        await CloseSocketAsync();
        await AwaitQuietlyAsync(receive, events, send, agent);
    }

    public async ValueTask DisposeAsync()
    {
        _events?.Dispose();
        Playback.Dispose();
        while (_outgoing.Reader.TryRead(out OutgoingText text))
        {
            ArrayPool<byte>.Shared.Return(text.Buffer);
        }

        await Agent.DisposeAsync();
        _socket.Dispose();
    }

    private ValueTask EnqueueTextAsync(OutgoingText text, CancellationToken cancellationToken) =>
        _outgoing.Writer.WriteAsync(text, cancellationToken);

    /// <summary>First receive buffer of a call's media stream (mod_audio_stream sends one 20 ms frame per message).</summary>
    private const int InitialReceiveBytes = 4096;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // Sized for the usual message (one or a few 20 ms frames), grown only for a larger one up to the limit: a buffer of
        // MaxFrameBytes per call would be most of the call's memory.
        int limit = _options.MaxFrameBytes + 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBytes, limit));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length > _options.MaxFrameBytes)
                    {
                        await RejectAsync(WebSocketCloseStatus.MessageTooBig, $"frame exceeds {_options.MaxFrameBytes} bytes", "oversized_frame");
                        return;
                    }

                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Interlocked.CompareExchange(ref _endReason, "stream_closed", null);
                    return;
                }

                if (length > _options.MaxFrameBytes)
                {
                    await RejectAsync(WebSocketCloseStatus.MessageTooBig, $"frame exceeds {_options.MaxFrameBytes} bytes", "oversized_frame");
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    // send_text (dialplan, browser test call): what the caller typed, plain or {"text":"..."}.
                    if (CallerText.Parse(buffer.AsSpan(0, length)) is { } typed)
                    {
                        Agent.OnCallerText(typed);
                    }

                    continue;
                }

                if (length == 0 || length % _frameBytes != 0)
                {
                    await RejectAsync(
                        WebSocketCloseStatus.InvalidPayloadData,
                        $"binary frame of {length} bytes is not a whole number of 20 ms L16 frames ({_frameBytes} bytes)",
                        "malformed_frame");
                    return;
                }

                _metrics.AudioChunk(AudioDirection.In);
                for (int offset = 0; offset < length; offset += _frameBytes)
                {
                    Agent.OnCallerAudio(buffer.AsSpan(offset, _frameBytes));
                    Interlocked.Increment(ref _framesReceived);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            Interlocked.CompareExchange(ref _endReason, "stream_lost", null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (OutgoingText text in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (_socket.State == WebSocketState.Open)
                    {
                        await _socket.SendAsync(text.Buffer.AsMemory(0, text.Length), WebSocketMessageType.Text, true, cancellationToken);
                        _metrics.AudioChunk(AudioDirection.Out);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(text.Buffer);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            Interlocked.CompareExchange(ref _endReason, "stream_lost", null);
        }
    }

    private async Task EventLoopAsync(CancellationToken cancellationToken)
    {
        ChannelReader<EventSocketEvent> reader = _events!.Reader;
        try
        {
            await foreach (EventSocketEvent e in reader.ReadAllAsync(cancellationToken))
            {
                switch (e.Name)
                {
                    case "CUSTOM" when e.Subclass == "mod_audio_stream::play":
                        await Playback.OnPlayEventAsync(e, cancellationToken);
                        break;
                    case "DTMF":
                        string? digit = e["DTMF-Digit"];
                        if (!string.IsNullOrEmpty(digit))
                        {
                            Agent.OnDtmf(digit[0]);
                        }

                        break;
                    case "CHANNEL_HANGUP" or "CHANNEL_HANGUP_COMPLETE":
                        Interlocked.CompareExchange(ref _hangupCause, e["Hangup-Cause"] ?? "UNKNOWN", null);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (EventSocketException ex)
        {
            // The ESL client reconnects on its own; a failed playback command must not end the call.
            Log.PlaybackCommandFailed(_logger, CallUuid, ex);
        }
    }

    private async Task RejectAsync(WebSocketCloseStatus status, string reason, string metricReason)
    {
        Interlocked.CompareExchange(ref _endReason, metricReason, null);
        Log.StreamFrameRejected(_logger, CallUuid, TenantId, reason);
        _metrics.MediaStreamRejected(metricReason);
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    private async Task CloseSocketAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, _endReason ?? "call ended", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _socket.Abort();
        }
    }

    private static async Task AwaitQuietlyAsync(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks).WaitAsync(CloseTimeout + CloseTimeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException or EventSocketException)
        {
            // Every loop classifies its own failure into the end reason; what is left here is shutdown noise.
        }
    }
}
