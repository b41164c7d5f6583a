using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>
/// Deepgram live transcription over <c>wss://…/v1/listen</c> (reference §4.1): caller audio out as binary
/// frames (µ-law at 8 kHz, linear16 otherwise), <c>Results</c>/<c>UtteranceEnd</c>/<c>SpeechStarted</c>/<c>Metadata</c>
/// in as <see cref="Events"/>, with final transcripts assembled into <see cref="SpeechTurnEnded"/> turns.
/// </summary>
/// <remarks>
/// One receive loop and one keep-alive loop, both owned and awaited by <see cref="DisposeAsync"/>. Sends are
/// serialised by a semaphore; <see cref="SendAudioAsync"/> encodes into a reused buffer and allocates nothing.
/// </remarks>
public sealed class DeepgramStreamingClient : IAsyncDisposable
{
    private static readonly byte[] KeepAliveMessage = """{"type":"KeepAlive"}"""u8.ToArray();
    private static readonly byte[] CloseStreamMessage = """{"type":"CloseStream"}"""u8.ToArray();
    private static readonly byte[] FinalizeMessage = """{"type":"Finalize"}"""u8.ToArray();

    private readonly DeepgramOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<SpeechToTextEvent> _events = Channel.CreateBounded<SpeechToTextEvent>(
        new BoundedChannelOptions(256) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _encodeBuffer;
    private readonly StringBuilder _turn = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Task _keepAliveLoop = Task.CompletedTask;
    private PeriodicTimer? _keepAliveTimer;
    private long _lastSendTimestamp;
    private int _disposed;

    public DeepgramStreamingClient(DeepgramOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SampleRate, "Deepgram streaming takes 8, 16, 24 or 48 kHz call audio here.");
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _encodeBuffer = new byte[Pcm16.SamplesPerFrame(options.SampleRate, 100)];
    }

    /// <summary>Transcripts and turn events in arrival order; completes when the stream closes.</summary>
    public ChannelReader<SpeechToTextEvent> Events => _events.Reader;

    /// <summary>Connects and starts receiving; throws <see cref="VoiceAgentException"/> on refusal (bad key, bad parameters).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _socket.Options.SetRequestHeader("Authorization", "Token " + _options.ApiKey);
        _socket.Options.CollectHttpResponseDetails = true;
        Uri uri = _options.BuildUri();
        try
        {
            await _socket.ConnectAsync(uri, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException)
        {
            string status = _socket.HttpStatusCode == 0 ? "no HTTP response" : "HTTP " + (int)_socket.HttpStatusCode;
            throw new VoiceAgentException($"Deepgram refused the connection to {_options.Endpoint} ({status}): {ex.Message}", ex);
        }

        _lastSendTimestamp = _timeProvider.GetTimestamp();

        // Held in a field: a PeriodicTimer on a TimeProvider that only its own pending wait references can be collected.
        _keepAliveTimer = new PeriodicTimer(_options.KeepAliveInterval / 4, _timeProvider);
        // Both loops run on the thread pool, away from any caller's synchronization context; DisposeAsync awaits them.
        _receiveLoop = Task.Run(() => ReceiveLoopAsync(_stop.Token), CancellationToken.None);
        _keepAliveLoop = Task.Run(() => KeepAliveLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// One frame of caller audio, PCM16 mono at <see cref="DeepgramOptions.SampleRate"/>, sent as one binary message
    /// (µ-law encoded at 8 kHz). Allocates nothing.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAudioAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (pcm16.Length % Pcm16.BytesPerSample != 0)
        {
            throw new ArgumentException("PCM16 audio has an even number of bytes.", nameof(pcm16));
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_options.SampleRate == 8000)
            {
                int offset = 0;
                while (offset < pcm16.Length)
                {
                    int samples = Math.Min(_encodeBuffer.Length, (pcm16.Length - offset) / Pcm16.BytesPerSample);
                    G711.MuLawEncode(Pcm16.AsSamples(pcm16.Span.Slice(offset, samples * Pcm16.BytesPerSample)), _encodeBuffer.AsSpan(0, samples));
                    await _socket.SendAsync(_encodeBuffer.AsMemory(0, samples), WebSocketMessageType.Binary, true, cancellationToken);
                    offset += samples * Pcm16.BytesPerSample;
                }
            }
            else
            {
                await _socket.SendAsync(pcm16, WebSocketMessageType.Binary, true, cancellationToken);
            }

            Volatile.Write(ref _lastSendTimestamp, _timeProvider.GetTimestamp());
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Asks Deepgram to finalise what it has heard so far; the connection stays open.</summary>
    public ValueTask FinalizeAsync(CancellationToken cancellationToken) => SendControlAsync(FinalizeMessage, cancellationToken);

    /// <summary>
    /// Ends the stream: sends <c>CloseStream</c>, after which Deepgram flushes final results and <c>Metadata</c> and
    /// closes; returns when <see cref="Events"/> has everything (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await SendControlAsync(CloseStreamMessage, cancellationToken);
        await _receiveLoop.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await Task.WhenAll(_receiveLoop, _keepAliveLoop);
        }
        catch (OperationCanceledException)
        {
        }

        _events.Writer.TryComplete();
        _keepAliveTimer?.Dispose();
        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private async ValueTask SendControlAsync(byte[] message, CancellationToken cancellationToken)
    {
        // Control messages are JSON text frames; a binary KeepAlive is mishandled (§4.1).
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task KeepAliveLoopAsync(CancellationToken cancellationToken)
    {
        TimeSpan interval = _options.KeepAliveInterval;
        try
        {
            while (await _keepAliveTimer!.WaitForNextTickAsync(cancellationToken))
            {
                if (_socket.State != WebSocketState.Open)
                {
                    return;
                }

                if (_timeProvider.GetElapsedTime(Volatile.Read(ref _lastSendTimestamp)) >= interval)
                {
                    await SendControlAsync(KeepAliveMessage, cancellationToken);
                    Volatile.Write(ref _lastSendTimestamp, _timeProvider.GetTimestamp());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            // The receive loop reports the closed connection.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= _options.MaxMessageBytes)
                    {
                        await _events.Writer.WriteAsync(new SpeechError("message_too_large", "Deepgram sent a message over " + _options.MaxMessageBytes + " bytes."), cancellationToken);
                        return;
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    WebSocketCloseStatus? status = _socket.CloseStatus;
                    if (status is not WebSocketCloseStatus.NormalClosure)
                    {
                        await _events.Writer.WriteAsync(
                            new SpeechError(((int?)status)?.ToString(CultureInfo.InvariantCulture) ?? "closed", _socket.CloseStatusDescription ?? "Deepgram closed the stream."),
                            cancellationToken);
                    }

                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closeTimeout.Token);
                    }

                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await HandleMessageAsync(buffer.AsMemory(0, length), cancellationToken);
                }

                length = 0;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or JsonException or ObjectDisposedException)
        {
            _events.Writer.TryWrite(new SpeechError("connection_lost", "Deepgram stream failed: " + ex.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _events.Writer.TryComplete();
        }
    }

    private async ValueTask HandleMessageAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string? type = root.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
        switch (type)
        {
            case "Results":
                {
                    string text = string.Empty;
                    if (root.TryGetProperty("channel", out JsonElement channel)
                        && channel.TryGetProperty("alternatives", out JsonElement alternatives)
                        && alternatives.GetArrayLength() > 0
                        && alternatives[0].TryGetProperty("transcript", out JsonElement transcript))
                    {
                        text = transcript.GetString() ?? string.Empty;
                    }

                    bool isFinal = root.TryGetProperty("is_final", out JsonElement f) && f.GetBoolean();
                    bool speechFinal = root.TryGetProperty("speech_final", out JsonElement s) && s.GetBoolean();
                    double start = root.TryGetProperty("start", out JsonElement st) ? st.GetDouble() : 0;
                    double duration = root.TryGetProperty("duration", out JsonElement d) ? d.GetDouble() : 0;
                    await _events.Writer.WriteAsync(new SpeechTranscript(text, isFinal, speechFinal, start, duration), cancellationToken);
                    if (isFinal && text.Length > 0)
                    {
                        _turn.Append(_turn.Length == 0 ? string.Empty : " ").Append(text);
                    }

                    if (speechFinal)
                    {
                        await EndTurnAsync(cancellationToken);
                    }

                    break;
                }

            case "UtteranceEnd":
                await _events.Writer.WriteAsync(
                    new SpeechUtteranceEnd(root.TryGetProperty("last_word_end", out JsonElement end) ? end.GetDouble() : 0), cancellationToken);
                await EndTurnAsync(cancellationToken);
                break;
            case "SpeechStarted":
                await _events.Writer.WriteAsync(
                    new SpeechStarted(root.TryGetProperty("timestamp", out JsonElement ts) ? ts.GetDouble() : 0), cancellationToken);
                break;
            case "Metadata":
                await _events.Writer.WriteAsync(
                    new SpeechMetadata(
                        root.TryGetProperty("request_id", out JsonElement id) ? id.GetString() : null,
                        root.TryGetProperty("duration", out JsonElement md) ? md.GetDouble() : 0),
                    cancellationToken);
                break;
            default:
                // Unknown types are ignored: Deepgram adds message types over time.
                break;
        }
    }

    private async ValueTask EndTurnAsync(CancellationToken cancellationToken)
    {
        // speech_final and UtteranceEnd are not correlated: whichever comes first ends the turn, an empty buffer is ignored.
        if (_turn.Length == 0)
        {
            return;
        }

        string text = _turn.ToString();
        _turn.Clear();
        await _events.Writer.WriteAsync(new SpeechTurnEnded(text), cancellationToken);
    }
}
