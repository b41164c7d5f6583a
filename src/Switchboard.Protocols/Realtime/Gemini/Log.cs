using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>Gemini Live log messages, event ids 1450-1499.</summary>
internal static partial class Log
{
    [LoggerMessage(1450, LogLevel.Information, "Gemini Live session set up (model {Model}, resumed {Resumed})")]
    public static partial void SetUp(ILogger logger, string model, bool resumed);

    [LoggerMessage(1451, LogLevel.Information, "Gemini Live announced the end of the connection in {TimeLeft}; resuming on a new connection")]
    public static partial void GoAway(ILogger logger, TimeSpan timeLeft);

    [LoggerMessage(1452, LogLevel.Information, "Gemini Live session resumed on a new connection; {Buffered} caller audio chunks were waiting, {Dropped} dropped so far")]
    public static partial void Resumed(ILogger logger, int buffered, long dropped);

    [LoggerMessage(1453, LogLevel.Warning, "Gemini Live session could not be resumed")]
    public static partial void ResumeFailed(ILogger logger, Exception exception);

    [LoggerMessage(1454, LogLevel.Warning, "Gemini Live connection closed: {Code} {Reason}")]
    public static partial void Closed(ILogger logger, string code, string? reason);

    [LoggerMessage(1455, LogLevel.Warning, "Gemini Live sent a message that could not be read")]
    public static partial void Malformed(ILogger logger, Exception exception);

    [LoggerMessage(1456, LogLevel.Debug, "Gemini Live cancelled tool call {CallId}")]
    public static partial void ToolCallCancelled(ILogger logger, string callId);

    [LoggerMessage(1457, LogLevel.Warning, "Tool result for unknown or cancelled Gemini call {CallId} was not sent")]
    public static partial void UnknownToolResult(ILogger logger, string callId);

    [LoggerMessage(1458, LogLevel.Warning, "Gemini Live connection failed while sending")]
    public static partial void SendFailed(ILogger logger, Exception exception);
}
