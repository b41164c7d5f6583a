using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Calls;

/// <summary>One utterance or tool call in a conversation, with its latency.</summary>
public sealed class ConversationTurn : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Order within the conversation, from 1; unique per conversation.</summary>
    public int Sequence { get; set; }

    public ConversationSpeaker Speaker { get; set; }

    public string Text { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Agent turns: end of the caller's speech to the first agent audio.</summary>
    public int? LatencyMs { get; set; }

    /// <summary>Part of <see cref="LatencyMs"/> spent waiting for the provider.</summary>
    public int? ProviderLatencyMs { get; set; }

    /// <summary>Part of <see cref="LatencyMs"/> spent in Switchboard and FreeSWITCH.</summary>
    public int? OwnLatencyMs { get; set; }

    /// <summary>Agent turns cut short by the caller speaking over them (barge-in).</summary>
    public bool Interrupted { get; set; }
}
