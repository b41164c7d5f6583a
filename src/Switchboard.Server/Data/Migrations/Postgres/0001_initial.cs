namespace Switchboard.Server.Data.Migrations.Postgres;

internal static partial class PostgresMigrations
{
    private const string V0001Initial =
        """
        -- 0001 initial (PostgreSQL, schema switchboard). Timestamps timestamptz (UTC), enums snake_case text, JSON jsonb.
        CREATE SCHEMA IF NOT EXISTS switchboard;

        -- One row per FusionPBX domain; id = domain_uuid, domain_name = dialplan context.
        CREATE TABLE switchboard.tenants (
            id uuid NOT NULL,
            domain_name character varying(253) NOT NULL,
            display_name character varying(200) NOT NULL,
            company_info text NOT NULL,
            time_zone character varying(64) NOT NULL,
            language character varying(16) NOT NULL,
            is_enabled boolean NOT NULL,
            created_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_tenants PRIMARY KEY (id),
            CONSTRAINT ck_tenants_domain_name_lower CHECK (domain_name = lower(domain_name))
        );

        CREATE TABLE switchboard.ai_providers (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            name character varying(100) NOT NULL,
            type text NOT NULL,
            settings jsonb NOT NULL,
            protected_secrets text NOT NULL,
            budget_monthly_usd numeric(18,6),
            spent_this_month_usd numeric(18,6) NOT NULL,
            is_enabled boolean NOT NULL,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_ai_providers PRIMARY KEY (id),
            CONSTRAINT fk_ai_providers_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        -- Last ticket number per tenant, advanced by UPSERT ... RETURNING in the ticket's transaction.
        CREATE TABLE switchboard.ticket_counters (
            tenant_id uuid NOT NULL,
            last_number bigint NOT NULL,
            CONSTRAINT pk_ticket_counters PRIMARY KEY (tenant_id),
            CONSTRAINT fk_ticket_counters_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.secretaries (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            name character varying(100) NOT NULL,
            extension character varying(32) NOT NULL,
            processing_mode text NOT NULL,
            provider_id uuid,
            fallback_provider_id uuid,
            voice character varying(100),
            language character varying(16) NOT NULL,
            prompt text NOT NULL,
            persona text,
            greeting text NOT NULL,
            max_call_seconds integer NOT NULL,
            idle_timeout_seconds integer NOT NULL,
            max_turns integer,
            vad_threshold double precision NOT NULL,
            vad_silence_ms integer NOT NULL,
            vad_min_speech_ms integer NOT NULL,
            is_enabled boolean NOT NULL,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_secretaries PRIMARY KEY (id),
            CONSTRAINT fk_secretaries_fallback_provider_id FOREIGN KEY (fallback_provider_id) REFERENCES switchboard.ai_providers (id) ON DELETE SET NULL,
            CONSTRAINT fk_secretaries_provider_id FOREIGN KEY (provider_id) REFERENCES switchboard.ai_providers (id) ON DELETE SET NULL,
            CONSTRAINT fk_secretaries_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.conversations (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            secretary_id uuid,
            call_uuid character varying(64) NOT NULL,
            caller_number character varying(64) NOT NULL,
            caller_name character varying(200),
            started_at timestamp with time zone NOT NULL,
            ended_at timestamp with time zone,
            provider_type text,
            processing_mode text NOT NULL,
            outcome text NOT NULL,
            end_reason character varying(64),
            summary text,
            recording_url character varying(2048),
            input_tokens bigint NOT NULL,
            output_tokens bigint NOT NULL,
            audio_seconds_in double precision NOT NULL,
            audio_seconds_out double precision NOT NULL,
            estimated_cost_usd numeric(18,6) NOT NULL,
            fallback_events jsonb NOT NULL,
            CONSTRAINT pk_conversations PRIMARY KEY (id),
            CONSTRAINT fk_conversations_secretary_id FOREIGN KEY (secretary_id) REFERENCES switchboard.secretaries (id) ON DELETE SET NULL,
            CONSTRAINT fk_conversations_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        -- Seed 1 v_voice_transfer_destinations, every column, plus transfer_mode and announce_timeout_seconds.
        CREATE TABLE switchboard.transfer_destinations (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            secretary_id uuid,
            name character varying(100) NOT NULL,
            aliases jsonb NOT NULL,
            destination_type text NOT NULL,
            destination_number character varying(50) NOT NULL,
            destination_context character varying(253) NOT NULL,
            ring_timeout_seconds integer NOT NULL,
            max_retries integer NOT NULL,
            retry_delay_seconds integer NOT NULL,
            fallback_action text NOT NULL,
            department character varying(100),
            role character varying(100),
            description text,
            working_hours jsonb,
            priority integer NOT NULL,
            is_enabled boolean NOT NULL,
            is_default boolean NOT NULL,
            transfer_mode text NOT NULL,
            announce_timeout_seconds integer NOT NULL,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_transfer_destinations PRIMARY KEY (id),
            CONSTRAINT fk_transfer_destinations_secretary_id FOREIGN KEY (secretary_id) REFERENCES switchboard.secretaries (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_destinations_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.conversation_turns (
            id uuid NOT NULL,
            conversation_id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            sequence integer NOT NULL,
            speaker text NOT NULL,
            text text NOT NULL,
            started_at timestamp with time zone NOT NULL,
            ended_at timestamp with time zone,
            latency_ms integer,
            provider_latency_ms integer,
            own_latency_ms integer,
            interrupted boolean NOT NULL,
            CONSTRAINT pk_conversation_turns PRIMARY KEY (id),
            CONSTRAINT fk_conversation_turns_conversation_id FOREIGN KEY (conversation_id) REFERENCES switchboard.conversations (id) ON DELETE CASCADE,
            CONSTRAINT fk_conversation_turns_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.tickets (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            number bigint NOT NULL,
            subject character varying(200) NOT NULL,
            message text NOT NULL,
            caller_number character varying(64),
            caller_name character varying(200),
            intended_destination character varying(100),
            reason character varying(100),
            transcript text,
            summary text,
            recording_url character varying(2048),
            status text NOT NULL,
            priority text NOT NULL,
            assignee_id uuid,
            conversation_id uuid,
            created_at timestamp with time zone NOT NULL,
            updated_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_tickets PRIMARY KEY (id),
            CONSTRAINT fk_tickets_conversation_id FOREIGN KEY (conversation_id) REFERENCES switchboard.conversations (id) ON DELETE SET NULL,
            CONSTRAINT fk_tickets_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE TABLE switchboard.transfer_attempts (
            id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            conversation_id uuid,
            call_uuid character varying(64) NOT NULL,
            destination_id uuid,
            destination_name character varying(100) NOT NULL,
            mode text NOT NULL,
            attempt_number integer NOT NULL,
            started_at timestamp with time zone NOT NULL,
            ended_at timestamp with time zone,
            result text,
            hangup_cause character varying(64),
            sip_code integer,
            error text,
            b_leg_uuid character varying(64),
            conference_name character varying(128),
            CONSTRAINT pk_transfer_attempts PRIMARY KEY (id),
            CONSTRAINT fk_transfer_attempts_conversation_id FOREIGN KEY (conversation_id) REFERENCES switchboard.conversations (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_attempts_destination_id FOREIGN KEY (destination_id) REFERENCES switchboard.transfer_destinations (id) ON DELETE SET NULL,
            CONSTRAINT fk_transfer_attempts_tenant_id FOREIGN KEY (tenant_id) REFERENCES switchboard.tenants (id) ON DELETE CASCADE
        );

        CREATE UNIQUE INDEX ix_ai_providers_tenant_id_name ON switchboard.ai_providers (tenant_id, name);

        CREATE UNIQUE INDEX ix_conversation_turns_conversation_id_sequence ON switchboard.conversation_turns (conversation_id, sequence);

        CREATE INDEX ix_conversation_turns_tenant_id ON switchboard.conversation_turns (tenant_id);

        CREATE INDEX ix_conversations_call_uuid ON switchboard.conversations (call_uuid);

        CREATE INDEX ix_conversations_secretary_id ON switchboard.conversations (secretary_id);

        CREATE INDEX ix_conversations_tenant_id_started_at ON switchboard.conversations (tenant_id, started_at);

        CREATE INDEX ix_secretaries_fallback_provider_id ON switchboard.secretaries (fallback_provider_id);

        CREATE INDEX ix_secretaries_provider_id ON switchboard.secretaries (provider_id);

        CREATE UNIQUE INDEX ix_secretaries_tenant_id_extension ON switchboard.secretaries (tenant_id, extension);

        CREATE UNIQUE INDEX ix_tenants_domain_name ON switchboard.tenants (domain_name);

        CREATE INDEX ix_tickets_conversation_id ON switchboard.tickets (conversation_id);

        CREATE UNIQUE INDEX ix_tickets_tenant_id_number ON switchboard.tickets (tenant_id, number);

        CREATE INDEX ix_tickets_tenant_id_status ON switchboard.tickets (tenant_id, status);

        CREATE INDEX ix_transfer_attempts_call_uuid ON switchboard.transfer_attempts (call_uuid);

        CREATE INDEX ix_transfer_attempts_conversation_id ON switchboard.transfer_attempts (conversation_id);

        CREATE INDEX ix_transfer_attempts_destination_id ON switchboard.transfer_attempts (destination_id);

        CREATE INDEX ix_transfer_attempts_tenant_id_started_at ON switchboard.transfer_attempts (tenant_id, started_at);

        -- At most one enabled default destination per tenant.
        CREATE UNIQUE INDEX ix_transfer_destinations_default ON switchboard.transfer_destinations (tenant_id) WHERE is_default AND is_enabled;

        CREATE INDEX ix_transfer_destinations_secretary_id ON switchboard.transfer_destinations (secretary_id);

        CREATE INDEX ix_transfer_destinations_tenant_id_priority ON switchboard.transfer_destinations (tenant_id, priority);
        """;
}
