using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Observability;
using Switchboard.Server.Recordings;
using Switchboard.Server.Security;
using Switchboard.Server.Summaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tickets.Helpdesk;

namespace Switchboard.Server.Tests.Recordings;

/// <summary>
/// A node with the observability, data, security, recordings, helpdesk and summaries features wired as <c>Program</c> will wire
/// them (<c>AddRecordings</c>/<c>MapRecordings</c>, <c>AddHelpdesk</c>/<c>MapHelpdesk</c>, <c>AddSummaries</c>), on real Kestrel at a loopback
/// port, over a given database and data folder, so a second host on the same ones is "the node after a restart".
/// </summary>
public sealed class StorageTestHost : IAsyncDisposable
{
    public const string AdminKey = "test-operator-key-0123456789";

    private readonly WebApplication _app;

    private StorageTestHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Follows redirects; no credentials.</summary>
    public HttpClient Client { get; }

    public static async Task<StorageTestHost> StartAsync(
        DatabaseProvider provider, string connectionString, string dataRoot, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = Directory.CreateDirectory(dataRoot).FullName,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Provider"] = provider.ToString(),
            ["Data:ConnectionString"] = connectionString,
            ["Data:DataRoot"] = dataRoot,
            ["Data:SeedDemoTenant"] = "false",
            ["Security:AdminApiKey"] = AdminKey,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddObservability();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddData();
        builder.AddSecurity();
        builder.AddRecordings();
        builder.AddHelpdesk();
        builder.AddSummaries();
        WebApplication app = builder.Build();
        await app.MigrateDatabaseAsync();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapObservability();
        app.MapRecordings();
        app.MapHelpdesk();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StorageTestHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>An HTTP client presenting the operator API key.</summary>
    public HttpClient OperatorClient()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>A scope working for <paramref name="tenantId"/>.</summary>
    public AsyncServiceScope Scope(Guid tenantId)
    {
        AsyncServiceScope scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return scope;
    }

    public async Task<Guid> CreateTenantAsync(string domainName)
    {
        Guid id = Guid.NewGuid();
        await using AsyncServiceScope scope = Scope(id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.Tenants.Add(new Tenant { Id = id, DomainName = domainName, DisplayName = domainName, TimeZone = "America/Sao_Paulo" });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A finished conversation of <paramref name="callUuid"/> with one ticket; returns both ids.</summary>
    public async Task<(Guid ConversationId, Guid TicketId)> CreateCallWithTicketAsync(Guid tenantId, string callUuid, DateTimeOffset startedAt, long ticketNumber = 1)
    {
        await using AsyncServiceScope scope = Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        var conversation = new Conversation { Id = Guid.NewGuid(), CallUuid = callUuid, CallerNumber = "5511999990000", StartedAt = startedAt, EndedAt = startedAt.AddMinutes(2) };
        var ticket = new Ticket { Id = Guid.NewGuid(), Number = ticketNumber, Subject = "Boleto", Message = "Preciso da segunda via", ConversationId = conversation.Id };
        db.Conversations.Add(conversation);
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return (conversation.Id, ticket.Id);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
