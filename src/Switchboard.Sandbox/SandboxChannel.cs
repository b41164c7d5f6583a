using System.Globalization;
using Switchboard.Sandbox.Conferences;
using Switchboard.Sandbox.Events;
using AudioStreamSession = Switchboard.Sandbox.Media.AudioStreamSession;
using IMediaBug = Switchboard.Sandbox.Media.IMediaBug;

namespace Switchboard.Sandbox;

/// <summary>
/// A channel of the sandbox PBX (a <c>switch_core_session</c>): an inbound caller, an originated leg, or a loopback
/// leg. The public members are the far end's view for tests and the browser call: hang up, press keys, and watch the
/// state FreeSWITCH would report.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The hangup token is only cancelled, never timed; readers may outlive the channel.")]
public sealed partial class SandboxChannel
{
    private readonly SwitchCore _core;
    private readonly TaskCompletionSource<StartAction?> _start = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _destroyed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answeredSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _hangupToken = new();
    private int _state = ChannelStates.New;
    private string _callState = "DOWN";
    private bool _answered;
    private bool _earlyMedia;
    private string? _hangupCause;

    internal SandboxChannel(SwitchCore core, string uuid, string name, bool inbound, ChannelKind kind)
    {
        _core = core;
        Uuid = uuid;
        Name = name;
        IsInbound = inbound;
        Kind = kind;
        var now = core.NowMicroseconds;
        Profile = new CallerProfile
        {
            Inbound = inbound,
            LogicalInbound = inbound,
            Uuid = uuid,
            ChannelName = name,
            ProfileCreated = now,
            Created = now,
        };
        Media = new ChannelMedia(this, core);
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The channel UUID (<c>Unique-ID</c>).</summary>
    public string Uuid { get; }

    /// <summary>The channel name, e.g. <c>sofia/internal/5551000@example.com</c> or <c>loopback/7441-a</c>.</summary>
    public string Name { get; }

    /// <summary><c>inbound</c> (FreeSWITCH received it) or <c>outbound</c> (FreeSWITCH originated it).</summary>
    public string Direction => IsInbound ? "inbound" : "outbound";

    /// <summary>The state-machine state, e.g. <c>CS_EXECUTE</c>.</summary>
    public string State
    {
        get
        {
            lock (_core.Sync)
            {
                return ChannelStates.NameOf(_state);
            }
        }
    }

    /// <summary>The call state, e.g. <c>RINGING</c>, <c>ACTIVE</c>, <c>HELD</c>, <c>HANGUP</c>.</summary>
    public string CallState
    {
        get
        {
            lock (_core.Sync)
            {
                return _callState;
            }
        }
    }

    /// <summary><c>ringing</c>, <c>early</c>, <c>answered</c> or <c>hangup</c>.</summary>
    public string AnswerState
    {
        get
        {
            lock (_core.Sync)
            {
                return AnswerStateLocked;
            }
        }
    }

    public bool IsAnswered
    {
        get
        {
            lock (_core.Sync)
            {
                return _answered;
            }
        }
    }

    /// <summary>The hangup cause once the channel is hanging up or gone.</summary>
    public string? HangupCause
    {
        get
        {
            lock (_core.Sync)
            {
                return _hangupCause;
            }
        }
    }

    /// <summary>Whether <c>uuid_hold</c> is in effect (no audio is read from the far end).</summary>
    public bool IsHeld
    {
        get
        {
            lock (_core.Sync)
            {
                return Held;
            }
        }
    }

    public string DestinationNumber
    {
        get
        {
            lock (_core.Sync)
            {
                return Profile.DestinationNumber;
            }
        }
    }

    public string CallerIdNumber
    {
        get
        {
            lock (_core.Sync)
            {
                return Profile.CallerIdNumber;
            }
        }
    }

    public string CallerIdName
    {
        get
        {
            lock (_core.Sync)
            {
                return Profile.CallerIdName;
            }
        }
    }

    /// <summary>The UUID of the bridged partner, if any.</summary>
    public string? BridgedTo
    {
        get
        {
            lock (_core.Sync)
            {
                return Partner?.Uuid;
            }
        }
    }

    /// <summary>The conference this channel is a member of, and its member id.</summary>
    public (string Name, int MemberId)? Conference
    {
        get
        {
            lock (_core.Sync)
            {
                return Member is { } m ? (m.Conference.Name, m.Id) : null;
            }
        }
    }

    /// <summary>Files recorded from this channel (<c>uuid_record</c>, <c>record_session</c>), in start order.</summary>
    public IReadOnlyList<string> RecordingPaths
    {
        get
        {
            lock (_core.Sync)
            {
                return [.. RecordingPathList];
            }
        }
    }

    internal bool IsInbound { get; }

    internal ChannelKind Kind { get; }

    internal CallerProfile Profile { get; }

    internal ChannelVariables Vars { get; } = new();

    internal ChannelMedia Media { get; }

    internal SandboxChannel? Partner { get; set; }

    internal SandboxChannel? LoopbackPeer { get; set; }

    internal ConferenceMember? Member { get; set; }

    internal SimulatedExtension? Phone { get; set; }

    internal List<string> RecordingPathList { get; } = [];

    internal bool Held { get; set; }

    /// <summary>The member id this channel got in its first conference (<c>__confmid</c>): kept for later joins.</summary>
    internal int? ConferenceMemberIdCache { get; set; }

    internal bool IsHungUp => _hangupCause is not null;

    internal bool Answered => _answered;

    internal bool EarlyMedia => _earlyMedia;

    internal int StateNumber => _state;

    internal string CallStateLocked => _callState;

    internal CancellationToken HangupToken => _hangupToken.Token;

    internal Task<StartAction?> StartTask => _start.Task;

    /// <summary>Completes at the next wake-up of the session (state change, message, hangup).</summary>
    internal Task WakeTask => _wake.Task;

    internal string HangupCauseLocked => _hangupCause ?? HangupCauses.NormalClearing;

    private string AnswerStateLocked => _hangupCause is not null || _state >= ChannelStates.Hangup
        ? "hangup"
        : _answered ? "answered" : _earlyMedia ? "early" : "ringing";

    /// <summary>A channel variable (<c>uuid_getvar</c>), or null when unset.</summary>
    public string? GetVariable(string name)
    {
        lock (_core.Sync)
        {
            return Vars.Get(name);
        }
    }

    /// <summary>A snapshot of all channel variables.</summary>
    public IReadOnlyDictionary<string, string> GetVariables()
    {
        lock (_core.Sync)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in Vars.Items)
            {
                result[item.Key] = item.Value;
            }

            return result;
        }
    }

    /// <summary>Completes once the channel is destroyed, with its hangup cause.</summary>
    public Task<string> WaitForHangupAsync(CancellationToken cancellationToken = default) =>
        _destroyed.Task.WaitAsync(cancellationToken);

    /// <summary>Completes when the channel is answered.</summary>
    public Task WaitForAnswerAsync(CancellationToken cancellationToken = default) =>
        _answeredSignal.Task.WaitAsync(cancellationToken);

    /// <summary>The far end hangs up (a BYE from the phone, or a refusal before answer).</summary>
    public Task HangupAsync(string cause = "NORMAL_CLEARING")
    {
        lock (_core.Sync)
        {
            HangupNow(HangupCauses.ParseOrNormalClearing(cause), remote: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>The far end presses a key (RFC 2833): a <c>DTMF</c> event with the digit and its duration in samples.</summary>
    public void SendDtmf(char digit, int durationSamples = 2000)
    {
        if ("0123456789*#ABCDabcd".IndexOf(digit, StringComparison.Ordinal) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(digit), "Not a DTMF digit.");
        }

        lock (_core.Sync)
        {
            if (IsHungUp)
            {
                return;
            }

            var e = CreateEvent(EventNames.Dtmf, new("switch_channel.c", "switch_channel_queue_dtmf", 497));
            e.Add("DTMF-Digit", char.ToUpperInvariant(digit).ToString());
            e.Add("DTMF-Duration", durationSamples);
            e.Add("DTMF-Source", Kind == ChannelKind.Sofia ? "RTP" : "ENDPOINT");
            _core.Bus.Fire(e);
            Member?.Conference.OnDtmf(Member, digit);
        }
    }

    /// <summary>
    /// Taps this channel's audio every 20 ms (read = what the far end said, write = what it heard), e.g. to test
    /// what a caller hears or to play a browser call's audio back to the user.
    /// </summary>
    public void AttachMediaBug(IMediaBug bug) => Media.AttachBug(bug);

    /// <summary>Removes a tap added with <see cref="AttachMediaBug"/>.</summary>
    public bool DetachMediaBug(IMediaBug bug) => Media.DetachBug(bug);

    /// <summary>The mod_audio_stream session attached to this channel, if any.</summary>
    public AudioStreamSession? AudioStream => Media.Stream;

    public override string ToString() => $"{Name} ({Uuid})";

    /// <summary>Creates an event carrying this channel's data (<c>switch_channel_event_set_data</c>).</summary>
    internal SandboxEvent CreateEvent(int type, EventOrigin origin, string? subclass = null)
    {
        var e = _core.Events.Create(type, origin, subclass);
        AddEventData(e, WithVariables(type));
        return e;
    }

    /// <summary>Fires a channel event; call under the switch lock.</summary>
    internal SandboxEvent Fire(int type, EventOrigin origin, Action<SandboxEvent>? extra = null)
    {
        var e = CreateEvent(type, origin);
        extra?.Invoke(e);
        _core.Bus.Fire(e);
        return e;
    }

    internal void AddEventData(SandboxEvent e, bool withVariables)
    {
        e.Add("Channel-State", ChannelStates.NameOf(_state));
        e.Add("Channel-Call-State", _callState);
        e.Add("Channel-State-Number", _state);
        e.Add("Channel-Name", Name);
        e.Add("Unique-ID", Uuid);
        e.Add("Call-Direction", Direction);
        e.Add("Presence-Call-Direction", Direction);
        e.Add("Channel-HIT-Dialplan", IsInbound || DialplanHit ? "true" : "false");
        if (Vars.Get("presence_id") is { } presence)
        {
            e.Add("Channel-Presence-ID", presence);
        }

        e.Add("Channel-Call-UUID", Vars.Get("call_uuid") ?? Uuid);
        e.Add("Answer-State", AnswerStateLocked);
        if (_hangupCause is not null)
        {
            e.Add("Hangup-Cause", _hangupCause);
        }

        e.Add("Channel-Read-Codec-Name", "PCMU");
        e.Add("Channel-Read-Codec-Rate", "8000");
        e.Add("Channel-Read-Codec-Bit-Rate", "64000");
        e.Add("Channel-Write-Codec-Name", "PCMU");
        e.Add("Channel-Write-Codec-Rate", "8000");
        e.Add("Channel-Write-Codec-Bit-Rate", "64000");
        Profile.AddTo(e, "Caller");
        if (Partner is { } partner)
        {
            e.Add("Other-Type", IsInbound ? "originatee" : "originator");
            partner.Profile.AddTo(e, "Other-Leg");
        }

        if (withVariables)
        {
            foreach (var v in Vars.Items)
            {
                e.Add("variable_" + v.Key, v.Value);
            }
        }
    }

    internal bool DialplanHit { get; set; }

    private static bool WithVariables(int type) => type switch
    {
        EventNames.ChannelCreate or EventNames.ChannelOriginate or 22 or EventNames.ChannelAnswer or EventNames.ChannelPark
            or EventNames.ChannelUnpark or EventNames.ChannelBridge or EventNames.ChannelUnbridge or EventNames.ChannelProgress
            or EventNames.ChannelProgressMedia or EventNames.ChannelHangup or EventNames.ChannelHangupComplete
            or EventNames.ChannelData or EventNames.ChannelExecute or EventNames.ChannelExecuteComplete
            or EventNames.ChannelDestroy or 23 or EventNames.RecordStart or EventNames.RecordStop or EventNames.PlaybackStart
            or EventNames.PlaybackStop or 79 or EventNames.MediaBugStart or EventNames.MediaBugStop or EventNames.ChannelHold
            or EventNames.ChannelUnhold or 90 or 62 or 66 or EventNames.Custom => true,
        _ => false,
    };

    internal static string Micros(long value) => value.ToString(CultureInfo.InvariantCulture);
}
