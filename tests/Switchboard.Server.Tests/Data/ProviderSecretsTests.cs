using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Data;

public sealed class ProviderSecretsTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    private const string ApiKey = "sk-live-7f3c9a1e5b2d4c6e8a0b";

    [Theory, SqliteData, PostgresData]
    public async Task Secrets_are_stored_encrypted_and_round_trip(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        Guid tenant = await store.CreateTenantAsync();
        ProviderSecrets secrets = store.Services.GetRequiredService<ProviderSecrets>();
        Guid id = Guid.NewGuid();

        await using (AsyncServiceScope scope = store.Scope(tenant))
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.AiProviders.Add(new AiProvider
            {
                Id = id,
                Name = "OpenAI",
                Type = AiProviderType.OpenAiRealtime,
                ProtectedSecrets = secrets.Protect(new Dictionary<string, string> { ["api_key"] = ApiKey, ["org"] = "org-123" }),
            });
            await db.SaveChangesAsync();
        }

        string raw = await ReadRawSecretsAsync(store, id);
        Assert.DoesNotContain(ApiKey, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey))[..16], raw, StringComparison.Ordinal);
        Assert.DoesNotContain("api_key", raw, StringComparison.Ordinal);

        Dictionary<string, string> read = secrets.Unprotect(raw);
        Assert.Equal(ApiKey, read["api_key"]);
        Assert.Equal("org-123", read["org"]);
        Assert.Empty(secrets.Unprotect(""));
    }

    [Fact]
    public void The_key_ring_lives_in_the_data_folder_and_survives_a_restart()
    {
        string dataRoot = Path.Combine(Path.GetTempPath(), "sb-keys-" + Guid.NewGuid().ToString("N"));
        string otherRoot = dataRoot + "-other";
        try
        {
            string protectedValue;
            using (ServiceProvider node = DatabaseStore.BuildServices(DatabaseProvider.Sqlite, "Data Source=:memory:", dataRoot, seedDemoTenant: false))
            {
                protectedValue = node.GetRequiredService<ProviderSecrets>().Protect(new Dictionary<string, string> { ["api_key"] = ApiKey });
            }

            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataRoot, "keys"), "key-*.xml"));
            using (ServiceProvider restarted = DatabaseStore.BuildServices(DatabaseProvider.Sqlite, "Data Source=:memory:", dataRoot, seedDemoTenant: false))
            {
                Assert.Equal(ApiKey, restarted.GetRequiredService<ProviderSecrets>().Unprotect(protectedValue)["api_key"]);
            }

            using ServiceProvider stranger = DatabaseStore.BuildServices(DatabaseProvider.Sqlite, "Data Source=:memory:", otherRoot, seedDemoTenant: false);
            Assert.ThrowsAny<CryptographicException>(() => stranger.GetRequiredService<ProviderSecrets>().Unprotect(protectedValue));
        }
        finally
        {
            foreach (string folder in new[] { dataRoot, otherRoot }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Theory, SqliteData, PostgresData]
    public async Task Nodes_sharing_the_database_key_ring_read_each_others_secrets(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        string otherRoot = store.DataRoot + "-other-node";
        await using ServiceProvider nodeA = DatabaseStore.BuildServices(provider, store.ConnectionString, store.DataRoot, seedDemoTenant: false, keyRing: KeyRingStore.Database);
        await using ServiceProvider nodeB = DatabaseStore.BuildServices(provider, store.ConnectionString, otherRoot, seedDemoTenant: false, keyRing: KeyRingStore.Database);

        string protectedValue = nodeA.GetRequiredService<ProviderSecrets>().Protect(new Dictionary<string, string> { ["api_key"] = ApiKey });

        Assert.Equal(ApiKey, nodeB.GetRequiredService<ProviderSecrets>().Unprotect(protectedValue)["api_key"]);
        Assert.False(Directory.Exists(Path.Combine(otherRoot, "keys")));
        await using AsyncServiceScope scope = store.Scope(null);
        Assert.NotEmpty(scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().Set<DataProtectionKey>().ToList());
    }

    private static async Task<string> ReadRawSecretsAsync(DatabaseStore store, Guid id)
    {
        await using DbConnection connection = await store.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        bool postgres = store.Provider == DatabaseProvider.Postgres;
        command.CommandText = postgres
            ? "SELECT protected_secrets FROM switchboard.ai_providers WHERE id = @id"
            : "SELECT protected_secrets FROM ai_providers WHERE id = @id";
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = postgres ? id : id.ToString("D").ToUpperInvariant();
        command.Parameters.Add(parameter);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
