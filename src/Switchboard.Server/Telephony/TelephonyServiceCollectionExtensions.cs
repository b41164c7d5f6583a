using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Sandbox;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;

namespace Switchboard.Server.Telephony;

public static class TelephonyServiceCollectionExtensions
{
    /// <summary>Connects to FreeSWITCH over the Event Socket: the built-in sandbox by default.</summary>
    public static WebApplicationBuilder AddTelephony(this WebApplicationBuilder builder)
    {
        IServiceCollection services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TelephonyOptions>().BindConfiguration(TelephonyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        TelephonyOptions telephony = builder.Configuration.GetSection(TelephonyOptions.Section).Get<TelephonyOptions>() ?? new TelephonyOptions();

        if (telephony.Mode == PbxMode.Sandbox)
        {
            services.AddSingleton(provider =>
            {
                string data = provider.GetRequiredService<IOptions<DataOptions>>().Value.DataRoot;
                return new SandboxOptions
                {
                    TempDirectory = Path.Combine(data, "sandbox", "tmp"),
                    RecordingsDirectory = Path.Combine(data, "recordings"),
                    TimeProvider = provider.GetRequiredService<TimeProvider>(),
                };
            });
            services.AddSingleton(provider => new SandboxPbx(provider.GetRequiredService<SandboxOptions>(), provider.GetRequiredService<ILoggerFactory>()));

            // Hosted services start in registration order: the sandbox listens before we connect to it.
            services.AddHostedService<SandboxHost>();
        }

        services.AddSingleton(provider => new PbxConnection(
            provider.GetRequiredService<IOptions<TelephonyOptions>>(),
            provider.GetRequiredService<SwitchboardMetrics>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PbxConnection>>(),
            provider.GetRequiredService<ILogger<Switchboard.Protocols.FreeSwitch.EventSocket.EventSocketClient>>(),
            provider.GetService<SandboxPbx>(),
            provider.GetService<SandboxOptions>()));
        services.AddHostedService(provider => provider.GetRequiredService<PbxConnection>());
        services.AddSingleton<CallController>();
        services.AddHostedService(provider => provider.GetRequiredService<CallController>());
        services.AddHealthChecks().AddCheck<PbxHealthCheck>("pbx", tags: [HealthCheckTags.Ready]);
        return builder;
    }

    public static WebApplication MapTelephony(this WebApplication app)
    {
        if (app.Services.GetService<SandboxPbx>() is not null)
        {
            app.MapSandboxCalls();
        }

        return app;
    }
}
