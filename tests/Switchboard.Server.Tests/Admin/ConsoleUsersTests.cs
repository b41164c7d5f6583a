using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Security;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Admin;

public sealed class ConsoleUsersTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task A_user_signs_in_with_their_password_in_any_case_of_their_name_and_never_with_another(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        await using (AsyncServiceScope scope = store.Scope(null))
        {
            await ActivatorUtilities.CreateInstance<ConsoleUsers>(scope.ServiceProvider)
                .CreateAsync("Ana.Souza", "Ana Souza", "correct horse", Roles.Attendant, tenant, CancellationToken.None);
        }

        await using (AsyncServiceScope scope = store.Scope(null))
        {
            ConsoleUsers users = ActivatorUtilities.CreateInstance<ConsoleUsers>(scope.ServiceProvider);
            ConsoleUser? ana = await users.CheckPasswordAsync("ana.souza", "correct horse", CancellationToken.None);
            Assert.NotNull(ana);
            Assert.Equal(("ana.souza", "Ana Souza", Roles.Attendant, (Guid?)tenant), (ana.UserName, ana.DisplayName, ana.Role, ana.TenantId));
            Assert.Null(await users.CheckPasswordAsync("ana.souza", "Correct horse", CancellationToken.None));
            Assert.Null(await users.CheckPasswordAsync("nobody", "correct horse", CancellationToken.None));

            // The stored value is a hash, not the password.
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            string hash = await db.Set<ConsoleUser>().Where(u => u.UserName == "ana.souza").Select(u => u.PasswordHash).SingleAsync();
            Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);

            // Names are unique whatever their case; attendants need a tenant; roles are the three known ones.
            await Assert.ThrowsAsync<DbUpdateException>(() => users.CreateAsync("ANA.SOUZA", "Other", "x", Roles.Supervisor, tenant, CancellationToken.None));
        }

        await using (AsyncServiceScope scope = store.Scope(null))
        {
            ConsoleUsers users = ActivatorUtilities.CreateInstance<ConsoleUsers>(scope.ServiceProvider);
            await Assert.ThrowsAsync<ArgumentException>(() => users.CreateAsync("bia", "Bia", "x", Roles.Attendant, null, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentException>(() => users.CreateAsync("caio", "Caio", "x", "root", null, CancellationToken.None));

            // A disabled account cannot sign in.
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await db.Set<ConsoleUser>().Where(u => u.UserName == "ana.souza").ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, false));
            Assert.Null(await users.CheckPasswordAsync("ana.souza", "correct horse", CancellationToken.None));
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Ticket_assignees_of_a_tenant_are_its_people_and_the_admins(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid mine = await store.CreateTenantAsync();
        Guid other = await store.CreateTenantAsync();
        await using AsyncServiceScope scope = store.Scope(null);
        ConsoleUsers users = ActivatorUtilities.CreateInstance<ConsoleUsers>(scope.ServiceProvider);
        await users.CreateAsync("root", "Root", "x", Roles.Admin, null, CancellationToken.None);
        await users.CreateAsync("sup", "Supervisor", "x", Roles.Supervisor, mine, CancellationToken.None);
        await users.CreateAsync("att", "Attendant", "x", Roles.Attendant, mine, CancellationToken.None);
        await users.CreateAsync("elsewhere", "Elsewhere", "x", Roles.Attendant, other, CancellationToken.None);

        IReadOnlyList<ConsoleUser> assignees = await users.ListForTenantAsync(mine, CancellationToken.None);

        Assert.Equal(["att", "root", "sup"], assignees.Select(u => u.UserName).Order(StringComparer.Ordinal));
    }
}
