using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Tests.Tools;

/// <summary>
/// A node's services with the tools (<c>AddSwitchboardData</c> + <c>AddTools</c>) on one of the fixture's migrated
/// stores; the store itself seeds and reads rows.
/// </summary>
internal sealed class ToolsHost : IAsyncDisposable
{
    private ToolsHost(DatabaseStore store, ServiceProvider services)
    {
        Store = store;
        Services = services;
    }

    public DatabaseStore Store { get; }

    public ServiceProvider Services { get; }

    public CallTools Tools => Services.GetRequiredService<CallTools>();

    public static async Task<ToolsHost> StartAsync(
        DatabaseFixture databases,
        DatabaseProvider provider,
        Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        var values = new Dictionary<string, string?>
        {
            ["Data:Provider"] = provider.ToString(),
            ["Data:ConnectionString"] = store.ConnectionString,
            ["Data:DataRoot"] = store.DataRoot,
            ["Data:SeedDemoTenant"] = "false",
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment
        {
            ApplicationName = "Switchboard.Server.Tests",
            EnvironmentName = Environments.Development,
            ContentRootPath = store.DataRoot,
            ContentRootFileProvider = new NullFileProvider(),
        });
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        configure?.Invoke(services);
        services.AddSwitchboardData();
        services.AddTools();
        return new ToolsHost(store, services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
    }

    /// <summary>A call of <paramref name="tenant"/> from <paramref name="callerNumber"/>, with a fresh call uuid.</summary>
    public static ToolCallContext Call(Guid tenant, Guid? secretaryId = null, string callerNumber = "11988887777", string language = "pt-BR") =>
        new(tenant, secretaryId, ConversationId: null, CallUuid: Guid.NewGuid().ToString(), callerNumber, CallerName: null, language,
            Transcript: "Cliente: bom dia\nSecretária: olá");

    public async Task<Secretary> AddSecretaryAsync(Guid tenant, List<string>? tools = null, string? appointmentsWebhookUrl = null)
    {
        var secretary = new Secretary
        {
            Id = Guid.NewGuid(),
            Name = "Secretária",
            Extension = Random.Shared.Next(1000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            AppointmentsWebhookUrl = appointmentsWebhookUrl,
        };
        if (tools is not null)
        {
            secretary.Tools = tools;
        }

        await InTenantAsync(tenant, async db =>
        {
            db.Secretaries.Add(secretary);
            await db.SaveChangesAsync();
        });
        return secretary;
    }

    public async Task InTenantAsync(Guid tenant, Func<SwitchboardDbContext, Task> work)
    {
        await using AsyncServiceScope scope = Store.Scope(tenant);
        await work(scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>());
    }

    public async Task<T> InTenantAsync<T>(Guid tenant, Func<SwitchboardDbContext, Task<T>> work)
    {
        await using AsyncServiceScope scope = Store.Scope(tenant);
        return await work(scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>());
    }

    /// <summary>The audit rows of one call, oldest first.</summary>
    public Task<List<ToolInvocation>> AuditOfAsync(ToolCallContext call) =>
        InTenantAsync(call.TenantId, db => db.ToolInvocations.AsNoTracking()
            .Where(invocation => invocation.CallUuid == call.CallUuid)
            .OrderBy(invocation => invocation.CreatedAt)
            .ToListAsync());

    public static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
