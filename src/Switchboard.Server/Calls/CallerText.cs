using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Calls;

/// <summary>A text frame on the media stream (<c>uuid_audio_stream &lt;uuid&gt; send_text</c>): what the caller typed,
/// either plain UTF-8 or a JSON object with a <c>text</c> string. Anything else is ignored (null).</summary>
public static class CallerText
{
    /// <summary>Longest typed text kept (characters); longer text is cut.</summary>
    public const int MaxLength = 1000;

    public static string? Parse(ReadOnlySpan<byte> frame)
    {
        string raw;
        try
        {
            raw = new UTF8Encoding(false, true).GetString(frame).Trim();
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (raw.StartsWith('{'))
        {
            try
            {
                using JsonDocument json = JsonDocument.Parse(raw);
                raw = json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("text", out JsonElement text)
                    && text.ValueKind == JsonValueKind.String
                    ? text.GetString()!.Trim()
                    : "";
            }
            catch (JsonException)
            {
                // Not JSON after all: the caller typed a brace.
            }
        }

        if (raw.Length == 0)
        {
            return null;
        }

        return raw.Length > MaxLength ? raw[..MaxLength] : raw;
    }
}
