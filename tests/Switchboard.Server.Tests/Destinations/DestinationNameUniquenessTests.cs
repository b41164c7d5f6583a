using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

/// <summary>
/// Destination names are unique per tenant in the store itself: a duplicate that gets past the catalog's checks (another
/// request saving the same name between the check and the save) is refused by the index and answered as a clear
/// problem through HTTP, never a 500.
/// </summary>
public sealed class DestinationNameUniquenessTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    private const string ApiKey = "test-operator-key-destination-names";

    [Theory, SqliteData, PostgresData]
    public async Task Store_refuses_a_second_destination_with_the_same_name_in_a_tenant_but_not_in_another(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid first = await TenantAsync(store.Scope(null), Guid.NewGuid());
        Guid second = await TenantAsync(store.Scope(null), Guid.NewGuid());
        await AddAsync(store.Scope(first), "Recepção");
        await AddAsync(store.Scope(second), "Recepção");

        await Assert.ThrowsAsync<DbUpdateException>(() => AddAsync(store.Scope(first), "Recepção"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Same_name_saved_by_another_request_during_a_create_is_a_validation_problem_not_a_server_error(DatabaseProvider provider)
    {
        await using Host host = await Host.StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenant = await host.TenantAsync();
        string root = $"/api/tenants/{tenant}/destinations";
        host.Writer.Arm(tenant, "Recepção");

        using HttpResponseMessage response = await host.Http.PostAsJsonAsync(root, new { name = "Recepção", destinationType = "ring_group", destinationNumber = "9000" });

        Assert.True(host.Writer.Fired);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement problem = await response.JsonAsync();
        Assert.Equal(
            "The tenant already has a destination named 'Recepção' (names are compared ignoring case and accents).",
            problem.GetProperty("errors").GetProperty("name")[0].GetString());
        DestinationView[] listed = (await host.Http.GetFromJsonAsync<DestinationView[]>(root))!;
        Assert.Equal("1099", Assert.Single(listed).DestinationNumber);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Same_name_saved_by_another_request_during_an_import_is_a_conflict_and_nothing_is_imported(DatabaseProvider provider)
    {
        await using Host host = await Host.StartAsync(provider, await databases.CreateDatabaseAsync(provider));
        Guid tenant = await host.TenantAsync();
        string root = $"/api/tenants/{tenant}/destinations";
        host.Writer.Arm(tenant, "Recepção");
        const string Csv = "name,destination_type,destination_number\nSuporte,queue,5001\nRecepção,ring_group,9000\n";

        using HttpResponseMessage response = await host.Http.PostAsync($"{root}.csv", new StringContent(Csv, Encoding.UTF8, "text/csv"));

        Assert.True(host.Writer.Fired);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        JsonElement problem = await response.JsonAsync();
        Assert.Equal("The destinations changed during the import; nothing was imported", problem.GetProperty("title").GetString());
        Assert.Contains("Nothing was imported", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        DestinationView[] listed = (await host.Http.GetFromJsonAsync<DestinationView[]>(root))!;
        Assert.Equal(["Recepção"], listed.Select(d => d.Name));

        // Sent again, the file updates the row now stored under that name.
        using HttpResponseMessage again = await host.Http.PostAsync($"{root}.csv", new StringContent(Csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        listed = (await host.Http.GetFromJsonAsync<DestinationView[]>(root))!;
        Assert.Equal("9000", listed.Single(d => d.Name == "Recepção").DestinationNumber);
        Assert.Equal(2, listed.Length);
    }

    private static async Task<Guid> TenantAsync(AsyncServiceScope scope, Guid id)
    {
        await using (scope)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Tenants.Add(new Tenant { Id = id, DomainName = $"t{id:N}.example.com", DisplayName = "T" });
            await db.SaveChangesAsync();
            return id;
        }
    }

    private static async Task AddAsync(AsyncServiceScope scope, string name)
    {
        await using (scope)
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.TransferDestinations.Add(new TransferDestination { Id = Guid.NewGuid(), Name = name, DestinationNumber = "1001" });
            await db.SaveChangesAsync();
        }
    }

    /// <summary>The real host with <see cref="ConcurrentDestinationWriter"/> on every context.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly SwitchboardServerFactory _factory;

        private Host(SwitchboardServerFactory factory)
        {
            _factory = factory;
            Http = factory.CreateClient();
            Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            Writer = factory.Services.GetRequiredService<ConcurrentDestinationWriter>();
        }

        public HttpClient Http { get; }

        public ConcurrentDestinationWriter Writer { get; }

        public static Task<Host> StartAsync(DatabaseProvider provider, string connectionString)
        {
            SwitchboardServerFactory factory = new SwitchboardServerFactory()
                .UseSetting("Data:Provider", provider.ToString())
                .UseSetting("Data:ConnectionString", connectionString)
                .UseSetting("Security:AdminApiKey", ApiKey)
                .AddTestServices(services =>
                {
                    services.AddSingleton<ConcurrentDestinationWriter>();
                    services.ConfigureDbContext<SwitchboardDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<ConcurrentDestinationWriter>()));
                });
            return Task.FromResult(new Host(factory));
        }

        public async Task<Guid> TenantAsync()
        {
            Guid id = Guid.NewGuid();
            return await DestinationNameUniquenessTests.TenantAsync(_factory.Services.CreateAsyncScope(), id);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _factory.DisposeAsync();
        }
    }

    /// <summary>
    /// Plays "another request": once armed, right after the catalog has read the tenant's destinations (so its checks
    /// cannot see it), saves a destination with the armed name through a separate scope and connection.
    /// </summary>
    private sealed class ConcurrentDestinationWriter(IServiceScopeFactory scopes) : DbCommandInterceptor
    {
        private (Guid Tenant, string Name)? _armed;

        public bool Fired { get; private set; }

        public void Arm(Guid tenant, string name) => _armed = (tenant, name);

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (_armed is { } armed && command.CommandText.Contains("transfer_destinations", StringComparison.Ordinal)
                && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                _armed = null;
                await using AsyncServiceScope scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(armed.Tenant);
                SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
                db.TransferDestinations.Add(new TransferDestination
                {
                    Id = Guid.NewGuid(),
                    Name = armed.Name,
                    DestinationType = TransferDestinationType.RingGroup,
                    DestinationNumber = "1099",
                    DestinationContext = $"t{armed.Tenant:N}.example.com",
                });
                await db.SaveChangesAsync(cancellationToken);
                Fired = true;
            }

            return result;
        }
    }
}
