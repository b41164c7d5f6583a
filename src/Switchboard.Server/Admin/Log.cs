namespace Switchboard.Server.Admin;

internal static partial class Log
{
    [LoggerMessage(2611, LogLevel.Information, "Admin console: '{UserName}' signed in")]
    public static partial void SignedIn(ILogger logger, string userName);

    [LoggerMessage(2612, LogLevel.Warning, "Admin console: failed sign-in for '{UserName}'")]
    public static partial void SignInFailed(ILogger logger, string userName);

    [LoggerMessage(2613, LogLevel.Warning, "Admin console: test call {CallId} failed")]
    public static partial void TestCallFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(2614, LogLevel.Information, "Admin console: live refresh stopped after an error")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);
}
