using Switchboard.Sandbox;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Telephony;

/// <summary>
/// Runs the built-in PBX sandbox in this process (the embedded default): its Event Socket listens on
/// a loopback port that <see cref="PbxConnection"/> then connects to, exactly as to FreeSWITCH. Each
/// tenant becomes a sandbox domain; its transfer destinations become simulated extensions that answer.
/// </summary>
public sealed partial class SandboxHost(SandboxPbx pbx, IServiceScopeFactory scopes, ILogger<SandboxHost> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await pbx.StartAsync(cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        TenantDirectory tenants = scope.ServiceProvider.GetRequiredService<TenantDirectory>();
        foreach (Tenant tenant in await tenants.ListAsync(cancellationToken))
        {
            pbx.AddDomain(tenant.Id, tenant.DomainName);
        }

        Log.Started(logger, pbx.EslEndPoint.ToString());
    }

    public Task StopAsync(CancellationToken cancellationToken) => pbx.DisposeAsync().AsTask();

    private static partial class Log
    {
        [LoggerMessage(2121, LogLevel.Information, "PBX sandbox started; its Event Socket listens on {EndPoint}")]
        public static partial void Started(ILogger logger, string endPoint);
    }
}
