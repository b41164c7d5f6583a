namespace Switchboard.Server.Data.Migrations.Postgres;

internal static partial class PostgresMigrations
{
    private const string V0004RecordingsAndHelpdesk =
        """
        -- 0004 Recording upload queue; helpdesk webhooks and their outbox.
        CREATE TABLE switchboard.recording_uploads (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            call_uuid character varying(64) NOT NULL,
            conversation_id uuid,
            call_started_at timestamp with time zone NOT NULL,
            local_path character varying(1024),
            object_key character varying(512) NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at timestamp with time zone NOT NULL,
            last_error character varying(2000),
            observed_size bigint,
            size_bytes bigint,
            uploaded_at timestamp with time zone,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_recording_uploads PRIMARY KEY (id),
            CONSTRAINT fk_recording_uploads_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_recording_uploads_tenant_id_call_uuid ON switchboard.recording_uploads (tenant_id, call_uuid);

        CREATE INDEX ix_recording_uploads_status_next_attempt_at ON switchboard.recording_uploads (status, next_attempt_at);

        CREATE TABLE switchboard.helpdesk_webhooks (
            tenant_id uuid NOT NULL,
            url character varying(2048) NOT NULL,
            protected_secret text NOT NULL,
            enabled boolean NOT NULL,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_helpdesk_webhooks PRIMARY KEY (tenant_id),
            CONSTRAINT fk_helpdesk_webhooks_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.helpdesk_outbox (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            ticket_id uuid NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at timestamp with time zone NOT NULL,
            last_error character varying(2000),
            last_status_code integer,
            delivered_at timestamp with time zone,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_helpdesk_outbox PRIMARY KEY (id),
            CONSTRAINT fk_helpdesk_outbox_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE,
            CONSTRAINT fk_helpdesk_outbox_ticket_id FOREIGN KEY (ticket_id) REFERENCES switchboard.tickets (id) ON DELETE CASCADE
        );

        CREATE INDEX ix_helpdesk_outbox_status_next_attempt_at ON switchboard.helpdesk_outbox (status, next_attempt_at);

        CREATE INDEX ix_helpdesk_outbox_tenant_id_created_at ON switchboard.helpdesk_outbox (tenant_id, created_at);

        CREATE INDEX ix_helpdesk_outbox_ticket_id ON switchboard.helpdesk_outbox (ticket_id);
        """;
}
