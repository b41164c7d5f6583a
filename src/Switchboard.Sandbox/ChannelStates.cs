namespace Switchboard.Sandbox;

/// <summary>The channel state machine states (<c>switch_channel_state_t</c>); the number is the index.</summary>
internal static class ChannelStates
{
    public const int New = 0;
    public const int Init = 1;
    public const int Routing = 2;
    public const int SoftExecute = 3;
    public const int Execute = 4;
    public const int ExchangeMedia = 5;
    public const int Park = 6;
    public const int ConsumeMedia = 7;
    public const int Hibernate = 8;
    public const int Reset = 9;
    public const int Hangup = 10;
    public const int Reporting = 11;
    public const int Destroy = 12;

    private static readonly string[] Names =
    [
        "CS_NEW", "CS_INIT", "CS_ROUTING", "CS_SOFT_EXECUTE", "CS_EXECUTE", "CS_EXCHANGE_MEDIA", "CS_PARK",
        "CS_CONSUME_MEDIA", "CS_HIBERNATE", "CS_RESET", "CS_HANGUP", "CS_REPORTING", "CS_DESTROY",
    ];

    public static string NameOf(int state) => Names[state];
}

/// <summary>What an endpoint module a channel belongs to: decides hold, respond and hangup details.</summary>
internal enum ChannelKind
{
    /// <summary>mod_sofia: a SIP phone or trunk leg.</summary>
    Sofia,

    /// <summary>mod_loopback: the a- or b-leg of a local loop.</summary>
    Loopback,
}

/// <summary>What a channel's session does next: route its destination, run given applications, or sit in a bridge.</summary>
internal sealed record StartAction(IReadOnlyList<Dialplan.DialplanAction>? Applications, SandboxChannel? BridgeTo, bool BridgeOriginator = false)
{
    public static StartAction Route { get; } = new(null, null);

    public static StartAction Run(params Dialplan.DialplanAction[] applications) => new(applications, null);

    public static StartAction Bridge(SandboxChannel partner, bool originator = false) => new(null, partner, originator);
}
