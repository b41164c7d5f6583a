using Switchboard.Server.Calls;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;
using Switchboard.Server.Recordings;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Summaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tickets.Helpdesk;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Data;

/// <summary>One row of every entity, every field set to something other than its default.</summary>
internal static class EntitySamples
{
    /// <summary>Microsecond-aligned (PostgreSQL keeps microseconds), in a non-UTC offset to exercise normalisation.</summary>
    public static DateTimeOffset At(int minute) =>
        new DateTimeOffset(2026, 3, 4, 5, minute, 7, TimeSpan.FromHours(-3)).AddTicks(1_234_560);

    public static List<object> ForNewTenant(Guid tenantId)
    {
        var tenant = new Tenant
        {
            Id = tenantId,
            DomainName = $"rt-{tenantId:N}.example.com",
            DisplayName = "Round Trip Ltda",
            CompanyInfo = "Empresa de testes; atende em São Paulo.",
            TimeZone = "Europe/Lisbon",
            Language = "en-US",
            Enabled = false,
            CreatedAt = At(1),
        };
        var provider = new AiProvider
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "OpenAI main",
            Type = AiProviderType.GeminiLive,
            Settings = """{"model": "gpt-realtime", "voice": "marin"}""",
            ProtectedSecrets = "CfDJ8-not-plaintext",
            BudgetMonthlyUsd = 123.456789m,
            SpentThisMonthUsd = 0.000123m,
            Enabled = false,
            CreatedAt = At(2),
            UpdatedAt = At(3),
        };
        var fallback = new AiProvider
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "Fallback",
            Type = AiProviderType.Pipeline,
            Settings = """{"stt": "deepgram"}""",
            ProtectedSecrets = "x",
            BudgetMonthlyUsd = 1m,
            SpentThisMonthUsd = 2m,
            Enabled = false,
            CreatedAt = At(2),
            UpdatedAt = At(3),
        };
        var secretary = new Secretary
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "Secretária Round Trip",
            Extension = "8123",
            ProcessingMode = ProcessingMode.TurnBased,
            ProviderId = provider.Id,
            FallbackProviderId = fallback.Id,
            Voice = "marin",
            Language = "es",
            Prompt = "Seja breve.",
            Persona = "Ana, simpática",
            Greeting = "Hola",
            MaxCallSeconds = 900,
            IdleTimeoutSeconds = 45,
            MaxTurns = 40,
            VadThreshold = 0.625,
            VadSilenceMs = 700,
            VadMinSpeechMs = 180,
            Tools = [ToolNames.EndCall, ToolNames.LookupCustomer],
            AppointmentsWebhookUrl = "https://agenda.example.com/hook",
            Enabled = false,
            CreatedAt = At(4),
            UpdatedAt = At(5),
        };
        var destination = new TransferDestination
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            SecretaryId = secretary.Id,
            Name = "Vendas",
            Aliases = ["vendas", "comercial", "orçamento"],
            DestinationType = TransferDestinationType.External,
            DestinationNumber = "5551999999999",
            DestinationContext = "rt.example.com",
            RingTimeoutSeconds = 20,
            MaxRetries = 3,
            RetryDelaySeconds = 7,
            FallbackAction = TransferFallbackAction.ReturnAgent,
            Department = "Comercial",
            Role = "Vendedor",
            Description = "Equipe de vendas",
            WorkingHours = new WorkingHours { Start = new TimeOnly(9, 30), End = new TimeOnly(17, 45), Days = [DayOfWeek.Saturday, DayOfWeek.Sunday] },
            Priority = 10,
            Enabled = false,
            IsDefault = true,
            TransferMode = TransferMode.Announced,
            AnnounceTimeoutSeconds = 20,
            CreatedAt = At(6),
            UpdatedAt = At(7),
        };
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            SecretaryId = secretary.Id,
            CallUuid = Guid.NewGuid().ToString(),
            CallerNumber = "+5511988887777",
            CallerName = "Maria",
            StartedAt = At(8),
            EndedAt = At(9),
            ProviderType = AiProviderType.OpenAiRealtime,
            ProcessingMode = ProcessingMode.TurnBased,
            Outcome = ConversationOutcome.Transferred,
            EndReason = "transfer_success",
            Summary = "Cliente quer boleto.",
            RecordingUrl = "s3://recordings/a.wav",
            InputTokens = 1234,
            OutputTokens = 5678,
            AudioSecondsIn = 12.5,
            AudioSecondsOut = 8.25,
            EstimatedCostUsd = 0.031415m,
            FallbackEvents = [new ConversationModeSwitch(At(10), "realtime:open_ai_realtime", "turn_based:pipeline", "provider_dropped")],
        };
        var turn = new ConversationTurn
        {
            Id = Guid.NewGuid(),
            ConversationId = conversation.Id,
            TenantId = tenantId,
            Sequence = 3,
            Speaker = ConversationSpeaker.Tool,
            Text = "transfer_call(jeni)",
            StartedAt = At(11),
            EndedAt = At(12),
            LatencyMs = 640,
            ProviderLatencyMs = 420,
            OwnLatencyMs = 220,
            Interrupted = true,
        };
        var attempt = new TransferAttempt
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            ConversationId = conversation.Id,
            CallUuid = conversation.CallUuid,
            DestinationId = destination.Id,
            DestinationName = destination.Name,
            Mode = TransferMode.Blind,
            AttemptNumber = 2,
            StartedAt = At(13),
            EndedAt = At(14),
            Result = TransferAttemptResult.NoAnswer,
            HangupCause = "NO_ANSWER",
            SipCode = 480,
            Error = "timeout",
            BLegUuid = Guid.NewGuid().ToString(),
            ConferenceName = "transfer_abc",
        };
        var ticket = new Ticket
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Number = 42,
            Subject = "Recado para Jeni",
            Message = "Preciso da segunda via do boleto.",
            CallerNumber = "+5511988887777",
            CallerName = "Maria",
            IntendedDestination = "Jeni - Financeiro",
            Reason = "transfer_failed:no_answer",
            Transcript = "Cliente: quero falar com a Jeni",
            Summary = "Segunda via de boleto",
            RecordingUrl = "s3://recordings/a.wav",
            Status = TicketStatus.Resolved,
            Priority = TicketPriority.Urgent,
            AssigneeId = Guid.NewGuid(),
            ConversationId = conversation.Id,
            CreatedAt = At(15),
            UpdatedAt = At(16),
        };
        var counter = new TicketCounter { TenantId = tenantId, LastNumber = 42 };
        var key = new DataProtectionKey { Id = Random.Shared.NextInt64(1, long.MaxValue / 2), FriendlyName = "key-" + tenantId, Xml = "<key/>", CreatedAt = At(17) };
        var contact = new Contact
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Name = "Maria Souza",
            Phone = "+5511988887777",
            Company = "Acme",
            Email = "maria@example.com",
            Notes = "Prefere manhãs",
            CreatedAt = At(18),
        };
        var appointment = new Appointment
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            ContactPhone = contact.Phone,
            StartsAt = At(19),
            WithWhom = "Dra. Ana",
            Description = "Retorno",
            Status = AppointmentStatus.Cancelled,
            CreatedAt = At(20),
        };
        var invocation = new ToolInvocation
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            ConversationId = conversation.Id,
            CallUuid = conversation.CallUuid,
            Name = ToolNames.LookupCustomer,
            Arguments = "{\"phone\":null}",
            Result = "{\"ok\":true,\"found\":false}",
            DurationMs = 12,
            Succeeded = true,
            Error = "none",
            CreatedAt = At(21),
        };
        var upload = new RecordingUpload
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            CallUuid = conversation.CallUuid,
            ConversationId = conversation.Id,
            CallStartedAt = At(18),
            LocalPath = "/var/lib/freeswitch/recordings/acme/archive/2026/Mar/04/a.wav",
            ObjectKey = "voice/a.wav",
            Status = RecordingUploadStatus.Uploaded,
            Attempts = 2,
            NextAttemptAt = At(19),
            LastError = "connection refused",
            ObservedSize = 16044,
            SizeBytes = 16044,
            UploadedAt = At(20),
            CreatedAt = At(21),
            UpdatedAt = At(22),
        };
        var webhook = new HelpdeskWebhook
        {
            TenantId = tenantId,
            Url = "https://helpdesk.example.com/hook",
            ProtectedSecret = "CfDJ8-protected",
            Enabled = false,
            CreatedAt = At(23),
            UpdatedAt = At(24),
        };
        var delivery = new HelpdeskDelivery
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            TicketId = ticket.Id,
            Status = HelpdeskDeliveryStatus.Failed,
            Attempts = 1,
            NextAttemptAt = At(25),
            LastError = "HTTP 400",
            LastStatusCode = 400,
            DeliveredAt = At(26),
            CreatedAt = At(27),
            UpdatedAt = At(28),
        };
        var summary = new ConversationSummary
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            ConversationId = conversation.Id,
            Status = ConversationSummaryStatus.Done,
            Attempts = 2,
            NextAttemptAt = At(29),
            LastError = "Chat completions answered HTTP 503",
            Method = "extractive",
            CompletedAt = At(30),
            CreatedAt = At(31),
            UpdatedAt = At(32),
        };
        var consoleUser = new Switchboard.Server.Security.ConsoleUser
        {
            Id = Guid.NewGuid(),
            UserName = "ana-" + tenantId.ToString("N")[..8],
            DisplayName = "Ana Souza",
            PasswordHash = "AQAAAAIAAYagAAAAEhash",
            Role = Switchboard.Server.Security.Roles.Supervisor,
            TenantId = tenantId,
            Enabled = false,
            CreatedAt = At(29),
            UpdatedAt = At(30),
        };
        return [tenant, provider, fallback, secretary, destination, conversation, turn, attempt, ticket, counter, key, contact, appointment, invocation, upload, webhook, delivery, summary, consoleUser];
    }
}
