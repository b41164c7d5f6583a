using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers;

/// <summary>One try at handing a caller to a destination; a transfer with retries writes one row per try.</summary>
public sealed class TransferAttempt : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid? ConversationId { get; set; }

    /// <summary>FreeSWITCH uuid of the caller's channel (A-leg).</summary>
    public string CallUuid { get; set; } = "";

    public Guid? DestinationId { get; set; }

    /// <summary>Copied so the record survives the destination being renamed or deleted.</summary>
    public string DestinationName { get; set; } = "";

    public TransferMode Mode { get; set; }

    /// <summary>1 for the first try.</summary>
    public int AttemptNumber { get; set; } = 1;

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Null while the attempt is in progress.</summary>
    public TransferAttemptResult? Result { get; set; }

    /// <summary>FreeSWITCH hangup cause of the B-leg (USER_BUSY, NO_ANSWER...).</summary>
    public string? HangupCause { get; set; }

    public int? SipCode { get; set; }

    public string? Error { get; set; }

    /// <summary>FreeSWITCH uuid of the destination's channel, when one was created.</summary>
    public string? BLegUuid { get; set; }

    /// <summary>Announced transfers: the temporary conference.</summary>
    public string? ConferenceName { get; set; }
}
