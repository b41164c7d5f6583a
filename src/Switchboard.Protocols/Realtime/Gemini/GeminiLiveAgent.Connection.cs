using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>Connecting, the set-up handshake, the send paths and session resumption.</summary>
public sealed partial class GeminiLiveAgent
{
    /// <summary>Opens a WebSocket, sends <c>setup</c> and waits for <c>setupComplete</c> (§3.1, §3.3, §7).</summary>
    private async Task<Connection> OpenAsync(string? resumeHandle, CancellationToken cancellationToken)
    {
        VoiceAgentSettings settings = _settings!;
        Uri endpoint = settings.Endpoint ?? DefaultEndpoint;
        string where = endpoint.GetLeftPart(UriPartial.Path); // never the key
        var uri = new UriBuilder(endpoint) { Query = "key=" + Uri.EscapeDataString(settings.ApiKey!) }.Uri;

        using var timeout = new CancellationTokenSource(_connectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _cts.Token);
        var connection = new Connection(new ClientWebSocket());
        try
        {
            await connection.Socket.ConnectAsync(uri, linked.Token);
            await connection.Socket.SendAsync(GeminiSetup.Write(settings, resumeHandle), WebSocketMessageType.Text, true, linked.Token);
            while (true)
            {
                int length = await ReceiveMessageAsync(connection, linked.Token);
                if (length < 0)
                {
                    throw new VoiceAgentException(
                        $"Gemini Live at {where} refused the session: {(int?)connection.Socket.CloseStatus} {connection.Socket.CloseStatusDescription}");
                }

                using JsonDocument message = JsonDocument.Parse(connection.Buffer.AsMemory(0, length));
                if (message.RootElement.TryGetProperty("setupComplete", out _))
                {
                    CountServerMessage();
                    break;
                }

                HandleMessage(connection, message.RootElement);
            }

            Log.SetUp(_logger, GeminiSetup.ModelName(settings), resumeHandle is not null);
            return connection;
        }
        catch (Exception exception) when (exception is not VoiceAgentException)
        {
            connection.Socket.Abort();
            connection.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            string reason = timeout.IsCancellationRequested ? "timed out" : exception.Message;
            throw new VoiceAgentException($"Gemini Live connection to {where} failed: {reason}", exception);
        }
        catch (VoiceAgentException)
        {
            connection.Socket.Abort();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads one whole message into the connection's buffer; −1 when the peer closed.</summary>
    private static async ValueTask<int> ReceiveMessageAsync(Connection connection, CancellationToken cancellationToken)
    {
        int length = 0;
        while (true)
        {
            if (length == connection.Buffer.Length)
            {
                if (length >= MaxMessageBytes)
                {
                    throw new InvalidDataException($"A Gemini Live message exceeded {MaxMessageBytes} bytes.");
                }

                byte[] larger = ArrayPool<byte>.Shared.Rent(length * 2);
                connection.Buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(connection.Buffer);
                connection.Buffer = larger;
            }

            ValueWebSocketReceiveResult result = await connection.Socket.ReceiveAsync(connection.Buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return -1;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return length;
            }
        }
    }

    /// <summary>
    /// Watches the current connection: a <c>goAway</c> moves the session to a new connection; any other end of the
    /// connection ends the session with a fatal <see cref="AgentError"/> and completes <see cref="Events"/>.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                Connection connection = _connection!;
                await Task.WhenAny(connection.Receive, connection.GoAway.Task).WaitAsync(cancellationToken);
                bool goAway = connection.GoAway.Task.IsCompleted;
                if (goAway && _resumeHandle is not null)
                {
                    if (await ResumeAsync(connection, cancellationToken))
                    {
                        continue;
                    }

                    break;
                }

                // Without a handle the connection stays in use until the service cuts it.
                ConnectionEnd end = await connection.Receive.WaitAsync(cancellationToken);
                if (end.Code == "connection_lost" && _resumeHandle is not null && Volatile.Read(ref _disposed) == 0)
                {
                    // §3.7: a dropped connection resumes like a goAway.
                    Log.Closed(_logger, end.Code, end.Message);
                    if (await ResumeAsync(connection, cancellationToken))
                    {
                        continue;
                    }

                    break;
                }

                if (Volatile.Read(ref _disposed) == 0)
                {
                    string message = goAway ? end.Message + " (after goAway, with no resumption handle issued)" : end.Message;
                    Log.Closed(_logger, end.Code, message);
                    Emit(new AgentError(end.Code, message, Fatal: true));
                }

                break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            Volatile.Write(ref _ended, 1);
            _ready.TrySetResult(); // release senders; they fail fast on the closed socket
            _swapped.TrySetResult();
            _eventChannel.Writer.TryComplete();
            _callerAudio.Writer.TryComplete();
        }
    }

    /// <summary>
    /// §3.7: open a new connection with the latest resumable handle while caller audio waits in its queue, switch
    /// to it, then close the old one.
    /// </summary>
    private async Task<bool> ResumeAsync(Connection old, CancellationToken cancellationToken)
    {
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string handle = _resumeHandle!;
        Connection next;
        try
        {
            next = await OpenAsync(handle, cancellationToken);
        }
        catch (VoiceAgentException exception)
        {
            Log.ResumeFailed(_logger, exception);
            Emit(new AgentError("resume_failed", exception.Message, Fatal: true));
            return false;
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            old.Retired = true;
            _connection = next;
            next.Receive = ReceiveLoopAsync(next, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }

        TaskCompletionSource swapped = _swapped;
        _swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        swapped.TrySetResult();
        Interlocked.Increment(ref _resumeCount);
        Log.Resumed(_logger, _callerAudio.Reader.Count, DroppedCallerAudioChunks);
        _ready.TrySetResult();
        await CloseQuietlyAsync(old, "resumed");
        await WaitQuietlyAsync(old.Receive); // its buffer goes back to the pool only once the loop is done
        old.Dispose();
        return true;
    }

    /// <summary>Normal closure, bounded; aborts when the peer does not complete the handshake in time.</summary>
    private async Task CloseQuietlyAsync(Connection connection, string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, _timeProvider);
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _sendLock.WaitAsync(timeout.Token);
                try
                {
                    await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
                }
                finally
                {
                    _sendLock.Release();
                }
            }

            await connection.Receive.WaitAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Best effort: whatever state the socket is in, abort ends it.
        }

        connection.Socket.Abort();
    }

    /// <summary>Sends one JSON message on the current connection, waiting while the session switches connections.</summary>
    private async ValueTask SendMessageAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            throw new InvalidOperationException("Connect the agent first.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        try
        {
            await SendCoreAsync(json, linked.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            throw new VoiceAgentException("The Gemini Live connection is closed.", exception);
        }
        catch (OperationCanceledException exception) when (_cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new VoiceAgentException("The Gemini Live session has ended.", exception);
        }
    }

    /// <summary>The send itself; <paramref name="cancellationToken"/> must already include the agent's own token.</summary>
    private async ValueTask SendCoreAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _ready.Task.WaitAsync(cancellationToken);
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                if (!_ready.Task.IsCompleted)
                {
                    continue; // a switch started meanwhile: wait for the new connection
                }

                await _connection!.Socket.SendAsync(json, WebSocketMessageType.Text, true, cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or InvalidOperationException && !_ready.Task.IsCompleted)
            {
                // The old connection went away during a switch; send again on the new one.
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }

    /// <summary>
    /// Drains the caller-audio queue into <c>realtimeInput.audio</c> messages: one 20 ms frame per message while the
    /// loop keeps up, up to 100 ms per message when frames have queued (§3.4). The JSON is written with a reused
    /// <see cref="Utf8JsonWriter"/> straight from the pooled PCM, so a frame costs no allocation.
    /// </summary>
    private async Task SendAudioLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _callerAudio.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                // While the session switches connections, audio stays in the bounded queue (oldest dropped).
                await _ready.Task.WaitAsync(cancellationToken);
                int length = 0;
                while (reader.TryPeek(out AudioChunk next) && length + next.Length <= _batch.Length && reader.TryRead(out AudioChunk chunk))
                {
                    chunk.Buffer.AsSpan(0, chunk.Length).CopyTo(_batch.AsSpan(length));
                    length += chunk.Length;
                    _callerPool.Return(chunk.Buffer);
                }

                if (length == 0)
                {
                    continue;
                }

                WriteAudioMessage(length);
                while (true)
                {
                    Task swapped = _swapped.Task;
                    try
                    {
                        await SendCoreAsync(_audioJson.WrittenMemory, cancellationToken);
                        break;
                    }
                    catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or ObjectDisposedException &&
                        Volatile.Read(ref _ended) == 0)
                    {
                        // The connection dropped; if the session resumes, this batch goes to the new connection.
                        Log.SendFailed(_logger, exception);
                        await swapped.WaitAsync(cancellationToken);
                        if (Volatile.Read(ref _ended) != 0)
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection ended for good; the supervisor reports it.
            Log.SendFailed(_logger, exception);
        }
    }

    /// <summary>Writes <c>{"realtimeInput":{"audio":{...}}}</c> for the batched PCM into the reused buffer.</summary>
    private void WriteAudioMessage(int length)
    {
        _audioJson.ResetWrittenCount();
        _audioWriter.Reset(_audioJson);
        _audioWriter.WriteStartObject();
        _audioWriter.WriteStartObject("realtimeInput"u8);
        _audioWriter.WriteStartObject("audio"u8);
        _audioWriter.WriteString("mimeType"u8, InputMimeType);
        _audioWriter.WriteBase64String("data"u8, _batch.AsSpan(0, length));
        _audioWriter.WriteEndObject();
        _audioWriter.WriteEndObject();
        _audioWriter.WriteEndObject();
        _audioWriter.Flush();
    }

    private static int RateOf(ReadOnlySpan<byte> mimeType)
    {
        int at = mimeType.IndexOf("rate="u8);
        if (at < 0)
        {
            return OutputSampleRate; // "sometimes just audio/pcm" (§3.5): 24 kHz
        }

        return System.Buffers.Text.Utf8Parser.TryParse(mimeType[(at + 5)..], out int rate, out _) ? rate : OutputSampleRate;
    }
}
