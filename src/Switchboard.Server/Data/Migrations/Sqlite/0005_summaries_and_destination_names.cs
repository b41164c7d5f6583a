namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0005SummariesAndDestinationNames =
        """
        -- 0005 Conversation summary work items; destination names unique per tenant.
        CREATE TABLE conversation_summaries (
            id TEXT NOT NULL CONSTRAINT pk_conversation_summaries PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT NULL,
            method TEXT NULL,
            completed_at INTEGER NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_conversation_summaries_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
            CONSTRAINT fk_conversation_summaries_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_conversation_summaries_conversation_id ON conversation_summaries (conversation_id);

        CREATE INDEX ix_conversation_summaries_status_next_attempt_at ON conversation_summaries (status, next_attempt_at);

        CREATE INDEX ix_conversation_summaries_tenant_id ON conversation_summaries (tenant_id);

        -- Rows stored before names were checked keep their data: a later duplicate gets its id appended.
        UPDATE transfer_destinations
        SET name = substr(name, 1, 60) || ' #' || substr(id, 1, 8)
        WHERE EXISTS (
            SELECT 1 FROM transfer_destinations AS earlier
            WHERE earlier.tenant_id = transfer_destinations.tenant_id
              AND earlier.name = transfer_destinations.name
              AND (earlier.created_at < transfer_destinations.created_at
                   OR (earlier.created_at = transfer_destinations.created_at AND earlier.id < transfer_destinations.id)));

        CREATE UNIQUE INDEX ix_transfer_destinations_tenant_id_name ON transfer_destinations (tenant_id, name);
        """;
}
