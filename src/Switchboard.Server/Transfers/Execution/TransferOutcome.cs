namespace Switchboard.Server.Transfers.Execution;

/// <summary>How a transfer ended, for the voice session to tell the caller (seed 1 status messages) and to pick the
/// destination's fallback action. One <see cref="TransferAttempt"/> row was written per attempt.</summary>
public sealed record TransferOutcome
{
    /// <summary>Success: the caller is bridged with the human (attended) or talks with them in the conference (announced).
    /// Anything else: the caller is back in park, with the secretary.</summary>
    public required TransferAttemptResult Result { get; init; }

    /// <summary>SIP status of the last failure: the far end's own final response when one came back
    /// (<c>sip_term_status</c>, e.g. 486), else the status FreeSWITCH maps the hangup cause to (freeswitch.md §3.4).</summary>
    public int? SipCode { get; init; }

    /// <summary>FreeSWITCH hangup cause of the last attempt's failure (<c>USER_BUSY</c>, <c>NO_ANSWER</c>...).</summary>
    public string? HangupCause { get; init; }

    /// <summary>Attempts made (originates, or the one blind hand-off to voicemail); 0 when none could start.</summary>
    public int Attempts { get; init; }

    /// <summary>From the start of the transfer to its outcome, music on hold and retry delays included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The human's channel of the successful (or last answered) attempt.</summary>
    public string? HumanLegUuid { get; init; }

    /// <summary>Announced transfers: the temporary conference (gone again unless <see cref="Result"/> is Success).</summary>
    public string? ConferenceName { get; init; }

    /// <summary>Announced transfers: what the human decided, when the announcement ran.</summary>
    public AnnouncementDecision? Decision { get; init; }

    /// <summary>A technical reason (missing gateway, Event Socket lost, caller hung up...), for logs and the attempt row.</summary>
    public string? Error { get; init; }

    /// <summary>True when the caller hung up during the transfer: there is nobody left to resume with.</summary>
    public bool CallerHungUp { get; init; }

    public bool Succeeded => Result == TransferAttemptResult.Success;
}
