using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets;

/// <summary>A message taken from a caller, or a failed handoff, for a human to follow up.</summary>
public sealed class Ticket : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Sequential per tenant, from 1 ("Ticket #123"); assigned by <see cref="TicketNumbers"/>.</summary>
    public long Number { get; set; }

    public string Subject { get; set; } = "";

    /// <summary>The message as the caller left it.</summary>
    public string Message { get; set; } = "";

    public string? CallerNumber { get; set; }

    public string? CallerName { get; set; }

    /// <summary>Who the caller wanted ("Jeni - Financeiro").</summary>
    public string? IntendedDestination { get; set; }

    /// <summary>Why the ticket exists, e.g. "transfer_failed:busy", "caller_request".</summary>
    public string? Reason { get; set; }

    public string? Transcript { get; set; }

    public string? Summary { get; set; }

    public string? RecordingUrl { get; set; }

    public TicketStatus Status { get; set; } = TicketStatus.Open;

    public TicketPriority Priority { get; set; } = TicketPriority.Normal;

    /// <summary>Attendant the ticket is assigned to.</summary>
    public Guid? AssigneeId { get; set; }

    public Guid? ConversationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
