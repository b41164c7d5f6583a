namespace Switchboard.Server.Observability;

/// <summary>
/// Tags that place a health check on an endpoint. <c>/health/ready</c> runs the checks tagged
/// <see cref="Ready"/>; <c>/health/live</c> runs none (the process answering is the liveness signal):
/// <code>builder.Services.AddHealthChecks().AddCheck&lt;DatabaseHealthCheck&gt;("database", tags: [HealthCheckTags.Ready]);</code>
/// </summary>
public static class HealthCheckTags
{
    public const string Ready = "ready";
}
