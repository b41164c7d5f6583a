using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>Local (offline) agent log messages, event ids 1500-1549.</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Warning, "Speech synthesis failed; the local agent plays tones with transcripts instead of speech for the rest of the call")]
    public static partial void SpeechUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(1501, LogLevel.Debug, "Local agent: caller chose {Choice}")]
    public static partial void Chose(ILogger logger, string choice);

    [LoggerMessage(1502, LogLevel.Debug, "Local agent: tool result for {CallId} ignored (no tool call waits for it)")]
    public static partial void ToolResultIgnored(ILogger logger, string callId);

    [LoggerMessage(1503, LogLevel.Warning, "Local agent: the {Tool} result could not be read: {Result}")]
    public static partial void BadToolResult(ILogger logger, string tool, string result);

    [LoggerMessage(1504, LogLevel.Error, "Local agent flow failed")]
    public static partial void FlowFailed(ILogger logger, Exception exception);

    [LoggerMessage(1505, LogLevel.Debug, "Local agent: message recording ended ({Reason}, {Seconds:0.0} s of audio)")]
    public static partial void RecordingEnded(ILogger logger, string reason, double seconds);
}
