namespace Switchboard.Server.Data;

/// <summary>Data, tenancy and seeding: event ids 4000-4099.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Applied {Provider} schema migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, DatabaseProvider provider, int version, string name);

    [LoggerMessage(4002, LogLevel.Information, "{Provider} schema is at version {Version}")]
    public static partial void SchemaUpToDate(ILogger logger, DatabaseProvider provider, int version);

    [LoggerMessage(4003, LogLevel.Warning, "{Provider} schema is at version {Version}, newer than this node knows ({Known}); running an older node against a newer schema")]
    public static partial void SchemaNewerThanCode(ILogger logger, DatabaseProvider provider, int version, int known);

    [LoggerMessage(4004, LogLevel.Information, "Created demo tenant {DomainName} ({TenantId})")]
    public static partial void DemoTenantCreated(ILogger logger, string domainName, Guid tenantId);
}
