using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>Configuration section "Helpdesk": how tickets are pushed to the tenants' external helpdesks.</summary>
public sealed class HelpdeskOptions
{
    public const string Section = "Helpdesk";

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed for one POST; a timeout is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Delay after the first failure; doubles per try (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long after its ticket was created a delivery may wait for the call to end and its summary (and a recording
    /// being stored) to be written, so the helpdesk gets them; then it is sent as it is. Zero sends at once.
    /// </summary>
    public TimeSpan SummaryWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Tries before a delivery is marked failed (about a day with the defaults).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 60;
}

[OptionsValidator]
internal sealed partial class HelpdeskOptionsValidator : IValidateOptions<HelpdeskOptions>;
