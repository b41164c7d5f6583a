using System.Globalization;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>A decoded FreeSWITCH event (freeswitch.md §1.6, §3). Header lookups are case-insensitive; plain-format
/// values are already URL-decoded; multi-valued headers keep FreeSWITCH's <c>ARRAY::a|:b</c> form.</summary>
public sealed class EventSocketEvent
{
    private Dictionary<string, string>? _headers;

    // A JSON event's text, decoded into _headers when a header other than the routing ones is first read.
    private readonly byte[]? _json;

    /// <summary>Builds an event (for tests, fakes and the sandbox). <paramref name="headers"/> must hold <c>Event-Name</c>.</summary>
    public EventSocketEvent(IEnumerable<KeyValuePair<string, string>> headers, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> header in headers)
        {
            _headers[header.Key] = header.Value;
        }

        if (!_headers.TryGetValue(EventSocketHeaders.EventName, out string? name) || name.Length == 0)
        {
            throw new ArgumentException("An event needs an Event-Name header.", nameof(headers));
        }

        Name = name;
        Body = body;
        (Subclass, UniqueId, JobUuid, Sequence) = Identify(_headers);
    }

    internal EventSocketEvent(byte[] json, string name, string? subclass, string? uniqueId, string? jobUuid, long sequence, string? body)
    {
        _json = json;
        Name = name;
        Subclass = subclass;
        UniqueId = uniqueId;
        JobUuid = jobUuid;
        Sequence = sequence;
        Body = body;
    }

    internal EventSocketEvent(Dictionary<string, string> headers, string name, string? body)
    {
        _headers = headers;
        Name = name;
        Body = body;
        (Subclass, UniqueId, JobUuid, Sequence) = Identify(headers);
    }

    /// <summary><c>Event-Name</c>, e.g. <c>CHANNEL_ANSWER</c>, <c>CUSTOM</c>, <c>BACKGROUND_JOB</c>.</summary>
    public string Name { get; }

    /// <summary><c>Event-Subclass</c> of CUSTOM events, e.g. <c>conference::maintenance</c>.</summary>
    public string? Subclass { get; }

    /// <summary><c>Unique-ID</c>: the channel the event is about (absent on conference-level and system events).</summary>
    public string? UniqueId { get; }

    /// <summary><c>Job-UUID</c> of a BACKGROUND_JOB.</summary>
    public string? JobUuid { get; }

    /// <summary>The event body (<c>_body</c> in JSON; the inner Content-Length block in plain), e.g. a bgapi result.</summary>
    public string? Body { get; }

    /// <summary><c>Event-Sequence</c>: monotonic per FreeSWITCH instance; 0 when absent.</summary>
    public long Sequence { get; }

    public IReadOnlyDictionary<string, string> Headers => AllHeaders;

    public string? this[string header] => AllHeaders.GetValueOrDefault(header);

    private Dictionary<string, string> AllHeaders
    {
        get
        {
            Dictionary<string, string>? headers = Volatile.Read(ref _headers);
            if (headers is null)
            {
                // Several subscribers may ask at once: each decodes the same bytes, one result is kept.
                headers = EventSocketParser.ReadJsonHeaders(_json);
                headers = Interlocked.CompareExchange(ref _headers, headers, null) ?? headers;
            }

            return headers;
        }
    }

    /// <summary>The values of a multi-valued header (<c>ARRAY::a|:b</c>), or the single value, or none.</summary>
    public IReadOnlyList<string> GetValues(string header)
    {
        if (!AllHeaders.TryGetValue(header, out string? value))
        {
            return [];
        }

        const string prefix = "ARRAY::";
        return value.StartsWith(prefix, StringComparison.Ordinal)
            ? value[prefix.Length..].Split("|:")
            : [value];
    }

    public override string ToString() =>
        Subclass is null ? $"{Name} {UniqueId}" : $"{Name} {Subclass} {UniqueId}";

    private static (string? Subclass, string? UniqueId, string? JobUuid, long Sequence) Identify(Dictionary<string, string> headers)
    {
        long sequence = headers.TryGetValue(EventSocketHeaders.EventSequence, out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : 0;
        return (
            NonEmpty(headers, EventSocketHeaders.EventSubclass),
            NonEmpty(headers, EventSocketHeaders.UniqueId),
            NonEmpty(headers, EventSocketHeaders.JobUuid),
            sequence);
    }

    private static string? NonEmpty(Dictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;
}
