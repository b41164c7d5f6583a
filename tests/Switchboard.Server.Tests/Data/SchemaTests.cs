using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Data;

public sealed class SchemaTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Migrations_apply_to_an_empty_database_and_a_second_run_applies_nothing(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.EmptyAsync(provider);
        int known = DatabaseMigrator.MigrationsFor(provider).Count;

        Assert.Equal(0, await store.Migrator.GetSchemaVersionAsync(CancellationToken.None));
        Assert.Equal(known, await store.Migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(0, await store.Migrator.MigrateAsync(CancellationToken.None));
        Assert.Equal(DatabaseMigrator.MigrationsFor(provider)[^1].Version, await store.Migrator.GetSchemaVersionAsync(CancellationToken.None));
        Assert.Equal(known, await CountAsync(store, provider == DatabaseProvider.Postgres ? "switchboard.schema_migrations" : "schema_migrations"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Two_nodes_migrating_together_apply_each_migration_once(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.EmptyAsync(provider);
        await using ServiceProvider otherNode = DatabaseStore.BuildServices(provider, store.ConnectionString, store.DataRoot, seedDemoTenant: false);
        DatabaseMigrator other = otherNode.GetRequiredService<DatabaseMigrator>();

        int[] applied = await Task.WhenAll(
            Task.Run(() => store.Migrator.MigrateAsync(CancellationToken.None)),
            Task.Run(() => other.MigrateAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(DatabaseMigrator.MigrationsFor(provider).Count, applied.Sum());
    }

    [Theory, SqliteData, PostgresData]
    public async Task Migrated_schema_matches_the_model_table_by_table(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.MigratedAsync(provider);
        await using AsyncServiceScope scope = store.Scope(null);
        // The design-time model keeps everything the migrations must create (check constraints included).
        IRelationalModel model = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().GetService<IDesignTimeModel>().Model.GetRelationalModel();

        List<string> expected = Describe(model, provider);
        List<string> actual = provider == DatabaseProvider.Postgres
            ? await ReadPostgresSchemaAsync(store)
            : await ReadSqliteSchemaAsync(store);

        Assert.Equal(expected, actual);
        Assert.Contains(expected, line => line.StartsWith("column transfer_destinations.working_hours ", StringComparison.Ordinal));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Health_check_is_unhealthy_until_the_schema_is_migrated(DatabaseProvider provider)
    {
        DatabaseStore store = await databases.EmptyAsync(provider);
        var check = new DatabaseHealthCheck(store.Migrator);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("database", check, HealthStatus.Unhealthy, ["ready"]),
        };

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context)).Status);
        await store.Migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);
    }

    [Fact]
    public async Task Health_check_is_unhealthy_when_the_database_does_not_answer()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        await using ServiceProvider node = DatabaseStore.BuildServices(
            DatabaseProvider.Postgres, "Host=127.0.0.1;Port=1;Username=nobody;Timeout=5", Path.GetTempPath(), seedDemoTenant: false);
        var check = new DatabaseHealthCheck(node.GetRequiredService<DatabaseMigrator>());
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("database", check, HealthStatus.Unhealthy, ["ready"]),
        };

        HealthCheckResult result = await check.CheckHealthAsync(context).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.NotNull(result.Exception);
    }

    /// <summary>What the EF model says the schema is, one line per column, key, foreign key and index.</summary>
    private static List<string> Describe(IRelationalModel model, DatabaseProvider provider)
    {
        bool postgres = provider == DatabaseProvider.Postgres;
        var lines = new List<string>();
        foreach (ITable table in model.Tables)
        {
            Assert.Equal(postgres ? SwitchboardDbContext.PostgresSchema : null, table.Schema);
            lines.Add($"table {table.Name}");
            lines.AddRange(table.Columns.Select(column => $"column {table.Name}.{column.Name} {column.StoreType.ToLowerInvariant()} {(column.IsNullable ? "null" : "not null")}"));
            IPrimaryKeyConstraint key = table.PrimaryKey!;
            lines.Add($"pk {table.Name} {(postgres ? key.Name : "")}({Join(key.Columns)})");
            lines.AddRange(table.ForeignKeyConstraints.Select(fk =>
                $"fk {table.Name} {(postgres ? fk.Name : "")}({Join(fk.Columns)}) -> {fk.PrincipalTable.Name}({Join(fk.PrincipalColumns)}) {fk.OnDeleteAction}"));
            lines.AddRange(table.Indexes.Select(index =>
                $"ix {table.Name} {index.Name} {(index.IsUnique ? "unique " : "")}({Join(index.Columns)}) {Normalize(index.Filter)}"));
            if (postgres)
            {
                lines.AddRange(table.CheckConstraints.Select(check => $"ck {table.Name} {check.Name}"));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> ReadPostgresSchemaAsync(DatabaseStore store)
    {
        var lines = new List<string>();
        await using DbConnection connection = await store.OpenConnectionAsync();
        await ReadAsync(connection, """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'switchboard' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
            """, row => lines.Add($"table {row.GetString(0)}"));
        await ReadAsync(connection, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'switchboard' AND c.relkind = 'r' AND c.relname <> 'schema_migrations' AND a.attnum > 0 AND NOT a.attisdropped
            """, row => lines.Add($"column {row.GetString(0)}.{row.GetString(1)} {row.GetString(2)} {(row.GetBoolean(3) ? "not null" : "null")}"));
        await ReadAsync(connection, """
            SELECT con.conname, cl.relname, con.contype,
                   (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
                   ref.relname,
                   (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
                   con.confdeltype
            FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid LEFT JOIN pg_class ref ON ref.oid = con.confrelid
            WHERE con.connamespace = 'switchboard'::regnamespace AND cl.relname <> 'schema_migrations'
            """, row =>
            {
                string name = row.GetString(0), table = row.GetString(1);
                lines.Add(row.GetChar(2) switch
                {
                    'p' => $"pk {table} {name}({row.GetString(3)})",
                    'f' => $"fk {table} {name}({row.GetString(3)}) -> {row.GetString(4)}({row.GetString(5)}) {DeleteAction(row.GetChar(6))}",
                    'c' => $"ck {table} {name}",
                    char other => $"unexpected constraint {other} {table} {name}",
                });
            });
        await ReadAsync(connection, """
            SELECT i.relname, t.relname, ix.indisunique,
                   (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum),
                   pg_get_expr(ix.indpred, ix.indrelid)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'switchboard' AND NOT ix.indisprimary
            """, row => lines.Add(
                $"ix {row.GetString(1)} {row.GetString(0)} {(row.GetBoolean(2) ? "unique " : "")}({row.GetString(3)}) {Normalize(row.IsDBNull(4) ? null : row.GetString(4))}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> ReadSqliteSchemaAsync(DatabaseStore store)
    {
        var lines = new List<string>();
        var tables = new List<(string Name, string Sql)>();
        var indexSql = new Dictionary<string, string>();
        await using DbConnection connection = await store.OpenConnectionAsync();
        await ReadAsync(connection, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", row =>
        {
            if (row.GetString(0) == "table")
            {
                tables.Add((row.GetString(1), row.GetString(2)));
            }
            else if (row.GetString(0) == "index" && !row.IsDBNull(2))
            {
                indexSql[row.GetString(1)] = row.GetString(2);
            }
        });

        foreach ((string table, _) in tables)
        {
            lines.Add($"table {table}");
            var key = new SortedDictionary<long, string>();
            await ReadAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')", row =>
            {
                lines.Add($"column {table}.{row.GetString(0)} {row.GetString(1).ToLowerInvariant()} {(row.GetBoolean(2) ? "not null" : "null")}");
                if (row.GetInt64(3) > 0)
                {
                    key[row.GetInt64(3)] = row.GetString(0);
                }
            });
            lines.Add($"pk {table} ({string.Join(',', key.Values)})");

            var foreignKeys = new SortedDictionary<long, (string Principal, List<string> From, List<string> To, string OnDelete)>();
            await ReadAsync(connection, $"SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}') ORDER BY id, seq", row =>
            {
                if (!foreignKeys.TryGetValue(row.GetInt64(0), out var fk))
                {
                    fk = foreignKeys[row.GetInt64(0)] = (row.GetString(2), [], [], row.GetString(5));
                }

                fk.From.Add(row.GetString(3));
                fk.To.Add(row.GetString(4));
            });
            lines.AddRange(foreignKeys.Values.Select(fk =>
                $"fk {table} ({string.Join(',', fk.From)}) -> {fk.Principal}({string.Join(',', fk.To)}) {DeleteAction(fk.OnDelete)}"));

            var indexes = new List<(string Name, bool Unique)>();
            await ReadAsync(connection, $"SELECT name, \"unique\" FROM pragma_index_list('{table}') WHERE origin = 'c'",
                row => indexes.Add((row.GetString(0), row.GetBoolean(1))));
            foreach ((string name, bool unique) in indexes)
            {
                var columns = new List<string>();
                await ReadAsync(connection, $"SELECT name FROM pragma_index_info('{name}') ORDER BY seqno", row => columns.Add(row.GetString(0)));
                string sql = indexSql[name];
                int where = sql.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase);
                lines.Add($"ix {table} {name} {(unique ? "unique " : "")}({string.Join(',', columns)}) {Normalize(where < 0 ? null : sql[(where + 7)..])}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Join(IEnumerable<IColumn> columns) => string.Join(',', columns.Select(column => column.Name));

    private static string Normalize(string? filter) =>
        filter is null ? "" : "where " + new string(filter.Where(c => c is not ('(' or ')' or '"' or ';')).ToArray()).Trim().ToLowerInvariant();

    private static string DeleteAction(char postgres) => postgres switch
    {
        'c' => nameof(ReferentialAction.Cascade),
        'n' => nameof(ReferentialAction.SetNull),
        'a' => nameof(ReferentialAction.NoAction),
        'r' => nameof(ReferentialAction.Restrict),
        'd' => nameof(ReferentialAction.SetDefault),
        _ => "?" + postgres,
    };

    private static string DeleteAction(string sqlite) => sqlite switch
    {
        "CASCADE" => nameof(ReferentialAction.Cascade),
        "SET NULL" => nameof(ReferentialAction.SetNull),
        "NO ACTION" => nameof(ReferentialAction.NoAction),
        "RESTRICT" => nameof(ReferentialAction.Restrict),
        "SET DEFAULT" => nameof(ReferentialAction.SetDefault),
        _ => "?" + sqlite,
    };

    private static async Task ReadAsync(DbConnection connection, string sql, Action<DbDataReader> row)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            row(reader);
        }
    }

    private static async Task<long> CountAsync(DatabaseStore store, string table)
    {
        await using DbConnection connection = await store.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
