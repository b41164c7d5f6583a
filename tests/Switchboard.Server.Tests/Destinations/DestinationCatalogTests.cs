using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

public sealed class DestinationCatalogTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task A_secretary_is_offered_its_own_and_the_tenant_wide_enabled_destinations_in_priority_order(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        Guid clara = Guid.NewGuid();
        Guid bruno = Guid.NewGuid();
        await using (AsyncServiceScope setup = store.Scope(tenant))
        {
            SwitchboardDbContext db = setup.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Secretaries.AddRange(new Secretary { Id = clara, Name = "Clara", Extension = "8000" }, new Secretary { Id = bruno, Name = "Bruno", Extension = "8001" });
            List<TransferDestination> destinations = DestinationSamples.Seed();
            destinations[1].SecretaryId = clara;       // Jeni: Clara's only
            destinations[2].SecretaryId = bruno;       // Suporte: Bruno's only
            TransferDestination off = DestinationSamples.Person("Vendas");
            off.Enabled = false;
            db.TransferDestinations.AddRange([.. destinations, off]);
            await db.SaveChangesAsync();
        }

        Guid other = await store.CreateTenantAsync();
        await using (AsyncServiceScope otherScope = store.Scope(other))
        {
            SwitchboardDbContext db = otherScope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.TransferDestinations.Add(DestinationSamples.Person("Outro tenant"));
            await db.SaveChangesAsync();
        }

        await using AsyncServiceScope scope = store.Scope(tenant);
        DestinationCatalog catalog = ActivatorUtilities.CreateInstance<DestinationCatalog>(scope.ServiceProvider);

        Assert.Equal(["Jeni - Financeiro", "Atendimento"], (await catalog.ListOfferedByAsync(clara, CancellationToken.None)).Select(d => d.Name));
        Assert.Equal(["Suporte Técnico", "Atendimento"], (await catalog.ListOfferedByAsync(bruno, CancellationToken.None)).Select(d => d.Name));
        Assert.Equal(["Jeni - Financeiro", "Suporte Técnico", "Atendimento", "Vendas"], (await catalog.ListAsync(CancellationToken.None)).Select(d => d.Name));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Without_a_tenant_the_catalog_refuses_to_work(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        await using AsyncServiceScope scope = store.Scope(null);
        DestinationCatalog catalog = ActivatorUtilities.CreateInstance<DestinationCatalog>(scope.ServiceProvider);

        await Assert.ThrowsAsync<TenantIsolationException>(() => catalog.ListAsync(CancellationToken.None));
        await Assert.ThrowsAsync<TenantIsolationException>(() => catalog.CreateAsync(new DestinationRequest { Name = "X", DestinationType = "extension", DestinationNumber = "1001" }, CancellationToken.None));
        await Assert.ThrowsAsync<TenantIsolationException>(() => catalog.ImportCsvAsync("name,destination_type,destination_number\n", DestinationImportMode.Upsert, CancellationToken.None));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Concurrent_requests_for_the_default_get_one_success_and_clear_conflicts(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();

        DestinationChange[] changes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            await using AsyncServiceScope scope = store.Scope(tenant);
            DestinationCatalog catalog = ActivatorUtilities.CreateInstance<DestinationCatalog>(scope.ServiceProvider);
            return await catalog.CreateAsync(
                new DestinationRequest { Name = $"Default {i}", DestinationType = "ring_group", DestinationNumber = $"90{i:D2}", IsDefault = true },
                CancellationToken.None);
        }));

        DestinationChange.Saved saved = Assert.Single(changes.OfType<DestinationChange.Saved>());
        Assert.All(changes.Where(c => c is not DestinationChange.Saved), change =>
            Assert.Contains($"'{saved.Destination.Name}' is already the tenant's enabled default destination", Assert.IsType<DestinationChange.DefaultConflict>(change).Detail, StringComparison.Ordinal));
    }
}
