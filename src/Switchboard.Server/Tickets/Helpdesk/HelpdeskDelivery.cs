using Switchboard.Server.Data;

namespace Switchboard.Server.Tickets.Helpdesk;

public enum HelpdeskDeliveryStatus
{
    Pending,

    Delivered,

    /// <summary>Refused by the helpdesk (a 4xx other than 408/429) or out of attempts: see the last error.</summary>
    Failed,

    /// <summary>The tenant has no enabled helpdesk webhook: nothing to send.</summary>
    Skipped,
}

/// <summary>One ticket to push to the tenant's helpdesk (table <c>helpdesk_outbox</c>), written in the ticket's own transaction.</summary>
public sealed class HelpdeskDelivery : IQueuedWork
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid TicketId { get; set; }

    public HelpdeskDeliveryStatus Status { get; set; } = HelpdeskDeliveryStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>HTTP status of the last answer (none after a timeout or a refused connection).</summary>
    public int? LastStatusCode { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
