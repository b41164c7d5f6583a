using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tests.Data;

public sealed class TicketNumberTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Numbers_start_at_one_and_count_up_separately_per_tenant(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid a = await store.CreateTenantAsync();
        Guid b = await store.CreateTenantAsync();

        long[] numbersA = [await AddTicketAsync(store, a), await AddTicketAsync(store, a), await AddTicketAsync(store, a)];
        long[] numbersB = [await AddTicketAsync(store, b), await AddTicketAsync(store, b)];

        Assert.Equal([1L, 2L, 3L], numbersA);
        Assert.Equal([1L, 2L], numbersB);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Concurrent_creators_get_distinct_consecutive_numbers(DatabaseProvider provider)
    {
        const int Creators = 24;
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<long>[] creators = Enumerable.Range(0, Creators)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return await AddTicketAsync(store, tenant);
            }))
            .ToArray();
        start.SetResult();
        long[] numbers = await Task.WhenAll(creators).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(Enumerable.Range(1, Creators).Select(n => (long)n), numbers.Order());
        await using AsyncServiceScope scope = store.Scope(tenant);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Assert.Equal(Enumerable.Range(1, Creators).Select(n => (long)n), await db.Tickets.OrderBy(t => t.Number).Select(t => t.Number).ToListAsync());
        Assert.Equal(Creators, (await db.TicketCounters.SingleAsync()).LastNumber);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_rolled_back_ticket_gives_its_number_back(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        Assert.Equal(1, await AddTicketAsync(store, tenant));

        await using (AsyncServiceScope scope = store.Scope(tenant))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(2, await TicketNumbers.NextAsync(db, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        Assert.Equal(2, await AddTicketAsync(store, tenant));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Numbering_needs_a_tenant_and_a_transaction(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();

        await using (AsyncServiceScope scope = store.Scope(null))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await Assert.ThrowsAsync<TenantIsolationException>(() => TicketNumbers.NextAsync(db, CancellationToken.None));
        }

        await using (AsyncServiceScope scope = store.Scope(tenant))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => TicketNumbers.NextAsync(db, CancellationToken.None));
        }
    }

    private static async Task<long> AddTicketAsync(DatabaseStore store, Guid tenant)
    {
        await using AsyncServiceScope scope = store.Scope(tenant);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await TicketNumbers.AddAsync(db, new Ticket { Id = Guid.NewGuid(), Subject = "Recado", Message = "Ligar de volta" }, CancellationToken.None);
    }
}
