using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Server.Telephony;

/// <summary>Ready only while the Event Socket connection to the PBX is up.</summary>
public sealed class PbxHealthCheck(PbxConnection pbx) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(pbx.IsConnected
            ? HealthCheckResult.Healthy($"Event Socket connected ({pbx.Mode})")
            : HealthCheckResult.Unhealthy($"Event Socket not connected ({pbx.Mode})"));
}
