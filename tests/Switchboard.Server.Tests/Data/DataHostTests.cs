using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Data;

public sealed class DataHostTests
{
    [Fact]
    public async Task The_host_migrates_seeds_and_reports_the_database_ready()
    {
        string dataRoot = "";
        await using (var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host.UseTemporaryData(out dataRoot)))
        {
            IServiceProvider services = factory.Services;

            HealthReport report = await services.GetRequiredService<HealthCheckService>()
                .CheckHealthAsync(check => check.Tags.Contains("ready"));
            Assert.Equal(HealthStatus.Healthy, report.Entries["database"].Status);

            DataOptions options = services.GetRequiredService<IOptions<DataOptions>>().Value;
            Assert.Equal(dataRoot, options.DataRoot);
            Assert.True(File.Exists(Path.Combine(dataRoot, "switchboard.db")));

            await using AsyncServiceScope scope = services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
            IDbContextFactory<SwitchboardDbContext> contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<SwitchboardDbContext>>();
            await using SwitchboardDbContext db = await contexts.CreateDbContextAsync();
            Assert.Equal("8000", (await db.Secretaries.SingleAsync()).Extension);

            // The embedded store: WAL (persistent in the file) and synchronous=NORMAL (1) on every connection the
            // server opens, so a transcript line does not cost an fsync.
            await db.Database.OpenConnectionAsync();
            System.Data.Common.DbConnection connection = db.Database.GetDbConnection();
            await using System.Data.Common.DbCommand pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", (string?)await pragma.ExecuteScalarAsync());
            pragma.CommandText = "PRAGMA synchronous;";
            Assert.Equal(1L, (long?)await pragma.ExecuteScalarAsync());
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataRoot, recursive: true);
    }

    [Fact]
    public void Postgres_without_a_connection_string_fails_at_start_up_with_a_clear_message()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Data:Provider", "Postgres")
            .UseSetting("Data:DataRoot", Path.Combine(Path.GetTempPath(), "sb-unused")));

        OptionsValidationException failure = Assert.Throws<OptionsValidationException>(() => factory.Services);

        Assert.Contains("Data:ConnectionString is required when Data:Provider is Postgres.", failure.Message, StringComparison.Ordinal);
    }
}
