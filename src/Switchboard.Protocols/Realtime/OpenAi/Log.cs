using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.Realtime.OpenAi;

/// <summary>OpenAI Realtime log messages, event ids 1300-1349.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Information, "OpenAI Realtime session {SessionId} configured ({Format}, model {Model})")]
    public static partial void SessionConfigured(ILogger logger, string? sessionId, string format, string model);

    [LoggerMessage(1301, LogLevel.Warning, "OpenAI Realtime error {Code}: {Message} (fatal {Fatal})")]
    public static partial void ProviderError(ILogger logger, string code, string message, bool fatal);

    [LoggerMessage(1302, LogLevel.Warning, "OpenAI Realtime connection lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(1303, LogLevel.Debug, "Ignored OpenAI Realtime error {Code} (nothing to cancel)")]
    public static partial void CancelNotActive(ILogger logger, string code);

    [LoggerMessage(1304, LogLevel.Warning, "Skipped an undecodable OpenAI Realtime event")]
    public static partial void MalformedEvent(ILogger logger, Exception exception);
}
