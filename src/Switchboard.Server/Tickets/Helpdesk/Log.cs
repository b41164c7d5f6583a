namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>Helpdesk webhooks: event ids 6200-6299.</summary>
internal static partial class Log
{
    [LoggerMessage(6201, LogLevel.Information, "Ticket {TicketId} delivered to the helpdesk of tenant {TenantId} (try {Attempt})")]
    public static partial void Delivered(ILogger logger, Guid ticketId, Guid tenantId, int attempt);

    [LoggerMessage(6202, LogLevel.Warning, "Helpdesk delivery of ticket {TicketId} (tenant {TenantId}) failed (try {Attempt}: {Error}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, Guid ticketId, Guid tenantId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(6203, LogLevel.Error, "Helpdesk delivery of ticket {TicketId} (tenant {TenantId}) failed for good after {Attempt} tries: {Error}")]
    public static partial void Failed(ILogger logger, Guid ticketId, Guid tenantId, int attempt, string error);

    [LoggerMessage(6204, LogLevel.Error, "The helpdesk dispatcher failed a pass; trying again")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(6205, LogLevel.Debug, "Helpdesk delivery of ticket {TicketId} (tenant {TenantId}) waits for its call's summary (until {Deadline})")]
    public static partial void Held(ILogger logger, Guid ticketId, Guid tenantId, DateTimeOffset deadline);
}
