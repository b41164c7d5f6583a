using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Sandbox background work failed")]
    public static partial void BackgroundWorkFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Session of {Channel} failed")]
    public static partial void SessionFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Invalid Application {Application} on {Channel}")]
    public static partial void InvalidApplication(ILogger logger, string application, string channel);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Sandbox PBX started; event socket on {EndPoint}")]
    public static partial void Started(ILogger logger, System.Net.EndPoint endPoint);
}
