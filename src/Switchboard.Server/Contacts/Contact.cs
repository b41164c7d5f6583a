using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Contacts;

/// <summary>A known customer of a tenant, found by phone number when they call (<c>lookup_customer</c>).</summary>
public sealed class Contact : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>E.164 (<c>+5511988887777</c>), as <see cref="PhoneNumbers.ToE164"/> writes it; lookups compare it exactly.</summary>
    public string Phone { get; set; } = "";

    public string? Company { get; set; }

    public string? Email { get; set; }

    /// <summary>Free text the secretary may use ("prefers mornings", "VIP").</summary>
    public string? Notes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
