using System.Net;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox.EventSocket;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Sandbox event socket listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Event socket connection from {Remote}")]
    public static partial void Connected(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Event socket connection from {Remote} closed: {Reason}")]
    public static partial void Closed(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Event socket connection from {Remote} sent an out-of-range Content-Length; dropped")]
    public static partial void ContentLengthRejected(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Killing event socket listener {Remote}: too many lost events")]
    public static partial void ListenerKilled(ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Event socket connection from {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, EndPoint? remote, Exception exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Event socket accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);
}
