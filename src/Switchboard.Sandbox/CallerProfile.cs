using Switchboard.Sandbox.Events;

namespace Switchboard.Sandbox;

/// <summary>A channel's caller profile (<c>switch_caller_profile_t</c>) and its timetable, in microseconds.</summary>
internal sealed class CallerProfile
{
    public bool Inbound { get; set; }

    public bool LogicalInbound { get; set; }

    public string Username { get; set; } = string.Empty;

    public string Dialplan { get; set; } = "XML";

    public string CallerIdName { get; set; } = string.Empty;

    public string CallerIdNumber { get; set; } = string.Empty;

    public string OrigCallerIdName { get; set; } = string.Empty;

    public string OrigCallerIdNumber { get; set; } = string.Empty;

    public string CalleeIdName { get; set; } = string.Empty;

    public string CalleeIdNumber { get; set; } = string.Empty;

    public string NetworkAddr { get; set; } = string.Empty;

    public string Ani { get; set; } = string.Empty;

    public string DestinationNumber { get; set; } = string.Empty;

    public string Uuid { get; set; } = string.Empty;

    public string Source { get; set; } = string.Empty;

    public string TransferSource { get; set; } = string.Empty;

    public string Context { get; set; } = "default";

    public string Rdnis { get; set; } = string.Empty;

    public string ChannelName { get; set; } = string.Empty;

    public string ProfileIndex { get; set; } = "1";

    public long ProfileCreated { get; set; }

    public long Created { get; set; }

    public long Answered { get; set; }

    public long Progress { get; set; }

    public long ProgressMedia { get; set; }

    public long Hungup { get; set; }

    public long Transferred { get; set; }

    public long Bridged { get; set; }

    public long LastHold { get; set; }

    public long HoldAccum { get; set; }

    /// <summary><c>switch_caller_profile_event_set_data</c>: empty fields are left out, as FreeSWITCH does.</summary>
    public void AddTo(SandboxEvent e, string prefix)
    {
        e.Add(prefix + "-Direction", Inbound ? "inbound" : "outbound");
        e.Add(prefix + "-Logical-Direction", LogicalInbound ? "inbound" : "outbound");
        AddIf(e, prefix + "-Username", Username);
        AddIf(e, prefix + "-Dialplan", Dialplan);
        AddIf(e, prefix + "-Caller-ID-Name", CallerIdName);
        AddIf(e, prefix + "-Caller-ID-Number", CallerIdNumber);
        if (CallerIdName.Length > 0)
        {
            e.Add(prefix + "-Orig-Caller-ID-Name", OrigCallerIdName);
        }

        if (CallerIdNumber.Length > 0)
        {
            e.Add(prefix + "-Orig-Caller-ID-Number", OrigCallerIdNumber);
        }

        AddIf(e, prefix + "-Callee-ID-Name", CalleeIdName);
        AddIf(e, prefix + "-Callee-ID-Number", CalleeIdNumber);
        AddIf(e, prefix + "-Network-Addr", NetworkAddr);
        AddIf(e, prefix + "-ANI", Ani);
        AddIf(e, prefix + "-Destination-Number", DestinationNumber);
        AddIf(e, prefix + "-Unique-ID", Uuid);
        AddIf(e, prefix + "-Source", Source);
        AddIf(e, prefix + "-Transfer-Source", TransferSource);
        AddIf(e, prefix + "-Context", Context);
        AddIf(e, prefix + "-RDNIS", Rdnis);
        AddIf(e, prefix + "-Channel-Name", ChannelName);
        AddIf(e, prefix + "-Profile-Index", ProfileIndex);
        e.Add(prefix + "-Profile-Created-Time", ProfileCreated);
        e.Add(prefix + "-Channel-Created-Time", Created);
        e.Add(prefix + "-Channel-Answered-Time", Answered);
        e.Add(prefix + "-Channel-Progress-Time", Progress);
        e.Add(prefix + "-Channel-Progress-Media-Time", ProgressMedia);
        e.Add(prefix + "-Channel-Hangup-Time", Hungup);
        e.Add(prefix + "-Channel-Transfer-Time", Transferred);
        e.Add(prefix + "-Channel-Resurrect-Time", 0);
        e.Add(prefix + "-Channel-Bridged-Time", Bridged);
        e.Add(prefix + "-Channel-Last-Hold", LastHold);
        e.Add(prefix + "-Channel-Hold-Accum", HoldAccum);
        e.Add(prefix + "-Screen-Bit", "true");
        e.Add(prefix + "-Privacy-Hide-Name", "false");
        e.Add(prefix + "-Privacy-Hide-Number", "false");
    }

    private static void AddIf(SandboxEvent e, string name, string value)
    {
        if (value.Length > 0)
        {
            e.Add(name, value);
        }
    }
}
