using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Tools;

/// <summary>Settings of the secretary's tools ("Tools").</summary>
public sealed class ToolsOptions
{
    public const string Section = "Tools";

    /// <summary>How long a tenant's webhook (appointments) may take before the agent hears it is unavailable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest webhook answer read; a bigger one is an error (the agent's context is small anyway).</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxWebhookResponseBytes { get; set; } = 64 * 1024;
}
