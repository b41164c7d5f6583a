using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Secretaries;

/// <summary>A configured voice-agent provider account of a tenant.</summary>
public sealed class AiProvider : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public string Name { get; set; } = "";

    public AiProviderType Type { get; set; }

    /// <summary>Non-secret settings as a JSON object (model, endpoint, region...).</summary>
    public string Settings { get; set; } = "{}";

    /// <summary>
    /// API keys and other secrets, encrypted by <see cref="ProviderSecrets.Protect"/>; empty when there are none.
    /// Never holds plaintext.
    /// </summary>
    public string ProtectedSecrets { get; set; } = "";

    public decimal? BudgetMonthlyUsd { get; set; }

    public decimal SpentThisMonthUsd { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
