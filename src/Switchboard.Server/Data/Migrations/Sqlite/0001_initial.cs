namespace Switchboard.Server.Data.Migrations.Sqlite;

internal static partial class SqliteMigrations
{
    private const string V0001Initial =
        """
        -- 0001 initial (SQLite). Guids are upper-case TEXT, timestamps UTC ticks (INTEGER), decimals TEXT, enums snake_case TEXT, JSON TEXT.
        -- One row per FusionPBX domain; id = domain_uuid, domain_name = dialplan context.
        CREATE TABLE tenants (
            id TEXT NOT NULL CONSTRAINT pk_tenants PRIMARY KEY,
            domain_name TEXT NOT NULL,
            display_name TEXT NOT NULL,
            company_info TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            language TEXT NOT NULL,
            is_enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            CONSTRAINT ck_tenants_domain_name_lower CHECK (domain_name = lower(domain_name))
        );

        CREATE TABLE ai_providers (
            id TEXT NOT NULL CONSTRAINT pk_ai_providers PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            settings TEXT NOT NULL,
            protected_secrets TEXT NOT NULL,
            budget_monthly_usd TEXT NULL,
            spent_this_month_usd TEXT NOT NULL,
            is_enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_ai_providers_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        -- Last ticket number per tenant, advanced by UPSERT ... RETURNING in the ticket's transaction.
        CREATE TABLE ticket_counters (
            tenant_id TEXT NOT NULL CONSTRAINT pk_ticket_counters PRIMARY KEY,
            last_number INTEGER NOT NULL,
            CONSTRAINT fk_ticket_counters_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE secretaries (
            id TEXT NOT NULL CONSTRAINT pk_secretaries PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            name TEXT NOT NULL,
            extension TEXT NOT NULL,
            processing_mode TEXT NOT NULL,
            provider_id TEXT NULL,
            fallback_provider_id TEXT NULL,
            voice TEXT NULL,
            language TEXT NOT NULL,
            prompt TEXT NOT NULL,
            persona TEXT NULL,
            greeting TEXT NOT NULL,
            max_call_seconds INTEGER NOT NULL,
            idle_timeout_seconds INTEGER NOT NULL,
            max_turns INTEGER NULL,
            vad_threshold REAL NOT NULL,
            vad_silence_ms INTEGER NOT NULL,
            vad_min_speech_ms INTEGER NOT NULL,
            is_enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_secretaries_fallback_provider_id FOREIGN KEY (fallback_provider_id) REFERENCES ai_providers (id) ON DELETE SET NULL,
            CONSTRAINT fk_secretaries_provider_id FOREIGN KEY (provider_id) REFERENCES ai_providers (id) ON DELETE SET NULL,
            CONSTRAINT fk_secretaries_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE conversations (
            id TEXT NOT NULL CONSTRAINT pk_conversations PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            secretary_id TEXT NULL,
            call_uuid TEXT NOT NULL,
            caller_number TEXT NOT NULL,
            caller_name TEXT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER NULL,
            provider_type TEXT NULL,
            processing_mode TEXT NOT NULL,
            outcome TEXT NOT NULL,
            end_reason TEXT NULL,
            summary TEXT NULL,
            recording_url TEXT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            audio_seconds_in REAL NOT NULL,
            audio_seconds_out REAL NOT NULL,
            estimated_cost_usd TEXT NOT NULL,
            fallback_events TEXT NOT NULL,
            CONSTRAINT fk_conversations_secretary_id FOREIGN KEY (secretary_id) REFERENCES secretaries (id) ON DELETE SET NULL,
            CONSTRAINT fk_conversations_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        -- Seed 1 v_voice_transfer_destinations, every column, plus transfer_mode and announce_timeout_seconds.
        CREATE TABLE transfer_destinations (
            id TEXT NOT NULL CONSTRAINT pk_transfer_destinations PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            secretary_id TEXT NULL,
            name TEXT NOT NULL,
            aliases TEXT NOT NULL,
            destination_type TEXT NOT NULL,
            destination_number TEXT NOT NULL,
            destination_context TEXT NOT NULL,
            ring_timeout_seconds INTEGER NOT NULL,
            max_retries INTEGER NOT NULL,
            retry_delay_seconds INTEGER NOT NULL,
            fallback_action TEXT NOT NULL,
            department TEXT NULL,
            role TEXT NULL,
            description TEXT NULL,
            working_hours TEXT NULL,
            priority INTEGER NOT NULL,
            is_enabled INTEGER NOT NULL,
            is_default INTEGER NOT NULL,
            transfer_mode TEXT NOT NULL,
            announce_timeout_seconds INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_transfer_destinations_secretary_id FOREIGN KEY (secretary_id) REFERENCES secretaries (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_destinations_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE conversation_turns (
            id TEXT NOT NULL CONSTRAINT pk_conversation_turns PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            speaker TEXT NOT NULL,
            text TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER NULL,
            latency_ms INTEGER NULL,
            provider_latency_ms INTEGER NULL,
            own_latency_ms INTEGER NULL,
            interrupted INTEGER NOT NULL,
            CONSTRAINT fk_conversation_turns_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE,
            CONSTRAINT fk_conversation_turns_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE tickets (
            id TEXT NOT NULL CONSTRAINT pk_tickets PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            subject TEXT NOT NULL,
            message TEXT NOT NULL,
            caller_number TEXT NULL,
            caller_name TEXT NULL,
            intended_destination TEXT NULL,
            reason TEXT NULL,
            transcript TEXT NULL,
            summary TEXT NULL,
            recording_url TEXT NULL,
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            assignee_id TEXT NULL,
            conversation_id TEXT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CONSTRAINT fk_tickets_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE SET NULL,
            CONSTRAINT fk_tickets_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE transfer_attempts (
            id TEXT NOT NULL CONSTRAINT pk_transfer_attempts PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            conversation_id TEXT NULL,
            call_uuid TEXT NOT NULL,
            destination_id TEXT NULL,
            destination_name TEXT NOT NULL,
            mode TEXT NOT NULL,
            attempt_number INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER NULL,
            result TEXT NULL,
            hangup_cause TEXT NULL,
            sip_code INTEGER NULL,
            error TEXT NULL,
            b_leg_uuid TEXT NULL,
            conference_name TEXT NULL,
            CONSTRAINT fk_transfer_attempts_conversation_id FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_attempts_destination_id FOREIGN KEY (destination_id) REFERENCES transfer_destinations (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_attempts_tenant_id FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_ai_providers_tenant_id_name ON ai_providers (tenant_id, name);

        CREATE UNIQUE INDEX ix_conversation_turns_conversation_id_sequence ON conversation_turns (conversation_id, sequence);

        CREATE INDEX ix_conversation_turns_tenant_id ON conversation_turns (tenant_id);

        CREATE INDEX ix_conversations_call_uuid ON conversations (call_uuid);

        CREATE INDEX ix_conversations_secretary_id ON conversations (secretary_id);

        CREATE INDEX ix_conversations_tenant_id_started_at ON conversations (tenant_id, started_at);

        CREATE INDEX ix_secretaries_fallback_provider_id ON secretaries (fallback_provider_id);

        CREATE INDEX ix_secretaries_provider_id ON secretaries (provider_id);

        CREATE UNIQUE INDEX ix_secretaries_tenant_id_extension ON secretaries (tenant_id, extension);

        CREATE UNIQUE INDEX ix_tenants_domain_name ON tenants (domain_name);

        CREATE INDEX ix_tickets_conversation_id ON tickets (conversation_id);

        CREATE UNIQUE INDEX ix_tickets_tenant_id_number ON tickets (tenant_id, number);

        CREATE INDEX ix_tickets_tenant_id_status ON tickets (tenant_id, status);

        CREATE INDEX ix_transfer_attempts_call_uuid ON transfer_attempts (call_uuid);

        CREATE INDEX ix_transfer_attempts_conversation_id ON transfer_attempts (conversation_id);

        CREATE INDEX ix_transfer_attempts_destination_id ON transfer_attempts (destination_id);

        CREATE INDEX ix_transfer_attempts_tenant_id_started_at ON transfer_attempts (tenant_id, started_at);

        -- At most one enabled default destination per tenant.
        CREATE UNIQUE INDEX ix_transfer_destinations_default ON transfer_destinations (tenant_id) WHERE is_default AND is_enabled;

        CREATE INDEX ix_transfer_destinations_secretary_id ON transfer_destinations (secretary_id);

        CREATE INDEX ix_transfer_destinations_tenant_id_priority ON transfer_destinations (tenant_id, priority);
        """;
}
