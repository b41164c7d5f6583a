using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.Server.Tools;

/// <summary>Builds tool results: one JSON object with <c>"ok"</c>, readable (accents unescaped) for the audit trail.</summary>
public static class ToolResults
{
    public const string Ok = """{"ok":true}""";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary><c>{"ok":false,"error":message}</c>; the message is for the agent, so it says what to do next.</summary>
    public static string Error(string message) => Write(json =>
    {
        json.WriteBoolean("ok", false);
        json.WriteString("error", message);
    });

    /// <summary>A result object; <paramref name="body"/> writes its properties (starting with <c>"ok"</c>).</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="value"/> as a string, or null.</summary>
    public static void WriteNullable(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
