namespace Switchboard.Server.Transfers;

/// <summary>What happens when a transfer to a destination fails (seed 1, <c>fallback_action</c>).</summary>
public enum TransferFallbackAction
{
    /// <summary>Ask the caller whether they want to leave a message.</summary>
    OfferTicket,

    /// <summary>Open a ticket at once.</summary>
    CreateTicket,

    /// <summary>Send the caller to the destination's voicemail.</summary>
    Voicemail,

    /// <summary>Back to the AI agent.</summary>
    ReturnAgent,

    Hangup,
}
