using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Server.Transfers.Announcements;

namespace Switchboard.Server.Transfers.Execution;

public static class TransfersServiceCollectionExtensions
{
    /// <summary>Transfer execution on the PBX: <see cref="TransferExecutor"/> (singleton), the
    /// <see cref="VoiceAnnouncer"/> (the secretary talks with the human; <see cref="DtmfAnnouncer"/> when no stream can
    /// start) unless another <see cref="IAnnouncer"/> is registered first, and
    /// <see cref="TransferExecutionOptions"/> from section <c>Transfers</c>. Needs telephony and data.</summary>
    public static IServiceCollection AddTransfers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TransferExecutionOptions>().BindConfiguration(TransferExecutionOptions.Section);
        services.TryAddSingleton<DtmfAnnouncer>();
        services.TryAddSingleton<AnnouncementSessions>();
        services.TryAddSingleton<IAnnouncer, VoiceAnnouncer>();
        services.TryAddSingleton<TransferExecutor>();
        services.AddScoped<Tools.ICallTool, TransferCallTool>();
        return services;
    }

    /// <inheritdoc cref="AddTransfers(IServiceCollection)"/>
    public static WebApplicationBuilder AddTransfers(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTransfers();
        return builder;
    }
}
