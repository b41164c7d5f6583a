namespace Switchboard.Server.Calls;

/// <summary>Call and media-stream log messages, event ids 2000-2099.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Call {CallId} of tenant {TenantId} streaming (caller {CallerNumber})")]
    public static partial void SessionStarted(ILogger logger, string callId, Guid tenantId, string callerNumber);

    [LoggerMessage(2002, LogLevel.Information, "Call {CallId} of tenant {TenantId} ended: {Reason}, {Frames} caller frames")]
    public static partial void SessionEnded(ILogger logger, string callId, Guid tenantId, string reason, long frames);

    [LoggerMessage(2003, LogLevel.Warning, "Media stream for call {CallId} of tenant {TenantId} refused: {Reason}")]
    public static partial void StreamRefused(ILogger logger, string callId, Guid tenantId, string reason);

    [LoggerMessage(2004, LogLevel.Warning, "Media stream for call {CallId} of tenant {TenantId} closed on bad input: {Reason}")]
    public static partial void StreamFrameRejected(ILogger logger, string callId, Guid tenantId, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "Playback command for call {CallId} failed")]
    public static partial void PlaybackCommandFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(2006, LogLevel.Error, "Recording of call {CallId} could not be queued for upload")]
    public static partial void RecordingNotQueued(ILogger logger, string callId, Exception exception);
}
