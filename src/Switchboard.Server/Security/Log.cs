namespace Switchboard.Server.Security;

internal static partial class Log
{
    [LoggerMessage(2601, LogLevel.Information, "Admin console: first user '{UserName}' created; password in {PasswordSource}")]
    public static partial void FirstAdminCreated(ILogger logger, string userName, string passwordSource);
}
