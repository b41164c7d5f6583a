using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Server.Data;

/// <summary>Ready when the database answers and its schema is at least the version this build expects.</summary>
public sealed class DatabaseHealthCheck : IHealthCheck
{
    private readonly DatabaseMigrator _migrator;

    public DatabaseHealthCheck(DatabaseMigrator migrator)
    {
        _migrator = migrator;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            int version = await _migrator.GetSchemaVersionAsync(cancellationToken);
            int expected = _migrator.LatestVersion;
            return version >= expected
                ? HealthCheckResult.Healthy($"Schema version {version}.")
                : new HealthCheckResult(context.Registration.FailureStatus, $"Schema version {version}; this node needs {expected}.");
        }
        catch (DbException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.", exception);
        }
        catch (InvalidOperationException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The database is not configured.", exception);
        }
    }
}
