using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Switchboard.Server.Data;

namespace Switchboard.Server.Tickets.Helpdesk;

/// <summary>The caller of a ticket, as the helpdesk receives it.</summary>
public sealed record HelpdeskCaller(string? Number, string? Name);

/// <summary>
/// The body POSTed to a helpdesk for a new ticket (OmniPlay style, snake_case), signed with
/// <c>X-Switchboard-Signature: sha256=&lt;hex HMAC-SHA256 of the body with the tenant's secret&gt;</c>.
/// </summary>
public sealed record HelpdeskTicketPayload(
    string Event,
    Guid DeliveryId,
    Guid TenantId,
    Guid TicketId,
    long TicketNumber,
    string Subject,
    string Message,
    HelpdeskCaller Caller,
    string? Destination,
    string? Reason,
    string? Transcript,
    string? Summary,
    string? RecordingUrl,
    string Priority,
    string Status,
    string? CallUuid,
    DateTimeOffset CreatedAt)
{
    public const string TicketCreated = "ticket.created";

    public static HelpdeskTicketPayload From(HelpdeskDelivery delivery, Ticket ticket, string? callUuid, string? recordingUrl) => new(
        TicketCreated,
        delivery.Id,
        ticket.TenantId,
        ticket.Id,
        ticket.Number,
        ticket.Subject,
        ticket.Message,
        new HelpdeskCaller(ticket.CallerNumber, ticket.CallerName),
        ticket.IntendedDestination,
        ticket.Reason,
        ticket.Transcript,
        ticket.Summary,
        ticket.RecordingUrl ?? recordingUrl,
        SnakeCase.From(ticket.Priority.ToString()),
        SnakeCase.From(ticket.Status.ToString()),
        callUuid,
        ticket.CreatedAt);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, HelpdeskJsonContext.Wire.HelpdeskTicketPayload);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HelpdeskTicketPayload))]
internal sealed partial class HelpdeskJsonContext : JsonSerializerContext
{
    /// <summary>Readable accents ("Você"); HTML-sensitive characters are still escaped.</summary>
    public static HelpdeskJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    });
}
