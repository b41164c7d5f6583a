using Switchboard.Server.Data;

namespace Switchboard.Server.Summaries;

public enum ConversationSummaryStatus
{
    /// <summary>Waiting for its first try, or for the next one after the provider failed.</summary>
    Pending,

    /// <summary>The summary is on the conversation and its tickets.</summary>
    Done,

    /// <summary>The conversation no longer exists: nothing to summarise.</summary>
    Skipped,
}

/// <summary>
/// One finished conversation to summarise (table <c>conversation_summaries</c>): a persisted work item, so a restart
/// loses no pending summary. Written when the call ends; <see cref="SummaryWorker"/> works it.
/// </summary>
public sealed class ConversationSummary : IQueuedWork
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The conversation summarised; one work item per conversation.</summary>
    public Guid ConversationId { get; set; }

    public ConversationSummaryStatus Status { get; set; } = ConversationSummaryStatus.Pending;

    /// <summary>Failed tries of the language model (the extractive summary needs none).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>How the summary was made: <c>llm</c> or <c>extractive</c>.</summary>
    public string? Method { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
