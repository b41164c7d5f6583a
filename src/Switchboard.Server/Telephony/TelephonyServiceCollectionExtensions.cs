namespace Switchboard.Server.Telephony;

public static class TelephonyServiceCollectionExtensions
{
    /// <summary>Connects to FreeSWITCH over the Event Socket: the built-in sandbox by default.</summary>
    public static WebApplicationBuilder AddTelephony(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapTelephony(this WebApplication app) => app;
}
