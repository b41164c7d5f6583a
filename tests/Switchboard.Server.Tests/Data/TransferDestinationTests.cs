using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Data;

public sealed class TransferDestinationTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task The_database_rejects_a_second_enabled_default_in_a_tenant(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        await AddAsync(store, tenant, Destination("Atendimento", isDefault: true, enabled: true));

        DbUpdateException rejected = await Assert.ThrowsAsync<DbUpdateException>(
            () => AddAsync(store, tenant, Destination("Outro", isDefault: true, enabled: true)));

        // PostgreSQL names the index; SQLite names the indexed column.
        Assert.Contains(
            provider == DatabaseProvider.Postgres ? "ix_transfer_destinations_default" : "UNIQUE constraint failed: transfer_destinations.tenant_id",
            rejected.InnerException?.Message ?? "",
            StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Disabled_defaults_and_other_tenants_defaults_are_allowed_but_enabling_a_second_is_not(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        Guid other = await store.CreateTenantAsync();
        await AddAsync(store, tenant, Destination("Atendimento", isDefault: true, enabled: true));
        TransferDestination dormant = Destination("Plantão", isDefault: true, enabled: false);

        await AddAsync(store, tenant, dormant);
        await AddAsync(store, tenant, Destination("Vendas", isDefault: false, enabled: true));
        await AddAsync(store, other, Destination("Atendimento", isDefault: true, enabled: true));

        await using AsyncServiceScope scope = store.Scope(tenant);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Assert.Equal(3, await db.TransferDestinations.CountAsync());
        (await db.TransferDestinations.SingleAsync(d => d.Id == dormant.Id)).Enabled = true;
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static TransferDestination Destination(string name, bool isDefault, bool enabled) => new()
    {
        Id = Guid.NewGuid(),
        Name = name,
        DestinationNumber = "9000",
        IsDefault = isDefault,
        Enabled = enabled,
    };

    private static async Task AddAsync(DatabaseStore store, Guid tenant, TransferDestination destination)
    {
        await using AsyncServiceScope scope = store.Scope(tenant);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.TransferDestinations.Add(destination);
        await db.SaveChangesAsync();
    }
}
