namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0004RecordingsAndHelpdesk =
        """
        -- 0004 Recording upload queue; helpdesk webhooks and their outbox.
        CREATE TABLE recording_uploads (
            id TEXT NOT NULL CONSTRAINT pk_recording_uploads PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            call_uuid TEXT NOT NULL,
            conversation_id TEXT NULL,
            call_started_at INTEGER NOT NULL,
            local_path TEXT NULL,
            object_key TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            observed_size INTEGER NULL,
            size_bytes INTEGER NULL,
            uploaded_at INTEGER NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_recording_uploads_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_recording_uploads_tenant_id_call_uuid ON recording_uploads (tenant_id, call_uuid);

        CREATE INDEX ix_recording_uploads_status_next_attempt_at ON recording_uploads (status, next_attempt_at);

        CREATE TABLE helpdesk_webhooks (
            tenant_id TEXT NOT NULL CONSTRAINT pk_helpdesk_webhooks PRIMARY KEY,
            url TEXT NOT NULL,
            protected_secret TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_helpdesk_webhooks_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE helpdesk_outbox (
            id TEXT NOT NULL CONSTRAINT pk_helpdesk_outbox PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            ticket_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            last_status_code INTEGER NULL,
            delivered_at INTEGER NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_helpdesk_outbox_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
            CONSTRAINT fk_helpdesk_outbox_ticket_id FOREIGN KEY (ticket_id) REFERENCES tickets (id) ON DELETE CASCADE
        );

        CREATE INDEX ix_helpdesk_outbox_status_next_attempt_at ON helpdesk_outbox (status, next_attempt_at);

        CREATE INDEX ix_helpdesk_outbox_tenant_id_created_at ON helpdesk_outbox (tenant_id, created_at);

        CREATE INDEX ix_helpdesk_outbox_ticket_id ON helpdesk_outbox (ticket_id);
        """;
}
