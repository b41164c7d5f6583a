namespace Switchboard.Server.Tools;

/// <summary>The secretary's tools: event ids 2500-2599.</summary>
internal static partial class Log
{
    [LoggerMessage(2501, LogLevel.Debug, "Tool {Tool} of call {CallId} answered in {DurationMs} ms (ok: {Succeeded})")]
    public static partial void ToolInvoked(ILogger logger, string tool, string callId, int durationMs, bool succeeded);

    [LoggerMessage(2502, LogLevel.Error, "Tool {Tool} of call {CallId} failed")]
    public static partial void ToolFailed(ILogger logger, string tool, string callId, Exception exception);

    [LoggerMessage(2503, LogLevel.Error, "Could not record the audit row of tool {Tool} of call {CallId}")]
    public static partial void AuditFailed(ILogger logger, string tool, string callId, Exception exception);

    [LoggerMessage(2504, LogLevel.Warning, "Appointments webhook of tenant {TenantId} failed: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, Guid tenantId, string reason);
}
