using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox.EventSocket;

internal enum EventFormat
{
    Plain,
    Json,
    Xml,
}

/// <summary>
/// A connection's event list and CUSTOM subclass set, with the exact parsing of the <c>event</c> and
/// <c>nixevent</c> commands (every token after <c>CUSTOM</c> is a subclass name).
/// </summary>
internal sealed class EventSubscription
{
    private readonly bool[] _events = new bool[EventNames.Count];
    private readonly HashSet<string> _subclasses = new(StringComparer.Ordinal);

    public EventFormat Format { get; private set; } = EventFormat.Plain;

    /// <summary>Set by the first accepted <c>event</c>/<c>nixevent</c>/<c>myevents</c> (LFLAG_EVENTS).</summary>
    public bool Enabled { get; set; }

    /// <summary>The <c>myevents &lt;uuid&gt;</c> binding: only events of that channel pass.</summary>
    public bool MyEvents { get; set; }

    public string? MyEventsUuid { get; set; }

    public static string FormatName(EventFormat format) => format switch
    {
        EventFormat.Json => "json",
        EventFormat.Xml => "xml",
        _ => "plain",
    };

    public bool Wants(SandboxEvent e)
    {
        if (_events[EventNames.All])
        {
            return true;
        }

        if (!_events[e.Type])
        {
            return false;
        }

        return e.Type != EventNames.Custom || e.Subclass is null || _subclasses.Contains(e.Subclass);
    }

    /// <summary>The <c>event</c> command; returns the reply text.</summary>
    public string Subscribe(string line)
    {
        var keyCount = 0;
        var custom = false;
        var space = line.IndexOf(' ', 5);
        if (space >= 0)
        {
            var count = 0;
            foreach (var token in SplitOnSpaces(line[(space + 1)..]))
            {
                if (count++ == 0)
                {
                    if (Is(token, "xml"))
                    {
                        Format = EventFormat.Xml;
                        continue;
                    }

                    if (Is(token, "plain"))
                    {
                        Format = EventFormat.Plain;
                        continue;
                    }

                    if (Is(token, "json"))
                    {
                        Format = EventFormat.Json;
                        continue;
                    }
                }

                if (custom)
                {
                    _subclasses.Add(token);
                }
                else if (EventNames.TryParse(token, out var type))
                {
                    keyCount++;
                    if (type == EventNames.All)
                    {
                        Array.Fill(_events, true, 0, EventNames.All);
                    }

                    _events[type] = true;
                    if (type == EventNames.Custom)
                    {
                        custom = true;
                    }
                }
            }
        }

        if (keyCount == 0)
        {
            return "-ERR no keywords supplied";
        }

        Enabled = true;
        return "+OK event listener enabled " + FormatName(Format);
    }

    /// <summary>The <c>nixevent</c> command; returns the reply text.</summary>
    public string Unsubscribe(string line)
    {
        var keyCount = 0;
        var custom = false;
        var space = line.IndexOf(' ', 8);
        if (space >= 0)
        {
            foreach (var token in SplitOnSpaces(line[(space + 1)..]))
            {
                if (custom)
                {
                    _subclasses.Remove(token);
                }
                else if (EventNames.TryParse(token, out var type))
                {
                    keyCount++;
                    if (type == EventNames.Custom)
                    {
                        custom = true;
                    }
                    else if (type == EventNames.All)
                    {
                        Array.Fill(_events, false);
                    }
                    else
                    {
                        if (_events[EventNames.All])
                        {
                            _events[EventNames.All] = false;
                            Array.Fill(_events, true, 0, EventNames.All);
                        }

                        _events[type] = false;
                    }
                }
            }
        }

        if (keyCount == 0)
        {
            return "-ERR no keywords supplied";
        }

        Enabled = true;
        return "+OK events nixed";
    }

    /// <summary>The <c>noevents</c> command: drops every subscription.</summary>
    public string Clear()
    {
        if (!Enabled)
        {
            return "-ERR not listening for events";
        }

        Enabled = false;
        Array.Fill(_events, false);
        _subclasses.Clear();
        return "+OK no longer listening for events";
    }

    /// <summary>The fixed list <c>myevents</c> enables.</summary>
    public void EnableMyEvents(EventFormat? format)
    {
        int[] types =
        [
            EventNames.ChannelAnswer, 20 /* CHANNEL_APPLICATION */, EventNames.ChannelBridge, EventNames.ChannelCreate,
            EventNames.ChannelData, EventNames.ChannelDestroy, EventNames.ChannelExecute, EventNames.ChannelExecuteComplete,
            EventNames.ChannelHangup, EventNames.ChannelHangupComplete, EventNames.ChannelOriginate, 22 /* CHANNEL_UUID */,
            EventNames.ChannelOutgoing, EventNames.ChannelPark, EventNames.ChannelProgress, EventNames.ChannelProgressMedia,
            EventNames.ChannelState, EventNames.ChannelUnbridge, EventNames.ChannelUnpark, 47 /* DETECTED_SPEECH */,
            EventNames.Dtmf, 32 /* NOTALK */, 31 /* TALK */,
        ];
        foreach (var type in types)
        {
            _events[type] = true;
        }

        if (format is { } f)
        {
            Format = f;
        }

        MyEvents = true;
        Enabled = true;
    }

    public void SetFormat(EventFormat format) => Format = format;

    private static bool Is(string token, string word) => string.Equals(token, word, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>strchr(cur, ' ')</c> splitting: consecutive spaces give empty tokens, as in C.</summary>
    private static string[] SplitOnSpaces(string text) => text.Split(' ');
}
