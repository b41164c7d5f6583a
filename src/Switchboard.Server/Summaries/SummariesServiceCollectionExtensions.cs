using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Summaries;

public static class SummariesServiceCollectionExtensions
{
    /// <summary>
    /// Options "Summaries", the <see cref="ConversationSummaries"/> queue, the <see cref="ChatSummarizer"/> and its HTTP
    /// client, and the <see cref="SummaryWorker"/>. Needs <c>AddData()</c> first.
    /// </summary>
    public static WebApplicationBuilder AddSummaries(this WebApplicationBuilder builder)
    {
        builder.Services.AddSwitchboardSummaries();
        return builder;
    }

    internal static IServiceCollection AddSwitchboardSummaries(this IServiceCollection services)
    {
        services.AddOptions<SummariesOptions>()
            .BindConfiguration(SummariesOptions.Section)
            .Validate(
                options => options.PollInterval > TimeSpan.Zero && options.RequestTimeout > TimeSpan.Zero && options.RetryDelay > TimeSpan.Zero
                    && options.MaxRetryDelay >= options.RetryDelay,
                "Summaries: PollInterval, RequestTimeout and RetryDelay must be positive, MaxRetryDelay at least RetryDelay.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SummariesOptions>, SummariesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(ChatSummarizer.HttpClientName, client =>
        {
            // The summarizer applies Summaries:RequestTimeout per try.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        services.AddSingleton<ConversationSummaries>();
        services.AddSingleton<ChatSummarizer>();
        services.AddHostedService<SummaryWorker>();
        return services;
    }
}
