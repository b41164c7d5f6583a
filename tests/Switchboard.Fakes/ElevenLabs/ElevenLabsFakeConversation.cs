using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Protocols.Audio;

namespace Switchboard.Fakes.ElevenLabs;

/// <summary>One audio chunk the client sent: the decoded bytes (agent input format) and when they arrived.</summary>
public sealed record ReceivedAudioChunk(long Timestamp, byte[] Bytes)
{
    /// <summary>Arrival time in seconds on the <see cref="Stopwatch"/> clock.</summary>
    public double Seconds => (double)Timestamp / Stopwatch.Frequency;
}

/// <summary>
/// One conversation WebSocket of <see cref="ElevenLabsAgentFake"/>. Strict: every rule below cites ai-providers.md;
/// a violation sends an <c>error</c> event, closes with the reference's code and is kept in <see cref="Violation"/>.
/// </summary>
public sealed class ElevenLabsFakeConversation
{
    private static readonly HashSet<string> InitiationKeys =
        ["type", "conversation_config_override", "dynamic_variables", "custom_llm_extra_body", "user_id"];

    private readonly WebSocket _socket;
    private readonly ElevenLabsFakeAgentConfig _agent;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<JsonElement> _messages = [];
    private readonly List<ReceivedAudioChunk> _audio = [];
    private readonly ConcurrentDictionary<long, long> _pendingPings = new();
    private readonly ConcurrentDictionary<long, long> _pongDelays = new();
    private readonly ConcurrentDictionary<string, bool> _pendingToolCalls = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<(int Code, string Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private event Action? Changed;
    private bool _initiated;
    private long _nextPingId = 1000;

    internal ElevenLabsFakeConversation(WebSocket socket, ElevenLabsFakeAgentConfig agent)
    {
        _socket = socket;
        _agent = agent;
        ConversationId = "conv_" + Guid.NewGuid().ToString("N")[..12];
    }

    public string ConversationId { get; }

    /// <summary>The <c>conversation_initiation_client_data</c> message as received.</summary>
    public JsonElement? Initiation { get; private set; }

    /// <summary>The rule the client broke, if it broke one.</summary>
    public string? Violation { get; private set; }

    /// <summary>How the socket ended: the close code and reason (sent by the fake, or by the client), or 1006 for a drop.</summary>
    public Task<(int Code, string Reason)> Closed => _closed.Task;

    /// <summary>Every JSON message other than audio, in order.</summary>
    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Every audio chunk, in order.</summary>
    public IReadOnlyList<ReceivedAudioChunk> Audio
    {
        get
        {
            lock (_lock)
            {
                return [.. _audio];
            }
        }
    }

    /// <summary>Stopwatch ticks between sending a ping and receiving its pong, by ping event id.</summary>
    public IReadOnlyDictionary<long, long> PongDelays => _pongDelays;

    /// <summary>Waits for the <paramref name="index"/>-th (0-based) message of <paramref name="type"/>.</summary>
    public Task<JsonElement> WaitForMessageAsync(string type, TimeSpan timeout, int index = 0) =>
        WaitAsync(() =>
        {
            List<JsonElement> matching = [.. Messages.Where(m => m.TryGetProperty("type", out JsonElement t) && t.GetString() == type)];
            return matching.Count > index ? (true, matching[index]) : (false, default);
        }, timeout);

    /// <summary>Waits until at least <paramref name="count"/> audio chunks arrived.</summary>
    public Task<IReadOnlyList<ReceivedAudioChunk>> WaitForAudioAsync(int count, TimeSpan timeout) =>
        WaitAsync(() =>
        {
            IReadOnlyList<ReceivedAudioChunk> audio = Audio;
            return (audio.Count >= count, audio);
        }, timeout);

    /// <summary>Agent speech: <paramref name="pcm"/> (PCM16 at <paramref name="sampleRate"/>) converted to the agent's output format, in chunks.</summary>
    public async Task SendAudioAsync(ReadOnlyMemory<short> pcm, int sampleRate, long eventId, int chunkMilliseconds = 100)
    {
        byte[] encoded = EncodeOutput(pcm.Span, sampleRate);
        int bytesPerMs = OutputBytesPerMillisecond();
        int chunk = Math.Max(1, chunkMilliseconds * bytesPerMs);
        for (int offset = 0; offset < encoded.Length; offset += chunk)
        {
            await SendAudioBytesAsync(encoded.AsMemory(offset, Math.Min(chunk, encoded.Length - offset)), eventId);
        }
    }

    /// <summary>One <c>audio</c> event with bytes already in the agent's output format (§2.4).</summary>
    public Task SendAudioBytesAsync(ReadOnlyMemory<byte> bytes, long eventId) =>
        SendJsonAsync(new JsonObject
        {
            ["type"] = "audio",
            ["audio_event"] = new JsonObject { ["audio_base_64"] = Convert.ToBase64String(bytes.Span), ["event_id"] = eventId },
        });

    public Task SendAgentResponseAsync(string text, long eventId) =>
        SendEventAsync("agent_response", "agent_response_event", new JsonObject { ["agent_response"] = text, ["event_id"] = eventId });

    public Task SendAgentResponseCorrectionAsync(string original, string corrected, long eventId) =>
        SendEventAsync("agent_response_correction", "agent_response_correction_event", new JsonObject
        {
            ["original_agent_response"] = original,
            ["corrected_agent_response"] = corrected,
            ["event_id"] = eventId,
        });

    public Task SendUserTranscriptAsync(string text, long eventId, bool tentative = false) =>
        tentative
            ? SendEventAsync("tentative_user_transcript", "tentative_user_transcription_event", new JsonObject { ["user_transcript"] = text, ["event_id"] = eventId })
            : SendEventAsync("user_transcript", "user_transcription_event", new JsonObject { ["user_transcript"] = text, ["event_id"] = eventId });

    public Task SendClientToolCallAsync(string toolName, string toolCallId, string parametersJson, long eventId)
    {
        _pendingToolCalls[toolCallId] = true;
        return SendEventAsync("client_tool_call", "client_tool_call", new JsonObject
        {
            ["tool_name"] = toolName,
            ["tool_call_id"] = toolCallId,
            ["parameters"] = JsonNode.Parse(parametersJson),
            ["event_id"] = eventId,
        });
    }

    public Task SendInterruptionAsync(long eventId) =>
        SendEventAsync("interruption", "interruption_event", new JsonObject { ["event_id"] = eventId });

    /// <summary>A <c>ping</c> (§2.4); the pong must come back with the same event id before <see cref="ElevenLabsFakeAgentConfig.PongTimeout"/>.</summary>
    public Task SendPingAsync(long eventId, int? pingMs)
    {
        _pendingPings[eventId] = Stopwatch.GetTimestamp();
        return SendEventAsync("ping", "ping_event", new JsonObject { ["event_id"] = eventId, ["ping_ms"] = pingMs });
    }

    /// <summary>An <c>error</c> event without closing.</summary>
    public Task SendErrorAsync(string errorType, string message) =>
        SendEventAsync("error", "error_event", new JsonObject
        {
            ["code"] = 1002,
            ["message"] = message,
            ["error_type"] = errorType,
            ["reason"] = message,
        });

    /// <summary>Closes as the service does (§2.6): an <c>error</c> event when <paramref name="errorType"/> is given, then the close frame.</summary>
    public async Task CloseAsync(int code, string reason, string? errorType = null)
    {
        if (errorType is not null)
        {
            await SendErrorAsync(errorType, reason);
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
        }
        finally
        {
            _sendLock.Release();
        }

        _closed.TrySetResult((code, reason));
    }

    /// <summary>Drops the connection without a close frame (network failure).</summary>
    public void Abort()
    {
        _closed.TrySetResult((1006, "aborted"));
        try
        {
            _socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request has just finished.
        }

        _stop.Cancel();
    }

    public Task SendRawAsync(string json) => SendTextAsync(Encoding.UTF8.GetBytes(json));

    internal async Task RunAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _stop.Token);
        Task pinger = PingLoopAsync(linked.Token);
        byte[] buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open && !linked.IsCancellationRequested)
            {
                using var receiveTimeout = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                receiveTimeout.CancelAfter(_agent.ReceiveTimeout);
                int length = 0;
                WebSocketReceiveResult result;
                try
                {
                    do
                    {
                        result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), receiveTimeout.Token);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);
                }
                catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                {
                    await RejectAsync(1002, "transport_receive_timeout", "No user input received in time"); // §2.6
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(((int)(result.CloseStatus ?? WebSocketCloseStatus.Empty), result.CloseStatusDescription ?? string.Empty));
                    await CloseReplyAsync();
                    break;
                }

                if (result.MessageType != WebSocketMessageType.Text)
                {
                    await RejectAsync(1008, "invalid_message", "Binary frames are not accepted; send JSON text"); // conventions: JSON text frames
                    break;
                }

                if (!await HandleAsync(buffer.AsMemory(0, length)))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _closed.TrySetResult((1006, "connection lost"));
        }
        finally
        {
            await _stop.CancelAsync();
            await pinger;
            Notify();
        }
    }

    private async Task<bool> HandleAsync(ReadOnlyMemory<byte> text)
    {
        JsonElement message;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return await RejectAsync(1008, "invalid_message", "Message is not JSON");
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return await RejectAsync(1008, "invalid_message", "Message is not a JSON object");
        }

        if (message.TryGetProperty("user_audio_chunk", out JsonElement chunk))
        {
            return await HandleAudioAsync(message, chunk);
        }

        if (!message.TryGetProperty("type", out JsonElement typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return await RejectAsync(1008, "missing_fields", "Message has no type");
        }

        string type = typeElement.GetString()!;
        if (!_initiated && _agent.RequireInitiationFirst && type != "conversation_initiation_client_data")
        {
            return await RejectAsync(1008, "invalid_message", "The first message must be conversation_initiation_client_data");
        }

        Record(message);
        return type switch
        {
            "conversation_initiation_client_data" => await HandleInitiationAsync(message),
            "pong" => await HandlePongAsync(message),
            "client_tool_result" => await HandleToolResultAsync(message),
            "user_message" => await RequireShapeAsync(message, ["text"], ["text"]),
            "contextual_update" => await RequireShapeAsync(message, ["text", "context_id"], ["text"]),
            "user_activity" => await RequireShapeAsync(message, [], []),
            "feedback" => await RequireShapeAsync(message, ["event_id", "score"], ["event_id"]),
            "mcp_tool_approval_result" => await RequireShapeAsync(message, ["tool_call_id", "is_approved"], ["tool_call_id", "is_approved"]),
            "multimodal_message" => await RequireShapeAsync(message, ["text", "file"], []),
            _ => await RejectAsync(1008, "invalid_message", $"Unknown message type '{type}'"), // §2.3 lists every client message
        };
    }

    private async Task<bool> HandleAudioAsync(JsonElement message, JsonElement chunk)
    {
        // §2.3: {"user_audio_chunk":"<base64>"}, no type field; encoding = the agent's user_input_audio_format.
        if (!_initiated && _agent.RequireInitiationFirst)
        {
            return await RejectAsync(1008, "invalid_message", "The first message must be conversation_initiation_client_data");
        }

        if (message.EnumerateObject().Count() != 1 || chunk.ValueKind != JsonValueKind.String)
        {
            return await RejectAsync(1008, "invalid_message", "A user audio message has only the user_audio_chunk string");
        }

        byte[] base64 = Encoding.UTF8.GetBytes(chunk.GetString()!);
        byte[] bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        if (Base64.DecodeFromUtf8(base64, bytes, out _, out int length) != System.Buffers.OperationStatus.Done)
        {
            return await RejectAsync(1008, "invalid_message", "user_audio_chunk is not valid base64");
        }

        if (_agent.InputFormat.StartsWith("pcm_", StringComparison.Ordinal) && length % 2 != 0)
        {
            return await RejectAsync(1008, "invalid_message", $"{_agent.InputFormat} audio must be whole 16-bit samples");
        }

        lock (_lock)
        {
            _audio.Add(new ReceivedAudioChunk(Stopwatch.GetTimestamp(), bytes[..length]));
        }

        Notify();
        return true;
    }

    private async Task<bool> HandleInitiationAsync(JsonElement message)
    {
        if (_initiated)
        {
            return await RejectAsync(1008, "invalid_message", "conversation_initiation_client_data was already sent");
        }

        foreach (JsonProperty property in message.EnumerateObject())
        {
            if (!InitiationKeys.Contains(property.Name))
            {
                return await RejectAsync(1008, "invalid_message", $"Unknown field '{property.Name}'");
            }
        }

        if (message.TryGetProperty("conversation_config_override", out JsonElement overrides) && OverrideRefusal(overrides) is { } refusal)
        {
            return await RejectAsync(1008, "override_error", refusal); // §2.2, §6 G10
        }

        var variables = new HashSet<string>(StringComparer.Ordinal);
        if (message.TryGetProperty("dynamic_variables", out JsonElement dynamic))
        {
            if (dynamic.ValueKind != JsonValueKind.Object)
            {
                return await RejectAsync(1008, "value_error", "dynamic_variables must be an object");
            }

            foreach (JsonProperty variable in dynamic.EnumerateObject())
            {
                // §2.3: values may be string/number/boolean.
                if (variable.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    return await RejectAsync(1008, "value_error", $"Dynamic variable '{variable.Name}' must be a string, number or boolean");
                }

                variables.Add(variable.Name);
            }
        }

        foreach (string required in _agent.RequiredDynamicVariables)
        {
            if (!variables.Contains(required))
            {
                return await RejectAsync(1008, "missing_dynamic_variable", $"Missing required dynamic variable '{required}'");
            }
        }

        Initiation = message;
        _initiated = true;
        Notify();
        if (!_agent.SendInitiationMetadata)
        {
            return true;
        }

        await SendEventAsync("conversation_initiation_metadata", "conversation_initiation_metadata_event", new JsonObject
        {
            ["conversation_id"] = ConversationId,
            ["agent_output_audio_format"] = _agent.OutputFormat,
            ["user_input_audio_format"] = _agent.InputFormat,
        });
        return true;
    }

    /// <summary>§2.2/§2.3: only the documented override keys, and only those enabled on the agent.</summary>
    private string? OverrideRefusal(JsonElement overrides)
    {
        if (overrides.ValueKind != JsonValueKind.Object)
        {
            return "conversation_config_override must be an object";
        }

        foreach (JsonProperty section in overrides.EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Object)
            {
                return $"Override section '{section.Name}' must be an object";
            }

            foreach (JsonProperty field in section.Value.EnumerateObject())
            {
                string path = section.Name + "." + field.Name;
                bool allowed = path switch
                {
                    "agent.prompt" => field.Value.ValueKind == JsonValueKind.Object && field.Value.EnumerateObject().All(p => p.Name == "prompt") && _agent.AllowPromptOverride,
                    "agent.first_message" => _agent.AllowFirstMessageOverride,
                    "agent.language" => _agent.AllowLanguageOverride,
                    "tts.voice_id" => _agent.AllowVoiceOverride,
                    _ => false, // the fake's agent enables no other override
                };
                if (!allowed)
                {
                    return $"Override for field '{path}' is not allowed by config";
                }
            }
        }

        return null;
    }

    private async Task<bool> HandlePongAsync(JsonElement message)
    {
        // §2.3: {"type":"pong","event_id":<int from ping>}.
        if (!await RequireShapeAsync(message, ["event_id"], ["event_id"]))
        {
            return false;
        }

        if (!message.GetProperty("event_id").TryGetInt64(out long eventId) || !_pendingPings.TryRemove(eventId, out long sentAt))
        {
            return await RejectAsync(1008, "invalid_message", "pong for a ping that was not sent");
        }

        _pongDelays[eventId] = Stopwatch.GetTimestamp() - sentAt;
        Notify();
        return true;
    }

    private async Task<bool> HandleToolResultAsync(JsonElement message)
    {
        // §2.3: {"type":"client_tool_result","tool_call_id":"...","result":"<string>","is_error":false}.
        if (!await RequireShapeAsync(message, ["tool_call_id", "result", "is_error"], ["tool_call_id", "result"]))
        {
            return false;
        }

        if (message.GetProperty("result").ValueKind != JsonValueKind.String ||
            (message.TryGetProperty("is_error", out JsonElement isError) && isError.ValueKind is not (JsonValueKind.True or JsonValueKind.False)))
        {
            return await RejectAsync(1008, "value_error", "result must be a string and is_error a boolean");
        }

        if (!_pendingToolCalls.TryRemove(message.GetProperty("tool_call_id").GetString() ?? string.Empty, out _))
        {
            return await RejectAsync(1008, "invalid_message", "client_tool_result for an unknown tool_call_id");
        }

        return true;
    }

    private async Task<bool> RequireShapeAsync(JsonElement message, string[] allowed, string[] required)
    {
        foreach (JsonProperty property in message.EnumerateObject())
        {
            if (property.Name != "type" && !allowed.Contains(property.Name))
            {
                return await RejectAsync(1008, "invalid_message", $"Unknown field '{property.Name}'");
            }
        }

        foreach (string name in required)
        {
            if (!message.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return await RejectAsync(1008, "missing_fields", $"Field '{name}' is required");
            }
        }

        return true;
    }

    private async Task<bool> RejectAsync(int code, string errorType, string reason)
    {
        Violation ??= $"{errorType}: {reason}";
        await CloseAsync(code, reason, errorType);
        return false;
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            TimeSpan check = _agent.PingInterval > TimeSpan.Zero ? _agent.PingInterval : TimeSpan.FromMilliseconds(100);
            using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Min(check.Ticks, TimeSpan.FromMilliseconds(100).Ticks)));
            long lastPing = Stopwatch.GetTimestamp();
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                long now = Stopwatch.GetTimestamp();
                foreach ((long id, long sentAt) in _pendingPings)
                {
                    if (Stopwatch.GetElapsedTime(sentAt, now) > _agent.PongTimeout)
                    {
                        // §6 G12: missed pings close the socket (exact code unconfirmed; §2.6 operational failure).
                        await RejectAsync(1002, "transport_receive_timeout", $"No pong for ping {id}");
                        return;
                    }
                }

                if (_initiated && _agent.PingInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(lastPing, now) >= _agent.PingInterval)
                {
                    lastPing = now;
                    await SendPingAsync(Interlocked.Increment(ref _nextPingId), _agent.PingMs);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task CloseReplyAsync()
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private Task SendEventAsync(string type, string payloadName, JsonObject payload) =>
        SendJsonAsync(new JsonObject { ["type"] = type, [payloadName] = payload });

    private Task SendJsonAsync(JsonObject message) => SendTextAsync(Encoding.UTF8.GetBytes(message.ToJsonString()));

    private async Task SendTextAsync(byte[] bytes)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private byte[] EncodeOutput(ReadOnlySpan<short> pcm, int sampleRate)
    {
        bool mulaw = _agent.OutputFormat == "ulaw_8000";
        int rate = mulaw ? 8000 : int.Parse(_agent.OutputFormat.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
        short[] samples = pcm.ToArray();
        if (rate != sampleRate)
        {
            var resampler = new Resampler(sampleRate, rate);
            short[] output = new short[Resampler.MaxOutputLength(samples.Length, sampleRate, rate)];
            int written = resampler.Process(samples, output);
            samples = output[..written];
        }

        if (mulaw)
        {
            byte[] encoded = new byte[samples.Length];
            G711.MuLawEncode(samples, encoded);
            return encoded;
        }

        return Pcm16.AsBytes(samples.AsSpan()).ToArray();
    }

    private int OutputBytesPerMillisecond() =>
        _agent.OutputFormat == "ulaw_8000" ? 8 : int.Parse(_agent.OutputFormat.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture) / 500;

    private void Record(JsonElement message)
    {
        lock (_lock)
        {
            _messages.Add(message);
        }

        Notify();
    }

    private void Notify() => Changed?.Invoke();

    private async Task<T> WaitAsync<T>(Func<(bool Done, T Value)> check, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged()
        {
            (bool ok, T value) = check();
            if (ok)
            {
                done.TrySetResult(value);
            }
        }

        Changed += OnChanged;
        try
        {
            OnChanged();
            return await done.Task.WaitAsync(timeout);
        }
        finally
        {
            Changed -= OnChanged;
        }
    }
}
