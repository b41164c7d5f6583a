using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tools;

public static class ToolsServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> that calls tenants' webhooks.</summary>
    public const string WebhookClient = "Switchboard.Tools.Webhooks";

    /// <summary>The secretary's tools (<see cref="CallTools"/> and the built-in <see cref="ICallTool"/>s); needs <c>AddData</c>.</summary>
    public static WebApplicationBuilder AddTools(this WebApplicationBuilder builder)
    {
        builder.Services.AddTools();
        return builder;
    }

    /// <summary>
    /// Options "Tools", <see cref="CallTools"/> (singleton), <see cref="TicketService"/> and the take_message, create_ticket,
    /// lookup_customer, check_appointment and end_call tools (scoped), and the webhook HTTP client. Other features add
    /// their tools as scoped <see cref="ICallTool"/> services (transfer_call).
    /// </summary>
    public static IServiceCollection AddTools(this IServiceCollection services)
    {
        services.AddOptions<ToolsOptions>().BindConfiguration(ToolsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<TicketService>();
        services.TryAddSingleton<CallTools>();
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Scoped<ICallTool, TakeMessageTool>(),
            ServiceDescriptor.Scoped<ICallTool, CreateTicketTool>(),
            ServiceDescriptor.Scoped<ICallTool, LookupCustomerTool>(),
            ServiceDescriptor.Scoped<ICallTool, CheckAppointmentTool>(),
            ServiceDescriptor.Scoped<ICallTool, EndCallTool>(),
        ]);

        // The tool's own timeout (ToolsOptions.WebhookTimeout, on the TimeProvider) bounds every request.
        services.AddHttpClient(WebhookClient, client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
