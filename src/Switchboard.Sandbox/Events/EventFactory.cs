using System.Globalization;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Events;

/// <summary>Where FreeSWITCH would have created an event (the <c>Event-Calling-*</c> headers).</summary>
internal readonly record struct EventOrigin(string File, string Function, int Line);

/// <summary>
/// Creates events with the headers every FreeSWITCH event carries (<c>switch_event_prep_for_delivery_detailed</c>):
/// name, core identity, dates, calling site and the monotonic <c>Event-Sequence</c>.
/// </summary>
internal sealed class EventFactory
{
    private readonly TimeProvider _time;
    private long _sequence;

    public EventFactory(string coreUuid, string hostname, TimeProvider time)
    {
        CoreUuid = coreUuid;
        Hostname = hostname;
        _time = time;
    }

    public string CoreUuid { get; }

    public string Hostname { get; }

    public string IPv4 { get; init; } = "127.0.0.1";

    public string IPv6 { get; init; } = "::1";

    /// <summary>Microseconds since the Unix epoch: the media time inside a media tick, else the injected clock.</summary>
    public long NowMicroseconds =>
        ((MediaClock is { } clock && clock.TryGetTickTime(out DateTimeOffset tickTime) ? tickTime : _time.GetUtcNow()) - DateTimeOffset.UnixEpoch).Ticks / 10;

    /// <summary>The PBX's media clock, once created.</summary>
    public MediaClock? MediaClock { get; set; }

    public SandboxEvent Create(int type, EventOrigin origin, string? subclass = null)
    {
        var e = new SandboxEvent(type, subclass);
        if (subclass is not null)
        {
            // Measured: CUSTOM events put Event-Subclass first.
            e.Add("Event-Subclass", subclass);
        }

        var now = _time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone);
        e.Add("Event-Name", EventNames.NameOf(type));
        e.Add("Core-UUID", CoreUuid);
        e.Add("FreeSWITCH-Hostname", Hostname);
        e.Add("FreeSWITCH-Switchname", Hostname);
        e.Add("FreeSWITCH-IPv4", IPv4);
        e.Add("FreeSWITCH-IPv6", IPv6);
        e.Add("Event-Date-Local", local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        e.Add("Event-Date-GMT", now.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture));
        e.Add("Event-Date-Timestamp", (now - DateTimeOffset.UnixEpoch).Ticks / 10);
        e.Add("Event-Calling-File", origin.File);
        e.Add("Event-Calling-Function", origin.Function);
        e.Add("Event-Calling-Line-Number", origin.Line);
        e.Add("Event-Sequence", Interlocked.Increment(ref _sequence));
        return e;
    }
}
