namespace Switchboard.Server.Calls;

public enum ConversationOutcome
{
    /// <summary>The call is still going on (or the node died before closing it).</summary>
    InProgress,

    /// <summary>The agent served the caller and the call ended normally.</summary>
    Completed,

    /// <summary>Handed to a human.</summary>
    Transferred,

    /// <summary>A message or ticket was taken.</summary>
    TicketCreated,

    /// <summary>The caller hung up before being served.</summary>
    Abandoned,

    /// <summary>Ended by an error (provider and fallbacks unavailable, ...).</summary>
    Failed,
}
