using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.FreeSwitch.EventSocket;

/// <summary>Event Socket log messages, event ids 1100-1199.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "Event Socket connected to {Endpoint} (reconnect {ReconnectCount})")]
    public static partial void Connected(ILogger logger, string endpoint, long reconnectCount);

    [LoggerMessage(1101, LogLevel.Warning, "Event Socket connection to {Endpoint} lost ({Reason}); reconnecting in {Delay}")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, string reason, TimeSpan delay, Exception? exception);

    [LoggerMessage(1102, LogLevel.Warning, "Event Socket connection to {Endpoint} failed; retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string endpoint, TimeSpan delay, Exception exception);

    [LoggerMessage(1103, LogLevel.Error, "Event Socket client for {Endpoint} stopped: {Reason}")]
    public static partial void StoppedForGood(ILogger logger, string endpoint, string reason, Exception exception);

    [LoggerMessage(1104, LogLevel.Warning, "FreeSWITCH refused the re-applied filter {Header} {Value}: {Reply}")]
    public static partial void FilterRejected(ILogger logger, string header, string value, string reply);

    [LoggerMessage(1105, LogLevel.Information, "FreeSWITCH at {Endpoint} sent a disconnect notice: {Notice}")]
    public static partial void DisconnectNotice(ILogger logger, string endpoint, string notice);

    [LoggerMessage(1106, LogLevel.Warning, "Skipped an undecodable Event Socket event ({ContentType})")]
    public static partial void MalformedEvent(ILogger logger, string? contentType, Exception exception);

    [LoggerMessage(1107, LogLevel.Warning, "Event subscription {UniqueId} is full ({Capacity} events); the Event Socket reader waits for its consumer")]
    public static partial void SubscriberFull(ILogger logger, string uniqueId, int capacity);

    [LoggerMessage(1108, LogLevel.Error, "An Event Socket StateChanged handler threw")]
    public static partial void StateHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1109, LogLevel.Debug, "Ignored an Event Socket message of type {ContentType}")]
    public static partial void IgnoredMessage(ILogger logger, string? contentType);
}
