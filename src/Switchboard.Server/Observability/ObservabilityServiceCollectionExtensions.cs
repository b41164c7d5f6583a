using System.Diagnostics.Metrics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    public const string MetricsPath = "/metrics";
    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";

    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// Logging format, <see cref="SwitchboardMetrics"/>, the Prometheus exporter and health checks.
    /// Features register readiness checks with <c>AddHealthChecks().AddCheck(..., tags: [HealthCheckTags.Ready])</c>.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ConfigureLogging(builder);

        var services = builder.Services;
        services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<SwitchboardMetrics>();
        services.AddSingleton(static provider =>
        {
            var meterFactory = provider.GetRequiredService<IMeterFactory>();
            var options = provider.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
            return new PrometheusExporter(
                instrument => IsExported(instrument, meterFactory, options),
                provider.GetRequiredService<ILogger<PrometheusExporter>>(),
                options.MaxSeriesPerMetric);
        });
        services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c>, <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Created now, not at the first scrape: measurements from start-up on are aggregated,
        // and the seed metrics are exported before anything has been counted.
        app.Services.GetRequiredService<SwitchboardMetrics>();
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();

        app.MapGet(MetricsPath, exporter.WriteResponseAsync).AllowAnonymous();

        app.MapHealthChecks(LivenessPath, new HealthCheckOptions
        {
            // No checks: answering at all is what liveness means; the database being down is not a reason to restart.
            Predicate = static _ => false,
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();

        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = static registration => registration.Tags.Contains(HealthCheckTags.Ready),
            ResponseWriter = HealthReportWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();

        return app;
    }

    /// <summary>
    /// JSON console logs (with scopes, UTC ISO-8601 timestamps) unless in Development; <c>Logging:Format</c>
    /// (<c>json</c> or <c>simple</c>) overrides.
    /// </summary>
    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        var format = builder.Configuration["Logging:Format"];
        var json = format switch
        {
            null or "" => !builder.Environment.IsDevelopment(),
            _ when string.Equals(format, "json", StringComparison.OrdinalIgnoreCase) => true,
            _ when string.Equals(format, "simple", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw new InvalidOperationException($"Logging:Format is '{format}'; expected 'json' or 'simple'."),
        };

        if (json)
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "O";

                // Console output is never embedded in HTML: keep '+', quotes and accents readable for log tools.
                options.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
    }

    // Only this host's meter: test hosts share the process, and their meters must not mix.
    private static bool IsExported(Instrument instrument, IMeterFactory meterFactory, ObservabilityOptions options)
    {
        var meter = instrument.Meter;
        return meter.Name switch
        {
            SwitchboardMetrics.MeterName => ReferenceEquals(meter.Scope, meterFactory),
            RuntimeMeterName => options.IncludeRuntimeMetrics && meter.Scope is null,
            _ => false,
        };
    }
}
