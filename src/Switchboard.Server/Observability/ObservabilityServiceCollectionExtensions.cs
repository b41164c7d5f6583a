namespace Switchboard.Server.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok("live"));
        return app;
    }
}
