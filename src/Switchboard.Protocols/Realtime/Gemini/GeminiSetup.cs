using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>
/// Writes the <c>setup</c> message (ai-providers.md §3.3) and the other once-per-turn client messages.
/// </summary>
internal static class GeminiSetup
{
    public const string DefaultModel = "gemini-2.5-flash-native-audio-preview-12-2025";

    /// <summary>Compression keeps sessions going past the ~15 min audio context (§3.7); values from the §3.3 example.</summary>
    private const int CompressionTriggerTokens = 25600;

    private const int CompressionTargetTokens = 12800;

    /// <summary>Fields of the OpenAPI-style <c>Schema</c> the API accepts; anything else (e.g. <c>additionalProperties</c>, <c>$schema</c>) is refused.</summary>
    private static readonly HashSet<string> SchemaFields =
    [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ];

    public static string ModelName(VoiceAgentSettings settings)
    {
        string model = string.IsNullOrWhiteSpace(settings.Model) ? DefaultModel : settings.Model;
        return model.StartsWith("models/", StringComparison.Ordinal) ? model : "models/" + model;
    }

    public static byte[] Write(VoiceAgentSettings settings, string? resumeHandle)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("setup");
            json.WriteString("model", ModelName(settings));

            json.WriteStartObject("generationConfig");
            json.WriteStartArray("responseModalities");
            json.WriteStringValue("AUDIO"); // one modality only: both closes with 1007 (§6 G16)
            json.WriteEndArray();
            json.WriteStartObject("speechConfig");
            if (!string.IsNullOrWhiteSpace(settings.Voice))
            {
                json.WriteStartObject("voiceConfig");
                json.WriteStartObject("prebuiltVoiceConfig");
                json.WriteString("voiceName", settings.Voice);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteString("languageCode", settings.Language);
            json.WriteEndObject();
            if (settings.Options.TryGetValue("temperature", out string? temperature) &&
                double.TryParse(temperature, NumberStyles.Float, CultureInfo.InvariantCulture, out double t))
            {
                json.WriteNumber("temperature", t);
            }

            json.WriteEndObject();

            json.WriteStartObject("systemInstruction");
            json.WriteStartArray("parts");
            json.WriteStartObject();
            json.WriteString("text", settings.Instructions);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            if (settings.Tools.Count > 0)
            {
                json.WriteStartArray("tools");
                json.WriteStartObject();
                json.WriteStartArray("functionDeclarations");
                foreach (ToolDefinition tool in settings.Tools)
                {
                    json.WriteStartObject();
                    json.WriteString("name", tool.Name);
                    json.WriteString("description", tool.Description);
                    using JsonDocument schema = JsonDocument.Parse(tool.ParametersJsonSchema);
                    if (schema.RootElement.ValueKind == JsonValueKind.Object &&
                        !(schema.RootElement.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object && !p.EnumerateObject().Any()))
                    {
                        json.WritePropertyName("parameters");
                        WriteSchema(json, schema.RootElement);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
            }

            // Phone lines are noisy: a higher threshold means less eager start/end detection (LOW sensitivity).
            bool lowSensitivity = settings.VadThreshold >= 0.5;
            json.WriteStartObject("realtimeInputConfig");
            json.WriteStartObject("automaticActivityDetection");
            json.WriteBoolean("disabled", false);
            json.WriteString("startOfSpeechSensitivity", lowSensitivity ? "START_SENSITIVITY_LOW" : "START_SENSITIVITY_HIGH");
            json.WriteString("endOfSpeechSensitivity", lowSensitivity ? "END_SENSITIVITY_LOW" : "END_SENSITIVITY_HIGH");
            json.WriteNumber("prefixPaddingMs", settings.VadPrefixMilliseconds);
            json.WriteNumber("silenceDurationMs", settings.VadSilenceMilliseconds);
            json.WriteEndObject();
            json.WriteString("activityHandling", "START_OF_ACTIVITY_INTERRUPTS");
            json.WriteEndObject();

            json.WriteStartObject("inputAudioTranscription");
            json.WriteEndObject();
            json.WriteStartObject("outputAudioTranscription");
            json.WriteEndObject();

            json.WriteStartObject("sessionResumption");
            if (resumeHandle is not null)
            {
                json.WriteString("handle", resumeHandle);
            }

            json.WriteEndObject();

            json.WriteStartObject("contextWindowCompression");
            json.WriteNumber("triggerTokens", CompressionTriggerTokens);
            json.WriteStartObject("slidingWindow");
            json.WriteNumber("targetTokens", CompressionTargetTokens);
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Copies a JSON Schema as the OpenAPI-style subset Gemini accepts: types upper-cased (<c>OBJECT</c>), a
    /// <c>["string","null"]</c> type turned into <c>STRING</c> + <c>nullable</c>, unsupported keywords left out.
    /// </summary>
    internal static void WriteSchema(Utf8JsonWriter json, JsonElement schema)
    {
        json.WriteStartObject();
        foreach (JsonProperty property in schema.EnumerateObject())
        {
            if (!SchemaFields.Contains(property.Name))
            {
                continue;
            }

            switch (property.Name)
            {
                case "type":
                    WriteType(json, property.Value);
                    break;
                case "properties" when property.Value.ValueKind == JsonValueKind.Object:
                    json.WriteStartObject("properties");
                    foreach (JsonProperty child in property.Value.EnumerateObject())
                    {
                        json.WritePropertyName(child.Name);
                        WriteSchema(json, child.Value);
                    }

                    json.WriteEndObject();
                    break;
                case "items" when property.Value.ValueKind == JsonValueKind.Object:
                    json.WritePropertyName("items");
                    WriteSchema(json, property.Value);
                    break;
                case "anyOf" when property.Value.ValueKind == JsonValueKind.Array:
                    json.WriteStartArray("anyOf");
                    foreach (JsonElement option in property.Value.EnumerateArray())
                    {
                        WriteSchema(json, option);
                    }

                    json.WriteEndArray();
                    break;
                default:
                    property.WriteTo(json);
                    break;
            }
        }

        json.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter json, JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            json.WriteString("type", type.GetString()!.ToUpperInvariant());
            return;
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            string? single = null;
            bool nullable = false;
            foreach (JsonElement item in type.EnumerateArray())
            {
                string name = item.GetString() ?? string.Empty;
                if (name == "null")
                {
                    nullable = true;
                }
                else
                {
                    single ??= name;
                }
            }

            if (single is not null)
            {
                json.WriteString("type", single.ToUpperInvariant());
            }

            if (nullable)
            {
                json.WriteBoolean("nullable", true);
            }
        }
    }

    public static byte[] ClientTurn(string? text)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("clientContent");
            if (text is not null)
            {
                json.WriteStartArray("turns");
                json.WriteStartObject();
                json.WriteString("role", "user");
                json.WriteStartArray("parts");
                json.WriteStartObject();
                json.WriteString("text", text);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteBoolean("turnComplete", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>toolResponse</c> (§3.6): the result goes under <c>response.output</c>; text that is not JSON is sent as a string.</summary>
    public static byte[] ToolResponse(string callId, string name, string resultJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("toolResponse");
            json.WriteStartArray("functionResponses");
            json.WriteStartObject();
            json.WriteString("id", callId);
            json.WriteString("name", name);
            json.WriteStartObject("response");
            json.WritePropertyName("output");
            try
            {
                using JsonDocument result = JsonDocument.Parse(resultJson);
                result.RootElement.WriteTo(json);
            }
            catch (JsonException)
            {
                json.WriteStringValue(resultJson);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
