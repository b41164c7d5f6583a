using Switchboard.Server.Tenancy;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Secretaries;

/// <summary>A virtual secretary: the AI answering one extension of a tenant.</summary>
public sealed class Secretary : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Extension callers dial, e.g. "8000"; unique within the tenant.</summary>
    public string Extension { get; set; } = "";

    public ProcessingMode ProcessingMode { get; set; } = ProcessingMode.Auto;

    public Guid? ProviderId { get; set; }

    public AiProvider? Provider { get; set; }

    /// <summary>Provider used when <see cref="ProviderId"/> fails or runs out of budget.</summary>
    public Guid? FallbackProviderId { get; set; }

    public AiProvider? FallbackProvider { get; set; }

    /// <summary>Provider voice name; null for the provider's default.</summary>
    public string? Voice { get; set; }

    public string Language { get; set; } = Tenant.DefaultLanguage;

    /// <summary>Instructions for the agent (system prompt body).</summary>
    public string Prompt { get; set; } = "";

    /// <summary>Optional persona (tone, name the agent uses).</summary>
    public string? Persona { get; set; }

    /// <summary>First phrase the caller hears.</summary>
    public string Greeting { get; set; } = "";

    public int MaxCallSeconds { get; set; } = 600;

    /// <summary>Silence from the caller after which the secretary prompts and finally ends the call.</summary>
    public int IdleTimeoutSeconds { get; set; } = 30;

    public int? MaxTurns { get; set; }

    /// <summary>Voice activity threshold, 0..1.</summary>
    public double VadThreshold { get; set; } = 0.5;

    /// <summary>Silence that ends a caller's turn.</summary>
    public int VadSilenceMs { get; set; } = 500;

    /// <summary>Shortest sound taken as speech (shorter is noise).</summary>
    public int VadMinSpeechMs { get; set; } = 250;

    /// <summary>Names of the tools (function calls) the agent may use on this secretary's calls; see <see cref="ToolNames"/>.</summary>
    public List<string> Tools { get; set; } = [.. ToolNames.Defaults];

    /// <summary>
    /// When set, <c>check_appointment</c> asks this URL (HTTP POST, JSON) instead of the appointments table, so a
    /// tenant's own scheduling system answers.
    /// </summary>
    public string? AppointmentsWebhookUrl { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
