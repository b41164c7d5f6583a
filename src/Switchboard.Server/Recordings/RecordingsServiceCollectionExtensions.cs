using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;

namespace Switchboard.Server.Recordings;

public static class RecordingsServiceCollectionExtensions
{
    /// <summary>
    /// Options "Recordings", the store (local folder by default, S3 with <c>Recordings:Storage=S3</c>),
    /// <see cref="RecordingLinks"/>, <see cref="RecordingUploads"/> and the <see cref="RecordingUploadWorker"/>.
    /// Needs <c>AddData()</c> first.
    /// </summary>
    public static WebApplicationBuilder AddRecordings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSwitchboardRecordings();
        return builder;
    }

    /// <summary><c>GET /recordings/{tenantId}/{callUuid}</c> (signed link or operator API key). After UseAuthentication.</summary>
    public static WebApplication MapRecordings(this WebApplication app)
    {
        app.MapGet("/recordings/{tenantId:guid}/{callUuid}", RecordingsEndpoints.GetRecordingAsync);
        return app;
    }

    internal static IServiceCollection AddSwitchboardRecordings(this IServiceCollection services)
    {
        services.AddOptions<RecordingsOptions>()
            .BindConfiguration(RecordingsOptions.Section)
            .PostConfigure<IOptions<DataOptions>>((options, data) =>
            {
                string dataRoot = data.Value.DataRoot;
                options.LocalPath = Path.GetFullPath(options.LocalPath ?? "recordings", dataRoot);
                if (options.SearchRoots.Count == 0)
                {
                    options.SearchRoots = ["/var/lib/freeswitch/recordings", Path.Combine(dataRoot, "recordings")];
                }
            })
            .Validate(
                options => options.Storage != RecordingStorageKind.S3 || !string.IsNullOrWhiteSpace(options.S3.Bucket),
                "Recordings:S3:Bucket is required when Recordings:Storage is S3.")
            .Validate(
                options => options.StableFor > TimeSpan.Zero && options.PollInterval > TimeSpan.Zero && options.RetryDelay > TimeSpan.Zero
                    && options.MaxRetryDelay >= options.RetryDelay && options.LinkLifetime > TimeSpan.Zero,
                "Recordings: StableFor, PollInterval, RetryDelay and LinkLifetime must be positive, MaxRetryDelay at least RetryDelay.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecordingsOptions>, RecordingsOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<IRecordingStore>(provider =>
        {
            RecordingsOptions options = provider.GetRequiredService<IOptions<RecordingsOptions>>().Value;
            return options.Storage == RecordingStorageKind.S3
                ? new S3RecordingStore(options.S3, options.PresignedUrlLifetime)
                : new LocalRecordingStore(options.LocalPath!);
        });
        services.AddSingleton<RecordingLinks>();
        services.AddSingleton<RecordingMetrics>();
        services.AddSingleton<RecordingUploads>();
        services.AddHostedService<RecordingUploadWorker>();
        return services;
    }
}
