using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Switchboard.Protocols.Audio;

namespace Switchboard.Fakes.OpenAi;

/// <summary>One client connection to <see cref="OpenAiRealtimeFake"/>: the GA event protocol of reference §1.5–§1.11.</summary>
internal sealed class OpenAiRealtimeFakeSession(OpenAiRealtimeFake owner, HttpContext context, WebSocket socket, string model)
{
    private const int MaxAppendBytes = 15 * 1024 * 1024; // §1.5 / §1.12

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _audioItems = new(StringComparer.Ordinal); // assistant item → generated ms
    private readonly JsonObject _session = DefaultSession(model);
    private ActiveResponse? _active;
    private Task _responseTask = Task.CompletedTask;
    private readonly EnergyVad _vad = new(thresholdDbfs: -35, minSpeechMs: 60, hangoverMs: 500);
    private long _appendedSamples; // whole input stream, for VAD audio_start_ms
    private long _bufferedSamples; // since the last commit/clear
    private int _ids;
    private string? _lastUserItem;
    private volatile bool _ended;

    public async Task RunAsync(bool betaHeader, CancellationToken cancellationToken)
    {
        try
        {
            if (betaHeader)
            {
                await SendErrorAsync(
                    new FakeServerError("beta_api_shape_disabled", "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API."),
                    null,
                    4000);
                return;
            }

            if (owner.SendSessionCreated)
            {
                await SendAsync(new JsonObject { ["type"] = "session.created", ["session"] = _session.DeepClone() });
            }

            byte[] buffer = new byte[64 * 1024];
            while (true)
            {
                int count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
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

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await SendErrorAsync(new FakeServerError("invalid_value", "Binary frames are not accepted; events are JSON text."), null, null);
                    continue;
                }

                await HandleAsync(buffer.AsMemory(0, count));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client went away.
        }
        finally
        {
            _ended = true;
            CancelActive("client_cancelled");
            try
            {
                await _responseTask;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }
        }
    }

    public void Abort()
    {
        if (_ended)
        {
            return;
        }

        try
        {
            context.Abort(); // the TCP connection, not only the WebSocket object
            socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request has just finished (aborting its socket touches the disposed request too).
        }
    }

    public async Task SpeechStartedAsync()
    {
        long startMs = Math.Max(0, (Interlocked.Read(ref _appendedSamples) / 8) - 300);
        _lastUserItem = NextId("item");
        await SendAsync(new JsonObject
        {
            ["type"] = "input_audio_buffer.speech_started",
            ["audio_start_ms"] = startMs,
            ["item_id"] = _lastUserItem,
        });
        if (TurnSetting("interrupt_response"))
        {
            CancelActive("turn_detected"); // §1.6 status_details.reason turn_detected
        }
    }

    public async Task SpeechStoppedAsync()
    {
        _lastUserItem ??= NextId("item");
        await SendAsync(new JsonObject
        {
            ["type"] = "input_audio_buffer.speech_stopped",
            ["audio_end_ms"] = Interlocked.Read(ref _appendedSamples) / 8,
            ["item_id"] = _lastUserItem,
        });
        await SendAsync(new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = _lastUserItem, ["previous_item_id"] = null });
        Interlocked.Exchange(ref _bufferedSamples, 0);
        if (TurnSetting("create_response"))
        {
            await StartResponseAsync(null);
        }
    }

    public Task SendCallerTranscriptAsync(string transcript) => SendAsync(new JsonObject
    {
        ["type"] = "conversation.item.input_audio_transcription.completed",
        ["item_id"] = _lastUserItem ?? NextId("item"),
        ["content_index"] = 0,
        ["transcript"] = transcript,
        ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = 1 },
    });

    public async Task SendErrorAsync(FakeServerError error, string? clientEventId, int? closeStatus)
    {
        owner.RecordError(error);
        await SendAsync(new JsonObject
        {
            ["type"] = "error",
            ["event_id"] = NextId("event"),
            ["error"] = new JsonObject
            {
                ["type"] = error.Type,
                ["code"] = error.Code,
                ["message"] = error.Message,
                ["param"] = error.Param,
                ["event_id"] = clientEventId,
            },
        });
        if (closeStatus is { } status)
        {
            await _sendLock.WaitAsync();
            try
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)status, error.Code, CancellationToken.None);
            }
            finally
            {
                _sendLock.Release();
            }
        }
    }

    private static JsonObject DefaultSession(string model) => JsonNode.Parse(
        $$$"""
        {"type":"realtime","object":"realtime.session","id":"sess_fake","model":"{{{model}}}","output_modalities":["audio"],
         "instructions":"","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"noise_reduction":null,"transcription":null,
         "turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":200,"idle_timeout_ms":null,
         "create_response":true,"interrupt_response":true}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"alloy","speed":1.0}},
         "tools":[],"tool_choice":"auto","max_output_tokens":"inf","truncation":"auto","tracing":null,"prompt":null,"include":null}
        """)!.AsObject();

    private static void Merge(JsonObject target, JsonObject update)
    {
        foreach ((string name, JsonNode? value) in update)
        {
            if (value is JsonObject child && target[name] is JsonObject existing && name != "format" && name != "turn_detection")
            {
                Merge(existing, child);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(message);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await SendErrorAsync(new FakeServerError("invalid_json", "The event is not valid JSON."), null, null);
            return;
        }

        string type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
        string? eventId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event_id", out JsonElement e) ? e.GetString() : null;
        owner.RecordEvent(new FakeClientEvent(type, root, owner.Now));
        try
        {
            switch (type)
            {
                case "session.update":
                    await SessionUpdateAsync(root);
                    break;
                case "input_audio_buffer.append":
                    VadEvent heard = Append(root);
                    if (heard == VadEvent.SpeechStarted)
                    {
                        await SpeechStartedAsync();
                    }
                    else if (heard == VadEvent.SpeechEnded)
                    {
                        await SpeechStoppedAsync();
                        if (owner.TakeCallerTranscript() is { } said)
                        {
                            await SendCallerTranscriptAsync(said);
                        }
                    }

                    break;
                case "input_audio_buffer.commit":
                    await CommitAsync(root);
                    break;
                case "input_audio_buffer.clear":
                    OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id");
                    Interlocked.Exchange(ref _bufferedSamples, 0);
                    await SendAsync(new JsonObject { ["type"] = "input_audio_buffer.cleared" });
                    break;
                case "conversation.item.create":
                    await ItemCreateAsync(root);
                    break;
                case "conversation.item.truncate":
                    await TruncateAsync(root);
                    break;
                case "conversation.item.delete":
                case "conversation.item.retrieve":
                    OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id", "item_id");
                    await SendAsync(new JsonObject
                    {
                        ["type"] = type == "conversation.item.delete" ? "conversation.item.deleted" : "conversation.item.retrieved",
                        ["item_id"] = root.GetProperty("item_id").GetString(),
                    });
                    break;
                case "response.create":
                    OpenAiSessionValidator.ValidateResponseCreate(root);
                    if (!await StartResponseAsync(eventId))
                    {
                        // §1.5: one response at a time.
                        throw new FakeRejectionException("conversation_already_has_active_response", "Conversation already has an active response in progress.");
                    }

                    break;
                case "response.cancel":
                    OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id", "response_id");
                    if (!CancelActive("client_cancelled"))
                    {
                        // §1.5: harmless error when nothing runs.
                        throw new FakeRejectionException("response_cancel_not_active", "Cancellation failed: no active response found.");
                    }

                    break;
                case "output_audio_buffer.clear":
                    // §1.5: WebRTC/SIP only; a plain WebSocket owns its own playback.
                    throw new FakeRejectionException("invalid_value", "output_audio_buffer.clear is only supported for WebRTC and SIP sessions.", "type");
                default:
                    // §1.5 lists every client event; anything else is refused.
                    throw new FakeRejectionException("invalid_value", $"Invalid value: '{type}'. Unknown client event type.", "type");
            }
        }
        catch (FakeRejectionException rejection)
        {
            await SendErrorAsync(new FakeServerError(rejection.Code, rejection.Message, rejection.Type, rejection.Param), eventId, rejection.ClosesSocket ? 4000 : null);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            await SendErrorAsync(new FakeServerError("invalid_value", ex.Message), eventId, null);
        }
    }

    private async Task SessionUpdateAsync(JsonElement root)
    {
        OpenAiSessionValidator.ValidateSessionUpdate(root, model);
        var update = JsonNode.Parse(root.GetProperty("session").GetRawText())!.AsObject();
        lock (_lock)
        {
            Merge(_session, update);
            if (owner.IgnoreOutputFormat)
            {
                _session["audio"]!["output"]!["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 };
            }
        }

        await SendAsync(new JsonObject { ["type"] = "session.updated", ["session"] = Snapshot() });
    }

    private JsonNode Snapshot()
    {
        lock (_lock)
        {
            return _session.DeepClone();
        }
    }

    private string Format(string direction)
    {
        lock (_lock)
        {
            return _session["audio"]![direction]!["format"]!["type"]!.GetValue<string>();
        }
    }

    private bool TurnSetting(string name)
    {
        lock (_lock)
        {
            return _session["audio"]!["input"]!["turn_detection"] is JsonObject turn && (turn[name]?.GetValue<bool>() ?? true);
        }
    }

    /// <summary>§1.5 <c>input_audio_buffer.append</c>: base64 in the session input format, ≤ 15 MiB, no ack.</summary>
    private VadEvent Append(JsonElement root)
    {
        OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id", "audio");
        if (!root.TryGetProperty("audio", out JsonElement audio) || audio.ValueKind != JsonValueKind.String)
        {
            throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'audio'.", "audio");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(audio.GetString()!);
        }
        catch (FormatException)
        {
            throw new FakeRejectionException("invalid_value", "audio is not valid base64.", "audio");
        }

        if (bytes.Length > MaxAppendBytes)
        {
            throw new FakeRejectionException("invalid_value", "An append may carry at most 15 MiB.", "audio");
        }

        string format = Format("input");
        short[] pcm;
        int rate;
        switch (format)
        {
            case "audio/pcm":
                if (bytes.Length % 2 != 0)
                {
                    // PCM16: two bytes per sample; an odd count is not audio of this format.
                    throw new FakeRejectionException("invalid_value", "audio/pcm appends must hold whole 16-bit samples.", "audio");
                }

                pcm = new short[bytes.Length / 2];
                Buffer.BlockCopy(bytes, 0, pcm, 0, bytes.Length);
                rate = 24000;
                break;
            case "audio/pcma":
                pcm = new short[bytes.Length];
                G711.ALawDecode(bytes, pcm);
                rate = 8000;
                break;
            default:
                pcm = new short[bytes.Length];
                G711.MuLawDecode(bytes, pcm);
                rate = 8000;
                break;
        }

        // Kept in 8 kHz samples so audio_start_ms stays simple whatever the format.
        long at8k = pcm.Length * 8000L / rate;
        Interlocked.Add(ref _appendedSamples, at8k);
        Interlocked.Add(ref _bufferedSamples, at8k);
        owner.RecordAudio(new FakeAudioChunk(owner.Now, format, rate, bytes.Length, pcm));
        return owner.ServerVad && TurnDetectionOn() ? Listen(pcm, rate) : VadEvent.None;
    }

    /// <summary>
    /// Server VAD (§1.7): an energy detector over the appended audio in 20 ms slices, standing in for the service's
    /// model; it reports speech start and stop like the real one (with its own thresholds).
    /// </summary>
    private VadEvent Listen(short[] pcm, int rate)
    {
        int slice = rate / 50;
        VadEvent result = VadEvent.None;
        for (int offset = 0; offset + slice <= pcm.Length; offset += slice)
        {
            VadEvent e = _vad.Process(pcm.AsSpan(offset, slice));
            if (e != VadEvent.None)
            {
                result = e;
            }
        }

        return result;
    }

    private bool TurnDetectionOn()
    {
        lock (_lock)
        {
            return _session["audio"]?["input"]?["turn_detection"] is JsonObject;
        }
    }

    private async Task CommitAsync(JsonElement root)
    {
        OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id");
        if (Interlocked.Read(ref _bufferedSamples) < 800)
        {
            // §1.5 / G8: at least 100 ms.
            throw new FakeRejectionException("input_audio_buffer_commit_empty", "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio.");
        }

        Interlocked.Exchange(ref _bufferedSamples, 0);
        _lastUserItem = NextId("item");
        await SendAsync(new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = _lastUserItem, ["previous_item_id"] = null });
    }

    private async Task ItemCreateAsync(JsonElement root)
    {
        OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id", "item", "previous_item_id");
        JsonElement item = root.TryGetProperty("item", out JsonElement i) ? i : default;
        OpenAiSessionValidator.ValidateItem(item);
        JsonObject node = JsonNode.Parse(item.GetRawText())!.AsObject();
        node["id"] ??= NextId("item");
        node["object"] = "realtime.item";
        node["status"] = "completed";
        await SendAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = null, ["item"] = node.DeepClone() });
        await SendAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = null, ["item"] = node });
    }

    /// <summary>§1.5 / §1.11: assistant items only, content_index 0, integer audio_end_ms within the generated audio.</summary>
    private async Task TruncateAsync(JsonElement root)
    {
        OpenAiSessionValidator.OnlyFields(root, "", "type", "event_id", "item_id", "content_index", "audio_end_ms");
        string itemId = root.TryGetProperty("item_id", out JsonElement id) ? id.GetString() ?? "" : "";
        long generated;
        lock (_lock)
        {
            if (!_audioItems.TryGetValue(itemId, out generated))
            {
                throw new FakeRejectionException("invalid_value", $"Item '{itemId}' is not an assistant audio item.", "item_id");
            }
        }

        if (!root.TryGetProperty("content_index", out JsonElement index) || index.ValueKind != JsonValueKind.Number || index.GetInt32() != 0)
        {
            throw new FakeRejectionException("invalid_value", "content_index must be 0.", "content_index");
        }

        // §1.14: the float audio_end_ms of an old SDK was a bug: integers only.
        if (!root.TryGetProperty("audio_end_ms", out JsonElement end) || end.ValueKind != JsonValueKind.Number || !end.TryGetInt64(out long endMs) || endMs < 0)
        {
            throw new FakeRejectionException("invalid_type", "audio_end_ms must be a non-negative integer.", "audio_end_ms");
        }

        if (endMs > generated)
        {
            throw new FakeRejectionException("invalid_value", $"audio_end_ms {endMs} is beyond the {generated} ms of audio generated.", "audio_end_ms");
        }

        owner.RecordTruncation(new FakeTruncation(itemId, 0, endMs));
        await SendAsync(new JsonObject { ["type"] = "conversation.item.truncated", ["item_id"] = itemId, ["content_index"] = 0, ["audio_end_ms"] = endMs });
    }

    private async Task<bool> StartResponseAsync(string? clientEventId)
    {
        ActiveResponse response;
        lock (_lock)
        {
            if (_active is not null)
            {
                return false;
            }

            response = new ActiveResponse(NextId("resp"));
            _active = response;
        }

        await _responseTask; // the previous one has sent its response.done already
        FakeResponse script = owner.NextResponse() ?? new FakeResponse();
        _responseTask = RunResponseAsync(response, script, clientEventId);
        return true;
    }

    private bool CancelActive(string reason)
    {
        lock (_lock)
        {
            if (_active is null || _active.Cancel.IsCancellationRequested)
            {
                return false;
            }

            _active.Reason = reason;
            _active.Cancel.Cancel();
            return true;
        }
    }

    /// <summary>The event sequence of §1.8 (audio) and §1.9 (function call).</summary>
    private async Task RunResponseAsync(ActiveResponse response, FakeResponse script, string? clientEventId)
    {
        await Task.Yield();
        CancellationToken cancel = response.Cancel.Token;
        var output = new JsonArray();
        string status = "completed";
        JsonObject? details = null;
        try
        {
            await SendAsync(new JsonObject
            {
                ["type"] = "response.created",
                ["response"] = new JsonObject { ["id"] = response.Id, ["object"] = "realtime.response", ["status"] = "in_progress", ["output"] = new JsonArray() },
            });

            if (script.Drop)
            {
                Abort();
                return;
            }

            if (script.Error is { } error)
            {
                await SendErrorAsync(error, clientEventId, null);
                status = "failed";
                details = new JsonObject { ["type"] = "failed", ["error"] = new JsonObject { ["type"] = error.Type, ["code"] = error.Code } };
            }
            else
            {
                if (script.Audio is not null || script.Transcript is not null)
                {
                    output.Add(await StreamMessageAsync(response, script, cancel));
                }

                if (script.FunctionCall is { } call)
                {
                    output.Add(await FunctionCallAsync(response, call));
                }

                if (script.HoldUntilCancelled)
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            status = "cancelled";
            details = new JsonObject { ["type"] = "cancelled", ["reason"] = response.Reason };
        }

        lock (_lock)
        {
            _active = null; // before response.done, so a response.create sent on it is accepted
        }

        FakeUsage usage = script.Usage;
        await SendAsync(new JsonObject
        {
            ["type"] = "response.done",
            ["response"] = new JsonObject
            {
                ["id"] = response.Id,
                ["object"] = "realtime.response",
                ["status"] = status,
                ["status_details"] = details,
                ["output"] = output,
                ["usage"] = new JsonObject
                {
                    ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
                    ["input_tokens"] = usage.InputTokens,
                    ["output_tokens"] = usage.OutputTokens,
                    ["input_token_details"] = new JsonObject { ["text_tokens"] = usage.InputTokens - usage.InputAudioTokens, ["audio_tokens"] = usage.InputAudioTokens, ["cached_tokens"] = 0 },
                    ["output_token_details"] = new JsonObject { ["text_tokens"] = usage.OutputTokens - usage.OutputAudioTokens, ["audio_tokens"] = usage.OutputAudioTokens },
                },
            },
        });
    }

    private async Task<JsonObject> StreamMessageAsync(ActiveResponse response, FakeResponse script, CancellationToken cancel)
    {
        string itemId = NextId("item");
        string format = Format("output");
        int rate = format == "audio/pcm" ? 24000 : 8000;
        lock (_lock)
        {
            _audioItems[itemId] = 0;
        }

        owner.LastAudioItemId = itemId;
        JsonObject Scoped(string type) => new() { ["type"] = type, ["response_id"] = response.Id, ["item_id"] = itemId, ["output_index"] = 0, ["content_index"] = 0 };

        var item = new JsonObject { ["id"] = itemId, ["object"] = "realtime.item", ["type"] = "message", ["role"] = "assistant", ["status"] = "in_progress", ["content"] = new JsonArray() };
        await SendAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = response.Id, ["output_index"] = 0, ["item"] = item.DeepClone() });
        JsonObject part = Scoped("response.content_part.added");
        part["part"] = new JsonObject { ["type"] = "audio", ["transcript"] = "" };
        await SendAsync(part);

        if (script.Transcript is { } transcript)
        {
            foreach (string word in transcript.Split(' '))
            {
                JsonObject delta = Scoped("response.output_audio_transcript.delta");
                delta["delta"] = word + " ";
                await SendAsync(delta);
            }
        }

        if (script.Audio is { } audio)
        {
            int chunk = rate * script.ChunkMilliseconds / 1000;
            using var pacer = script.RealTime ? new AudioPacer(TimeSpan.FromMilliseconds(script.ChunkMilliseconds), owner.TimeProvider) : null;
            for (int offset = 0; offset < audio.Length; offset += chunk)
            {
                cancel.ThrowIfCancellationRequested();
                if (pacer is not null && offset > 0)
                {
                    await pacer.WaitForNextTickAsync(cancel);
                }

                int count = Math.Min(chunk, audio.Length - offset);
                byte[] wire = Encode(audio.AsSpan(offset, count), format);
                JsonObject delta = Scoped("response.output_audio.delta");
                delta["delta"] = Convert.ToBase64String(wire);
                await SendAsync(delta);
                lock (_lock)
                {
                    _audioItems[itemId] += count * 1000L / rate;
                }
            }
        }

        await SendAsync(Scoped("response.output_audio.done"));
        JsonObject done = Scoped("response.output_audio_transcript.done");
        done["transcript"] = script.Transcript ?? "";
        await SendAsync(done);
        item["status"] = "completed";
        item["content"] = new JsonArray(new JsonObject { ["type"] = "output_audio", ["transcript"] = script.Transcript ?? "" });
        await SendAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = response.Id, ["output_index"] = 0, ["item"] = item.DeepClone() });
        return item;
    }

    private async Task<JsonObject> FunctionCallAsync(ActiveResponse response, FakeFunctionCall call)
    {
        string itemId = NextId("item");
        string callId = call.CallId ?? NextId("call");
        owner.LastCallId = callId;
        var item = new JsonObject
        {
            ["id"] = itemId,
            ["object"] = "realtime.item",
            ["type"] = "function_call",
            ["status"] = "in_progress",
            ["call_id"] = callId,
            ["name"] = call.Name,
            ["arguments"] = "",
        };
        await SendAsync(new JsonObject { ["type"] = "response.output_item.added", ["response_id"] = response.Id, ["output_index"] = 1, ["item"] = item.DeepClone() });
        await SendAsync(new JsonObject
        {
            ["type"] = "response.function_call_arguments.delta",
            ["response_id"] = response.Id,
            ["item_id"] = itemId,
            ["output_index"] = 1,
            ["call_id"] = callId,
            ["delta"] = call.ArgumentsJson,
        });
        await SendAsync(new JsonObject
        {
            ["type"] = "response.function_call_arguments.done",
            ["response_id"] = response.Id,
            ["item_id"] = itemId,
            ["output_index"] = 1,
            ["call_id"] = callId,
            ["name"] = call.Name,
            ["arguments"] = call.ArgumentsJson,
        });
        item["status"] = "completed";
        item["arguments"] = call.ArgumentsJson;
        await SendAsync(new JsonObject { ["type"] = "response.output_item.done", ["response_id"] = response.Id, ["output_index"] = 1, ["item"] = item.DeepClone() });
        return item;
    }

    private static byte[] Encode(ReadOnlySpan<short> samples, string format)
    {
        switch (format)
        {
            case "audio/pcm":
                return Pcm16.AsBytes(samples).ToArray();
            case "audio/pcma":
                byte[] alaw = new byte[samples.Length];
                G711.ALawEncode(samples, alaw);
                return alaw;
            default:
                byte[] ulaw = new byte[samples.Length];
                G711.MuLawEncode(samples, ulaw);
                return ulaw;
        }
    }

    private string NextId(string prefix) => $"{prefix}_{Interlocked.Increment(ref _ids):D4}";

    private async Task SendAsync(JsonObject message)
    {
        message["event_id"] ??= NextId("event");
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private sealed class ActiveResponse(string id)
    {
        public string Id { get; } = id;

        public CancellationTokenSource Cancel { get; } = new();

        public string Reason { get; set; } = "client_cancelled";
    }
}
