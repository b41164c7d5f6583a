namespace Switchboard.Server.Summaries;

/// <summary>Conversation summaries: event ids 6300-6399.</summary>
internal static partial class Log
{
    [LoggerMessage(6301, LogLevel.Information, "Conversation {ConversationId} (tenant {TenantId}) summarised ({Method}); {Tickets} ticket(s) updated")]
    public static partial void Summarised(ILogger logger, Guid conversationId, Guid tenantId, string method, int tickets);

    [LoggerMessage(6302, LogLevel.Warning, "Summary of conversation {ConversationId} by {Provider} failed (try {Attempt}: {Error}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, Guid conversationId, string provider, int attempt, string error, TimeSpan delay);

    [LoggerMessage(6303, LogLevel.Warning, "Summary of conversation {ConversationId} by {Provider} failed {Attempt} times ({Error}); writing the extractive summary")]
    public static partial void FallingBack(ILogger logger, Guid conversationId, string provider, int attempt, string error);

    [LoggerMessage(6304, LogLevel.Error, "The summary worker failed a pass; trying again")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(6305, LogLevel.Debug, "Conversation {ConversationId} no longer exists; its summary is skipped")]
    public static partial void ConversationGone(ILogger logger, Guid conversationId);
}
