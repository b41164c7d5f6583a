using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Destinations;

/// <summary>
/// One real host per store for a test class (the full <c>Program</c>, its own database), created on first use.
/// Tests isolate themselves by creating their own tenants.
/// </summary>
public sealed class DestinationsApiFixture : IAsyncLifetime
{
    public const string ApiKey = "test-operator-key-destinations";

    private readonly DatabaseFixture _databases = new();
    private readonly Dictionary<DatabaseProvider, SwitchboardServerFactory> _hosts = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<SwitchboardServerFactory> HostAsync(DatabaseProvider provider)
    {
        await _gate.WaitAsync(TimeSpan.FromMinutes(1));
        try
        {
            if (!_hosts.TryGetValue(provider, out SwitchboardServerFactory? host))
            {
                host = new SwitchboardServerFactory()
                    .UseSetting("Data:Provider", provider.ToString())
                    .UseSetting("Data:ConnectionString", await _databases.CreateDatabaseAsync(provider))
                    .UseSetting("Security:AdminApiKey", ApiKey);
                _ = host.Services;
                _hosts[provider] = host;
            }

            return host;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A client with the operator key.</summary>
    public async Task<HttpClient> ApiAsync(DatabaseProvider provider)
    {
        HttpClient http = (await HostAsync(provider)).CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    /// <summary>A new tenant with one secretary answering <paramref name="secretaryExtension"/>.</summary>
    public async Task<(Guid Tenant, Guid Secretary)> CreateTenantAsync(DatabaseProvider provider, string secretaryExtension = "8000")
    {
        SwitchboardServerFactory host = await HostAsync(provider);
        Guid tenantId = Guid.NewGuid();
        Guid secretaryId = Guid.NewGuid();
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.Tenants.Add(new Tenant { Id = tenantId, DomainName = $"t{tenantId:N}.example.com", DisplayName = "Tenant " + tenantId.ToString("N")[..6] });
        db.Secretaries.Add(new Secretary { Id = secretaryId, Name = "Secretária", Extension = secretaryExtension });
        await db.SaveChangesAsync();
        return (tenantId, secretaryId);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (SwitchboardServerFactory host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        await _databases.DisposeAsync();
        _gate.Dispose();
    }
}

internal static class HttpAssertions
{
    public static async Task<System.Text.Json.JsonElement> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>());
}
