using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox.Dialplan;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Unsupported endpoint {Endpoint}")]
    public static partial void UnsupportedEndpoint(ILogger logger, string endpoint);
}
