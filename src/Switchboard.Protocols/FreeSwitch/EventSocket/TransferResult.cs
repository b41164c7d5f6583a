namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>What a transfer attempt to a person came to, in the caller-facing terms of the voice hand-off design
/// (seed 1, <c>TransferResult</c>): each value picks a different sentence for the caller.</summary>
public enum TransferResult
{
    /// <summary>Answered; the bridge is up.</summary>
    Success,

    /// <summary>The extension is busy.</summary>
    Busy,

    /// <summary>It rang and nobody answered in time.</summary>
    NoAnswer,

    /// <summary>The extension is offline or does not exist.</summary>
    Unavailable,

    /// <summary>The person declined the call.</summary>
    Rejected,

    /// <summary>A technical failure.</summary>
    Failed,
}
