namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>The reply to a command: <c>command/reply</c> with its <c>Reply-Text</c> (and extra headers such as
/// <c>Job-UUID</c>), or an <c>api/response</c> whose body is the result (freeswitch.md §1.2, §8).</summary>
public sealed class EventSocketReply
{
    private readonly IReadOnlyDictionary<string, string> _headers;

    public EventSocketReply(string replyText, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(replyText);
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> header in headers ?? [])
        {
            copy[header.Key] = header.Value;
        }

        ReplyText = replyText;
        Body = body;
        _headers = copy;
    }

    private EventSocketReply(string replyText, IReadOnlyDictionary<string, string> headers, string? body)
    {
        ReplyText = replyText;
        Body = body;
        _headers = headers;
    }

    /// <summary><c>Reply-Text</c> of a command/reply; for an api/response, its body.</summary>
    public string ReplyText { get; }

    /// <summary>True when the reply starts with <c>+OK</c>.</summary>
    public bool IsOk => ReplyText.StartsWith("+OK", StringComparison.Ordinal);

    /// <summary>The message body, if any.</summary>
    public string? Body { get; }

    public IReadOnlyDictionary<string, string> Headers => _headers;

    public string? this[string header] => _headers.GetValueOrDefault(header);

    public override string ToString() => ReplyText;

    internal static EventSocketReply FromMessage(EventSocketMessage message)
    {
        string? body = message.Body.IsEmpty ? null : message.GetBodyText();
        string text = message.ContentType == EventSocketHeaders.ApiResponse
            ? body ?? string.Empty
            : message[EventSocketHeaders.ReplyText] ?? string.Empty;
        return new EventSocketReply(text, message.Headers, body);
    }
}
