using System.Text;
using System.Text.Json;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

public static partial class EventSocketParser
{
    private const string JsonBodyKey = "_body";
    private const string ArrayPrefix = "ARRAY::";
    private const string ArraySeparator = "|:";

    /// <summary>Decodes the body of a <c>text/event-json</c> or <c>text/event-plain</c> message.</summary>
    /// <exception cref="EventSocketException">Other content type, malformed body, or no <c>Event-Name</c>.</exception>
    public static EventSocketEvent ParseEvent(EventSocketMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ContentType switch
        {
            EventSocketHeaders.EventJson => ParseJsonEvent(message.BodySpan),
            EventSocketHeaders.EventPlain => ParsePlainEvent(message.BodySpan),
            var other => throw new EventSocketException($"'{other}' is not an event format this client decodes (use json or plain)."),
        };
    }

    /// <summary>One flat JSON object, every value a string; multi-valued headers are arrays; the body is <c>_body</c>
    /// (freeswitch.md §1.6, verified Q8). Arrays are kept in FreeSWITCH's plain form <c>ARRAY::a|:b</c> so both formats
    /// decode to the same headers (<see cref="EventSocketEvent.GetValues"/> splits them).</summary>
    public static EventSocketEvent ParseJsonEvent(ReadOnlySpan<byte> json)
    {
        var headers = new Dictionary<string, string>(96, StringComparer.OrdinalIgnoreCase);
        string? body = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new EventSocketException("JSON event is not an object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.ValueIsEscaped ? reader.GetString()! : HeaderNameCache.Get(reader.ValueSpan);
                reader.Read();
                string value = ReadJsonValue(ref reader);
                if (name == JsonBodyKey)
                {
                    body = value;
                }
                else
                {
                    headers[name] = value;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new EventSocketException("JSON event has content after its object.");
            }
        }
        catch (JsonException ex)
        {
            throw new EventSocketException("Malformed JSON event.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString on a string with invalid UTF-8.
            throw new EventSocketException("Malformed JSON event.", ex);
        }

        return CreateEvent(headers, body);
    }

    private static string ReadJsonValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                // FreeSWITCH writes only strings; tolerate bare scalars by keeping their text.
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.Null:
                return string.Empty;
            case JsonTokenType.StartArray:
                var builder = new StringBuilder(ArrayPrefix);
                bool first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        throw new EventSocketException("JSON event array holds a nested value.");
                    }

                    if (!first)
                    {
                        builder.Append(ArraySeparator);
                    }

                    builder.Append(ReadJsonValue(ref reader));
                    first = false;
                }

                return builder.ToString();
            default:
                throw new EventSocketException($"JSON event value of type {reader.TokenType} is not supported.");
        }
    }

    /// <summary>URL-encoded <c>Name: value</c> lines, a blank line, then an inner Content-Length body if the event has one
    /// (freeswitch.md §1.6, verified Q7).</summary>
    public static EventSocketEvent ParsePlainEvent(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, string>(96, StringComparer.OrdinalIgnoreCase);
        int position = 0;
        while (position < block.Length)
        {
            ReadOnlySpan<byte> rest = block[position..];
            int newline = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? rest : rest[..newline];
            position += newline < 0 ? rest.Length : newline + 1;
            if (line.IsEmpty || (line.Length == 1 && line[0] == (byte)'\r'))
            {
                break;
            }

            ParseHeaderLine(line, headers, urlDecode: true);
        }

        string? body = null;
        if (headers.TryGetValue(EventSocketHeaders.ContentLength, out string? lengthText))
        {
            long length = ParseLength(Encoding.ASCII.GetBytes(lengthText), block.Length);
            if (length > block.Length - position)
            {
                throw new EventSocketException("Plain event body is shorter than its Content-Length.");
            }

            body = Encoding.UTF8.GetString(block.Slice(position, (int)length));
        }

        return CreateEvent(headers, body);
    }

    private static EventSocketEvent CreateEvent(Dictionary<string, string> headers, string? body)
    {
        if (!headers.TryGetValue(EventSocketHeaders.EventName, out string? name) || name.Length == 0)
        {
            throw new EventSocketException("Event has no Event-Name.");
        }

        return new EventSocketEvent(headers, name, body);
    }
}
