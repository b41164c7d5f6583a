using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>The receive loop and the server messages of §3.2–§3.7.</summary>
public sealed partial class GeminiLiveAgent
{
    private bool _turnActive;
    private bool _turnInterrupted;
    private bool _suppressTurnAudio;
    private string? _turnId;
    private int _turnNumber;
    private VoiceAgentUsage? _usage;
    private int _toolCallNumber;

    /// <summary>Reads one connection until it ends; every way it ends becomes one <see cref="ConnectionEnd"/>.</summary>
    private async Task<ConnectionEnd> ReceiveLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                int length = await ReceiveMessageAsync(connection, cancellationToken);
                if (length < 0)
                {
                    int code = (int?)connection.Socket.CloseStatus ?? 1005;
                    return new ConnectionEnd($"close_{code}", DescribeClose(code, connection.Socket.CloseStatusDescription));
                }

                try
                {
                    using JsonDocument message = JsonDocument.Parse(connection.Buffer.AsMemory(0, length));
                    HandleMessage(connection, message.RootElement);
                }
                catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
                {
                    Log.Malformed(_logger, exception);
                }

                connection.ShrinkBuffer();
                CountServerMessage();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ConnectionEnd("cancelled", "The agent was disposed.");
        }
        catch (Exception exception)
        {
            // Network errors, and a socket aborted under the pending receive (OperationCanceledException "Aborted"
            // while nobody cancelled): every other end is a lost connection, never a silently faulted loop.
            return new ConnectionEnd("connection_lost", exception.Message);
        }
    }

    /// <summary>§3.9.</summary>
    private static string DescribeClose(int code, string? reason)
    {
        string meaning = code switch
        {
            1000 or 1001 => "normal closure",
            1007 => "invalid argument (bad setup or context exhausted)",
            1008 => "policy violation (authentication or model not available)",
            1011 => "internal error",
            _ => "closed",
        };
        return string.IsNullOrEmpty(reason) ? meaning : $"{meaning}: {reason}";
    }

    private void HandleMessage(Connection connection, JsonElement message)
    {
        lock (_handleLock)
        {
            if (message.TryGetProperty("usageMetadata", out JsonElement usage))
            {
                _usage = ReadUsage(usage);
            }

            if (message.TryGetProperty("sessionResumptionUpdate", out JsonElement update) &&
                update.TryGetProperty("resumable", out JsonElement resumable) && resumable.ValueKind == JsonValueKind.True &&
                update.TryGetProperty("newHandle", out JsonElement handle) && handle.ValueKind == JsonValueKind.String)
            {
                _resumeHandle = handle.GetString();
            }

            if (message.TryGetProperty("serverContent", out JsonElement content))
            {
                HandleServerContent(connection, content);
            }

            if (message.TryGetProperty("toolCall", out JsonElement toolCall) &&
                toolCall.TryGetProperty("functionCalls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    string id = call.TryGetProperty("id", out JsonElement idElement) && idElement.GetString() is { Length: > 0 } given
                        ? given
                        : "call_" + (++_toolCallNumber).ToString(CultureInfo.InvariantCulture);
                    string name = call.GetProperty("name").GetString() ?? string.Empty;
                    string arguments = call.TryGetProperty("args", out JsonElement args) ? args.GetRawText() : "{}";
                    _toolNames[id] = name;
                    Emit(new ToolCallRequested(id, name, arguments));
                }
            }

            if (message.TryGetProperty("toolCallCancellation", out JsonElement cancellation) &&
                cancellation.TryGetProperty("ids", out JsonElement ids) && ids.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement id in ids.EnumerateArray())
                {
                    if (id.GetString() is { } callId && _toolNames.Remove(callId))
                    {
                        Log.ToolCallCancelled(_logger, callId);
                    }
                }
            }

            if (message.TryGetProperty("goAway", out JsonElement goAway) && !connection.Retired)
            {
                TimeSpan timeLeft = goAway.TryGetProperty("timeLeft", out JsonElement left) ? ParseDuration(left) : TimeSpan.Zero;
                Log.GoAway(_logger, timeLeft);
                Emit(new SessionEnding(timeLeft));
                connection.GoAway.TrySetResult();
            }
        }
    }

    private void HandleServerContent(Connection connection, JsonElement content)
    {
        if (content.TryGetProperty("interrupted", out JsonElement interrupted) && interrupted.ValueKind == JsonValueKind.True)
        {
            // §3.5: the caller barged in; flush what is queued for playback. turnComplete follows.
            _events.DropQueuedAudio();
            _turnInterrupted = true;
            _suppressTurnAudio = false;
            Emit(new CallerSpeech(true));
        }

        if (content.TryGetProperty("modelTurn", out JsonElement turn) && turn.TryGetProperty("parts", out JsonElement parts) &&
            parts.ValueKind == JsonValueKind.Array)
        {
            StartTurn();
            foreach (JsonElement part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("inlineData", out JsonElement inline) && !_suppressTurnAudio && !connection.Retired)
                {
                    EmitAudio(inline);
                }
            }
        }

        if (content.TryGetProperty("inputTranscription", out JsonElement input) && input.TryGetProperty("text", out JsonElement inputText))
        {
            Emit(new Transcript(TranscriptSpeaker.Caller, inputText.GetString() ?? string.Empty, IsFinished(input)));
        }

        if (content.TryGetProperty("outputTranscription", out JsonElement output) && output.TryGetProperty("text", out JsonElement outputText))
        {
            Emit(new Transcript(TranscriptSpeaker.Agent, outputText.GetString() ?? string.Empty, IsFinished(output)));
        }

        if (content.TryGetProperty("turnComplete", out JsonElement complete) && complete.ValueKind == JsonValueKind.True)
        {
            StartTurn();
            Emit(new ResponseFinished(_turnId, _turnInterrupted ? "cancelled" : "completed", _usage));
            _turnActive = false;
            _turnInterrupted = false;
            _suppressTurnAudio = false;
            _usage = null;
        }
    }

    private void StartTurn()
    {
        if (!_turnActive)
        {
            _turnActive = true;
            _turnId = "turn_" + (++_turnNumber).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static bool IsFinished(JsonElement transcription) =>
        transcription.TryGetProperty("finished", out JsonElement finished) && finished.ValueKind == JsonValueKind.True;

    /// <summary>Decodes base64 PCM16 (24 kHz, §3.5) straight from the JSON bytes and resamples it to the call rate.</summary>
    private void EmitAudio(JsonElement inline)
    {
        if (!inline.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.String)
        {
            return;
        }

        int rate = inline.TryGetProperty("mimeType", out JsonElement mime) && mime.ValueKind == JsonValueKind.String
            ? RateOf(RawString(mime))
            : OutputSampleRate;
        if (rate is not (8000 or 16000 or 24000 or 48000))
        {
            return;
        }

        Resampler resampler = _outputResampler!;
        if (resampler.InputRate != rate)
        {
            resampler = _outputResampler = new Resampler(rate, _settings!.CallSampleRate);
        }

        ReadOnlySpan<byte> base64 = RawString(data);
        byte[]? escaped = null;
        if (base64.Contains((byte)'\\'))
        {
            escaped = data.GetBytesFromBase64(); // "\/" escapes: rare, take the slow path
        }

        int needed = escaped?.Length ?? Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        if (_decodeScratch.Length < needed)
        {
            _decodeScratch = new byte[Math.Max(needed, _decodeScratch.Length * 2)];
        }

        int decoded;
        if (escaped is not null)
        {
            escaped.CopyTo(_decodeScratch, 0);
            decoded = escaped.Length;
        }
        else if (Base64.DecodeFromUtf8(base64, _decodeScratch, out _, out decoded) != OperationStatus.Done)
        {
            throw new FormatException("Gemini Live sent audio that is not valid base64.");
        }

        ReadOnlySpan<short> samples = Pcm16.AsSamples(_decodeScratch.AsSpan(0, decoded & ~1));
        int bytes = Resampler.MaxOutputLength(samples.Length, rate, resampler.OutputRate) * Pcm16.BytesPerSample;
        byte[] pcm = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, 2));
        int written = resampler.Process(samples, Pcm16.AsSamples(pcm.AsSpan(0, bytes))) * Pcm16.BytesPerSample;
        if (written == 0)
        {
            ArrayPool<byte>.Shared.Return(pcm);
            return;
        }

        Emit(new AgentAudio(pcm, written, _turnId));
    }

    /// <summary>A string element's bytes as they are in the message (still JSON-escaped), without the quotes.</summary>
    private static ReadOnlySpan<byte> RawString(JsonElement value)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
        return raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
    }

    private static VoiceAgentUsage ReadUsage(JsonElement usage)
    {
        return new VoiceAgentUsage(
            Count(usage, "promptTokenCount"),
            Count(usage, "responseTokenCount"),
            AudioTokens(usage, "promptTokensDetails"),
            AudioTokens(usage, "responseTokensDetails"));

        static long Count(JsonElement usage, string name) =>
            usage.TryGetProperty(name, out JsonElement value) && value.TryGetInt64(out long count) ? count : 0;

        static long AudioTokens(JsonElement usage, string name)
        {
            long total = 0;
            if (usage.TryGetProperty(name, out JsonElement details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("modality", out JsonElement modality) && modality.ValueEquals("AUDIO"))
                    {
                        total += Count(detail, "tokenCount");
                    }
                }
            }

            return total;
        }
    }

    /// <summary>Protobuf JSON <c>Duration</c>: seconds with an <c>s</c> suffix, e.g. <c>"10s"</c>, <c>"1.5s"</c>.</summary>
    internal static TimeSpan ParseDuration(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.EndsWith('s') &&
            double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) &&
            seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return TimeSpan.Zero;
    }
}
