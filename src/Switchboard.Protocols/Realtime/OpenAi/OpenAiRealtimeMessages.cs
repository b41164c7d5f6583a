using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.OpenAi;

/// <summary>The audio format both directions use on the wire (reference §1.3, <c>audio.input/output.format</c>).</summary>
internal enum OpenAiAudioFormat
{
    /// <summary><c>{"type":"audio/pcmu"}</c>: G.711 µ-law at 8 kHz, 8 bytes per ms.</summary>
    Pcmu,

    /// <summary><c>{"type":"audio/pcm","rate":24000}</c>: PCM16 at 24 kHz (the only PCM rate), 48 bytes per ms.</summary>
    Pcm24k,
}

/// <summary>Builds the GA client events (reference §1.3, §1.5, §1.7) as UTF-8 JSON.</summary>
internal static class OpenAiRealtimeMessages
{
    /// <summary>Everything of <c>input_audio_buffer.append</c> before the base64 audio.</summary>
    public static ReadOnlySpan<byte> AppendPrefix => "{\"type\":\"input_audio_buffer.append\",\"audio\":\""u8;

    public static ReadOnlySpan<byte> AppendSuffix => "\"}"u8;

    public static string FormatName(OpenAiAudioFormat format) => format == OpenAiAudioFormat.Pcmu ? "audio/pcmu" : "audio/pcm";

    public static byte[] SessionUpdate(OpenAiSessionPlan plan)
    {
        return Write(writer =>
        {
            writer.WriteString("type", "session.update");
            writer.WriteStartObject("session");
            writer.WriteString("type", "realtime");
            writer.WriteString("model", plan.Model);
            writer.WriteStartArray("output_modalities");
            writer.WriteStringValue("audio");
            writer.WriteEndArray();
            writer.WriteString("instructions", plan.Instructions);
            writer.WriteStartObject("audio");

            writer.WriteStartObject("input");
            WriteFormat(writer, plan.Format);
            if (plan.NoiseReduction is { } noise)
            {
                writer.WriteStartObject("noise_reduction");
                writer.WriteString("type", noise);
                writer.WriteEndObject();
            }

            if (plan.TranscriptionModel is { } model)
            {
                writer.WriteStartObject("transcription");
                writer.WriteString("model", model);
                if (plan.TranscriptionLanguage is { Length: > 0 } language)
                {
                    writer.WriteString("language", language);
                }

                writer.WriteEndObject();
            }

            switch (plan.TurnDetection)
            {
                case "none":
                    writer.WriteNull("turn_detection");
                    break;
                case "semantic_vad":
                    writer.WriteStartObject("turn_detection");
                    writer.WriteString("type", "semantic_vad");
                    if (plan.Eagerness is { } eagerness)
                    {
                        writer.WriteString("eagerness", eagerness);
                    }

                    writer.WriteBoolean("create_response", true);
                    writer.WriteBoolean("interrupt_response", plan.InterruptResponse);
                    writer.WriteEndObject();
                    break;
                default:
                    writer.WriteStartObject("turn_detection");
                    writer.WriteString("type", "server_vad");
                    writer.WriteNumber("threshold", plan.VadThreshold);
                    writer.WriteNumber("prefix_padding_ms", plan.VadPrefixMilliseconds);
                    writer.WriteNumber("silence_duration_ms", plan.VadSilenceMilliseconds);
                    writer.WriteBoolean("create_response", true);
                    writer.WriteBoolean("interrupt_response", plan.InterruptResponse);
                    writer.WriteEndObject();
                    break;
            }

            writer.WriteEndObject();

            writer.WriteStartObject("output");
            WriteFormat(writer, plan.Format);
            writer.WriteString("voice", plan.Voice);
            writer.WriteEndObject();

            writer.WriteEndObject(); // audio

            writer.WriteStartArray("tools");
            foreach (ToolDefinition tool in plan.Tools)
            {
                // GA tool objects are flat: no nested "function" object (reference §1.3).
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteString("name", tool.Name);
                writer.WriteString("description", tool.Description);
                writer.WritePropertyName("parameters");
                writer.WriteRawValue(tool.ParametersJsonSchema);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (plan.Tools.Count > 0)
            {
                writer.WriteString("tool_choice", "auto");
            }

            writer.WriteEndObject(); // session
        });
    }

    public static byte[] ResponseCreate(string? instructions, string eventId) => Write(writer =>
    {
        writer.WriteString("type", "response.create");
        writer.WriteString("event_id", eventId);
        if (instructions is not null)
        {
            writer.WriteStartObject("response");
            writer.WriteString("instructions", instructions);
            writer.WriteEndObject();
        }
    });

    public static byte[] ResponseCancel() => """{"type":"response.cancel"}"""u8.ToArray();

    public static byte[] Truncate(string itemId, long audioEndMilliseconds) => Write(writer =>
    {
        writer.WriteString("type", "conversation.item.truncate");
        writer.WriteString("item_id", itemId);
        writer.WriteNumber("content_index", 0);
        writer.WriteNumber("audio_end_ms", audioEndMilliseconds);
    });

    public static byte[] FunctionCallOutput(string callId, string output) => Write(writer =>
    {
        writer.WriteString("type", "conversation.item.create");
        writer.WriteStartObject("item");
        writer.WriteString("type", "function_call_output");
        writer.WriteString("call_id", callId);
        writer.WriteString("output", output);
        writer.WriteEndObject();
    });

    public static byte[] UserText(string text) => Write(writer =>
    {
        writer.WriteString("type", "conversation.item.create");
        writer.WriteStartObject("item");
        writer.WriteString("type", "message");
        writer.WriteString("role", "user");
        writer.WriteStartArray("content");
        writer.WriteStartObject();
        writer.WriteString("type", "input_text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void WriteFormat(Utf8JsonWriter writer, OpenAiAudioFormat format)
    {
        writer.WriteStartObject("format");
        writer.WriteString("type", FormatName(format));
        if (format == OpenAiAudioFormat.Pcm24k)
        {
            writer.WriteNumber("rate", 24000); // required for audio/pcm (reference §1.3, gotcha G2)
        }

        writer.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The session the agent asks for, resolved from <see cref="VoiceAgentSettings"/> and its options.</summary>
internal sealed record OpenAiSessionPlan
{
    public required string Model { get; init; }

    public required string Instructions { get; init; }

    public required string Voice { get; init; }

    public required OpenAiAudioFormat Format { get; init; }

    public string? TranscriptionModel { get; init; }

    public string? TranscriptionLanguage { get; init; }

    public string? NoiseReduction { get; init; }

    public string TurnDetection { get; init; } = "server_vad";

    public string? Eagerness { get; init; }

    public bool InterruptResponse { get; init; } = true;

    public double VadThreshold { get; init; }

    public int VadPrefixMilliseconds { get; init; }

    public int VadSilenceMilliseconds { get; init; }

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public static OpenAiSessionPlan From(VoiceAgentSettings settings)
    {
        if (settings.CallSampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new VoiceAgentException($"OpenAI Realtime supports calls at 8, 16, 24 or 48 kHz, not {settings.CallSampleRate} Hz.");
        }

        IReadOnlyDictionary<string, string> options = settings.Options;
        string? Option(string key) => options.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        OpenAiAudioFormat format = Option("audio_format") switch
        {
            null => settings.CallSampleRate == 8000 ? OpenAiAudioFormat.Pcmu : OpenAiAudioFormat.Pcm24k,
            "pcmu" when settings.CallSampleRate == 8000 => OpenAiAudioFormat.Pcmu,
            "pcmu" => throw new VoiceAgentException($"audio_format pcmu needs an 8000 Hz call, not {settings.CallSampleRate} Hz."),
            "pcm" => OpenAiAudioFormat.Pcm24k,
            string other => throw new VoiceAgentException($"Unknown audio_format '{other}' (pcmu or pcm)."),
        };

        string? transcription = Option("transcription_model") ?? "gpt-4o-mini-transcribe";
        if (transcription is "none" or "off")
        {
            transcription = null;
        }

        string turn = Option("turn_detection") ?? "server_vad";
        if (turn is not ("server_vad" or "semantic_vad" or "none"))
        {
            throw new VoiceAgentException($"Unknown turn_detection '{turn}' (server_vad, semantic_vad or none).");
        }

        string? noise = Option("noise_reduction");
        if (noise is "none" or "off")
        {
            noise = null;
        }

        TimeSpan timeout = TimeSpan.FromSeconds(5);
        if (Option("connect_timeout_ms") is { } timeoutText)
        {
            if (!int.TryParse(timeoutText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) || ms <= 0)
            {
                throw new VoiceAgentException($"connect_timeout_ms must be a positive integer, not '{timeoutText}'.");
            }

            timeout = TimeSpan.FromMilliseconds(ms);
        }

        return new OpenAiSessionPlan
        {
            Model = settings.Model ?? OpenAiRealtimeAgent.DefaultModel,
            Instructions = settings.Instructions,
            Voice = settings.Voice ?? OpenAiRealtimeAgent.DefaultVoice,
            Format = format,
            TranscriptionModel = transcription,
            TranscriptionLanguage = Option("transcription_language") ?? LanguageCode(settings.Language),
            NoiseReduction = noise,
            TurnDetection = turn,
            Eagerness = Option("eagerness"),
            InterruptResponse = !string.Equals(Option("interrupt_response"), "false", StringComparison.OrdinalIgnoreCase),
            VadThreshold = settings.VadThreshold,
            VadPrefixMilliseconds = settings.VadPrefixMilliseconds,
            VadSilenceMilliseconds = settings.VadSilenceMilliseconds,
            Tools = settings.Tools,
            ConnectTimeout = timeout,
        };
    }

    /// <summary>ISO-639-1 from a BCP 47 tag: <c>pt-BR</c> → <c>pt</c> (transcription wants the bare language).</summary>
    private static string? LanguageCode(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        int dash = tag.IndexOfAny(['-', '_']);
        return (dash < 0 ? tag : tag[..dash]).ToLowerInvariant();
    }
}
