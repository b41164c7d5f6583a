using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>A tenant's external helpdesk: every new ticket is POSTed to <see cref="Url"/>, signed with the secret.</summary>
public sealed class HelpdeskWebhook : ITenantOwned
{
    public Guid TenantId { get; set; }

    public string Url { get; set; } = "";

    /// <summary>The signing secret, encrypted with Data Protection (<see cref="HelpdeskSecrets"/>).</summary>
    public string ProtectedSecret { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
