using System.Buffers.Text;
using System.Text.Json;

namespace Switchboard.Fakes.Gemini;

/// <summary>What the Live service accepts in client messages (ai-providers.md §3.2–§3.6); a rule broken gives the close code of §3.9.</summary>
internal static class GeminiSetupRules
{
    public const int InvalidArgument = 1007;
    public const int Policy = 1008;

    /// <summary>§3.4: 16 kHz PCM16 is the documented input; other rates are unconfirmed, so refused here.</summary>
    public const string InputMimeType = "audio/pcm;rate=16000";

    private static readonly string[] SetupFields =
    [
        "model", "generationConfig", "systemInstruction", "tools", "realtimeInputConfig", "inputAudioTranscription",
        "outputAudioTranscription", "sessionResumption", "contextWindowCompression", "proactivity", "historyConfig",
        "explicitVadSignal", "safetySettings",
    ];

    private static readonly string[] GenerationFields =
    [
        "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "presencePenalty", "frequencyPenalty",
        "responseModalities", "speechConfig", "mediaResolution", "seed", "thinkingConfig", "enableAffectiveDialog",
    ];

    private static readonly string[] SchemaFields =
    [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ];

    private static readonly string[] SchemaTypes = ["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"];

    /// <summary>§3.8 prebuilt voices.</summary>
    private static readonly string[] Voices =
    [
        "Achernar", "Achird", "Algenib", "Algieba", "Alnilam", "Aoede", "Autonoe", "Callirrhoe", "Charon", "Despina",
        "Enceladus", "Erinome", "Fenrir", "Gacrux", "Iapetus", "Kore", "Laomedeia", "Leda", "Orus", "Pulcherrima", "Puck",
        "Rasalgethi", "Sadachbia", "Sadaltager", "Schedar", "Sulafat", "Umbriel", "Vindemiatrix", "Zephyr", "Zubenelgenubi",
    ];

    private sealed class Reject(int code, string reason) : Exception(reason)
    {
        public int Code { get; } = code;
    }

    /// <summary>The first message: exactly <c>{"setup":{...}}</c> (§3.2, §3.3).</summary>
    public static (int Code, string Reason)? Validate(JsonElement message, GeminiLiveFake fake, out string? resumedWith)
    {
        resumedWith = null;
        try
        {
            if (message.ValueKind != JsonValueKind.Object || OnlyKey(message) != "setup")
            {
                throw new Reject(InvalidArgument, "The first message must be setup.");
            }

            JsonElement setup = message.GetProperty("setup");
            Fields(setup, "setup", SetupFields);
            string model = setup.TryGetProperty("model", out JsonElement m) ? m.GetString() ?? string.Empty : string.Empty;
            if (!model.StartsWith("models/", StringComparison.Ordinal) || !GeminiLiveFake.Models.Contains(model["models/".Length..]))
            {
                // §3.8 / G18: Vertex names or unknown models on the Developer API close with 1008.
                throw new Reject(Policy, $"{model} is not found for API version v1beta, or is not supported for bidiGenerateContent.");
            }

            if (setup.TryGetProperty("generationConfig", out JsonElement generation))
            {
                Fields(generation, "setup.generationConfig", GenerationFields);
                if (generation.TryGetProperty("responseModalities", out JsonElement modalities))
                {
                    string[] values = [.. modalities.EnumerateArray().Select(x => x.GetString() ?? string.Empty)];
                    if (values.Length != 1 || values[0] is not ("AUDIO" or "TEXT"))
                    {
                        // §3.3 / G16: one modality only.
                        throw new Reject(InvalidArgument, "Request contains an invalid argument: responseModalities.");
                    }
                }

                if (generation.TryGetProperty("speechConfig", out JsonElement speech))
                {
                    Fields(speech, "speechConfig", ["voiceConfig", "languageCode", "multiSpeakerVoiceConfig"]);
                    if (speech.TryGetProperty("voiceConfig", out JsonElement voice))
                    {
                        Fields(voice, "voiceConfig", ["prebuiltVoiceConfig"]);
                        JsonElement prebuilt = voice.GetProperty("prebuiltVoiceConfig");
                        Fields(prebuilt, "prebuiltVoiceConfig", ["voiceName"]);
                        if (!Voices.Contains(prebuilt.GetProperty("voiceName").GetString()))
                        {
                            throw new Reject(InvalidArgument, "Request contains an invalid argument: voiceName.");
                        }
                    }
                }
            }

            if (setup.TryGetProperty("systemInstruction", out JsonElement instruction))
            {
                Content(instruction, "systemInstruction");
            }

            if (setup.TryGetProperty("tools", out JsonElement tools))
            {
                foreach (JsonElement tool in tools.EnumerateArray())
                {
                    Fields(tool, "tools", ["functionDeclarations", "googleSearch", "codeExecution"]);
                    if (tool.TryGetProperty("functionDeclarations", out JsonElement declarations))
                    {
                        foreach (JsonElement declaration in declarations.EnumerateArray())
                        {
                            Fields(declaration, "functionDeclarations", ["name", "description", "parameters", "parametersJsonSchema", "behavior", "response"]);
                            if (declaration.TryGetProperty("parameters", out JsonElement parameters))
                            {
                                Schema(parameters, "parameters");
                            }
                        }
                    }
                }
            }

            if (setup.TryGetProperty("realtimeInputConfig", out JsonElement input))
            {
                Fields(input, "realtimeInputConfig", ["automaticActivityDetection", "activityHandling", "turnCoverage"]);
                if (input.TryGetProperty("automaticActivityDetection", out JsonElement vad))
                {
                    Fields(vad, "automaticActivityDetection", ["disabled", "startOfSpeechSensitivity", "endOfSpeechSensitivity", "prefixPaddingMs", "silenceDurationMs"]);
                    Enum(vad, "startOfSpeechSensitivity", "START_SENSITIVITY_UNSPECIFIED", "START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW");
                    Enum(vad, "endOfSpeechSensitivity", "END_SENSITIVITY_UNSPECIFIED", "END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW");
                }

                Enum(input, "activityHandling", "ACTIVITY_HANDLING_UNSPECIFIED", "START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION");
                Enum(input, "turnCoverage", "TURN_COVERAGE_UNSPECIFIED", "TURN_INCLUDES_ONLY_ACTIVITY", "TURN_INCLUDES_ALL_INPUT", "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO");
            }

            foreach (string name in (string[])["inputAudioTranscription", "outputAudioTranscription"])
            {
                if (setup.TryGetProperty(name, out JsonElement transcription))
                {
                    Fields(transcription, name, ["languageCodes", "customVocabulary"]);
                }
            }

            if (setup.TryGetProperty("contextWindowCompression", out JsonElement compression))
            {
                Fields(compression, "contextWindowCompression", ["triggerTokens", "slidingWindow"]);
                if (compression.TryGetProperty("slidingWindow", out JsonElement window))
                {
                    Fields(window, "slidingWindow", ["targetTokens"]);
                }
            }

            if (setup.TryGetProperty("sessionResumption", out JsonElement resumption))
            {
                Fields(resumption, "sessionResumption", ["handle", "transparent"]);
                if (resumption.TryGetProperty("handle", out JsonElement handle) && handle.ValueKind == JsonValueKind.String)
                {
                    string value = handle.GetString()!;
                    if (!fake.IsIssuedHandle(value))
                    {
                        // §3.7: a resumption the service does not know fails with 1007.
                        throw new Reject(InvalidArgument, "Request contains an invalid argument: session resumption handle.");
                    }

                    resumedWith = value;
                }
            }

            return null;
        }
        catch (Reject reject)
        {
            return (reject.Code, GeminiLiveFake.Truncate(reject.Message));
        }
        catch (Exception exception) when (exception is InvalidOperationException or KeyNotFoundException)
        {
            return (InvalidArgument, "Invalid JSON payload received.");
        }
    }

    /// <summary>Messages after setup (§3.2, §3.4, §3.6); null when acceptable.</summary>
    public static (int Code, string Reason)? ValidateClientMessage(JsonElement message, GeminiFakeSession session, out byte[]? audio)
    {
        audio = null;
        try
        {
            string key = message.ValueKind == JsonValueKind.Object ? OnlyKey(message) : string.Empty;
            JsonElement body = key.Length > 0 ? message.GetProperty(key) : default;
            switch (key)
            {
                case "setup":
                    throw new Reject(InvalidArgument, "setup must be the first and only setup message.");
                case "realtimeInput" or "realtime_input":
                    Fields(body, "realtimeInput", ["audio", "video", "text", "activityStart", "activityEnd", "audioStreamEnd", "mediaChunks"]);
                    if (body.TryGetProperty("audio", out JsonElement blob))
                    {
                        Fields(blob, "audio", ["data", "mimeType"]);
                        if (blob.GetProperty("mimeType").GetString() != InputMimeType)
                        {
                            throw new Reject(InvalidArgument, "Request contains an invalid argument: unsupported audio mimeType.");
                        }

                        string data = blob.GetProperty("data").GetString() ?? string.Empty;
                        byte[] bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(data.Length)];
                        if (!Convert.TryFromBase64String(data, bytes, out int written) || (written & 1) != 0)
                        {
                            // PCM16: whole samples of valid base64.
                            throw new Reject(InvalidArgument, "Request contains an invalid argument: audio data.");
                        }

                        audio = bytes[..written];
                    }

                    return null;
                case "clientContent" or "client_content":
                    Fields(body, "clientContent", ["turns", "turnComplete"]);
                    if (body.TryGetProperty("turns", out JsonElement turns))
                    {
                        foreach (JsonElement turn in turns.EnumerateArray())
                        {
                            Content(turn, "turns");
                        }
                    }

                    return null;
                case "toolResponse" or "tool_response":
                    Fields(body, "toolResponse", ["functionResponses"]);
                    foreach (JsonElement response in body.GetProperty("functionResponses").EnumerateArray())
                    {
                        Fields(response, "functionResponses", ["id", "name", "response", "scheduling", "willContinue"]);
                        string id = response.GetProperty("id").GetString() ?? string.Empty;
                        string name = response.GetProperty("name").GetString() ?? string.Empty;
                        if (!session.TryCompleteToolCall(id, name) || response.GetProperty("response").ValueKind != JsonValueKind.Object)
                        {
                            throw new Reject(InvalidArgument, $"Request contains an invalid argument: function response {id}.");
                        }
                    }

                    return null;
                default:
                    throw new Reject(InvalidArgument, $"Invalid JSON payload received. Unknown name \"{key}\".");
            }
        }
        catch (Reject reject)
        {
            return (reject.Code, GeminiLiveFake.Truncate(reject.Message));
        }
        catch (Exception exception) when (exception is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (InvalidArgument, "Invalid JSON payload received.");
        }
    }

    private static string OnlyKey(JsonElement message)
    {
        string? key = null;
        foreach (JsonProperty property in message.EnumerateObject())
        {
            if (key is not null)
            {
                throw new Reject(InvalidArgument, "A client message carries exactly one of setup, clientContent, realtimeInput, toolResponse.");
            }

            key = property.Name;
        }

        return key ?? string.Empty;
    }

    private static void Fields(JsonElement element, string at, string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new Reject(InvalidArgument, $"Invalid value at '{at}': an object is expected.");
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                throw new Reject(InvalidArgument, $"Invalid JSON payload received. Unknown name \"{property.Name}\" at '{at}': Cannot find field.");
            }
        }
    }

    private static void Enum(JsonElement element, string name, params string[] values)
    {
        if (element.TryGetProperty(name, out JsonElement value) && !values.Contains(value.GetString()))
        {
            throw new Reject(InvalidArgument, $"Invalid value at '{name}': {value.GetRawText()}.");
        }
    }

    private static void Content(JsonElement content, string at)
    {
        Fields(content, at, ["role", "parts"]);
        if (content.TryGetProperty("role", out JsonElement role) && role.GetString() is not ("user" or "model"))
        {
            throw new Reject(InvalidArgument, $"Invalid value at '{at}.role'.");
        }

        foreach (JsonElement part in content.GetProperty("parts").EnumerateArray())
        {
            Fields(part, at + ".parts", ["text"]);
        }
    }

    /// <summary>OpenAPI-style schema (§3.3): known keywords only, known types, objects with properties.</summary>
    private static void Schema(JsonElement schema, string at)
    {
        Fields(schema, at, SchemaFields);
        if (schema.TryGetProperty("type", out JsonElement type) &&
            !SchemaTypes.Contains(type.GetString()?.ToUpperInvariant()))
        {
            throw new Reject(InvalidArgument, $"Invalid value at '{at}.type': {type.GetRawText()}.");
        }

        if (schema.TryGetProperty("properties", out JsonElement properties))
        {
            if (!properties.EnumerateObject().Any())
            {
                throw new Reject(InvalidArgument, $"{at}.properties: should be non-empty for OBJECT type.");
            }

            foreach (JsonProperty property in properties.EnumerateObject())
            {
                Schema(property.Value, $"{at}.properties.{property.Name}");
            }
        }

        if (schema.TryGetProperty("items", out JsonElement items))
        {
            Schema(items, at + ".items");
        }
    }
}
