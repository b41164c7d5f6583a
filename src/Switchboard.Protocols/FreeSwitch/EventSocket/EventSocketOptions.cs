namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Connection settings of the inbound Event Socket client (freeswitch.md §1.1, §1.11).</summary>
public sealed class EventSocketOptions
{
    /// <summary>The events subscribed with <c>event json</c> on every connection (freeswitch.md §3.2, recommended set).
    /// <c>CUSTOM</c> and its subclasses are kept last: every token after <c>CUSTOM</c> is a subclass (verified Q8).</summary>
    public static IReadOnlyList<string> RecommendedEvents { get; } =
    [
        "CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE",
        "CHANNEL_UNBRIDGE", "CHANNEL_PARK", "CHANNEL_UNPARK", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "CHANNEL_EXECUTE_COMPLETE", "DTMF", "RECORD_START", "RECORD_STOP",
        "PLAYBACK_START", "PLAYBACK_STOP", "BACKGROUND_JOB", "HEARTBEAT",
        "CUSTOM", "conference::maintenance", "callcenter::info", "mod_audio_stream::connect",
        "mod_audio_stream::disconnect", "mod_audio_stream::error", "mod_audio_stream::json", "mod_audio_stream::play",
    ];

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8021;

    /// <summary>The <c>auth</c> password. <c>ClueCon</c> is FreeSWITCH's and FusionPBX's shipped default.</summary>
    public string Password { get; set; } = "ClueCon";

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command waits for its reply (and for a connection, while reconnecting).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="EventSocketClient.BackgroundApiAsync"/> waits for the BACKGROUND_JOB event
    /// after the <c>+OK Job-UUID</c> reply. An originate may ring for 60 s by default (freeswitch.md §7.1).</summary>
    public TimeSpan BackgroundJobTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, a connection on which nothing at all arrives for this long is dropped and re-established:
    /// a half-open TCP connection otherwise looks healthy forever (freeswitch.md §1.11). FreeSWITCH fires HEARTBEAT every
    /// 20 s (in <see cref="RecommendedEvents"/>), so 60 s means three missed heartbeats. Null (the default) disables it,
    /// for peers that send no HEARTBEAT.</summary>
    public TimeSpan? HeartbeatTimeout { get; set; }

    /// <summary>Largest accepted message body (a JSON event is 1–5 KB; a <c>show channels</c> reply may be large).</summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Capacity of each subscription's queue. When one is full the receive loop waits for its reader
    /// (backpressure reaches FreeSWITCH, which queues up to 100 000 events per connection, freeswitch.md §1.10).</summary>
    public int SubscriptionCapacity { get; set; } = 10_000;

    /// <summary>Event names for <c>event json …</c>. <c>BACKGROUND_JOB</c> is always added (bgapi needs it), and
    /// <c>CUSTOM</c> plus subclass names (those containing <c>::</c>) are always sent last, whatever the order here.</summary>
    public IList<string> Events { get; set; } = [.. RecommendedEvents];
}
