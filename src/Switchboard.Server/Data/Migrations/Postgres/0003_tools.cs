namespace Switchboard.Server.Data.Migrations.Postgres;

internal static partial class PostgresMigrations
{
    private const string V0003Tools =
        """
        -- 0003 The secretary's tools: which ones each secretary may use, contacts and appointments they read, and the audit of every tool call.
        -- Existing secretaries get the default tools (ToolNames.Defaults).
        ALTER TABLE switchboard.secretaries ADD COLUMN tools jsonb NOT NULL
            DEFAULT '["take_message","create_ticket","lookup_customer","check_appointment","end_call","transfer_call"]'::jsonb;

        ALTER TABLE switchboard.secretaries ADD COLUMN appointments_webhook_url character varying(2048);

        -- Phones are E.164 (+5511988887777).
        CREATE TABLE switchboard.contacts (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            name character varying(200) NOT NULL,
            phone character varying(32) NOT NULL,
            company character varying(200),
            email character varying(320),
            notes text,
            created_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_contacts PRIMARY KEY (id),
            CONSTRAINT fk_contacts_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.appointments (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            contact_phone character varying(32) NOT NULL,
            starts_at timestamp with time zone NOT NULL,
            with_whom character varying(200),
            description text,
            status text NOT NULL,
            created_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_appointments PRIMARY KEY (id),
            CONSTRAINT fk_appointments_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        -- No foreign key to conversations: the audit outlives and may precede the conversation row.
        CREATE TABLE switchboard.tool_invocations (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            conversation_id uuid,
            call_uuid character varying(64) NOT NULL,
            name character varying(64) NOT NULL,
            arguments text NOT NULL,
            result jsonb NOT NULL,
            duration_ms integer NOT NULL,
            succeeded boolean NOT NULL,
            error character varying(1000),
            created_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_tool_invocations PRIMARY KEY (id),
            CONSTRAINT fk_tool_invocations_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE INDEX ix_contacts_tenant_id_phone ON switchboard.contacts (tenant_id, phone);

        CREATE INDEX ix_appointments_tenant_id_contact_phone_starts_at ON switchboard.appointments (tenant_id, contact_phone, starts_at);

        CREATE INDEX ix_tool_invocations_tenant_id_created_at ON switchboard.tool_invocations (tenant_id, created_at);

        CREATE INDEX ix_tool_invocations_call_uuid ON switchboard.tool_invocations (call_uuid);

        CREATE INDEX ix_tool_invocations_conversation_id ON switchboard.tool_invocations (conversation_id);
        """;
}
