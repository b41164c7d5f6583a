namespace Switchboard.Server.Data.Migrations.Postgres;

internal static partial class PostgresMigrations
{
    private const string V0006ConsoleUsers =
        """
        -- 0006 People who log in to the admin console, with their role and (except admins) their tenant.
        CREATE TABLE switchboard.console_users (
            id uuid NOT NULL,
            user_name character varying(100) NOT NULL,
            display_name character varying(200) NOT NULL,
            password_hash text NOT NULL,
            role character varying(32) NOT NULL,
            tenant_id uuid,
            enabled boolean NOT NULL,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_console_users PRIMARY KEY (id),
            CONSTRAINT fk_console_users_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_console_users_user_name ON switchboard.console_users (user_name);

        CREATE INDEX ix_console_users_tenant_id ON switchboard.console_users (tenant_id);
        """;
}
