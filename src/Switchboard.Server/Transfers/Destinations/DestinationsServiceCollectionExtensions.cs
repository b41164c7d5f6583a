namespace Switchboard.Server.Transfers.Destinations;

public static class DestinationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DestinationCatalog"/> (scoped) and problem details for error responses. Needs <c>AddData</c> and
    /// <c>AddSecurity</c>; pair with <see cref="MapDestinations"/>.
    /// </summary>
    public static WebApplicationBuilder AddDestinations(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddScoped<DestinationCatalog>();
        return builder;
    }

    /// <summary>Maps the destinations REST API (<see cref="DestinationsEndpoints"/>).</summary>
    public static WebApplication MapDestinations(this WebApplication app)
    {
        DestinationsEndpoints.MapDestinations(app);
        return app;
    }
}
