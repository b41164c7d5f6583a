namespace Switchboard.Sandbox.EventSocket;

/// <summary>One client command: its first line, the header lines after it and an optional body.</summary>
internal sealed class EventSocketCommand
{
    public EventSocketCommand(string line, List<KeyValuePair<string, string>> headers, string? body)
    {
        Line = line;
        Headers = headers;
        Body = body;
    }

    /// <summary>The command line, cut at the first CR or LF (<c>strip_cr</c>).</summary>
    public string Line { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public string? Body { get; }

    public string? Header(string name)
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
}
