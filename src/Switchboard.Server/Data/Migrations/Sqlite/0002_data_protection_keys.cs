namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0002DataProtectionKeys =
        """
        -- 0002 Data Protection key ring in the database (Data:KeyRing = Database).
        CREATE TABLE data_protection_keys (
            id INTEGER NOT NULL CONSTRAINT pk_data_protection_keys PRIMARY KEY AUTOINCREMENT,
            friendly_name TEXT NOT NULL,
            xml TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """;
}
