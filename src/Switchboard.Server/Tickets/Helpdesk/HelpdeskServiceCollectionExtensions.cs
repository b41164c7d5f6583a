using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Security;

namespace Switchboard.Server.Tickets.Helpdesk;

public static class HelpdeskServiceCollectionExtensions
{
    /// <summary>
    /// Options "Helpdesk", <see cref="HelpdeskSecrets"/>, the webhook HTTP client and the <see cref="HelpdeskDispatcher"/>.
    /// Needs <c>AddData()</c> first; the endpoints need <c>AddSecurity()</c>.
    /// </summary>
    public static WebApplicationBuilder AddHelpdesk(this WebApplicationBuilder builder)
    {
        builder.Services.AddSwitchboardHelpdesk();
        return builder;
    }

    /// <summary>
    /// Under <c>/api/tenants/{tenantId}/helpdesk</c>, operator API key: <c>GET|PUT|DELETE webhook</c>,
    /// <c>GET outbox[?status=failed&amp;limit=100]</c>, <c>POST outbox/{id}/retry</c>.
    /// </summary>
    public static WebApplication MapHelpdesk(this WebApplication app)
    {
        RouteGroupBuilder group = app.MapGroup("/api/tenants/{tenantId:guid}/helpdesk")
            .RequireAuthorization(SecurityServiceCollectionExtensions.AdminPolicy);
        group.MapGet("/webhook", HelpdeskEndpoints.GetWebhookAsync);
        group.MapPut("/webhook", HelpdeskEndpoints.PutWebhookAsync);
        group.MapDelete("/webhook", HelpdeskEndpoints.DeleteWebhookAsync);
        group.MapGet("/outbox", HelpdeskEndpoints.ListOutboxAsync);
        group.MapPost("/outbox/{deliveryId:guid}/retry", HelpdeskEndpoints.RetryAsync);
        return app;
    }

    internal static IServiceCollection AddSwitchboardHelpdesk(this IServiceCollection services)
    {
        services.AddOptions<HelpdeskOptions>()
            .BindConfiguration(HelpdeskOptions.Section)
            .Validate(
                options => options.PollInterval > TimeSpan.Zero && options.RequestTimeout > TimeSpan.Zero && options.RetryDelay > TimeSpan.Zero
                    && options.MaxRetryDelay >= options.RetryDelay && options.SummaryWait >= TimeSpan.Zero,
                "Helpdesk: PollInterval, RequestTimeout and RetryDelay must be positive, MaxRetryDelay at least RetryDelay, SummaryWait not negative.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HelpdeskOptions>, HelpdeskOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddHttpClient(HelpdeskDispatcher.HttpClientName, client =>
        {
            // The dispatcher applies Helpdesk:RequestTimeout per try.
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Switchboard-Helpdesk/1");
        });
        services.AddSingleton<HelpdeskSecrets>();
        services.AddSingleton<HelpdeskMetrics>();
        services.AddHostedService<HelpdeskDispatcher>();
        return services;
    }
}
