using Microsoft.Data.Sqlite;
using Npgsql;
using Switchboard.Server.Data;

namespace Switchboard.Server.Tests.Support;

/// <summary>
/// Databases for one test class: a migrated store per provider (created on first use, dropped at the end), plus
/// empty databases on request. PostgreSQL databases are <c>sb_test_&lt;guid&gt;</c> on the server named by
/// <c>SWITCHBOARD_TEST_POSTGRES</c>; SQLite ones are files in a temporary folder.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresDataAttribute.EnvironmentVariable);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<DatabaseProvider, DatabaseStore> _migrated = [];
    private readonly List<DatabaseStore> _stores = [];
    private readonly List<string> _postgresDatabases = [];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sb-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The class's migrated store for <paramref name="provider"/>; tests isolate themselves by tenant.</summary>
    public async Task<DatabaseStore> MigratedAsync(DatabaseProvider provider)
    {
        await _gate.WaitAsync(TimeSpan.FromMinutes(1));
        try
        {
            if (!_migrated.TryGetValue(provider, out DatabaseStore? store))
            {
                store = await EmptyAsync(provider);
                await store.Migrator.MigrateAsync(CancellationToken.None);
                _migrated[provider] = store;
            }

            return store;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new database with nothing in it.</summary>
    public async Task<DatabaseStore> EmptyAsync(DatabaseProvider provider)
    {
        string connectionString = await CreateDatabaseAsync(provider);
        var store = new DatabaseStore(provider, connectionString, Path.Combine(_folder, Guid.NewGuid().ToString("N")));
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>Connection string of a new, empty database.</summary>
    public async Task<string> CreateDatabaseAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(_folder);
            return $"Data Source={Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db")}";
        }

        string server = PostgresServer ?? throw new InvalidOperationException("PostgreSQL is not available.");
        string name = "sb_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        lock (_postgresDatabases)
        {
            _postgresDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (DatabaseStore store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_postgresDatabases.Count > 0)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer!) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync();
            foreach (string name in _postgresDatabases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        _gate.Dispose();
    }
}
