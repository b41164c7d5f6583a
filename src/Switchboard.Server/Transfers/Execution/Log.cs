namespace Switchboard.Server.Transfers.Execution;

/// <summary>Transfer execution log messages, event ids 2300-2349.</summary>
internal static partial class Log
{
    [LoggerMessage(2301, LogLevel.Information, "Transfer of call {CallId} of tenant {TenantId} to {Destination} ({Mode}): attempt {Attempt} ended {Result} ({Cause})")]
    public static partial void AttemptEnded(ILogger logger, string callId, Guid tenantId, string destination, string mode, int attempt, string result, string? cause);

    [LoggerMessage(2302, LogLevel.Information, "Transfer of call {CallId} of tenant {TenantId} to {Destination} ({Mode}) finished {Result} after {Attempts} attempts in {Milliseconds} ms")]
    public static partial void TransferFinished(ILogger logger, string callId, Guid tenantId, string destination, string mode, string result, int attempts, long milliseconds);

    [LoggerMessage(2303, LogLevel.Warning, "Transfer of call {CallId} failed: {Error}")]
    public static partial void TransferFailed(ILogger logger, string callId, string error);

    [LoggerMessage(2304, LogLevel.Warning, "Could not record a transfer attempt of call {CallId}")]
    public static partial void AttemptNotSaved(ILogger logger, string callId, Exception exception);

    [LoggerMessage(2305, LogLevel.Warning, "Clean-up of the transfer of call {CallId} (conference {Conference}) failed")]
    public static partial void CleanupFailed(ILogger logger, string callId, string? conference, Exception exception);

    [LoggerMessage(2306, LogLevel.Warning, "Conference {Conference} still had {Members} members after the transfer of call {CallId} was undone; hung them up")]
    public static partial void StrayMembers(ILogger logger, string conference, int members, string callId);

    [LoggerMessage(2307, LogLevel.Information, "Announced transfer of call {CallId}: the human decided {Decision} ({Reason})")]
    public static partial void Decided(ILogger logger, string callId, string decision, string? reason);

    [LoggerMessage(2308, LogLevel.Warning, "The announcer failed for call {CallId}")]
    public static partial void AnnouncerFailed(ILogger logger, string callId, Exception exception);
}
