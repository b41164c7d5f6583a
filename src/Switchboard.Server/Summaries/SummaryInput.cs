using Switchboard.Server.Calls;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Summaries;

/// <summary>
/// What a summary is made from: the finished conversation, its turns, tickets and transfer tries. The language is the
/// conversation's (the secretary's, else the tenant's), e.g. <c>pt-BR</c>.
/// </summary>
public sealed record SummaryInput(
    string Language,
    string CallerNumber,
    string? CallerName,
    ConversationOutcome Outcome,
    string? EndReason,
    IReadOnlyList<SummaryTurn> Turns,
    IReadOnlyList<SummaryTicket> Tickets,
    IReadOnlyList<SummaryTransfer> Transfers);

/// <summary>One line of the conversation, in order.</summary>
public sealed record SummaryTurn(ConversationSpeaker Speaker, string Text);

/// <summary>A ticket of the conversation: its number, the caller's message and who it was for.</summary>
public sealed record SummaryTicket(long Number, string Message, string? IntendedDestination, string? Reason);

/// <summary>One transfer try; the result is null while (or if) it never finished.</summary>
public sealed record SummaryTransfer(string DestinationName, TransferAttemptResult? Result);
