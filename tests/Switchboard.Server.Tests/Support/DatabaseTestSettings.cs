using Microsoft.AspNetCore.Hosting;
using Switchboard.Server.Data;

namespace Switchboard.Server.Tests.Support;

/// <summary>
/// Points a <c>WebApplicationFactory&lt;Program&gt;</c> host at a private data folder (SQLite file, key ring), so
/// integration tests never write into the source tree and never share state. Call from <c>ConfigureWebHost</c>;
/// delete the returned <c>dataRoot</c> when the factory is disposed.
/// </summary>
public static class DatabaseTestSettings
{
    public static IWebHostBuilder UseTemporaryData(this IWebHostBuilder builder, out string dataRoot, bool seedDemoTenant = true)
    {
        dataRoot = Path.Combine(Path.GetTempPath(), "sb-host-" + Guid.NewGuid().ToString("N"));
        return builder
            .UseSetting($"{DataOptions.SectionName}:{nameof(DataOptions.Provider)}", nameof(DatabaseProvider.Sqlite))
            .UseSetting($"{DataOptions.SectionName}:{nameof(DataOptions.ConnectionString)}", $"Data Source={Path.Combine(dataRoot, "switchboard.db")}")
            .UseSetting($"{DataOptions.SectionName}:{nameof(DataOptions.DataRoot)}", dataRoot)
            .UseSetting($"{DataOptions.SectionName}:{nameof(DataOptions.SeedDemoTenant)}", seedDemoTenant.ToString());
    }
}
