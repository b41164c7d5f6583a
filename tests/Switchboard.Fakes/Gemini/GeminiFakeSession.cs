using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Switchboard.Fakes.Gemini;

/// <summary>Caller audio the fake received: decoded PCM16 16 kHz bytes and when they arrived (<see cref="TimeProvider.System"/> timestamp).</summary>
public sealed record GeminiReceivedAudio(long Timestamp, byte[] Pcm);

/// <summary>
/// One accepted Live connection: what it received (setup, messages, audio with timestamps) and what the test
/// makes it answer (audio, transcripts, tool calls, <c>interrupted</c>, handles, <c>goAway</c>, closes).
/// </summary>
public sealed class GeminiFakeSession
{
    private readonly GeminiLiveFake _fake;
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<JsonElement> _messages = [];
    private readonly List<GeminiReceivedAudio> _audio = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly Dictionary<string, string> _pendingToolCalls = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<(int? Code, string? Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private Task _cut = Task.CompletedTask;
    private long _audioBytes;
    private int _handles;

    internal GeminiFakeSession(GeminiLiveFake fake, WebSocket socket, int index, JsonElement setup, string? resumedWith)
    {
        _fake = fake;
        _socket = socket;
        Index = index;
        Setup = setup;
        ResumedWithHandle = resumedWith;
    }

    public int Index { get; }

    /// <summary>The accepted <c>setup</c> object.</summary>
    public JsonElement Setup { get; }

    /// <summary>The handle this session was resumed with (one the fake issued), or null for a new session.</summary>
    public string? ResumedWithHandle { get; }

    public bool Resumed => ResumedWithHandle is not null;

    /// <summary>How the connection ended: the close code and reason sent or received, null code for an abort.</summary>
    public Task<(int? Code, string? Reason)> Closed => _closed.Task;

    /// <summary>True when the client started the close handshake.</summary>
    public bool ClosedByClient { get; private set; }

    public long AudioBytes => Interlocked.Read(ref _audioBytes);

    public IReadOnlyList<GeminiReceivedAudio> Audio
    {
        get
        {
            lock (_waiters)
            {
                return [.. _audio];
            }
        }
    }

    /// <summary>Client messages after setup other than audio.</summary>
    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_waiters)
            {
                return [.. _messages];
            }
        }
    }

    public Task WaitForAudioBytesAsync(long bytes) => WaitAsync(() => _audioBytes >= bytes);

    /// <summary>The first non-audio message with top-level key <paramref name="key"/> at or after position <paramref name="from"/>.</summary>
    public async Task<JsonElement> WaitForMessageAsync(string key, int from = 0)
    {
        await WaitAsync(() => _messages.Skip(from).Any(m => m.TryGetProperty(key, out _)));
        return Messages.Skip(from).First(m => m.TryGetProperty(key, out _));
    }

    /// <summary>Model audio (§3.5): PCM16 24 kHz in <c>inlineData</c> chunks of <paramref name="chunkMilliseconds"/>.</summary>
    public async Task SendAudioAsync(short[] pcm24k, int chunkMilliseconds = 40)
    {
        int chunk = 24 * chunkMilliseconds;
        for (int offset = 0; offset < pcm24k.Length; offset += chunk)
        {
            short[] part = pcm24k[offset..Math.Min(pcm24k.Length, offset + chunk)];
            byte[] bytes = new byte[part.Length * 2];
            Buffer.BlockCopy(part, 0, bytes, 0, bytes.Length);
            await SendAsync(
                "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"audio/pcm;rate=24000\",\"data\":\"" +
                Convert.ToBase64String(bytes) + "\"}}]}}}");
        }
    }

    public Task SendInputTranscriptionAsync(string text, bool finished) =>
        SendAsync(Transcription("inputTranscription", text, finished));

    public Task SendOutputTranscriptionAsync(string text, bool finished) =>
        SendAsync(Transcription("outputTranscription", text, finished));

    private static string Transcription(string kind, string text, bool finished) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["serverContent"] = new Dictionary<string, object> { [kind] = new Dictionary<string, object> { ["text"] = text, ["finished"] = finished } },
        });

    /// <summary><c>turnComplete</c>, with <c>usageMetadata</c> in the same message when given (§3.2).</summary>
    public Task SendTurnCompleteAsync(int promptTokens = 0, int responseTokens = 0, int promptAudioTokens = 0, int responseAudioTokens = 0) =>
        SendAsync(string.Create(
            CultureInfo.InvariantCulture,
            $$$"""{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":{{{promptTokens}}},"responseTokenCount":{{{responseTokens}}},"totalTokenCount":{{{promptTokens + responseTokens}}},"promptTokensDetails":[{"modality":"AUDIO","tokenCount":{{{promptAudioTokens}}}},{"modality":"TEXT","tokenCount":{{{promptTokens - promptAudioTokens}}}}],"responseTokensDetails":[{"modality":"AUDIO","tokenCount":{{{responseAudioTokens}}}}]}}"""));

    public Task SendInterruptedAsync() => SendAsync("""{"serverContent":{"interrupted":true}}""");

    /// <summary>§3.6: <c>args</c> is a JSON object. The fake then expects a matching <c>toolResponse</c>.</summary>
    public Task SendToolCallAsync(string id, string name, string argumentsJson)
    {
        lock (_waiters)
        {
            _pendingToolCalls[id] = name;
        }

        return SendAsync($$$"""{"toolCall":{"functionCalls":[{"id":{{{JsonSerializer.Serialize(id)}}},"name":{{{JsonSerializer.Serialize(name)}}},"args":{{{argumentsJson}}}}]}}""");
    }

    /// <summary>§3.7: a resumable handle; only handles issued here are accepted in a later setup.</summary>
    public async Task<string> IssueResumptionHandleAsync()
    {
        string handle = $"handle-{Index}-{Interlocked.Increment(ref _handles)}-{Guid.NewGuid():N}";
        _fake.RecordHandle(handle, this);
        await SendAsync($$$"""{"sessionResumptionUpdate":{"newHandle":"{{{handle}}}","resumable":true}}""");
        return handle;
    }

    /// <summary>§3.7: <c>goAway</c>, then the connection is cut with 1000 once <paramref name="timeLeft"/> has passed (unless the client closed first).</summary>
    public async Task SendGoAwayAsync(TimeSpan timeLeft)
    {
        await SendAsync(string.Create(CultureInfo.InvariantCulture, $$$"""{"goAway":{"timeLeft":"{{{timeLeft.TotalSeconds:0.###}}}s"}}"""));
        _cut = CutAfterAsync(timeLeft); // bounded by timeLeft; awaited when the session's handler ends
    }

    public Task CloseAsync(int code, string reason) => CloseOutputAsync(code, reason);

    /// <summary>Drops the TCP connection without a close handshake.</summary>
    public void Abort()
    {
        _abort.Cancel();
        try
        {
            _socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request has just finished.
        }
    }

    public async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync();
        try
        {
            // §3.1 / G14: the service sends JSON in binary frames.
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    internal bool TryCompleteToolCall(string id, string name)
    {
        lock (_waiters)
        {
            return _pendingToolCalls.TryGetValue(id, out string? expected) && expected == name && _pendingToolCalls.Remove(id);
        }
    }

    internal async Task RunAsync(byte[] buffer, CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _abort.Token);
        try
        {
            while (true)
            {
                (WebSocketMessageType type, int length) = await ReceiveAsync(_socket, buffer, linked.Token);
                if (type == WebSocketMessageType.Close)
                {
                    if (!_closed.Task.IsCompleted)
                    {
                        ClosedByClient = true;
                        await CloseOutputAsync((int?)_socket.CloseStatus ?? 1000, _socket.CloseStatusDescription ?? string.Empty);
                    }

                    return;
                }

                long now = TimeProvider.System.GetTimestamp();
                JsonElement message;
                try
                {
                    using JsonDocument document = JsonDocument.Parse(buffer.AsMemory(0, length));
                    message = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    await CloseOutputAsync(GeminiSetupRules.InvalidArgument, "Invalid JSON payload received.");
                    continue;
                }

                (int Code, string Reason)? error = GeminiSetupRules.ValidateClientMessage(message, this, out byte[]? audio);
                if (error is { } e)
                {
                    await CloseOutputAsync(e.Code, e.Reason);
                    continue;
                }

                lock (_waiters)
                {
                    if (audio is not null)
                    {
                        _audio.Add(new GeminiReceivedAudio(now, audio));
                        _audioBytes += audio.Length;
                    }
                    else
                    {
                        _messages.Add(message);
                    }

                    Signal();
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _closed.TrySetResult((null, exception.Message));
        }
        finally
        {
            await _abort.CancelAsync(); // ends a pending goAway cut
            await _cut;
        }
    }

    internal static async Task<(WebSocketMessageType Type, int Length)> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, length);
            }

            if (length == buffer.Length)
            {
                throw new WebSocketException("Message too large for the fake.");
            }
        }
    }

    /// <summary>Closes from the server side and waits (bounded) for the client's close.</summary>
    internal static async Task CloseAndDrainAsync(WebSocket socket, int code, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, timeout.Token);
            byte[] sink = new byte[4096];
            while (socket.State == WebSocketState.CloseSent)
            {
                await socket.ReceiveAsync(sink.AsMemory(), timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }

    private async Task CloseOutputAsync(int code, string reason)
    {
        if (!_closed.TrySetResult((code, reason)))
        {
            return;
        }

        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // Already gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CutAfterAsync(TimeSpan timeLeft)
    {
        try
        {
            await Task.Delay(timeLeft, _abort.Token); // the service's own clock, not test synchronisation
            await CloseOutputAsync(1000, "session time limit");
        }
        catch (OperationCanceledException)
        {
            // Aborted.
        }
    }

    private Task WaitAsync(Func<bool> condition)
    {
        lock (_waiters)
        {
            if (condition())
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
            return done.Task;
        }
    }

    private void Signal()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
