using System.Text;
using System.Text.Json;

namespace Switchboard.Sandbox.Tests.Support;

/// <summary>One frame read off an event socket: the header lines in wire order and the body bytes.</summary>
public sealed class EslFrame
{
    public EslFrame(List<KeyValuePair<string, string>> headers, byte[] headerBytes, byte[] body)
    {
        Headers = headers;
        HeaderBytes = headerBytes;
        Body = body;
    }

    public List<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The header block exactly as received, including the blank line.</summary>
    public byte[] HeaderBytes { get; }

    public byte[] Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? ContentType => Header("Content-Type");

    public string? ReplyText => Header("Reply-Text");

    public bool IsEvent => ContentType is "text/event-plain" or "text/event-json" or "text/event-xml";

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public EslEvent ToEvent() => EslEvent.Parse(this);
}

/// <summary>A decoded event: its headers (URL-decoded when plain) and body.</summary>
public sealed class EslEvent
{
    private EslEvent(EslFrame frame, List<KeyValuePair<string, string>> headers, string? body)
    {
        Frame = frame;
        Headers = headers;
        Body = body;
    }

    public EslFrame Frame { get; }

    /// <summary>Headers in serialisation order.</summary>
    public List<KeyValuePair<string, string>> Headers { get; }

    public string? Body { get; }

    public string Name => this["Event-Name"] ?? string.Empty;

    public string? this[string name] =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public override string ToString() => $"{Name} {this["Event-Subclass"]} {this["Unique-ID"]} {this["Action"]}";

    public static EslEvent Parse(EslFrame frame)
    {
        var headers = new List<KeyValuePair<string, string>>();
        string? body = null;
        if (frame.ContentType == "text/event-json")
        {
            using var document = JsonDocument.Parse(frame.Body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                if (property.Name == "_body")
                {
                    body = value;
                }
                else
                {
                    headers.Add(new(property.Name, value));
                }
            }

            return new EslEvent(frame, headers, body);
        }

        var text = frame.BodyText;
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var block = blank >= 0 ? text[..blank] : text;
        foreach (var line in block.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon], Uri.UnescapeDataString(line[(colon + 2)..])));
            }
        }

        if (blank >= 0 && blank + 2 < text.Length)
        {
            body = text[(blank + 2)..];
        }

        return new EslEvent(frame, headers, body);
    }
}
