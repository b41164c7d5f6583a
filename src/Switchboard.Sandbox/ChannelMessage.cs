namespace Switchboard.Sandbox;

/// <summary>A private message queued to a channel: <c>sendmsg</c> from ESL, or the execute that <c>uuid_broadcast</c> queues.</summary>
internal sealed class ChannelMessage
{
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public string? Body { get; init; }

    public string? Get(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    public static ChannelMessage FromHeaders(IEnumerable<KeyValuePair<string, string>> headers, string? body)
    {
        var message = new ChannelMessage { Body = body };
        message.Headers.AddRange(headers);
        return message;
    }

    /// <summary>An event-locked execute message, as <c>switch_ivr_broadcast</c> queues it.</summary>
    public static ChannelMessage Execute(string application, string? argument, bool eventLock, int leadFrames = 0, int loops = 1)
    {
        var message = new ChannelMessage();
        message.Headers.Add(new("call-command", "execute"));
        message.Headers.Add(new("execute-app-name", application));
        if (argument is not null)
        {
            message.Headers.Add(new("execute-app-arg", argument));
        }

        if (eventLock)
        {
            message.Headers.Add(new("event-lock", "true"));
        }

        if (leadFrames > 0)
        {
            message.Headers.Add(new("lead-frames", leadFrames.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (loops != 1)
        {
            message.Headers.Add(new("loops", loops.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return message;
    }
}
