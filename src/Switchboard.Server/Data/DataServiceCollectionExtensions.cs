using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the store (SQLite by default, PostgreSQL when configured).</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddSwitchboardData();
        return builder;
    }

    /// <summary>Applies the provider's migrations and seeds the demo tenant.</summary>
    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        app.Services.MigrateDatabaseAsync(app.Lifetime.ApplicationStopping);

    /// <summary>
    /// Options "Data", <see cref="SwitchboardDbContext"/> (scoped) and <see cref="IDbContextFactory{TContext}"/>
    /// (scoped, so contexts it makes see the scope's <see cref="TenantContext"/>), Data Protection with its key ring
    /// under the data folder (or in the database: <c>Data:KeyRing</c>), <see cref="TenantContext"/> and <see cref="TenantDirectory"/> (scoped),
    /// <see cref="ProviderSecrets"/> and <see cref="DatabaseMigrator"/> (singletons), and the "database" health
    /// check tagged "ready".
    /// </summary>
    internal static IServiceCollection AddSwitchboardData(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>()
            .BindConfiguration(DataOptions.SectionName)
            .PostConfigure<IHostEnvironment>((options, environment) =>
            {
                options.DataRoot = Path.GetFullPath(options.DataRoot, environment.ContentRootPath);
                options.KeysPath = Path.GetFullPath(options.KeysPath ?? "keys", options.DataRoot);
                if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = $"Data Source={Path.Combine(options.DataRoot, "switchboard.db")}";
                }
            })
            .Validate(
                options => options.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(options.ConnectionString),
                "Data:ConnectionString is required when Data:Provider is Postgres.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataOptions>, DataOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddDbContextFactory<SwitchboardDbContext>(
            (provider, options) => UseProvider(options, provider.GetRequiredService<IOptions<DataOptions>>().Value),
            ServiceLifetime.Scoped);
        services.AddScoped<TenantDirectory>();
        services.AddSingleton<DatabaseMigrator>();

        services.AddDataProtection().SetApplicationName("Switchboard");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<DataOptions>, ILoggerFactory, IServiceScopeFactory>((keys, data, loggerFactory, scopes) =>
                keys.XmlRepository = data.Value.KeyRing switch
                {
                    KeyRingStore.Database => new DatabaseXmlRepository(scopes),
                    _ => new FileSystemXmlRepository(new DirectoryInfo(data.Value.KeysPath!), loggerFactory),
                });
        services.AddSingleton<ProviderSecrets>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>Creates the data folder, migrates the schema, seeds the demo tenant if configured.</summary>
    internal static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        DataOptions options = services.GetRequiredService<IOptions<DataOptions>>().Value;
        Directory.CreateDirectory(options.DataRoot);
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        if (options.SeedDemoTenant)
        {
            await DemoTenant.SeedAsync(services, cancellationToken);
        }
    }

    internal static DbContextOptionsBuilder UseProvider(DbContextOptionsBuilder builder, DataOptions options) =>
        options.Provider switch
        {
            DatabaseProvider.Postgres => builder.UseNpgsql(options.ConnectionString),
            _ => builder.UseSqlite(options.ConnectionString).AddInterceptors(SqliteConnectionSettings.Instance),
        };
}
