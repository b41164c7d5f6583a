using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets;

/// <summary>Last ticket number given out in a tenant; one row per tenant, advanced by <see cref="TicketNumbers"/>.</summary>
public sealed class TicketCounter : ITenantOwned
{
    public Guid TenantId { get; set; }

    public long LastNumber { get; set; }
}
