using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Data;

public sealed class RoundTripTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Every_entity_round_trips_with_every_field_populated(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenantId = Guid.NewGuid();
        List<object> samples = EntitySamples.ForNewTenant(tenantId);

        await using (AsyncServiceScope scope = store.Scope(tenantId))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            IEnumerable<IEntityType> entityTypes = db.Model.GetEntityTypes();
            Assert.Equal(
                entityTypes.Select(type => type.ClrType.Name).Order(),
                samples.Select(sample => sample.GetType().Name).Distinct().Order());
            foreach (object sample in samples)
            {
                AssertEveryFieldDiffersFromItsDefault(db.Model.FindEntityType(sample.GetType())!, sample);
            }

            db.AddRange(samples);
            await db.SaveChangesAsync();
        }

        await using (AsyncServiceScope scope = store.Scope(tenantId))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            foreach (object sample in samples)
            {
                IEntityType entityType = db.Model.FindEntityType(sample.GetType())!;
                object?[] key = entityType.FindPrimaryKey()!.Properties.Select(property => property.PropertyInfo!.GetValue(sample)).ToArray();
                object loaded = await db.FindAsync(sample.GetType(), key) ?? throw new Xunit.Sdk.XunitException($"{entityType.ClrType.Name} not found");
                foreach (IProperty property in entityType.GetProperties())
                {
                    object? expected = property.PropertyInfo!.GetValue(sample);
                    object? actual = property.PropertyInfo.GetValue(loaded);
                    bool same = (expected, actual) switch
                    {
                        // Stored as an instant: read back in UTC.
                        (DateTimeOffset wrote, DateTimeOffset read) => wrote.UtcTicks == read.UtcTicks && read.Offset == TimeSpan.Zero,
                        (string json, string read) when property.FindAnnotation(JsonColumn.Annotation) is not null =>
                            JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(read)), // jsonb re-spaces text
                        _ => property.GetValueComparer().Equals(expected, actual),
                    };
                    Assert.True(same, $"{entityType.ClrType.Name}.{property.Name}: wrote {expected}, read {actual}");
                }
            }
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Timestamps_are_ordered_by_instant_whatever_their_offset(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenantId = await store.CreateTenantAsync();
        var early = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.FromHours(5));   // 07:00 UTC
        var late = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(-3));    // 11:00 UTC

        await using AsyncServiceScope scope = store.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.Conversations.AddRange(
            new Server.Calls.Conversation { Id = Guid.NewGuid(), CallUuid = "late", StartedAt = late },
            new Server.Calls.Conversation { Id = Guid.NewGuid(), CallUuid = "early", StartedAt = early });
        await db.SaveChangesAsync();

        List<string> ordered = await db.Conversations.AsNoTracking().OrderBy(c => c.StartedAt).Select(c => c.CallUuid).ToListAsync();
        List<string> after = await db.Conversations.AsNoTracking()
            .Where(c => c.StartedAt > new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)).Select(c => c.CallUuid).ToListAsync();

        Assert.Equal(["early", "late"], ordered);
        Assert.Equal(["late"], after);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Saving_stamps_tenant_and_timestamps_from_the_time_provider(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenantId = await store.CreateTenantAsync();
        await using AsyncServiceScope scope = store.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        var secretary = new Server.Secretaries.Secretary { Id = Guid.NewGuid(), Name = "S", Extension = "8001" };

        DateTimeOffset before = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        db.Secretaries.Add(secretary);
        await db.SaveChangesAsync();
        DateTimeOffset created = secretary.CreatedAt;

        Assert.Equal(tenantId, secretary.TenantId);
        Assert.InRange(created, before, TimeProvider.System.GetUtcNow().AddSeconds(1));
        Assert.Equal(created, secretary.UpdatedAt);
    }

    private static void AssertEveryFieldDiffersFromItsDefault(IEntityType entityType, object sample)
    {
        object fresh = Activator.CreateInstance(entityType.ClrType)!;
        foreach (IProperty property in entityType.GetProperties())
        {
            ValueComparer comparer = property.GetValueComparer();
            object? value = property.PropertyInfo!.GetValue(sample);
            Assert.False(
                value is null || comparer.Equals(value, property.PropertyInfo.GetValue(fresh)),
                $"The sample {entityType.ClrType.Name}.{property.Name} keeps its default; set it so the round trip checks it.");
        }
    }
}
