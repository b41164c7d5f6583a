namespace Switchboard.Server.Transfers.Execution;

/// <summary>Presents an announced transfer to the human who answered (seed 2): who is calling and why, then waits for
/// the human to accept or refuse. <see cref="DtmfAnnouncer"/> is the built-in one (a sound, then key 1 or 2); an AI
/// voice session that talks with the human is the other.</summary>
public interface IAnnouncer
{
    /// <summary>Returns the human's decision. Must return <see cref="AnnouncementDecision.TimedOut"/> once
    /// <see cref="AnnouncementRequest.Timeout"/> has passed; the executor cancels <paramref name="ct"/> when the human or
    /// the caller hangs up, or the Event Socket connection is lost.</summary>
    Task<AnnouncementDecision> AnnounceAsync(AnnouncementRequest request, CancellationToken ct);
}

/// <summary>What the announcer needs: the human's leg (in the transfer conference) and what to tell them.</summary>
public sealed record AnnouncementRequest
{
    public required Guid TenantId { get; init; }

    /// <summary>The caller's channel, muted in <see cref="ConferenceName"/> while the human decides.</summary>
    public required string CallUuid { get; init; }

    /// <summary>The human's channel (B-leg), answered and in the conference.</summary>
    public required string HumanLegUuid { get; init; }

    public required string ConferenceName { get; init; }

    /// <summary>The human's conference member id (member commands take ids, never UUIDs: verified Q5).</summary>
    public required int HumanMemberId { get; init; }

    public required string CallerNumber { get; init; }

    public string? CallerName { get; init; }

    /// <summary>The destination's name ("Jeni - Financeiro").</summary>
    public required string DestinationName { get; init; }

    /// <summary>Why the caller wants this person, as the secretary summed it up.</summary>
    public required string ReasonSummary { get; init; }

    /// <summary>How long the human has to decide.</summary>
    public required TimeSpan Timeout { get; init; }
}

public enum AnnouncementDecisionKind
{
    Accepted,
    Refused,
    TimedOut,
    HumanHungUp,
}

/// <summary>The human's answer to an announcement: accepted, refused (with an optional reason), no answer in time, or
/// hung up.</summary>
public sealed record AnnouncementDecision(AnnouncementDecisionKind Kind, string? Reason = null)
{
    public static AnnouncementDecision Accepted { get; } = new(AnnouncementDecisionKind.Accepted);

    public static AnnouncementDecision TimedOut { get; } = new(AnnouncementDecisionKind.TimedOut);

    public static AnnouncementDecision HumanHungUp { get; } = new(AnnouncementDecisionKind.HumanHungUp);

    public static AnnouncementDecision Refused(string? reason = null) => new(AnnouncementDecisionKind.Refused, reason);
}
