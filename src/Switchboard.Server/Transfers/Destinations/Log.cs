namespace Switchboard.Server.Transfers.Destinations;

/// <summary>Destination administration log messages, event ids 3500-3549.</summary>
internal static partial class Log
{
    [LoggerMessage(3501, LogLevel.Information, "Destinations imported for tenant {TenantId}: {Created} created, {Updated} updated, {Deleted} deleted")]
    public static partial void Imported(ILogger logger, Guid tenantId, int created, int updated, int deleted);

    [LoggerMessage(3502, LogLevel.Information, "Destination import for tenant {TenantId} rejected: {RowCount} row(s) in error")]
    public static partial void ImportRejected(ILogger logger, Guid tenantId, int rowCount);
}
