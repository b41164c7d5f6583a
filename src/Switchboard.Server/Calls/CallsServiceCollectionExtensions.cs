namespace Switchboard.Server.Calls;

public static class CallsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddCalls(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapCalls(this WebApplication app) => app;
}
