using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;
using Switchboard.Server.Tickets.Helpdesk;

namespace Switchboard.Server.Tickets;

/// <summary>What a new ticket says; <see cref="TicketService.CreateAsync"/> numbers and stores it.</summary>
public sealed record TicketDraft
{
    public required string Subject { get; init; }

    /// <summary>The caller's message; may be empty when the message is a voice recording.</summary>
    public string Message { get; init; } = "";

    public string? CallerNumber { get; init; }

    public string? CallerName { get; init; }

    /// <summary>Who the caller wanted ("Jeni - Financeiro").</summary>
    public string? IntendedDestination { get; init; }

    /// <summary>Why the ticket exists: "message", "caller_request", "transfer_failed:busy"...</summary>
    public string? Reason { get; init; }

    public string? Transcript { get; init; }

    public string? Summary { get; init; }

    public TicketPriority Priority { get; init; } = TicketPriority.Normal;

    /// <summary>The call's conversation; linked only when that conversation is stored for the tenant.</summary>
    public Guid? ConversationId { get; init; }
}

/// <summary>
/// Opens tickets for the scope's tenant (<see cref="Tenancy.TenantContext"/>): numbered by <see cref="TicketNumbers"/>
/// and committed before <see cref="CreateAsync"/> returns. Scoped.
/// </summary>
public sealed class TicketService
{
    private readonly SwitchboardDbContext _db;
    private readonly SwitchboardMetrics? _metrics;

    public TicketService(SwitchboardDbContext db, SwitchboardMetrics? metrics = null)
    {
        _db = db;
        _metrics = metrics;
    }

    /// <summary>
    /// Stores the draft as an open ticket and returns it with its number. Texts longer than their columns are cut
    /// (an agent's subject can be long; PostgreSQL would refuse it). Throws <see cref="Tenancy.TenantIsolationException"/>
    /// when the scope has no tenant.
    /// </summary>
    public async Task<Ticket> CreateAsync(TicketDraft draft, CancellationToken cancellationToken)
    {
        Guid? conversationId = draft.ConversationId is { } id
            && await _db.Conversations.AsNoTracking().AnyAsync(conversation => conversation.Id == id, cancellationToken)
            ? id
            : null;
        var ticket = new Ticket
        {
            Id = Guid.NewGuid(),
            Subject = Cut(draft.Subject.Trim(), 200)!,
            Message = draft.Message,
            CallerNumber = Cut(draft.CallerNumber, 64),
            CallerName = Cut(draft.CallerName, 200),
            IntendedDestination = Cut(draft.IntendedDestination, 100),
            Reason = Cut(draft.Reason, 100),
            Transcript = draft.Transcript,
            Summary = draft.Summary,
            Priority = draft.Priority,
            Status = TicketStatus.Open,
            ConversationId = conversationId,
        };
        // The helpdesk delivery is saved in the ticket's own transaction: no ticket without its push, none lost.
        HelpdeskOutbox.Enqueue(_db, ticket);
        await TicketNumbers.AddAsync(_db, ticket, cancellationToken);
        _metrics?.TicketCreated();
        return ticket;
    }

    private static string? Cut(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];
}
