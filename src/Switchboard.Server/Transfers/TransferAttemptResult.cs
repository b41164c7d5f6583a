namespace Switchboard.Server.Transfers;

/// <summary>How one transfer attempt ended (seed 1, <c>TransferResult</c>).</summary>
public enum TransferAttemptResult
{
    /// <summary>Answered (and accepted, for announced transfers); caller bridged.</summary>
    Success,
    Busy,

    /// <summary>Rang out (or the announcement timed out).</summary>
    NoAnswer,

    /// <summary>Offline or nonexistent.</summary>
    Unavailable,

    /// <summary>Declined the call, or refused it after the announcement.</summary>
    Rejected,

    /// <summary>Technical error.</summary>
    Failed,
}
