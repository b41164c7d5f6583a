using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.OpenAi;

/// <summary>The socket side: handshake, the send and receive loops, and what each server event becomes.</summary>
public sealed partial class OpenAiRealtimeAgent
{
    private bool _fatalReported;

    /// <summary>
    /// <c>session.created</c> → <c>session.update</c> → <c>session.updated</c>, checking the echoed audio formats
    /// (reference §1.2, §7 step 2; gotcha G1: a format the server did not apply means static on the line).
    /// </summary>
    private async Task HandshakeAsync(ClientWebSocket socket, OpenAiSessionPlan plan, CancellationToken cancellationToken)
    {
        using (JsonDocument created = await ReceiveSetupEventAsync(socket, "session.created", cancellationToken))
        {
            if (created.RootElement.TryGetProperty("session", out JsonElement session) &&
                session.ValueKind == JsonValueKind.Object &&
                session.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
            {
                SessionId = id.GetString();
            }
        }

        await socket.SendAsync(OpenAiRealtimeMessages.SessionUpdate(plan), WebSocketMessageType.Text, true, cancellationToken);
        using JsonDocument updated = await ReceiveSetupEventAsync(socket, "session.updated", cancellationToken);
        string expected = OpenAiRealtimeMessages.FormatName(plan.Format);
        string? input = FormatType(updated.RootElement, "input");
        string? output = FormatType(updated.RootElement, "output");
        if (input != expected || output != expected)
        {
            throw new VoiceAgentException($"OpenAI Realtime applied audio formats {input ?? "none"}/{output ?? "none"} instead of {expected}.");
        }

        static string? FormatType(JsonElement root, string direction) =>
            root.TryGetProperty("session", out JsonElement s) && s.ValueKind == JsonValueKind.Object &&
            s.TryGetProperty("audio", out JsonElement a) && a.ValueKind == JsonValueKind.Object &&
            a.TryGetProperty(direction, out JsonElement d) && d.ValueKind == JsonValueKind.Object &&
            d.TryGetProperty("format", out JsonElement f) && f.ValueKind == JsonValueKind.Object &&
            f.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
    }

    private async Task<JsonDocument> ReceiveSetupEventAsync(ClientWebSocket socket, string wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            (int length, bool closed) = await ReceiveMessageAsync(socket, cancellationToken);
            if (closed)
            {
                throw new VoiceAgentException(
                    $"OpenAI Realtime closed the connection during setup ({(int?)socket.CloseStatus} {socket.CloseStatusDescription}).");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(ReceiveBuffer.AsMemory(0, length));
            }
            catch (JsonException ex)
            {
                throw new VoiceAgentException("OpenAI Realtime sent malformed JSON during setup.", ex);
            }

            string? type = GetString(document.RootElement, "type");
            if (type == wanted)
            {
                return document;
            }

            if (type == "error")
            {
                (string code, string message, _) = ReadError(document.RootElement);
                document.Dispose();
                throw new VoiceAgentException($"OpenAI Realtime refused the session: {code}: {message}");
            }

            document.Dispose(); // e.g. conversation.created before session.updated
        }
    }

    /// <summary>
    /// Reads one whole message (frames accumulated until EndOfMessage) into <see cref="ReceiveBuffer"/>. A message larger
    /// than the agent's own buffer moves to a pooled one, held until <see cref="ReleaseLargeReceiveBuffer"/>.
    /// </summary>
    private async ValueTask<(int Length, bool Closed)> ReceiveMessageAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        ReleaseLargeReceiveBuffer();
        int count = 0;
        while (true)
        {
            int capacity = Math.Min(ReceiveBuffer.Length, MaxMessageBytes);
            if (count == capacity)
            {
                if (count >= MaxMessageBytes)
                {
                    throw new VoiceAgentException($"An OpenAI Realtime message exceeded {MaxMessageBytes} bytes.");
                }

                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(capacity * 2, MaxMessageBytes));
                ReceiveBuffer.AsSpan(0, count).CopyTo(larger);
                ReleaseLargeReceiveBuffer();
                _largeReceiveBuffer = larger;
                capacity = Math.Min(larger.Length, MaxMessageBytes);
            }

            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(ReceiveBuffer.AsMemory(count, capacity - count), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (0, true);
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return (count, false);
            }
        }
    }

    /// <summary>Gives a pooled message buffer back; only between messages (no JSON document may still read it).</summary>
    private void ReleaseLargeReceiveBuffer()
    {
        if (_largeReceiveBuffer is { } large)
        {
            _largeReceiveBuffer = null;
            ArrayPool<byte>.Shared.Return(large);
        }
    }

    private async Task SendLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        ChannelReader<OutgoingMessage> reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out OutgoingMessage message))
                {
                    try
                    {
                        await socket.SendAsync(message.Buffer.AsMemory(0, message.Length), WebSocketMessageType.Text, true, cancellationToken);
                    }
                    finally
                    {
                        message.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposal.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A socket that cannot send is lost: abort it so the receive loop ends and reports the drop.
            AbortConnection();
        }
    }

    /// <summary>
    /// Ends a connection that can no longer be used. A receive pending on it then fails with
    /// <see cref="OperationCanceledException"/> ("Aborted"), not a <see cref="WebSocketException"/>; the receive loop
    /// reports that as a lost connection like any other.
    /// </summary>
    internal void AbortConnection() => _socket?.Abort();

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        string reason;
        Exception? failure = null;
        try
        {
            while (true)
            {
                (int length, bool closed) = await ReceiveMessageAsync(socket, cancellationToken);
                if (closed)
                {
                    reason = $"closed by OpenAI ({(int?)socket.CloseStatus} {socket.CloseStatusDescription})";
                    break;
                }

                await HandleMessageAsync(length, cancellationToken);
                ReleaseLargeReceiveBuffer();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "stopped";
        }
        catch (OperationCanceledException ex)
        {
            // Not ours: the socket was aborted under a pending receive (the send loop found it dead first).
            reason = "aborted after a failed send";
            failure = ex;
        }
        catch (Exception ex)
        {
            // Whatever ended the loop (network, protocol, a bug reading an event), the call must hear of it and move on.
            reason = ex.Message;
            failure = ex;
        }

        ReleaseLargeReceiveBuffer();
        _open = false;
        _outgoing.Writer.TryComplete();
        if (Volatile.Read(ref _disposed) == 0 && !cancellationToken.IsCancellationRequested)
        {
            Log.ConnectionLost(_logger, reason, failure);
            if (!_fatalReported)
            {
                _fatalReported = true;
                await WriteEventAsync(new AgentError("connection_closed", "OpenAI Realtime connection " + reason, Fatal: true), cancellationToken);
            }
        }

        _events.Writer.TryComplete();
    }

    private async ValueTask HandleMessageAsync(int length, CancellationToken cancellationToken)
    {
        AgentAudio? audio;
        bool handled;
        try
        {
            handled = TryHandleAudioDelta(ReceiveBuffer.AsSpan(0, length), out audio);
        }
        catch (JsonException ex)
        {
            Log.MalformedEvent(_logger, ex);
            return;
        }

        if (handled)
        {
            if (audio is not null)
            {
                await WriteEventAsync(audio, cancellationToken);
            }

            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ReceiveBuffer.AsMemory(0, length));
        }
        catch (JsonException ex)
        {
            Log.MalformedEvent(_logger, ex);
            return;
        }

        using (document)
        {
            await HandleEventAsync(document.RootElement, cancellationToken);
        }
    }

    /// <summary>
    /// The hot path: <c>response.output_audio.delta</c> read with a <see cref="Utf8JsonReader"/> over the receive
    /// buffer, base64 decoded into a reused buffer, no strings unless the item or response id changes. Returns
    /// false for every other event (and for an escaped delta, which the general path handles).
    /// </summary>
    private bool TryHandleAudioDelta(ReadOnlySpan<byte> json, out AgentAudio? audio)
    {
        audio = null;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        Range type = default, delta = default, item = default, response = default;
        bool escaped = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int which = reader.ValueTextEquals("type"u8) ? 1
                : reader.ValueTextEquals("delta"u8) ? 2
                : reader.ValueTextEquals("item_id"u8) ? 3
                : reader.ValueTextEquals("response_id"u8) ? 4
                : 0;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            if (which == 0 || reader.TokenType != JsonTokenType.String)
            {
                continue;
            }

            escaped |= reader.ValueIsEscaped;
            int start = (int)reader.TokenStartIndex + 1; // after the opening quote
            var range = new Range(start, start + reader.ValueSpan.Length);
            switch (which)
            {
                case 1: type = range; break;
                case 2: delta = range; break;
                case 3: item = range; break;
                default: response = range; break;
            }
        }

        if (escaped || !json[type].SequenceEqual("response.output_audio.delta"u8))
        {
            return false;
        }

        audio = OnAudioDelta(json[delta], json[item], json[response]);
        return true;
    }

    private AgentAudio? OnAudioDelta(ReadOnlySpan<byte> base64, ReadOnlySpan<byte> itemId, ReadOnlySpan<byte> responseId)
    {
        // Byte 0 is kept for a PCM16 byte carried over from the previous delta. Pooled for the delta only.
        byte[] decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64.Length) + 1);
        try
        {
            return DecodeAudioDelta(base64, itemId, responseId, decoded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private AgentAudio? DecodeAudioDelta(ReadOnlySpan<byte> base64, ReadOnlySpan<byte> itemId, ReadOnlySpan<byte> responseId, byte[] decoded)
    {
        if (Base64.DecodeFromUtf8(base64, decoded.AsSpan(1), out _, out int written) != OperationStatus.Done)
        {
            throw new VoiceAgentException("OpenAI Realtime sent audio that is not valid base64.");
        }

        string? responseIdText;
        lock (_lock)
        {
            if (!SameAscii(_audioItemId, itemId))
            {
                _audioItemId = itemId.IsEmpty ? null : Encoding.UTF8.GetString(itemId);
                _audioItemBytes = 0;
                _dropItemAudio = false;
                _outputCarry = -1;
            }

            if (!SameAscii(_responseId, responseId) && !responseId.IsEmpty)
            {
                _responseId = Encoding.UTF8.GetString(responseId);
            }

            _audioItemBytes += written;
            if (_dropItemAudio)
            {
                return null; // the caller interrupted this item: what is still arriving is never played
            }

            responseIdText = _responseId;
        }

        if (written == 0)
        {
            return null;
        }

        if (_format == OpenAiAudioFormat.Pcmu)
        {
            byte[] pcm = ArrayPool<byte>.Shared.Rent(written * 2);
            G711.MuLawDecode(decoded.AsSpan(1, written), Pcm16.AsSamples(pcm.AsSpan(0, written * 2)));
            return new AgentAudio(pcm, written * 2, responseIdText);
        }

        int first = 1;
        int length = written;
        if (_outputCarry >= 0)
        {
            decoded[0] = (byte)_outputCarry;
            first = 0;
            length++;
            _outputCarry = -1;
        }

        if ((length & 1) != 0)
        {
            _outputCarry = decoded[first + length - 1];
            length--;
        }

        if (length == 0)
        {
            return null;
        }

        ReadOnlySpan<short> samples = Pcm16.AsSamples((ReadOnlySpan<byte>)decoded.AsSpan(first, length));
        if (_outputResampler is null)
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent(length);
            decoded.AsSpan(first, length).CopyTo(copy);
            return new AgentAudio(copy, length, responseIdText);
        }

        int max = Resampler.MaxOutputLength(samples.Length, 24000, _callRate);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(max * 2);
        int produced = _outputResampler.Process(samples, Pcm16.AsSamples(buffer.AsSpan(0, max * 2)));
        if (produced == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return new AgentAudio(buffer, produced * 2, responseIdText);
    }

    private async ValueTask HandleEventAsync(JsonElement root, CancellationToken cancellationToken)
    {
        switch (GetString(root, "type"))
        {
            case "error":
                await OnErrorAsync(root, cancellationToken);
                break;
            case "input_audio_buffer.speech_started":
                await WriteEventAsync(new CallerSpeech(Started: true), cancellationToken);
                break;
            case "input_audio_buffer.speech_stopped":
                await WriteEventAsync(new CallerSpeech(Started: false), cancellationToken);
                break;
            case "conversation.item.input_audio_transcription.delta":
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Caller, GetString(root, "delta") ?? string.Empty, Final: false), cancellationToken);
                break;
            case "conversation.item.input_audio_transcription.completed":
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Caller, GetString(root, "transcript") ?? string.Empty, Final: true), cancellationToken);
                break;
            case "response.output_audio_transcript.delta":
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Agent, GetString(root, "delta") ?? string.Empty, Final: false), cancellationToken);
                break;
            case "response.output_audio_transcript.done":
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Agent, GetString(root, "transcript") ?? string.Empty, Final: true), cancellationToken);
                break;
            case "response.output_audio.delta":
                // Only reached when the fast path saw escapes in the event.
                byte[] base64 = Encoding.UTF8.GetBytes(GetString(root, "delta") ?? string.Empty);
                if (OnAudioDelta(base64, Encoding.UTF8.GetBytes(GetString(root, "item_id") ?? string.Empty),
                        Encoding.UTF8.GetBytes(GetString(root, "response_id") ?? string.Empty)) is { } audio)
                {
                    await WriteEventAsync(audio, cancellationToken);
                }

                break;
            case "response.created":
                lock (_lock)
                {
                    _responseActive = true;
                    if (root.TryGetProperty("response", out JsonElement created) && GetString(created, "id") is { } id)
                    {
                        _responseId = id;
                    }
                }

                break;
            case "response.function_call_arguments.done":
                await AnnounceToolCallAsync(GetString(root, "call_id"), GetString(root, "name"), GetString(root, "arguments"), cancellationToken);
                break;
            case "response.done":
                await OnResponseDoneAsync(root, cancellationToken);
                break;
            default:
                break; // lifecycle events the call does not need (item added/done, content parts, rate limits, ...)
        }
    }

    private async ValueTask OnErrorAsync(JsonElement root, CancellationToken cancellationToken)
    {
        (string code, string message, string? eventId) = ReadError(root);
        if (code == "response_cancel_not_active")
        {
            Log.CancelNotActive(_logger, code); // barge-in cancels whether or not a response runs (reference §1.11)
            return;
        }

        string? retry = null;
        lock (_lock)
        {
            if (eventId is not null && eventId == _lastResponseCreateId && code != "conversation_already_has_active_response")
            {
                _responseActive = false; // our response.create was refused: no response is coming
                if (_responsePending)
                {
                    _responsePending = false;
                    retry = _pendingInstructions ?? string.Empty;
                    _pendingInstructions = null;
                }
            }
        }

        bool fatal = FatalCodes.Contains(code);
        Log.ProviderError(_logger, code, message, fatal);
        if (fatal)
        {
            _fatalReported = true;
        }

        await WriteEventAsync(new AgentError(code, message, fatal), cancellationToken);
        if (retry is not null)
        {
            await RequestResponseCoreAsync(retry.Length == 0 ? null : retry, cancellationToken);
        }
    }

    private async ValueTask OnResponseDoneAsync(JsonElement root, CancellationToken cancellationToken)
    {
        string? responseId = null;
        string status = "completed";
        VoiceAgentUsage? usage = null;
        if (root.TryGetProperty("response", out JsonElement response) && response.ValueKind == JsonValueKind.Object)
        {
            responseId = GetString(response, "id");
            status = GetString(response, "status") ?? status;
            if (response.TryGetProperty("output", out JsonElement output) && output.ValueKind == JsonValueKind.Array)
            {
                // Calls whose arguments.done event we did not see are still in the final output (reference §1.9 step 1).
                foreach (JsonElement item in output.EnumerateArray())
                {
                    if (GetString(item, "type") == "function_call")
                    {
                        await AnnounceToolCallAsync(GetString(item, "call_id"), GetString(item, "name"), GetString(item, "arguments"), cancellationToken);
                    }
                }
            }

            if (response.TryGetProperty("usage", out JsonElement u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = new VoiceAgentUsage(
                    GetLong(u, "input_tokens"),
                    GetLong(u, "output_tokens"),
                    u.TryGetProperty("input_token_details", out JsonElement inputDetails) ? GetLong(inputDetails, "audio_tokens") : 0,
                    u.TryGetProperty("output_token_details", out JsonElement outputDetails) ? GetLong(outputDetails, "audio_tokens") : 0);
            }
        }

        await WriteEventAsync(new ResponseFinished(responseId, status, usage), cancellationToken);

        string? next = null;
        string? instructions = null;
        lock (_lock)
        {
            _responseActive = false;
            if (_responsePending)
            {
                _responsePending = false;
                instructions = _pendingInstructions;
                _pendingInstructions = null;
                next = NextResponseCreateId();
            }
        }

        if (next is not null)
        {
            byte[] message = OpenAiRealtimeMessages.ResponseCreate(instructions, next);
            await _outgoing.Writer.WriteAsync(new OutgoingMessage(message, message.Length, Pooled: false), cancellationToken);
        }
    }

    private async ValueTask AnnounceToolCallAsync(string? callId, string? name, string? arguments, CancellationToken cancellationToken)
    {
        if (callId is null || name is null)
        {
            return;
        }

        lock (_lock)
        {
            if (!_announcedCalls.Add(callId))
            {
                return;
            }
        }

        await WriteEventAsync(new ToolCallRequested(callId, name, arguments ?? "{}"), cancellationToken);
    }

    private async ValueTask WriteEventAsync(VoiceAgentEvent agentEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _events.Writer.WriteAsync(agentEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            if (agentEvent is AgentAudio audio)
            {
                ArrayPool<byte>.Shared.Return(audio.Pcm);
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }
        }
    }

    private static (string Code, string Message, string? EventId) ReadError(JsonElement root)
    {
        if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
        {
            string code = GetString(error, "code") ?? GetString(error, "type") ?? "error";
            return (code, GetString(error, "message") ?? string.Empty, GetString(error, "event_id"));
        }

        return ("error", string.Empty, null);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long GetLong(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number
            : 0;

    /// <summary>Compares an id string with its UTF-8 bytes without allocating (ids are ASCII).</summary>
    private static bool SameAscii(string? text, ReadOnlySpan<byte> utf8)
    {
        if (text is null)
        {
            return utf8.IsEmpty;
        }

        if (text.Length != utf8.Length)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != utf8[i])
            {
                return false;
            }
        }

        return true;
    }
}
