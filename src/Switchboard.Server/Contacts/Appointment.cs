using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Contacts;

/// <summary>A booking of a tenant's customer, told to the caller by <c>check_appointment</c>.</summary>
public sealed class Appointment : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The customer's phone in E.164, the key callers are matched on.</summary>
    public string ContactPhone { get; set; } = "";

    public DateTimeOffset StartsAt { get; set; }

    /// <summary>Who the customer meets ("Dra. Ana", "Suporte").</summary>
    public string? WithWhom { get; set; }

    public string? Description { get; set; }

    public AppointmentStatus Status { get; set; } = AppointmentStatus.Scheduled;

    public DateTimeOffset CreatedAt { get; set; }
}
