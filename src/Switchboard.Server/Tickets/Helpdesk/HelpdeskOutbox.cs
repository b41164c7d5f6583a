using Switchboard.Server.Data;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>The helpdesk outbox: tickets waiting to be pushed to the tenant's external helpdesk.</summary>
public static class HelpdeskOutbox
{
    /// <summary>
    /// Adds the delivery of <paramref name="ticket"/> to <paramref name="db"/> WITHOUT saving: call it before the
    /// ticket's own <c>SaveChangesAsync</c>, so ticket and delivery commit (or roll back) together. The payload is
    /// built when it is sent, so it carries the recording link if the upload finished by then. Tenants without an
    /// enabled webhook get the row marked skipped.
    /// </summary>
    public static HelpdeskDelivery Enqueue(SwitchboardDbContext db, Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Id == Guid.Empty)
        {
            throw new ArgumentException("Give the ticket its id before queuing its delivery.", nameof(ticket));
        }

        var delivery = new HelpdeskDelivery
        {
            Id = Guid.NewGuid(),
            TenantId = ticket.TenantId,
            TicketId = ticket.Id,
            NextAttemptAt = DateTimeOffset.UnixEpoch,
        };
        db.HelpdeskOutbox.Add(delivery);
        return delivery;
    }
}
