using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Server.Calls;

/// <summary>
/// The call context we pass to <c>uuid_audio_stream … start</c>; mod_audio_stream sends it back verbatim
/// as the stream's first text frame.
/// </summary>
public sealed record StreamMetadata
{
    [JsonPropertyName("callUuid")]
    public required string CallUuid { get; init; }

    [JsonPropertyName("domainUuid")]
    public required Guid DomainUuid { get; init; }

    [JsonPropertyName("domain")]
    public string? Domain { get; init; }

    [JsonPropertyName("destination")]
    public string? Destination { get; init; }

    [JsonPropertyName("callerIdNumber")]
    public string? CallerIdNumber { get; init; }

    [JsonPropertyName("callerIdName")]
    public string? CallerIdName { get; init; }

    [JsonPropertyName("secretaryId")]
    public Guid? SecretaryId { get; init; }

    /// <summary>Set on the stream of an announced transfer's human leg: the call being announced.</summary>
    [JsonPropertyName("announce")]
    public string? AnnouncementFor { get; init; }

    [JsonPropertyName("rate")]
    public int SampleRate { get; init; } = 8000;

    private static readonly JsonSerializerOptions Json = new()
    {
        // UTF-8 stays raw: the FreeSWITCH argument tokenizer treats a backslash as an escape, so the
        // metadata must not contain \uXXXX sequences (freeswitch.md §2.1).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// JSON safe to append to an ESL API line: no single quotes (stripped by the tokenizer), no
    /// backslashes or double quotes inside values, no control characters.
    /// </summary>
    public string ToCommandArgument()
    {
        StreamMetadata clean = this with
        {
            Domain = Clean(Domain),
            Destination = Clean(Destination),
            CallerIdNumber = Clean(CallerIdNumber),
            CallerIdName = Clean(CallerIdName),
        };
        return JsonSerializer.Serialize(clean, Json);
    }

    public static StreamMetadata? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize<StreamMetadata>(utf8, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return string.Create(value.Length, value, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = c is '\'' or '"' or '\\' || char.IsControl(c) ? ' ' : c;
            }
        });
    }
}
