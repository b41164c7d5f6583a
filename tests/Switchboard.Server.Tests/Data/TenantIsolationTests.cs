using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tests.Data;

public sealed class TenantIsolationTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Queries_of_every_entity_see_only_the_current_tenant(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        (Guid a, Guid b) = (Guid.NewGuid(), Guid.NewGuid());
        await SaveSamplesAsync(store, a);
        await SaveSamplesAsync(store, b);

        await using AsyncServiceScope scope = store.Scope(a);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();

        Assert.Equal([a], await db.Tenants.Select(t => t.Id).ToListAsync());
        Assert.Equal([a, a], await db.AiProviders.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.Secretaries.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.TransferDestinations.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.Conversations.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.ConversationTurns.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.TransferAttempts.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.Tickets.Select(x => x.TenantId).ToListAsync());
        Assert.Equal([a], await db.TicketCounters.Select(x => x.TenantId).ToListAsync());

        // Both tenants really are there.
        Assert.Equal(2, await db.Tenants.IgnoreQueryFilters().CountAsync(t => t.Id == a || t.Id == b));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Find_and_include_never_reach_another_tenant(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        (Guid a, Guid b) = (Guid.NewGuid(), Guid.NewGuid());
        List<object> samplesA = await SaveSamplesAsync(store, a);
        List<object> samplesB = await SaveSamplesAsync(store, b);
        Secretary secretaryA = samplesA.OfType<Secretary>().Single();
        Secretary secretaryB = samplesB.OfType<Secretary>().Single();
        Conversation conversationB = samplesB.OfType<Conversation>().Single();

        // A's secretary pointing at B's provider: the foreign key exists, the include must still not load it.
        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await db.Secretaries.Where(s => s.Id == secretaryA.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProviderId, secretaryB.ProviderId));
        }

        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Assert.Null(await db.Secretaries.FindAsync(secretaryB.Id));
            Assert.Null(await db.Conversations.FindAsync(conversationB.Id));
            Assert.Null(await db.Tenants.FindAsync(b));
            Assert.NotNull(await db.Tenants.FindAsync(a));

            Secretary loaded = await db.Secretaries.Include(s => s.Provider).Include(s => s.FallbackProvider).SingleAsync();
            Assert.Equal(secretaryB.ProviderId, loaded.ProviderId);
            Assert.Null(loaded.Provider);
            Assert.Equal(a, loaded.FallbackProvider!.TenantId);

            List<Conversation> conversations = await db.Conversations.Include(c => c.Turns).ToListAsync();
            Assert.All(conversations.SelectMany(c => c.Turns), turn => Assert.Equal(a, turn.TenantId));
            Assert.Single(conversations.SelectMany(c => c.Turns));
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Without_a_tenant_queries_return_nothing_and_writes_are_refused(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid a = Guid.NewGuid();
        await SaveSamplesAsync(store, a);

        await using AsyncServiceScope scope = store.Scope(null);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();

        Assert.False(await db.Tenants.AnyAsync());
        Assert.False(await db.Secretaries.AnyAsync());
        Assert.False(await db.Conversations.AnyAsync());
        Assert.False(await db.Tickets.AnyAsync());
        Assert.Null(await db.Tenants.FindAsync(a));

        db.Secretaries.Add(new Secretary { Id = Guid.NewGuid(), TenantId = a, Name = "x", Extension = "8999" });
        TenantIsolationException refused = await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        Assert.Contains("no tenant is set", refused.Message, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Writes_for_another_tenant_are_refused_and_nothing_reaches_the_database(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        (Guid a, Guid b) = (Guid.NewGuid(), Guid.NewGuid());
        List<object> samplesA = await SaveSamplesAsync(store, a);
        List<object> samplesB = await SaveSamplesAsync(store, b);
        Secretary secretaryB = samplesB.OfType<Secretary>().Single();
        string greetingB = secretaryB.Greeting;

        // Insert a row for B while working for A.
        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Tickets.Add(new Ticket { Id = Guid.NewGuid(), TenantId = b, Number = 999, Subject = "intruder" });
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        // Update and delete B's rows obtained elsewhere (attached to A's context).
        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Secretaries.Attach(secretaryB);
            secretaryB.Greeting = "hijacked";
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Tenants.Remove(new Tenant { Id = b });
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        // Move A's own row to B.
        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Secretary mine = await db.Secretaries.SingleAsync();
            mine.TenantId = b;
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }

        await using (AsyncServiceScope scope = store.Scope(b))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Assert.False(await db.Tickets.AnyAsync(t => t.Subject == "intruder"));
            Assert.Equal(greetingB, (await db.Secretaries.SingleAsync()).Greeting);
            Assert.True(await db.Tenants.AnyAsync());
            Assert.Single(await db.Secretaries.ToListAsync());
        }

        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Assert.Equal(samplesA.OfType<Secretary>().Single().Id, (await db.Secretaries.SingleAsync()).Id);
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Set_based_updates_touch_only_the_current_tenant(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        (Guid a, Guid b) = (Guid.NewGuid(), Guid.NewGuid());
        await SaveSamplesAsync(store, a);
        await SaveSamplesAsync(store, b);

        await using (AsyncServiceScope scope = store.Scope(a))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Assert.Equal(1, await db.Secretaries.ExecuteUpdateAsync(s => s.SetProperty(x => x.Greeting, "updated")));
            Assert.Equal(1, await db.Tickets.ExecuteDeleteAsync());
        }

        await using (AsyncServiceScope scope = store.Scope(b))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Assert.NotEqual("updated", (await db.Secretaries.SingleAsync()).Greeting);
            Assert.Equal(1, await db.Tickets.CountAsync());
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Tenant_directory_finds_any_tenant_by_id_or_domain_name_without_a_tenant_set(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        string domain = $"acme-{Guid.NewGuid():N}.example.com";
        Guid id = await store.CreateTenantAsync(domain);
        await using AsyncServiceScope scope = store.Scope(null);
        TenantDirectory directory = scope.ServiceProvider.GetRequiredService<TenantDirectory>();

        Assert.Equal(domain, (await directory.FindByIdAsync(id, CancellationToken.None))?.DomainName);
        Assert.Equal(id, (await directory.FindByDomainNameAsync(" " + domain.ToUpperInvariant(), CancellationToken.None))?.Id);
        Assert.Null(await directory.FindByDomainNameAsync("missing.example.com", CancellationToken.None));
        Assert.Contains(await directory.ListAsync(CancellationToken.None), tenant => tenant.Id == id);

        // The escape hatch is for tenants only: the same scope still sees no tenant-owned rows.
        Assert.False(await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().Tenants.AnyAsync());
    }

    [Fact]
    public void A_scope_serves_one_tenant()
    {
        var context = new TenantContext();
        Guid a = Guid.NewGuid();
        context.Set(a);
        context.Set(a);

        Assert.Equal(a, context.TenantId);
        Assert.Throws<InvalidOperationException>(() => context.Set(Guid.NewGuid()));
        Assert.Throws<ArgumentException>(() => new TenantContext().Set(Guid.Empty));
    }

    private static async Task<List<object>> SaveSamplesAsync(DatabaseStore store, Guid tenantId)
    {
        List<object> samples = EntitySamples.ForNewTenant(tenantId);
        await using AsyncServiceScope scope = store.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.AddRange(samples);
        await db.SaveChangesAsync();
        return samples;
    }
}
