using System.Text;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>One framed message from FreeSWITCH: its outer headers and its Content-Length body (freeswitch.md §1.2).</summary>
public sealed class EventSocketMessage
{
    private readonly Dictionary<string, string> _headers;
    private readonly byte[] _body;

    public EventSocketMessage(IEnumerable<KeyValuePair<string, string>> headers, byte[]? body = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> header in headers)
        {
            _headers[header.Key] = header.Value;
        }

        _body = body ?? [];
    }

    /// <summary>Takes ownership of <paramref name="headers"/> (case-insensitive) and <paramref name="body"/>.</summary>
    internal EventSocketMessage(Dictionary<string, string> headers, byte[] body)
    {
        _headers = headers;
        _body = body;
    }

    /// <summary>Headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

    public string? ContentType => this[EventSocketHeaders.ContentType];

    public string? this[string header] => _headers.GetValueOrDefault(header);

    public ReadOnlyMemory<byte> Body => _body;

    internal ReadOnlySpan<byte> BodySpan => _body;

    /// <summary>The body decoded as UTF-8 (empty when there is none).</summary>
    public string GetBodyText() => _body.Length == 0 ? string.Empty : Encoding.UTF8.GetString(_body);

    public override string ToString() => $"{ContentType} ({_body.Length} B)";
}
