using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Telephony;

public enum PbxMode
{
    /// <summary>The built-in PBX sandbox, started in this process (the embedded default).</summary>
    Sandbox,

    /// <summary>A real FreeSWITCH (FusionPBX) reached over the Event Socket.</summary>
    FreeSwitch,
}

/// <summary>Where the PBX is and how FreeSWITCH reaches our media endpoint. Section <c>Telephony</c>.</summary>
public sealed class TelephonyOptions
{
    public const string Section = "Telephony";

    public PbxMode Mode { get; set; } = PbxMode.Sandbox;

    /// <summary>ESL host of the real FreeSWITCH (ignored in sandbox mode).</summary>
    [Required]
    public string EventSocketHost { get; set; } = "127.0.0.1";

    [Range(0, 65535)]
    public int EventSocketPort { get; set; } = 8021;

    /// <summary><c>event_socket.conf</c> password; FreeSWITCH's stock one is ClueCon.</summary>
    [Required]
    public string EventSocketPassword { get; set; } = "ClueCon";

    /// <summary>
    /// Base of the URL FreeSWITCH opens for <c>uuid_audio_stream</c>, e.g. <c>ws://10.0.0.5:5080</c>.
    /// Empty: this server's own first HTTP address (right for the sandbox and a same-host PBX).
    /// </summary>
    public string? StreamBaseUrl { get; set; }
}
