using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

/// <summary>One call served by a secretary: who called, how it ended, usage and cost, and its turns.</summary>
public sealed class Conversation : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid? SecretaryId { get; set; }

    /// <summary>FreeSWITCH uuid of the caller's channel.</summary>
    public string CallUuid { get; set; } = "";

    public string CallerNumber { get; set; } = "";

    public string? CallerName { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Provider that served the call (the last one, after any fallback).</summary>
    public AiProviderType? ProviderType { get; set; }

    /// <summary>Mode the call ran in (the last one, after any fallback).</summary>
    public ProcessingMode ProcessingMode { get; set; }

    public ConversationOutcome Outcome { get; set; } = ConversationOutcome.InProgress;

    /// <summary>Why the call ended: "caller_hangup", "transfer_success", "max_duration", "idle_timeout"...</summary>
    public string? EndReason { get; set; }

    public string? Summary { get; set; }

    public string? RecordingUrl { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public double AudioSecondsIn { get; set; }

    public double AudioSecondsOut { get; set; }

    public decimal EstimatedCostUsd { get; set; }

    /// <summary>Mode and provider switches during the call, in order.</summary>
    public List<ConversationModeSwitch> FallbackEvents { get; set; } = [];

    public List<ConversationTurn> Turns { get; set; } = [];
}
