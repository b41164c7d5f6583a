namespace Switchboard.Server.Data.Migrations.Postgres;

internal static partial class PostgresMigrations
{
    private const string V0005SummariesAndDestinationNames =
        """
        -- 0005 Conversation summary work items; destination names unique per tenant.
        CREATE TABLE switchboard.conversation_summaries (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            conversation_id uuid NOT NULL,
            status text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_at timestamp with time zone NOT NULL,
            last_error character varying(2000),
            method character varying(32),
            completed_at timestamp with time zone,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_conversation_summaries PRIMARY KEY (id),
            CONSTRAINT fk_conversation_summaries_conversation_id FOREIGN KEY (conversation_id) REFERENCES switchboard.conversations (id) ON DELETE CASCADE,
            CONSTRAINT fk_conversation_summaries_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_conversation_summaries_conversation_id ON switchboard.conversation_summaries (conversation_id);

        CREATE INDEX ix_conversation_summaries_status_next_attempt_at ON switchboard.conversation_summaries (status, next_attempt_at);

        CREATE INDEX ix_conversation_summaries_tenant_id ON switchboard.conversation_summaries (tenant_id);

        -- Rows stored before names were checked keep their data: a later duplicate gets its id appended.
        UPDATE switchboard.transfer_destinations AS later
        SET name = left(later.name, 60) || ' #' || left(later.id::text, 8)
        WHERE EXISTS (
            SELECT 1 FROM switchboard.transfer_destinations AS earlier
            WHERE earlier.tenant_id = later.tenant_id
              AND earlier.name = later.name
              AND (earlier.created_at < later.created_at OR (earlier.created_at = later.created_at AND earlier.id < later.id)));

        CREATE UNIQUE INDEX ix_transfer_destinations_tenant_id_name ON switchboard.transfer_destinations (tenant_id, name);
        """;
}
