using System.Reflection;
using Switchboard.Server.Data;
using Xunit.Sdk;

namespace Switchboard.Server.Tests.Support;

/// <summary>Runs a store theory on SQLite (a temporary file). Always available.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SqliteDataAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[DatabaseProvider.Sqlite]];
}

/// <summary>
/// Runs a store theory on PostgreSQL when <c>SWITCHBOARD_TEST_POSTGRES</c> holds a connection string without a
/// database (test.sh starts a private server and sets it); otherwise the case is reported as skipped, never run on
/// SQLite instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresDataAttribute : DataAttribute
{
    public const string EnvironmentVariable = "SWITCHBOARD_TEST_POSTGRES";

    public PostgresDataAttribute()
    {
        if (string.IsNullOrWhiteSpace(DatabaseFixture.PostgresServer))
        {
            Skip = $"PostgreSQL not available: set {EnvironmentVariable} (e.g. \"Host=127.0.0.1;Port=5432;Username=postgres\"); test.sh does.";
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[DatabaseProvider.Postgres]];
}
