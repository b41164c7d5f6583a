using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>ElevenLabs agent log messages, event ids 1340-1359.</summary>
internal static partial class Log
{
    [LoggerMessage(1340, LogLevel.Information, "ElevenLabs conversation {ConversationId} started (input {InputFormat}, output {OutputFormat})")]
    public static partial void ConversationStarted(ILogger logger, string conversationId, string inputFormat, string outputFormat);

    [LoggerMessage(1341, LogLevel.Warning, "ElevenLabs conversation {ConversationId} ended: close {CloseCode} {ErrorType} {Reason}")]
    public static partial void ConversationClosed(ILogger logger, string? conversationId, int closeCode, string errorType, string? reason);

    [LoggerMessage(1342, LogLevel.Warning, "ElevenLabs conversation {ConversationId} lost")]
    public static partial void ConnectionLost(ILogger logger, string? conversationId, Exception exception);

    [LoggerMessage(1343, LogLevel.Warning, "ElevenLabs reported an error: {ErrorType} {Message}")]
    public static partial void ProviderError(ILogger logger, string errorType, string message);

    [LoggerMessage(1344, LogLevel.Debug, "ElevenLabs message of type {Type} ignored")]
    public static partial void MessageIgnored(ILogger logger, string type);

    [LoggerMessage(1345, LogLevel.Debug, "Barge-in recorded locally after {Heard} heard; ElevenLabs decides interruptions itself")]
    public static partial void InterruptRecorded(ILogger logger, TimeSpan heard);
}
