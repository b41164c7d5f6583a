namespace Switchboard.Sandbox;

/// <summary>Settings of the built-in PBX sandbox. Defaults make <c>dotnet run</c> work without configuration.</summary>
public sealed class SandboxOptions
{
    /// <summary>
    /// Load-test aid, off by default: every mod_audio_stream binary message carries its send time in its first
    /// samples (<see cref="Media.StreamLatencyProbe"/>), so a far end can measure the hop after the PBX.
    /// </summary>
    public bool StreamLatencyProbe { get; set; }

    /// <summary>Address the event socket listens on.</summary>
    public string EslHost { get; set; } = "127.0.0.1";

    /// <summary>Event socket port; 0 picks an ephemeral port (read it back from <see cref="SandboxPbx.EslEndPoint"/>).</summary>
    public int EslPort { get; set; }

    /// <summary>The <c>auth</c> password (FreeSWITCH's default is <c>ClueCon</c>).</summary>
    public string EslPassword { get; set; } = "ClueCon";

    /// <summary>FreeSWITCH's temp dir: where the audio stream writes <c>&lt;uuid&gt;_&lt;n&gt;.tmp.r8</c> files.</summary>
    public string TempDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "switchboard-sandbox");

    /// <summary><c>recordings_dir</c>: relative <c>uuid_record</c> paths are placed here.</summary>
    public string RecordingsDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "switchboard-sandbox", "recordings");

    /// <summary>The clock for every timeout, ring time and media tick.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary><c>FreeSWITCH-Hostname</c> of every event.</summary>
    public string Hostname { get; set; } = "switchboard-sandbox";

    /// <summary>Interval of the HEARTBEAT event (FreeSWITCH's <c>event-heartbeat-interval</c>, 20 s by default).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First number of the default secretary range of every domain (answer + park, like deploy's dialplan).</summary>
    public int SecretaryRangeStart { get; set; } = 8000;

    /// <summary>Last number of the default secretary range of every domain.</summary>
    public int SecretaryRangeEnd { get; set; } = 8999;
}
