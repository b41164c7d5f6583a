namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>An <c>originate</c> (freeswitch.md §2.2): a dial string with its <c>{var=value}</c> block, and where the new leg
/// goes after it answers: one application (<c>&amp;park()</c>) or an extension in a dialplan context.</summary>
public sealed class OriginateRequest
{
    /// <summary>e.g. <c>user/1001@example.com</c>, <c>loopback/9000/example.com</c>, <c>sofia/gateway/gw/5551234</c>.</summary>
    public required string DialString { get; init; }

    /// <summary><c>origination_uuid</c>: the new channel's UUID, known before any event arrives.</summary>
    public string Uuid { get; init; } = Guid.NewGuid().ToString();

    /// <summary>Extra channel variables for the <c>{…}</c> block, rendered in enumeration order after ours.</summary>
    public IDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>origination_caller_id_name</c>.</summary>
    public string? CallerIdName { get; init; }

    /// <summary><c>origination_caller_id_number</c>.</summary>
    public string? CallerIdNumber { get; init; }

    /// <summary><c>originate_timeout</c> in seconds (FreeSWITCH's default is 60).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary><c>ignore_early_media=true</c>, so that <c>+OK</c> means answered and not "183 early media" (§2.2).</summary>
    public bool IgnoreEarlyMedia { get; init; } = true;

    /// <summary>The application run after answer when <see cref="Extension"/> is null (default <c>park</c>).</summary>
    public string Application { get; init; } = "park";

    /// <summary>Its argument; may not contain <c>)</c> (the argument ends at the first one).</summary>
    public string? ApplicationArgs { get; init; }

    /// <summary>When set, the answered leg is routed to this extension instead of running <see cref="Application"/>.</summary>
    public string? Extension { get; init; }

    public string Dialplan { get; init; } = "XML";

    public string Context { get; init; } = "default";
}
