using Microsoft.Extensions.Logging;
using Switchboard.Sandbox.Api;
using Switchboard.Sandbox.Conferences;
using Switchboard.Sandbox.Dialplan;
using Switchboard.Sandbox.Events;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox;

/// <summary>
/// The sandbox's switch core: the one lock that orders every state change and event, the event bus, the channel
/// registry, the dialplan and directory, conferences, API commands and the background work it owns.
/// </summary>
internal sealed class SwitchCore : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private long _sessionId;

    public SwitchCore(SandboxOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        Time = options.TimeProvider;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger("Switchboard.Sandbox");
        CoreUuid = Guid.NewGuid().ToString();
        Events = new EventFactory(CoreUuid, options.Hostname, Time);
        Directory = new SandboxDirectory(options);
        Dialplan = new SandboxDialplan(Directory);
        Conferences = new ConferenceRegistry(this);
        Applications = new ApplicationRegistry(this);
        Api = new ApiCommands(this);
        Originator = new Originator(this);
        Work = new BackgroundWork(Logger);
        MediaClock = new MediaClock(Time, loggerFactory.CreateLogger<MediaClock>());
        Events.MediaClock = MediaClock;
        StartedAt = Time.GetUtcNow();
    }

    /// <summary>Every state change and every fired event happens under this lock, so event order is state order.</summary>
    public Lock Sync { get; } = new();

    public SandboxOptions Options { get; }

    public TimeProvider Time { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public string CoreUuid { get; }

    public EventFactory Events { get; }

    public EventBus Bus { get; } = new();

    public ChannelRegistry Channels { get; } = new();

    public SandboxDirectory Directory { get; }

    public SandboxDialplan Dialplan { get; }

    public ConferenceRegistry Conferences { get; }

    public ApplicationRegistry Applications { get; }

    public ApiCommands Api { get; }

    public Originator Originator { get; }

    public BackgroundWork Work { get; }

    /// <summary>The one 20 ms media driver of every channel.</summary>
    public MediaClock MediaClock { get; }

    public DateTimeOffset StartedAt { get; }

    public long TotalSessions => Interlocked.Read(ref _sessionId);

    public int PeakSessions { get; private set; }

    public CancellationToken Stopping => _stopping.Token;

    public long NowMicroseconds => Events.NowMicroseconds;

    public Task StopAsync() => _stopping.CancelAsync();

    public void Dispose() => _stopping.Dispose();

    public void Fire(SandboxEvent e)
    {
        lock (Sync)
        {
            Bus.Fire(e);
        }
    }

    public static string NewUuid() => Guid.NewGuid().ToString();

    /// <summary>The global variables a dialplan may expand (<c>$${…}</c> and <c>${…}</c> fallbacks).</summary>
    public string? GlobalVariable(string name) => name switch
    {
        "recordings_dir" => Options.RecordingsDirectory,
        "temp_dir" => Options.TempDirectory,
        "hostname" => Options.Hostname,
        "switch_serial" => CoreUuid,
        "hold_music" => "local_stream://moh",
        "local_ip_v4" => Events.IPv4,
        _ => null,
    };

    /// <summary>
    /// Creates a channel: sets the variables every channel has, lets <paramref name="configure"/> fill its profile,
    /// registers it, fires <c>CHANNEL_CREATE</c> and starts its session. Null when the UUID is already in use.
    /// Call under the switch lock.
    /// </summary>
    public SandboxChannel? CreateChannel(string uuid, string name, bool inbound, ChannelKind kind, Action<SandboxChannel> configure)
    {
        if (Channels.TryGet(uuid, out _))
        {
            return null;
        }

        var channel = new SandboxChannel(this, uuid, name, inbound, kind);
        channel.Vars.Set("direction", inbound ? "inbound" : "outbound");
        channel.Vars.Set("uuid", uuid);
        channel.Vars.Set("session_id", Interlocked.Increment(ref _sessionId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        channel.Vars.Set("channel_name", name);
        configure(channel);
        channel.Profile.Username = channel.Profile.Username.Length > 0 ? channel.Profile.Username : (inbound ? channel.Profile.CallerIdNumber : string.Empty);
        if (!Channels.TryAdd(channel))
        {
            return null;
        }

        PeakSessions = Math.Max(PeakSessions, Channels.Count);
        channel.Announce();
        Work.Run(channel.RunSessionAsync);
        return channel;
    }

    /// <summary>An inbound SIP call into a domain: a <c>sofia/internal/&lt;cid&gt;@&lt;domain&gt;</c> channel routed in the domain's context.</summary>
    public SandboxChannel PlaceInboundCall(SandboxCallRequest request)
    {
        if (!Directory.TryGetDomain(request.DomainName, out var domainUuid))
        {
            throw new InvalidOperationException($"Unknown domain '{request.DomainName}': call AddDomain first.");
        }

        lock (Sync)
        {
            var uuid = request.Uuid ?? NewUuid();
            var channel = CreateChannel(uuid, $"sofia/internal/{request.CallerIdNumber}@{request.DomainName}", inbound: true, ChannelKind.Sofia, ch =>
            {
                var p = ch.Profile;
                p.Username = request.CallerIdNumber;
                p.Dialplan = "XML";
                p.CallerIdName = request.CallerIdName;
                p.CallerIdNumber = request.CallerIdNumber;
                p.OrigCallerIdName = request.CallerIdName;
                p.OrigCallerIdNumber = request.CallerIdNumber;
                p.NetworkAddr = "127.0.0.1";
                p.Ani = request.CallerIdNumber;
                p.DestinationNumber = request.Destination;
                p.Source = "mod_sofia";
                p.Context = request.DomainName;
                var callId = Guid.NewGuid().ToString("N");
                ch.Vars.Set("sip_from_user", request.CallerIdNumber);
                ch.Vars.Set("sip_from_uri", $"{request.CallerIdNumber}@{request.DomainName}");
                ch.Vars.Set("sip_from_host", request.DomainName);
                ch.Vars.Set("sip_from_display", request.CallerIdName);
                ch.Vars.Set("sip_to_user", request.Destination);
                ch.Vars.Set("sip_to_uri", $"{request.Destination}@{request.DomainName}");
                ch.Vars.Set("sip_to_host", request.DomainName);
                ch.Vars.Set("sip_req_user", request.Destination);
                ch.Vars.Set("sip_req_uri", $"{request.Destination}@{request.DomainName}");
                ch.Vars.Set("sip_req_host", request.DomainName);
                ch.Vars.Set("sip_call_id", callId);
                ch.Vars.Set("sip_network_ip", "127.0.0.1");
                ch.Vars.Set("sip_network_port", "5060");
                ch.Vars.Set("sip_received_ip", "127.0.0.1");
                ch.Vars.Set("sip_received_port", "5060");
                ch.Vars.Set("sip_via_protocol", "udp");
                ch.Vars.Set("sofia_profile_name", "internal");
                ch.Vars.Set("sofia_profile_url", "sip:mod_sofia@127.0.0.1:5060");
                ch.Vars.Set("domain_name", request.DomainName);
                ch.Vars.Set("domain_uuid", domainUuid.ToString());
                ch.Vars.Set("caller_id_name", request.CallerIdName);
                ch.Vars.Set("caller_id_number", request.CallerIdNumber);
                ch.Vars.Set("destination_number", request.Destination);
                ch.Vars.Set("call_direction", "inbound");
                ch.Vars.Set("user_context", request.DomainName);
                ch.Vars.Set("read_codec", "PCMU");
                ch.Vars.Set("read_rate", "8000");
                ch.Vars.Set("write_codec", "PCMU");
                ch.Vars.Set("write_rate", "8000");
                if (request.Variables is not null)
                {
                    foreach (var v in request.Variables)
                    {
                        ch.Vars.Set(v.Key, v.Value);
                    }
                }

                ch.Media.FarEndVoice = request.Audio;
            }) ?? throw new InvalidOperationException($"A channel with UUID {uuid} already exists.");
            channel.Begin(StartAction.Route);
            return channel;
        }
    }

    /// <summary>Fires HEARTBEAT every <see cref="SandboxOptions.HeartbeatInterval"/> until the core stops.</summary>
    public void StartHeartbeat() => Work.Run(async () =>
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, Time);
        while (await timer.WaitForNextTickAsync(Stopping))
        {
            lock (Sync)
            {
                var e = Events.Create(EventNames.Heartbeat, new("switch_core.c", "send_heartbeat", 95));
                var uptime = Time.GetUtcNow() - StartedAt;
                e.Add("Event-Info", "System Ready");
                e.Add("Up-Time", UptimeText(uptime));
                e.Add("FreeSWITCH-Version", "1.10.12-release~64bit");
                e.Add("Uptime-msec", (long)uptime.TotalMilliseconds);
                e.Add("Session-Count", Channels.Count);
                e.Add("Max-Sessions", 1000);
                e.Add("Session-Per-Sec", 0);
                e.Add("Session-Per-Sec-Last", 0);
                e.Add("Session-Per-Sec-Max", 0);
                e.Add("Session-Per-Sec-FiveMin", 0);
                e.Add("Session-Since-Startup", TotalSessions);
                e.Add("Session-Peak-Max", PeakSessions);
                e.Add("Session-Peak-FiveMin", PeakSessions);
                e.Add("Idle-CPU", "100.000000");
                Bus.Fire(e);
            }
        }
    });

    /// <summary><c>switch_core_measure_time</c> as FreeSWITCH prints it (status, HEARTBEAT).</summary>
    public static string UptimeText(TimeSpan uptime)
    {
        static string Unit(long n, string name) => $"{n} {name}{(n == 1 ? string.Empty : "s")}";
        var years = uptime.Days / 365;
        var days = uptime.Days % 365;
        return $"{Unit(years, "year")}, {Unit(days, "day")}, {Unit(uptime.Hours, "hour")}, {Unit(uptime.Minutes, "minute")}, "
            + $"{Unit(uptime.Seconds, "second")}, {Unit(uptime.Milliseconds, "millisecond")}, {Unit(uptime.Microseconds, "microsecond")}";
    }

    /// <summary>A <c>bgapi</c> job: runs the command off the connection and fires <c>BACKGROUND_JOB</c> with its output.</summary>
    public void RunBackgroundJob(string jobUuid, string command, string? argument) => Work.Run(async () =>
    {
        ApiResult result;
        try
        {
            result = await Api.ExecuteAsync(command, argument, background: true, Stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var body = result.Found ? result.Output : $"-ERR {command} Command not found!\n";
        lock (Sync)
        {
            var e = Events.Create(EventNames.BackgroundJob, new("mod_event_socket.c", "api_exec", 1588));
            e.Add("Job-UUID", jobUuid);
            e.Add("Job-Owner-UUID", string.Empty);
            e.Add("Job-Command", command);
            if (argument is not null)
            {
                e.Add("Job-Command-Arg", argument);
            }

            e.Body = body;
            Bus.Fire(e);
        }
    });

    /// <summary>The <c>sendevent</c> command: fires the client's event; returns the reply text.</summary>
    public string FireClientEvent(string eventName, IReadOnlyList<KeyValuePair<string, string>> headers, string? body)
    {
        var eventUuid = NewUuid();
        var type = EventNames.TryParse(eventName, out var parsed) ? parsed : 1;
        string? subclass = null;
        if (type == EventNames.Custom)
        {
            foreach (var h in headers)
            {
                if (string.Equals(h.Key, "Event-Subclass", StringComparison.OrdinalIgnoreCase))
                {
                    subclass = h.Value;
                }
            }
        }

        lock (Sync)
        {
            var e = Events.Create(type, new("mod_event_socket.c", "parse_command", 2014), subclass);
            foreach (var h in headers)
            {
                if (!string.Equals(h.Key, "Event-Subclass", StringComparison.OrdinalIgnoreCase))
                {
                    e.Add(h.Key, h.Value);
                }
            }

            e.Add("Event-UUID", eventUuid);
            e.Body = body;
            Bus.Fire(e);
        }

        return "+OK " + eventUuid;
    }
}
