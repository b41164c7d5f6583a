using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox.Media;

/// <summary>Sandbox media log messages, event ids 5300-5399.</summary>
internal static partial class Log
{
    [LoggerMessage(5301, LogLevel.Error, "Media participant {Participant} failed in tick {Tick}")]
    public static partial void ParticipantFailed(ILogger logger, string participant, long tick, Exception exception);

    [LoggerMessage(5302, LogLevel.Warning, "Media clock fell {Behind} ticks behind; skipped {Skipped} ticks")]
    public static partial void TicksSkipped(ILogger logger, long behind, long skipped);

    [LoggerMessage(5303, LogLevel.Warning, "Audio stream for {ChannelUuid} could not connect to {Url}: {Reason}")]
    public static partial void StreamConnectFailed(ILogger logger, string channelUuid, Uri url, string reason);

    [LoggerMessage(5304, LogLevel.Information, "Audio stream for {ChannelUuid} connected to {Url}")]
    public static partial void StreamConnected(ILogger logger, string channelUuid, Uri url);

    [LoggerMessage(5305, LogLevel.Information, "Audio stream for {ChannelUuid} closed by the server: {Code} {Reason}")]
    public static partial void StreamClosedByServer(ILogger logger, string channelUuid, int code, string reason);

    [LoggerMessage(5306, LogLevel.Warning, "Audio stream for {ChannelUuid} failed")]
    public static partial void StreamFailed(ILogger logger, string channelUuid, Exception exception);

    [LoggerMessage(5307, LogLevel.Warning, "Audio stream for {ChannelUuid}: streamAudio rejected ({Reason}); forwarded as mod_audio_stream::json")]
    public static partial void StreamAudioRejected(ILogger logger, string channelUuid, string reason);

    [LoggerMessage(5308, LogLevel.Warning, "Audio stream for {ChannelUuid} could not delete {Path}")]
    public static partial void StreamFileNotDeleted(ILogger logger, string channelUuid, string path, Exception exception);

    [LoggerMessage(5311, LogLevel.Warning, "Audio stream for {ChannelUuid} could not write {Path}")]
    public static partial void StreamFileWriteFailed(ILogger logger, string channelUuid, string path, Exception exception);

    [LoggerMessage(5309, LogLevel.Warning, "Recording {Path} failed and was stopped")]
    public static partial void RecorderFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(5310, LogLevel.Error, "Media clock loop failed")]
    public static partial void ClockFailed(ILogger logger, Exception exception);
}
