namespace Switchboard.Server.Transfers.Execution;

/// <summary>How transfers run on the PBX. Section <c>Transfers</c>.</summary>
public sealed class TransferExecutionOptions
{
    public const string Section = "Transfers";

    /// <summary>Music on hold for the caller while an attended transfer rings, played with
    /// <c>uuid_broadcast &lt;uuid&gt; &lt;this&gt; aleg</c> (never <c>uuid_hold</c>, which stops the AI's stream: verified Q6).
    /// FusionPBX ships <c>local_stream://default</c>.</summary>
    public string MusicOnHold { get; set; } = "local_stream://moh";

    /// <summary>Conference profile of the temporary announced-transfer conference.</summary>
    public string ConferenceProfile { get; set; } = "default";

    /// <summary>What <see cref="DtmfAnnouncer"/> plays to the human: a file path or a <c>tone_stream://</c>.</summary>
    public string AnnouncementSound { get; set; } = "tone_stream://%(300,100,660);%(300,100,880)";

    /// <summary>Used when a destination's <see cref="TransferDestination.AnnounceTimeoutSeconds"/> is not positive.</summary>
    public TimeSpan AnnouncementTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Key the human presses to accept (<see cref="DtmfAnnouncer"/>).</summary>
    public char AcceptDigit { get; set; } = '1';

    /// <summary>Key the human presses to refuse.</summary>
    public char RefuseDigit { get; set; } = '2';

    /// <summary>How long to wait for a leg to show up in the conference (its <c>add-member</c> event).</summary>
    public TimeSpan ConferenceJoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Outbound SIP gateway (FusionPBX: the gateway's uuid) per tenant domain name, for external destinations:
    /// <c>sofia/gateway/&lt;gateway&gt;/&lt;number&gt;</c>.</summary>
    public Dictionary<string, string> Gateways { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gateway for tenants without an entry in <see cref="Gateways"/>; none by default.</summary>
    public string? DefaultGateway { get; set; }
}
