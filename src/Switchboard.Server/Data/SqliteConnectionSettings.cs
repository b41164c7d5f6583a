using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Switchboard.Server.Data;

/// <summary>
/// Per-connection settings of the embedded SQLite store. The file is in WAL mode (set by the migrator, persistent);
/// <c>synchronous=NORMAL</c> then syncs the log at checkpoints instead of on every commit — a call writes a transcript
/// line per turn, and an <c>fsync</c> each time blocks a thread-pool thread for milliseconds on a busy disk. WAL with
/// NORMAL never corrupts the file; a power cut (not a crash of the process) may lose the last commits.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static SqliteConnectionSettings Instance { get; } = new();

    private const string Pragmas = "PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using DbCommand command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
