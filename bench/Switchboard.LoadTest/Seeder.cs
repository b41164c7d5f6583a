using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;

namespace Switchboard.LoadTest;

/// <summary>
/// Seeds the store before the server starts, with the server's own types: the same data registration
/// (<c>AddData</c>: SQLite file, Data Protection key ring under the data folder, migrations, demo tenant) in a small
/// host of this process, then an OpenAI Realtime provider row pointing at the fake, with its API key encrypted by
/// <see cref="ProviderSecrets"/> under the key ring the server will read, and the demo secretary switched to it.
/// There is no REST API for providers yet; this is what an operator's admin page would write.
/// </summary>
public static class Seeder
{
    public static readonly Guid LoadProviderId = new("5a17c4b0-0de0-4d3e-9a11-00000000100a");

    public static async Task SeedAsync(string dataRoot, Uri fakeEndpoint, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            ServerProcess.Configuration(dataRoot).Select(c => KeyValuePair.Create(c.Key.Replace("__", ":", StringComparison.Ordinal), (string?)c.Value)));
        builder.AddData();
        await using WebApplication app = builder.Build();
        await app.MigrateDatabaseAsync();

        await using AsyncServiceScope scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        ProviderSecrets secrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>();
        string settings = $$"""{"endpoint":"{{fakeEndpoint}}","model":"gpt-realtime"}""";
        AiProvider? provider = await db.AiProviders.FirstOrDefaultAsync(p => p.Id == LoadProviderId, cancellationToken);
        if (provider is null)
        {
            provider = new AiProvider { Id = LoadProviderId, Name = "OpenAI Realtime (load fake)", Type = AiProviderType.OpenAiRealtime };
            db.AiProviders.Add(provider);
        }

        provider.Settings = settings;
        provider.ProtectedSecrets = secrets.Protect(new Dictionary<string, string> { ["api_key"] = RealtimeLoadFake.ApiKey });
        await db.SaveChangesAsync(cancellationToken);
        await db.Secretaries.Where(s => s.Id == DemoTenant.SecretaryId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ProviderId, LoadProviderId), cancellationToken);
    }
}
