using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Switchboard.Server.Data.Migrations;
using Switchboard.Server.Data.Migrations.Postgres;
using Switchboard.Server.Data.Migrations.Sqlite;

namespace Switchboard.Server.Data;

/// <summary>
/// Applies the provider's hand-written migrations (<c>Data/Migrations/{Sqlite,Postgres}</c>) in version order, each in
/// its own transaction together with its <c>schema_migrations</c> row. Nodes starting together take turns: on
/// PostgreSQL every step holds a transaction-scoped advisory lock, on SQLite <c>BEGIN IMMEDIATE</c> holds the write
/// lock. Never uses EnsureCreated.
/// </summary>
public sealed class DatabaseMigrator
{
    /// <summary>Advisory lock key for schema changes and seeding ("Swbd" in ASCII).</summary>
    internal const long PostgresLockKey = 0x53776264;

    private readonly DataOptions _options;
    private readonly ILogger<DatabaseMigrator> _logger;
    private readonly TimeProvider _time;

    public DatabaseMigrator(IOptions<DataOptions> options, ILogger<DatabaseMigrator> logger, TimeProvider timeProvider)
    {
        _options = options.Value;
        _logger = logger;
        _time = timeProvider;
    }

    /// <summary>The migrations of a provider, in version order.</summary>
    public static IReadOnlyList<SchemaMigration> MigrationsFor(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? PostgresMigrations.All : SqliteMigrations.All;

    /// <summary>The schema version this build expects.</summary>
    public int LatestVersion => MigrationsFor(_options.Provider)[^1].Version;

    /// <summary>Brings the schema up to <see cref="LatestVersion"/>; returns how many migrations it applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SchemaMigration> migrations = MigrationsFor(_options.Provider);
        await using DbConnection connection = await OpenAsync(cancellationToken);
        if (_options.Provider == DatabaseProvider.Sqlite)
        {
            // Readers keep reading while a call writes; persistent for the file, and refused inside a transaction.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        }

        int applied = 0;
        while (true)
        {
            await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, LockAndCreateHistorySql(), cancellationToken);
            int current = await ReadVersionAsync(connection, transaction, cancellationToken);
            SchemaMigration? next = migrations.FirstOrDefault(migration => migration.Version > current);
            if (next is null)
            {
                await transaction.CommitAsync(cancellationToken);
                if (current > migrations[^1].Version)
                {
                    Log.SchemaNewerThanCode(_logger, _options.Provider, current, migrations[^1].Version);
                }
                else
                {
                    Log.SchemaUpToDate(_logger, _options.Provider, current);
                }

                return applied;
            }

            await ExecuteAsync(connection, transaction, next.Sql, cancellationToken);
            await using (DbCommand record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO {HistoryTable} (version, name, applied_at) VALUES ({Parameter("v")}, {Parameter("n")}, {Parameter("a")})";
                AddParameter(record, "v", next.Version);
                AddParameter(record, "n", next.Name);
                AddParameter(record, "a", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied++;
            Log.MigrationApplied(_logger, _options.Provider, next.Version, next.Name);
        }
    }

    /// <summary>The highest applied version; 0 for an empty database.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = await OpenAsync(cancellationToken);
        await using DbCommand exists = connection.CreateCommand();
        exists.CommandText = _options.Provider == DatabaseProvider.Postgres
            ? $"SELECT to_regclass('{SwitchboardDbContext.PostgresSchema}.schema_migrations') IS NOT NULL"
            : "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        object? found = await exists.ExecuteScalarAsync(cancellationToken);
        return Convert.ToBoolean(found, CultureInfo.InvariantCulture)
            ? await ReadVersionAsync(connection, null, cancellationToken)
            : 0;
    }

    internal async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        string connectionString = _options.ConnectionString
            ?? throw new InvalidOperationException("Data:ConnectionString is not set.");
        DbConnection connection;
        if (_options.Provider == DatabaseProvider.Postgres)
        {
            connection = new NpgsqlConnection(connectionString);
        }
        else
        {
            string file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder && file != ":memory:")
            {
                Directory.CreateDirectory(folder);
            }

            connection = new SqliteConnection(connectionString);
        }

        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private string HistoryTable => _options.Provider == DatabaseProvider.Postgres
        ? $"{SwitchboardDbContext.PostgresSchema}.schema_migrations"
        : "schema_migrations";

    private string LockAndCreateHistorySql() => _options.Provider == DatabaseProvider.Postgres
        ? $"""
           SELECT pg_advisory_xact_lock({PostgresLockKey});
           CREATE SCHEMA IF NOT EXISTS {SwitchboardDbContext.PostgresSchema};
           CREATE TABLE IF NOT EXISTS {HistoryTable} (
               version integer NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
               name text NOT NULL,
               applied_at text NOT NULL
           );
           """
        : """
          CREATE TABLE IF NOT EXISTS schema_migrations (
              version INTEGER NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
              name TEXT NOT NULL,
              applied_at TEXT NOT NULL
          );
          """;

    private async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COALESCE(MAX(version), 0) FROM {HistoryTable}";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string Parameter(string name) => (_options.Provider == DatabaseProvider.Postgres ? "@" : "$") + name;

    private void AddParameter(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = Parameter(name);
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
