using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>The receive side: server messages of ai-providers.md §2.4 and the close codes of §2.6.</summary>
public sealed partial class ElevenLabsAgent
{
    private string? _lastErrorType;
    private string? _lastErrorMessage;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        // A small buffer between messages; a larger message is assembled in a larger pooled one, given back once handled.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(IdleReceiveBytes);
        AgentError? failure = null;
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes)
                        {
                            throw new VoiceAgentException($"ElevenLabs sent a message larger than {MaxMessageBytes} bytes.");
                        }

                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await _socket!.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    failure = Closed();
                    break;
                }

                await HandleMessageAsync(buffer.AsMemory(0, length), cancellationToken);
                if (buffer.Length > IdleReceiveBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(IdleReceiveBytes);
                }

                if (Volatile.Read(ref _closing) != 0 && !_started.Task.IsCompletedSuccessfully)
                {
                    break; // refused during the handshake (formats)
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: a normal end.
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // OperationCanceledException here, with nobody cancelling, is a socket aborted under the pending receive.
            if (Volatile.Read(ref _closing) == 0)
            {
                Log.ConnectionLost(_logger, ConversationId, ex);
                failure = new AgentError("connection_lost", $"The ElevenLabs connection dropped: {ex.Message}", Fatal: true);
            }
        }
        catch (Exception ex)
        {
            // VoiceAgentException, JsonException, FormatException; and anything unforeseen must still end the call's agent.
            failure = new AgentError("protocol_error", $"ElevenLabs sent something this client cannot read: {ex.Message}", Fatal: true);
            _socket!.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Volatile.Write(ref _closing, 1);
        _audio.Writer.TryComplete();
        if (!_started.Task.IsCompleted)
        {
            string why = failure is null ? "the connection ended" : $"{failure.Code}: {failure.Message}";
            string hint = _lastErrorType == "override_error"
                ? " Enable the overrides in the agent's security settings (prompt, first_message, language, voice_id) or limit them with the option overrides."
                : string.Empty;
            _started.TrySetException(new VoiceAgentException($"ElevenLabs closed the conversation before it started ({why}).{hint}"));
        }
        else if (failure is not null)
        {
            await WriteEventAsync(failure, -1, CancellationToken.None);
        }

        _events.Writer.TryComplete();
    }

    private AgentError? Closed()
    {
        int code = (int)(_socket!.CloseStatus ?? WebSocketCloseStatus.Empty);
        string? reason = _socket.CloseStatusDescription;
        if (Volatile.Read(ref _closing) != 0)
        {
            return null; // we hung up; this is the server's reply
        }

        // §2.6: 1000 normal (agent ended, max duration), 1002 operational failure, 1008 bad input, 1011 internal.
        string errorType = _lastErrorType ?? code switch
        {
            1000 => "conversation_ended",
            1002 => "operational_failure",
            1008 => "invalid_input",
            1011 => "internal_error",
            _ => "closed",
        };
        Log.ConversationClosed(_logger, ConversationId, code, errorType, reason);
        string message = $"ElevenLabs closed the conversation (close {code}{(string.IsNullOrEmpty(reason) ? string.Empty : ": " + reason)})" +
            (_lastErrorMessage is null ? "." : $"; last error: {_lastErrorMessage}.");
        return new AgentError(errorType, message, Fatal: true);
    }

    private async ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        // Messages are {"type": "...", "<type>_event": {...}}; the order of the two is not promised, so find both first.
        var reader = new Utf8JsonReader(message.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("a message that is not a JSON object");
        }

        MessageType type = MessageType.Missing;
        string? typeName = null;
        int payloadStart = -1;
        int payloadEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                (type, typeName) = Classify(ref reader);
            }
            else
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    payloadStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    payloadEnd = (int)reader.BytesConsumed;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        ReadOnlyMemory<byte> payload = payloadStart < 0 ? ReadOnlyMemory<byte>.Empty : message[payloadStart..payloadEnd];
        switch (type)
        {
            case MessageType.Audio:
                await HandleAudioAsync(payload, cancellationToken);
                return;
            case MessageType.Ping:
                HandlePing(payload.Span);
                return;
            case MessageType.Missing or MessageType.Other:
                Log.MessageIgnored(_logger, typeName ?? "(none)");
                return;
        }

        using JsonDocument document = payload.IsEmpty ? JsonDocument.Parse("{}") : JsonDocument.Parse(payload);
        JsonElement body = document.RootElement;
        switch (type)
        {
            case MessageType.Metadata:
                HandleMetadata(body);
                break;
            case MessageType.AgentResponse:
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Agent, Text(body, "agent_response"), Final: true), -1, cancellationToken);
                break;
            case MessageType.AgentResponseCorrection:
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Agent, Text(body, "corrected_agent_response"), Final: true), -1, cancellationToken);
                break;
            case MessageType.UserTranscript:
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Caller, Text(body, "user_transcript"), Final: true), -1, cancellationToken);
                break;
            case MessageType.TentativeUserTranscript:
                await WriteEventAsync(new Transcript(TranscriptSpeaker.Caller, Text(body, "user_transcript"), Final: false), -1, cancellationToken);
                break;
            case MessageType.Interruption:
                long interruptedId = Number(body, "event_id");
                _reader.DropAudioUpTo(interruptedId);
                if (interruptedId > Interlocked.Read(ref _interruptedUpTo))
                {
                    Interlocked.Exchange(ref _interruptedUpTo, interruptedId);
                }

                await WriteEventAsync(new CallerSpeech(Started: true), -1, cancellationToken);
                break;
            case MessageType.ClientToolCall:
                string arguments = body.TryGetProperty("parameters", out JsonElement parameters) ? parameters.GetRawText() : "{}";
                await WriteEventAsync(new ToolCallRequested(Text(body, "tool_call_id"), Text(body, "tool_name"), arguments), -1, cancellationToken);
                break;
            case MessageType.Error:
                _lastErrorType = Optional(body, "error_type") ?? Optional(body, "code");
                _lastErrorMessage = Optional(body, "message") ?? Optional(body, "reason") ?? string.Empty;
                Log.ProviderError(_logger, _lastErrorType ?? "error", _lastErrorMessage);
                if (_started.Task.IsCompleted)
                {
                    await WriteEventAsync(new AgentError(_lastErrorType ?? "error", _lastErrorMessage, Fatal: false), -1, cancellationToken);
                }

                break;
        }
    }

    private long _interruptedUpTo = -1;

    private void HandleMetadata(JsonElement body)
    {
        if (_started.Task.IsCompleted)
        {
            return;
        }

        string? input = Optional(body, "user_input_audio_format");
        string? output = Optional(body, "agent_output_audio_format");
        ConversationId = Optional(body, "conversation_id");
        InputFormat = input;
        OutputFormat = output;
        int callRate = _settings!.CallSampleRate;
        bool inputOk = ElevenLabsAudioFormat.TryParse(input, out ElevenLabsAudioFormat inputFormat);
        bool outputOk = ElevenLabsAudioFormat.TryParse(output, out ElevenLabsAudioFormat outputFormat);
        if (!inputOk || !outputOk)
        {
            string wrong = !inputOk ? $"input format '{input}'" : $"output format '{output}'";
            string recommended = callRate == 8000 ? "ulaw_8000" : "pcm_" + callRate.ToString(CultureInfo.InvariantCulture);
            _started.TrySetException(new VoiceAgentException(
                $"The ElevenLabs agent uses {wrong}, which this bridge cannot convert. Set conversation_config.asr.user_input_audio_format " +
                $"and conversation_config.tts.agent_output_audio_format to {recommended} on the agent " +
                "(ulaw_8000, pcm_8000, pcm_16000, pcm_24000 and pcm_48000 are accepted)."));
            Volatile.Write(ref _closing, 1);
            _socket!.Abort();
            return;
        }

        _decoder = new AgentAudioDecoder(outputFormat, callRate);
        _encoder = new UserAudioEncoder(inputFormat, callRate);
        Log.ConversationStarted(_logger, ConversationId ?? "(none)", input!, output!);
        _started.TrySetResult();
    }

    private async ValueTask HandleAudioAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        byte[]? pcm = DecodeAudio(payload.Span, out int pcmLength, out long eventId);
        if (pcm is null)
        {
            return;
        }

        Interlocked.Exchange(ref _lastAudioEventId, eventId);
        if (eventId != _lastAudioEventIdValue)
        {
            // One string per response id rather than one per chunk.
            _lastAudioEventIdValue = eventId;
            _lastAudioEventIdText = eventId < 0 ? null : eventId.ToString(CultureInfo.InvariantCulture);
        }

        await WriteEventAsync(new AgentAudio(pcm, pcmLength, _lastAudioEventIdText), eventId, cancellationToken);
    }

    /// <summary>The chunk as PCM16 at the call rate in a rented buffer, or null when it is empty or stale.</summary>
    private byte[]? DecodeAudio(ReadOnlySpan<byte> payload, out int pcmLength, out long eventId)
    {
        if (_decoder is null)
        {
            throw new FormatException("audio before conversation_initiation_metadata");
        }

        pcmLength = 0;
        eventId = -1;
        byte[]? audio = null;
        int audioLength = 0;
        var reader = new Utf8JsonReader(payload);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("audio_base_64"u8))
                {
                    reader.Read();
                    if (audio is not null)
                    {
                        ArrayPool<byte>.Shared.Return(audio);
                    }

                    audio = DecodeBase64(ref reader, out audioLength);
                }
                else if (reader.ValueTextEquals("event_id"u8))
                {
                    reader.Read();
                    eventId = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : -1;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (audio is null || audioLength == 0)
            {
                return null;
            }

            // §2.4: ignore audio whose event_id is at or below the last interruption's.
            if (eventId >= 0 && eventId <= Interlocked.Read(ref _interruptedUpTo))
            {
                Interlocked.Increment(ref _lateChunksDropped);
                return null;
            }

            byte[] pcm = _decoder.Decode(audio.AsSpan(0, audioLength), out pcmLength);
            if (pcmLength == 0)
            {
                ArrayPool<byte>.Shared.Return(pcm);
                return null;
            }

            return pcm;
        }
        finally
        {
            if (audio is not null)
            {
                ArrayPool<byte>.Shared.Return(audio);
            }
        }
    }

    private long _lastAudioEventIdValue = long.MinValue;

    private static byte[] DecodeBase64(ref Utf8JsonReader reader, out int length)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException("audio_base_64 is not a string");
        }

        ReadOnlySpan<byte> text = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        byte[]? unescaped = null;
        if (reader.ValueIsEscaped)
        {
            unescaped = ArrayPool<byte>.Shared.Rent(text.Length);
            int copied = reader.CopyString(unescaped);
            text = unescaped.AsSpan(0, copied);
        }

        try
        {
            byte[] decoded = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(text.Length)));
            if (Base64.DecodeFromUtf8(text, decoded, out _, out length) != OperationStatus.Done)
            {
                ArrayPool<byte>.Shared.Return(decoded);
                throw new FormatException("audio_base_64 is not valid base64");
            }

            return decoded;
        }
        finally
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private void HandlePing(ReadOnlySpan<byte> payload)
    {
        long eventId = -1;
        double pingMs = 0;
        var reader = new Utf8JsonReader(payload);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("event_id"u8))
            {
                reader.Read();
                eventId = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("ping_ms"u8))
            {
                reader.Read();
                pingMs = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : 0; // may be null (§2.4)
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (eventId < 0)
        {
            throw new FormatException("ping without event_id");
        }

        TimeSpan delay = TimeSpan.FromMilliseconds(Math.Clamp(pingMs, 0, MaxPongDelay.TotalMilliseconds));
        _pongs.Writer.TryWrite(new PendingPong(eventId, _timeProvider.GetTimestamp(), delay));
    }

    private ValueTask WriteEventAsync(VoiceAgentEvent agentEvent, long audioEventId, CancellationToken cancellationToken) =>
        _events.Writer.WriteAsync(new QueuedEvent(agentEvent, audioEventId), cancellationToken);

    private static (MessageType Type, string? Name) Classify(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return (MessageType.Missing, null);
        }

        // The two frequent types compare without allocating a string.
        if (reader.ValueTextEquals("audio"u8))
        {
            return (MessageType.Audio, null);
        }

        if (reader.ValueTextEquals("ping"u8))
        {
            return (MessageType.Ping, null);
        }

        string name = reader.GetString()!;
        MessageType type = name switch
        {
            "conversation_initiation_metadata" => MessageType.Metadata,
            "agent_response" => MessageType.AgentResponse,
            "agent_response_correction" => MessageType.AgentResponseCorrection,
            "user_transcript" => MessageType.UserTranscript,
            "tentative_user_transcript" => MessageType.TentativeUserTranscript,
            "interruption" => MessageType.Interruption,
            "client_tool_call" => MessageType.ClientToolCall,
            "error" => MessageType.Error,
            _ => MessageType.Other, // vad_score, agent_tool_request/response, mcp_*, context_usage, agent_chat_response_part, ...
        };
        return (type, name);
    }

    private static string Text(JsonElement body, string name) => Optional(body, name) ?? string.Empty;

    private static string? Optional(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long Number(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out JsonElement value) && value.TryGetInt64(out long number)
            ? number
            : -1;

    private enum MessageType
    {
        Missing,
        Other,
        Metadata,
        Audio,
        Ping,
        AgentResponse,
        AgentResponseCorrection,
        UserTranscript,
        TentativeUserTranscript,
        Interruption,
        ClientToolCall,
        Error,
    }
}
