using System.Text.Json;

namespace Switchboard.Fakes.OpenAi;

/// <summary>An event the fake refuses; becomes an <c>error</c> event (reference §1.6, §1.12).</summary>
public sealed class FakeRejectionException(string code, string message, string? param = null, string type = "invalid_request_error")
    : Exception(message)
{
    public string Code { get; } = code;

    public string? Param { get; } = param;

    public string Type { get; } = type;

    /// <summary>The GA endpoint closes the socket after this one (close code 4000, reference §1.1).</summary>
    public bool ClosesSocket => Code == "beta_api_shape_disabled";
}

/// <summary>
/// Strict checks of client payloads against the GA shapes of the reference (ai-providers.md §1.3–§1.7).
/// Error codes follow §1.12 where it names them; <c>unknown_parameter</c> and <c>invalid_value</c> for unknown
/// fields/values are the platform's usual invalid_request_error codes (the exact code is unconfirmed there).
/// </summary>
internal static class OpenAiSessionValidator
{
    /// <summary>Flat beta fields (§1.4): a session carrying any of them is beta-shaped.</summary>
    private static readonly HashSet<string> BetaFields =
    [
        "modalities", "input_audio_format", "output_audio_format", "voice", "speed", "turn_detection",
        "input_audio_transcription", "input_audio_noise_reduction", "max_response_output_tokens", "temperature",
    ];

    private static readonly HashSet<string> SessionFields =
    [
        "type", "model", "output_modalities", "instructions", "audio", "tools", "tool_choice", "parallel_tool_calls",
        "reasoning", "max_output_tokens", "truncation", "include", "prompt", "tracing",
    ];

    /// <summary>§1.3 <c>audio.output.voice</c>.</summary>
    private static readonly HashSet<string> Voices = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"];

    /// <summary>§1.3 <c>audio.input.transcription</c> models.</summary>
    private static readonly HashSet<string> TranscriptionModels =
    [
        "whisper-1", "gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe",
        "gpt-4o-transcribe-diarize", "gpt-transcribe", "gpt-live-transcribe", "gpt-realtime-whisper",
    ];

    /// <summary>§1.5 <c>response.create</c> → <c>response</c> fields.</summary>
    private static readonly HashSet<string> ResponseFields =
    [
        "instructions", "output_modalities", "audio", "tools", "tool_choice", "max_output_tokens", "metadata",
        "conversation", "input", "prompt", "reasoning", "parallel_tool_calls",
    ];

    public static void ValidateSessionUpdate(JsonElement root, string connectionModel)
    {
        OnlyFields(root, "", "type", "event_id", "session");
        if (!root.TryGetProperty("session", out JsonElement session) || session.ValueKind != JsonValueKind.Object)
        {
            throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'session'.", "session");
        }

        // §1.1 / gotcha G3: the beta shape is switched off; the GA endpoint answers beta_api_shape_disabled.
        foreach (JsonProperty property in session.EnumerateObject())
        {
            if (BetaFields.Contains(property.Name))
            {
                throw new FakeRejectionException(
                    "beta_api_shape_disabled",
                    "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.",
                    "session." + property.Name);
            }
        }

        // §1.3: session.type is required in GA (gotcha G2 "missing session.type").
        if (!session.TryGetProperty("type", out JsonElement type))
        {
            throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'session.type'.", "session.type");
        }

        if (type.ValueKind != JsonValueKind.String || type.GetString() != "realtime")
        {
            throw new FakeRejectionException("invalid_value", "This fake supports session.type 'realtime' only.", "session.type");
        }

        OnlyFields(session, "session.", [.. SessionFields]);
        if (session.TryGetProperty("model", out JsonElement model) && model.GetString() != connectionModel)
        {
            throw new FakeRejectionException("invalid_value", "The model cannot be changed during a session (§1.3).", "session.model");
        }

        if (session.TryGetProperty("output_modalities", out JsonElement modalities))
        {
            // §1.3: ["audio"] or ["text"], not both.
            if (modalities.ValueKind != JsonValueKind.Array || modalities.GetArrayLength() != 1 ||
                modalities[0].GetString() is not ("audio" or "text"))
            {
                throw new FakeRejectionException("invalid_value", "output_modalities must be [\"audio\"] or [\"text\"].", "session.output_modalities");
            }
        }

        if (session.TryGetProperty("instructions", out JsonElement instructions) && instructions.ValueKind != JsonValueKind.String)
        {
            throw new FakeRejectionException("invalid_type", "instructions must be a string.", "session.instructions");
        }

        if (session.TryGetProperty("audio", out JsonElement audio))
        {
            ValidateAudio(audio);
        }

        if (session.TryGetProperty("tools", out JsonElement tools))
        {
            ValidateTools(tools, "session.tools");
        }

        if (session.TryGetProperty("tool_choice", out JsonElement choice) &&
            !(choice.ValueKind == JsonValueKind.String && choice.GetString() is "auto" or "none" or "required") &&
            !(choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("name", out _)))
        {
            throw new FakeRejectionException("invalid_value", "Invalid tool_choice.", "session.tool_choice");
        }

        if (session.TryGetProperty("max_output_tokens", out JsonElement max) &&
            !(max.ValueKind == JsonValueKind.String && max.GetString() == "inf") &&
            !(max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out int tokens) && tokens is >= 1 and <= 4096))
        {
            throw new FakeRejectionException("invalid_value", "max_output_tokens must be 1-4096 or \"inf\".", "session.max_output_tokens");
        }
    }

    public static void ValidateResponseCreate(JsonElement root)
    {
        OnlyFields(root, "", "type", "event_id", "response");
        if (root.TryGetProperty("response", out JsonElement response))
        {
            if (response.ValueKind != JsonValueKind.Object)
            {
                throw new FakeRejectionException("invalid_type", "response must be an object.", "response");
            }

            OnlyFields(response, "response.", [.. ResponseFields]);
            if (response.TryGetProperty("instructions", out JsonElement instructions) && instructions.ValueKind != JsonValueKind.String)
            {
                throw new FakeRejectionException("invalid_type", "instructions must be a string.", "response.instructions");
            }

            if (response.TryGetProperty("tools", out JsonElement tools))
            {
                ValidateTools(tools, "response.tools");
            }
        }
    }

    /// <summary>§1.7 items the client may create.</summary>
    public static void ValidateItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'item'.", "item");
        }

        switch (item.TryGetProperty("type", out JsonElement type) ? type.GetString() : null)
        {
            case "message":
                OnlyFields(item, "item.", "type", "id", "object", "status", "role", "content");
                string? role = item.TryGetProperty("role", out JsonElement r) ? r.GetString() : null;
                if (role is not ("user" or "system" or "assistant"))
                {
                    throw new FakeRejectionException("invalid_value", "item.role must be user, system or assistant.", "item.role");
                }

                if (!item.TryGetProperty("content", out JsonElement content) || content.ValueKind != JsonValueKind.Array)
                {
                    throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'item.content'.", "item.content");
                }

                foreach (JsonElement part in content.EnumerateArray())
                {
                    string? partType = part.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
                    bool ok = role == "assistant" ? partType is "output_text" : partType is "input_text" or (string?)"input_audio";
                    if (!ok || (role == "system" && partType != "input_text"))
                    {
                        // GA content part names (§1.4 last row, §1.7): beta "text"/"audio" are refused.
                        throw new FakeRejectionException("invalid_value", $"Invalid content type '{partType}' for a {role} message.", "item.content.type");
                    }
                }

                break;
            case "function_call_output":
                OnlyFields(item, "item.", "type", "id", "object", "status", "call_id", "output");
                if (!item.TryGetProperty("call_id", out JsonElement callId) || callId.ValueKind != JsonValueKind.String)
                {
                    throw new FakeRejectionException("missing_required_parameter", "Missing required parameter: 'item.call_id'.", "item.call_id");
                }

                if (callId.GetString()!.Length > 32)
                {
                    throw new FakeRejectionException("invalid_value", "call_id is limited to 32 characters (§1.7).", "item.call_id");
                }

                if (!item.TryGetProperty("output", out JsonElement output) || output.ValueKind != JsonValueKind.String)
                {
                    throw new FakeRejectionException("missing_required_parameter", "item.output must be a string.", "item.output");
                }

                break;
            case "function_call":
                OnlyFields(item, "item.", "type", "id", "object", "status", "call_id", "name", "arguments");
                break;
            default:
                throw new FakeRejectionException("invalid_value", "Invalid item.type.", "item.type");
        }
    }

    public static void OnlyFields(JsonElement element, string prefix, params string[] allowed)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw new FakeRejectionException("unknown_parameter", $"Unknown parameter: '{prefix}{property.Name}'.", prefix + property.Name);
            }
        }
    }

    private static void ValidateAudio(JsonElement audio)
    {
        if (audio.ValueKind != JsonValueKind.Object)
        {
            throw new FakeRejectionException("invalid_type", "session.audio must be an object.", "session.audio");
        }

        OnlyFields(audio, "session.audio.", "input", "output");
        if (audio.TryGetProperty("input", out JsonElement input))
        {
            OnlyFields(input, "session.audio.input.", "format", "noise_reduction", "transcription", "turn_detection");
            if (input.TryGetProperty("format", out JsonElement format))
            {
                ValidateFormat(format, "session.audio.input.format");
            }

            if (input.TryGetProperty("noise_reduction", out JsonElement noise) && noise.ValueKind != JsonValueKind.Null)
            {
                OnlyFields(noise, "session.audio.input.noise_reduction.", "type");
                if (!noise.TryGetProperty("type", out JsonElement t) || t.GetString() is not ("near_field" or "far_field"))
                {
                    throw new FakeRejectionException("invalid_value", "noise_reduction.type must be near_field or far_field.", "session.audio.input.noise_reduction.type");
                }
            }

            if (input.TryGetProperty("transcription", out JsonElement transcription) && transcription.ValueKind != JsonValueKind.Null)
            {
                OnlyFields(transcription, "session.audio.input.transcription.", "model", "language", "prompt");
                if (!transcription.TryGetProperty("model", out JsonElement m) || !TranscriptionModels.Contains(m.GetString() ?? ""))
                {
                    throw new FakeRejectionException("invalid_value", "Unsupported transcription model.", "session.audio.input.transcription.model");
                }

                if (transcription.TryGetProperty("language", out JsonElement language) && (language.GetString() ?? "").Length != 2)
                {
                    throw new FakeRejectionException("invalid_value", "language must be ISO-639-1.", "session.audio.input.transcription.language");
                }
            }

            if (input.TryGetProperty("turn_detection", out JsonElement turn) && turn.ValueKind != JsonValueKind.Null)
            {
                ValidateTurnDetection(turn);
            }
        }

        if (audio.TryGetProperty("output", out JsonElement output))
        {
            OnlyFields(output, "session.audio.output.", "format", "voice", "speed");
            if (output.TryGetProperty("format", out JsonElement format))
            {
                ValidateFormat(format, "session.audio.output.format");
            }

            if (output.TryGetProperty("voice", out JsonElement voice) &&
                !(voice.ValueKind == JsonValueKind.String && Voices.Contains(voice.GetString()!)) &&
                !(voice.ValueKind == JsonValueKind.Object && voice.TryGetProperty("id", out _)))
            {
                throw new FakeRejectionException("invalid_value", $"Invalid voice {voice.GetRawText()}.", "session.audio.output.voice");
            }

            if (output.TryGetProperty("speed", out JsonElement speed) &&
                !(speed.ValueKind == JsonValueKind.Number && speed.GetDouble() is >= 0.25 and <= 1.5))
            {
                throw new FakeRejectionException("invalid_value", "speed must be 0.25-1.5.", "session.audio.output.speed");
            }
        }
    }

    /// <summary>§1.3: <c>audio/pcm</c> only at 24000 (rate required), <c>audio/pcmu</c>/<c>audio/pcma</c> only at 8 kHz; gotcha G2 refuses 'pcm16'.</summary>
    private static void ValidateFormat(JsonElement format, string param)
    {
        if (format.ValueKind != JsonValueKind.Object)
        {
            throw new FakeRejectionException("invalid_value", $"Invalid value: {format.GetRawText()}. Expected an audio format object.", param);
        }

        OnlyFields(format, param + ".", "type", "rate");
        string? type = format.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
        bool hasRate = format.TryGetProperty("rate", out JsonElement rate);
        switch (type)
        {
            case "audio/pcm":
                if (!hasRate)
                {
                    throw new FakeRejectionException("missing_required_parameter", $"Missing required parameter: '{param}.rate'.", param + ".rate");
                }

                if (rate.ValueKind != JsonValueKind.Number || rate.GetDouble() != 24000)
                {
                    throw new FakeRejectionException("invalid_value", "audio/pcm supports only rate 24000.", param + ".rate");
                }

                break;
            case "audio/pcmu" or "audio/pcma":
                if (hasRate && (rate.ValueKind != JsonValueKind.Number || rate.GetDouble() != 8000))
                {
                    throw new FakeRejectionException("invalid_value", $"{type} is 8000 Hz only.", param + ".rate");
                }

                break;
            default:
                throw new FakeRejectionException("invalid_value", $"Invalid value: '{type}'. Supported values are: 'audio/pcm', 'audio/pcmu', 'audio/pcma'.", param + ".type");
        }
    }

    private static void ValidateTurnDetection(JsonElement turn)
    {
        const string Param = "session.audio.input.turn_detection";
        string? type = turn.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
        switch (type)
        {
            case "server_vad":
                OnlyFields(turn, Param + ".", "type", "threshold", "prefix_padding_ms", "silence_duration_ms", "idle_timeout_ms", "create_response", "interrupt_response");
                if (turn.TryGetProperty("threshold", out JsonElement threshold) &&
                    !(threshold.ValueKind == JsonValueKind.Number && threshold.GetDouble() is >= 0 and <= 1))
                {
                    throw new FakeRejectionException("invalid_value", "threshold must be 0.0-1.0.", Param + ".threshold");
                }

                foreach (string name in (string[])["prefix_padding_ms", "silence_duration_ms"])
                {
                    if (turn.TryGetProperty(name, out JsonElement ms) && !(ms.ValueKind == JsonValueKind.Number && ms.TryGetInt32(out int value) && value >= 0))
                    {
                        throw new FakeRejectionException("invalid_value", $"{name} must be a non-negative integer.", $"{Param}.{name}");
                    }
                }

                break;
            case "semantic_vad":
                OnlyFields(turn, Param + ".", "type", "eagerness", "create_response", "interrupt_response");
                if (turn.TryGetProperty("eagerness", out JsonElement eagerness) && eagerness.GetString() is not ("low" or "medium" or "high" or "auto"))
                {
                    throw new FakeRejectionException("invalid_value", "eagerness must be low, medium, high or auto.", Param + ".eagerness");
                }

                break;
            default:
                throw new FakeRejectionException("invalid_value", "turn_detection.type must be server_vad or semantic_vad.", Param + ".type");
        }
    }

    /// <summary>§1.3: flat function tools <c>{type, name, description, parameters}</c>; the Chat Completions nesting is refused.</summary>
    private static void ValidateTools(JsonElement tools, string param)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new FakeRejectionException("invalid_type", "tools must be an array.", param);
        }

        int index = 0;
        foreach (JsonElement tool in tools.EnumerateArray())
        {
            string prefix = $"{param}[{index++}]";
            OnlyFields(tool, prefix + ".", "type", "name", "description", "parameters");
            if (!tool.TryGetProperty("type", out JsonElement type) || type.GetString() != "function")
            {
                throw new FakeRejectionException("invalid_value", "This fake supports function tools only.", prefix + ".type");
            }

            if (!tool.TryGetProperty("name", out JsonElement name) || string.IsNullOrEmpty(name.GetString()))
            {
                throw new FakeRejectionException("missing_required_parameter", $"Missing required parameter: '{prefix}.name'.", prefix + ".name");
            }

            if (tool.TryGetProperty("parameters", out JsonElement parameters) && parameters.ValueKind != JsonValueKind.Object)
            {
                throw new FakeRejectionException("invalid_type", "parameters must be a JSON Schema object.", prefix + ".parameters");
            }
        }
    }
}
