using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers;

/// <summary>
/// A person or group the secretary can transfer callers to: every field of seed 1's
/// <c>v_voice_transfer_destinations</c>, plus <see cref="TransferMode"/> (seed 2). At most one enabled default per
/// tenant, enforced by a partial unique index.
/// </summary>
public sealed class TransferDestination : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The secretary that offers this destination; null for every secretary of the tenant.</summary>
    public Guid? SecretaryId { get; set; }

    /// <summary>Name the agent says and matches ("Jeni - Financeiro").</summary>
    public string Name { get; set; } = "";

    /// <summary>Words callers use for this destination ("jeni", "financeiro", "boleto").</summary>
    public List<string> Aliases { get; set; } = [];

    public TransferDestinationType DestinationType { get; set; } = TransferDestinationType.Extension;

    /// <summary>1004, 9000, 5551999999999...</summary>
    public string DestinationNumber { get; set; } = "";

    /// <summary>
    /// FreeSWITCH dialplan context. FusionPBX names a domain's context after the domain, so rows we create use the
    /// tenant's domain name; "default" is seed 1's column default.
    /// </summary>
    public string DestinationContext { get; set; } = "default";

    public int RingTimeoutSeconds { get; set; } = 30;

    public int MaxRetries { get; set; } = 1;

    public int RetryDelaySeconds { get; set; } = 5;

    public TransferFallbackAction FallbackAction { get; set; } = TransferFallbackAction.OfferTicket;

    public string? Department { get; set; }

    /// <summary>"Atendente", "Gerente", "Técnico".</summary>
    public string? Role { get; set; }

    public string? Description { get; set; }

    /// <summary>Null: always available.</summary>
    public WorkingHours? WorkingHours { get; set; }

    /// <summary>Lower first when several destinations match.</summary>
    public int Priority { get; set; } = 100;

    public bool Enabled { get; set; } = true;

    /// <summary>Where "someone, anyone" goes. At most one enabled default per tenant.</summary>
    public bool IsDefault { get; set; }

    public TransferMode TransferMode { get; set; } = TransferMode.Attended;

    /// <summary>Announced transfers: how long the human has to accept before the transfer counts as refused.</summary>
    public int AnnounceTimeoutSeconds { get; set; } = 15;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
