using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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
    /// <remarks>
    /// One validating pass decodes only what routes the event (name, subclass, channel, job, sequence) and the body;
    /// the other ~80 headers are decoded from a copy of the JSON when a consumer first reads one. Most events on a busy
    /// switch are routed and dropped, or matched on their name alone (playback events of every playback file).
    /// </remarks>
    public static EventSocketEvent ParseJsonEvent(ReadOnlySpan<byte> json)
    {
        string? name = null;
        string? subclass = null;
        string? uniqueId = null;
        string? jobUuid = null;
        string? sequence = null;
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
                RoutingHeader header = reader.ValueIsEscaped ? Classify(Encoding.UTF8.GetBytes(reader.GetString()!)) : Classify(reader.ValueSpan);
                reader.Read();
                if (header == RoutingHeader.None)
                {
                    ValidateJsonValue(ref reader);
                    continue;
                }

                string value = ReadJsonValue(ref reader);
                switch (header)
                {
                    case RoutingHeader.EventName: name = value; break;
                    case RoutingHeader.EventSubclass: subclass = value; break;
                    case RoutingHeader.UniqueId: uniqueId = value; break;
                    case RoutingHeader.JobUuid: jobUuid = value; break;
                    case RoutingHeader.EventSequence: sequence = value; break;
                    case RoutingHeader.Body: body = value; break;
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

        if (string.IsNullOrEmpty(name))
        {
            throw new EventSocketException("Event has no Event-Name.");
        }

        long sequenceNumber = long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : 0;
        return new EventSocketEvent(json.ToArray(), name, NullIfEmpty(subclass), NullIfEmpty(uniqueId), NullIfEmpty(jobUuid), sequenceNumber, body);
    }

    /// <summary>Every header of a JSON event already validated by <see cref="ParseJsonEvent"/>.</summary>
    internal static Dictionary<string, string> ReadJsonHeaders(ReadOnlySpan<byte> json)
    {
        var headers = new Dictionary<string, string>(96, StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string header = reader.ValueIsEscaped ? reader.GetString()! : HeaderNameCache.Get(reader.ValueSpan);
            reader.Read();
            string value = ReadJsonValue(ref reader);
            if (header != JsonBodyKey)
            {
                headers[header] = value;
            }
        }

        return headers;
    }

    private enum RoutingHeader
    {
        None,
        EventName,
        EventSubclass,
        UniqueId,
        JobUuid,
        EventSequence,
        Body,
    }

    // Header names compare case-insensitively, as the headers dictionary does.
    private static RoutingHeader Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        10 when Ascii.EqualsIgnoreCase(name, "Event-Name"u8) => RoutingHeader.EventName,
        14 when Ascii.EqualsIgnoreCase(name, "Event-Subclass"u8) => RoutingHeader.EventSubclass,
        9 when Ascii.EqualsIgnoreCase(name, "Unique-ID"u8) => RoutingHeader.UniqueId,
        8 when Ascii.EqualsIgnoreCase(name, "Job-UUID"u8) => RoutingHeader.JobUuid,
        14 when Ascii.EqualsIgnoreCase(name, "Event-Sequence"u8) => RoutingHeader.EventSequence,
        5 when name.SequenceEqual("_body"u8) => RoutingHeader.Body,
        _ => RoutingHeader.None,
    };

    /// <summary>Checks a value as <see cref="ReadJsonValue"/> would read it, without decoding it.</summary>
    private static void ValidateJsonValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (reader.ValueIsEscaped ? reader.GetString() is null : !Utf8.IsValid(reader.ValueSpan))
                {
                    throw new EventSocketException("Malformed JSON event.");
                }

                return;
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
            case JsonTokenType.Null:
                return;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        throw new EventSocketException("JSON event array holds a nested value.");
                    }

                    ValidateJsonValue(ref reader);
                }

                return;
            default:
                throw new EventSocketException($"JSON event value of type {reader.TokenType} is not supported.");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

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
