namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0003Tools =
        """
        -- 0003 The secretary's tools: which ones each secretary may use, contacts and appointments they read, and the audit of every tool call.
        -- Existing secretaries get the default tools (ToolNames.Defaults).
        ALTER TABLE secretaries ADD COLUMN tools TEXT NOT NULL DEFAULT '["take_message","create_ticket","lookup_customer","check_appointment","end_call","transfer_call"]';

        ALTER TABLE secretaries ADD COLUMN appointments_webhook_url TEXT NULL;

        -- Phones are E.164 (+5511988887777).
        CREATE TABLE contacts (
            id TEXT NOT NULL CONSTRAINT pk_contacts PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            name TEXT NOT NULL,
            phone TEXT NOT NULL,
            company TEXT NULL,
            email TEXT NULL,
            notes TEXT NULL,
            created_at INTEGER NOT NULL,
            CONSTRAINT fk_contacts_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE appointments (
            id TEXT NOT NULL CONSTRAINT pk_appointments PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            contact_phone TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            with_whom TEXT NULL,
            description TEXT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            CONSTRAINT fk_appointments_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        -- No foreign key to conversations: the audit outlives and may precede the conversation row.
        CREATE TABLE tool_invocations (
            id TEXT NOT NULL CONSTRAINT pk_tool_invocations PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            conversation_id TEXT NULL,
            call_uuid TEXT NOT NULL,
            name TEXT NOT NULL,
            arguments TEXT NOT NULL,
            result TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            succeeded INTEGER NOT NULL,
            error TEXT NULL,
            created_at INTEGER NOT NULL,
            CONSTRAINT fk_tool_invocations_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE INDEX ix_contacts_tenant_id_phone ON contacts (tenant_id, phone);

        CREATE INDEX ix_appointments_tenant_id_contact_phone_starts_at ON appointments (tenant_id, contact_phone, starts_at);

        CREATE INDEX ix_tool_invocations_tenant_id_created_at ON tool_invocations (tenant_id, created_at);

        CREATE INDEX ix_tool_invocations_call_uuid ON tool_invocations (call_uuid);

        CREATE INDEX ix_tool_invocations_conversation_id ON tool_invocations (conversation_id);
        """;
}
