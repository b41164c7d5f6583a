using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Summaries;

/// <summary>Configuration section "Summaries": how finished conversations are summarised.</summary>
public sealed class SummariesOptions
{
    public const string Section = "Summaries";

    /// <summary>How often the worker looks for due work besides being woken when a call ends.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed for one language-model answer; a timeout counts as a failed try.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Delay after the first failed try; doubles per try (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Language-model tries before the extractive summary is written instead.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Model for providers whose own model is not a chat model (OpenAI realtime) and that name no <c>summary_model</c>.</summary>
    [Required]
    public string DefaultModel { get; set; } = "gpt-4o-mini";

    /// <summary>Upper bound of the answer's length.</summary>
    [Range(16, 4096)]
    public int MaxTokens { get; set; } = 300;
}

[OptionsValidator]
internal sealed partial class SummariesOptionsValidator : IValidateOptions<SummariesOptions>;
