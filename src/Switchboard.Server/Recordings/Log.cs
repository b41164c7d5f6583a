namespace Switchboard.Server.Recordings;

/// <summary>Recordings: event ids 6100-6199.</summary>
internal static partial class Log
{
    [LoggerMessage(6101, LogLevel.Information, "Stored recording of call {CallUuid} (tenant {TenantId}) as {Key}, {Bytes} bytes")]
    public static partial void RecordingStored(ILogger logger, string callUuid, Guid tenantId, string key, long bytes);

    [LoggerMessage(6102, LogLevel.Warning, "Storing the recording of call {CallUuid} (tenant {TenantId}) failed (try {Attempt}); retrying in {Delay}")]
    public static partial void StoreFailed(ILogger logger, string callUuid, Guid tenantId, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(6103, LogLevel.Warning, "No recording of call {CallUuid} (tenant {TenantId}) appeared in {Elapsed}; giving up")]
    public static partial void RecordingMissing(ILogger logger, string callUuid, Guid tenantId, TimeSpan elapsed);

    [LoggerMessage(6104, LogLevel.Error, "The recording upload worker failed a pass; trying again")]
    public static partial void WorkerPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(6105, LogLevel.Debug, "Recording of call {CallUuid} is still being written ({Bytes} bytes)")]
    public static partial void RecordingGrowing(ILogger logger, string callUuid, long bytes);
}
