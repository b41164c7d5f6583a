using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Npgsql;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tests.Support;

/// <summary>
/// One database with the production data services around it (<c>AddSwitchboardData</c>), as a node would have.
/// </summary>
public sealed class DatabaseStore : IAsyncDisposable
{
    public DatabaseStore(DatabaseProvider provider, string connectionString, string dataRoot, bool seedDemoTenant = false)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataRoot = dataRoot;
        Services = BuildServices(provider, connectionString, dataRoot, seedDemoTenant);
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public string DataRoot { get; }

    public ServiceProvider Services { get; }

    public DatabaseMigrator Migrator => Services.GetRequiredService<DatabaseMigrator>();

    /// <summary>A scope working for <paramref name="tenantId"/> (or for no tenant).</summary>
    public AsyncServiceScope Scope(Guid? tenantId)
    {
        AsyncServiceScope scope = Services.CreateAsyncScope();
        if (tenantId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
        }

        return scope;
    }

    /// <summary>Creates a tenant the way an admin would: in a scope bound to the new tenant.</summary>
    public async Task<Guid> CreateTenantAsync(string? domainName = null)
    {
        Guid id = Guid.NewGuid();
        await using AsyncServiceScope scope = Scope(id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.Tenants.Add(new Tenant { Id = id, DomainName = domainName ?? $"t{id:N}.example.com", DisplayName = "Tenant " + id.ToString("N")[..6] });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A plain ADO connection, for reading raw columns and catalog tables.</summary>
    public async Task<System.Data.Common.DbConnection> OpenConnectionAsync()
    {
        System.Data.Common.DbConnection connection = Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Services of a node on this database: <c>AddSwitchboardData</c> with the given configuration.</summary>
    public static ServiceProvider BuildServices(
        DatabaseProvider provider, string connectionString, string dataRoot, bool seedDemoTenant, KeyRingStore keyRing = KeyRingStore.FileSystem)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Data:Provider"] = provider.ToString(),
                ["Data:ConnectionString"] = connectionString,
                ["Data:DataRoot"] = dataRoot,
                ["Data:SeedDemoTenant"] = seedDemoTenant.ToString(),
                ["Data:KeyRing"] = keyRing.ToString(),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment
        {
            ApplicationName = "Switchboard.Server.Tests",
            EnvironmentName = Environments.Development,
            ContentRootPath = dataRoot,
            ContentRootFileProvider = new NullFileProvider(),
        });
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSwitchboardData();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
