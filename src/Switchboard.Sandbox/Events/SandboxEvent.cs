using System.Text;

namespace Switchboard.Sandbox.Events;

/// <summary>
/// One fired event: an ordered header list (duplicates allowed, like <c>switch_event_t</c>) and an optional body.
/// Immutable once fired; its wire forms are computed once and shared by every listener.
/// </summary>
internal sealed class SandboxEvent
{
    private readonly List<KeyValuePair<string, string>> _headers = new(96);
    private byte[]? _plain;
    private byte[]? _json;

    public SandboxEvent(int type, string? subclass)
    {
        Type = type;
        Subclass = subclass;
    }

    public int Type { get; }

    public string? Subclass { get; }

    public string? Body { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public void Add(string name, string value) => _headers.Add(new(name, value));

    public void Add(string name, long value) => _headers.Add(new(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>First header with this name, case-insensitively (<c>switch_event_get_header</c>).</summary>
    public string? Get(string name)
    {
        foreach (var header in _headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    public byte[] PlainBytes => _plain ??= EventSerializer.SerializePlain(this);

    public byte[] JsonBytes => _json ??= EventSerializer.SerializeJson(this);

    public override string ToString() => Encoding.UTF8.GetString(PlainBytes);
}
