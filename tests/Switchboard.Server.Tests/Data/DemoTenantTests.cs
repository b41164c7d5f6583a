using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Data;

public sealed class DemoTenantTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Two_startups_leave_one_demo_tenant_with_seed_one_destinations(DatabaseProvider provider)
    {
        string connectionString = await databases.CreateDatabaseAsync(provider);
        string dataRoot = Path.Combine(Path.GetTempPath(), "sb-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            await StartNodeAsync(provider, connectionString, dataRoot);
            await StartNodeAsync(provider, connectionString, dataRoot);

            await using ServiceProvider node = DatabaseStore.BuildServices(provider, connectionString, dataRoot, seedDemoTenant: false);
            await using AsyncServiceScope scope = node.CreateAsyncScope();
            Tenant? byDomain = await scope.ServiceProvider.GetRequiredService<TenantDirectory>()
                .FindByDomainNameAsync("demo.switchboard.local", CancellationToken.None);
            Assert.Equal(DemoTenant.Id, byDomain?.Id);
            Assert.Single(await scope.ServiceProvider.GetRequiredService<TenantDirectory>().ListAsync(CancellationToken.None));

            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Secretary secretary = await db.Secretaries.Include(s => s.Provider).SingleAsync();
            Assert.Equal(("Secretária Virtual", "8000", ProcessingMode.Auto, AiProviderType.Local), (secretary.Name, secretary.Extension, secretary.ProcessingMode, secretary.Provider!.Type));
            Assert.Equal("Olá! Você ligou para a Demo. Como posso ajudar?", secretary.Greeting);
            Assert.Equal("pt-BR", secretary.Language);
            Assert.Single(await db.AiProviders.ToListAsync());

            List<TransferDestination> destinations = await db.TransferDestinations.OrderBy(d => d.Name).ToListAsync();
            Assert.Equal(["Atendimento", "Jeni - Financeiro", "Suporte Técnico"], destinations.Select(d => d.Name));
            Assert.Equivalent(
                new
                {
                    DestinationType = TransferDestinationType.RingGroup,
                    DestinationNumber = "9000",
                    IsDefault = true,
                    Enabled = true,
                    Aliases = new[] { "atendimento", "atendente", "alguém", "pessoa", "humano", "operador" },
                    RingTimeoutSeconds = 30,
                    MaxRetries = 1,
                    RetryDelaySeconds = 5,
                    FallbackAction = TransferFallbackAction.OfferTicket,
                    Department = "Atendimento Geral",
                    Role = "Atendente",
                    Priority = 100,
                    DestinationContext = "demo.switchboard.local",
                    WorkingHours = new { Start = new TimeOnly(8, 0), End = new TimeOnly(18, 0), Days = Weekdays },
                },
                destinations[0]);
            Assert.Equivalent(
                new
                {
                    DestinationType = TransferDestinationType.Extension,
                    DestinationNumber = "1004",
                    IsDefault = false,
                    Aliases = new[] { "jeni", "jeniffer", "jennifer", "financeiro", "contas", "boleto", "pagamento" },
                    RingTimeoutSeconds = 25,
                    MaxRetries = 2,
                    RetryDelaySeconds = 3,
                    FallbackAction = TransferFallbackAction.OfferTicket,
                    Department = "Financeiro",
                    Role = "Analista Financeiro",
                    Priority = 50,
                    WorkingHours = new { Start = new TimeOnly(8, 0), End = new TimeOnly(17, 0), Days = Weekdays },
                },
                destinations[1]);
            Assert.Equivalent(
                new
                {
                    DestinationType = TransferDestinationType.Queue,
                    DestinationNumber = "5001",
                    IsDefault = false,
                    Aliases = new[] { "suporte", "técnico", "problema", "internet", "conexão", "lento", "caiu" },
                    RingTimeoutSeconds = 45,
                    MaxRetries = 1,
                    RetryDelaySeconds = 5,
                    FallbackAction = TransferFallbackAction.CreateTicket,
                    Department = "Suporte",
                    Role = "Técnico",
                    Priority = 75,
                    WorkingHours = new { Start = new TimeOnly(0, 0), End = new TimeOnly(23, 59), Days = AllDays },
                },
                destinations[2]);
            Assert.All(destinations, d => Assert.Equal(DemoTenant.SecretaryId, d.SecretaryId));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dataRoot))
            {
                Directory.Delete(dataRoot, recursive: true);
            }
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Nodes_starting_together_seed_the_demo_tenant_once(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.EmptyAsync(provider);
        await using ServiceProvider first = DatabaseStore.BuildServices(provider, store.ConnectionString, store.DataRoot, seedDemoTenant: true);
        await using ServiceProvider second = DatabaseStore.BuildServices(provider, store.ConnectionString, store.DataRoot, seedDemoTenant: true);

        await Task.WhenAll(
            Task.Run(() => first.MigrateDatabaseAsync(CancellationToken.None)),
            Task.Run(() => second.MigrateDatabaseAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(60));

        await using AsyncServiceScope scope = store.Scope(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Assert.Equal(1, await db.Tenants.CountAsync());
        Assert.Equal(3, await db.TransferDestinations.CountAsync());
    }

    private static readonly DayOfWeek[] Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly DayOfWeek[] AllDays =
        [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday];

    /// <summary>What Program.cs does at start-up: AddData, Build, MigrateDatabaseAsync.</summary>
    private static async Task StartNodeAsync(DatabaseProvider provider, string connectionString, string dataRoot)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Provider"] = provider.ToString(),
            ["Data:ConnectionString"] = connectionString,
            ["Data:DataRoot"] = dataRoot,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddData();
        await using WebApplication app = builder.Build();
        await app.MigrateDatabaseAsync();
    }
}
