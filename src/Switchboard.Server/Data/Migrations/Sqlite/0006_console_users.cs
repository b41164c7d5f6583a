namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0006ConsoleUsers =
        """
        -- 0006 People who log in to the admin console, with their role and (except admins) their tenant.
        CREATE TABLE console_users (
            id TEXT NOT NULL CONSTRAINT pk_console_users PRIMARY KEY,
            user_name TEXT NOT NULL,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            tenant_id TEXT NULL,
            enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_console_users_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_console_users_user_name ON console_users (user_name);

        CREATE INDEX ix_console_users_tenant_id ON console_users (tenant_id);
        """;
}
