using System.Globalization;
using System.Text.Json;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Contacts;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tools;

/// <summary><c>take_message</c>: a message for someone who cannot take the call, stored as a ticket.</summary>
internal sealed class TakeMessageTool : ICallTool
{
    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "message": { "type": "string", "description": "The complete message in the caller's words; empty when the caller left a recorded voice message." },
            "caller_name": { "type": ["string", "null"], "description": "The caller's name, if they gave it." },
            "destination": { "type": ["string", "null"], "description": "Who the message is for: a person or department." },
            "reason": { "type": ["string", "null"], "description": "Why a message is taken, e.g. 'no_answer', 'busy', 'after_hours', 'caller_request'." },
            "audio_seconds": { "type": ["number", "null"], "description": "Length of the recorded voice message in seconds, when there is one." }
          },
          "required": ["message", "caller_name", "destination", "reason", "audio_seconds"],
          "additionalProperties": false
        }
        """;

    private readonly TicketService _tickets;

    public TakeMessageTool(TicketService tickets)
    {
        _tickets = tickets;
    }

    public string Name => ToolNames.TakeMessage;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Take a message for someone who cannot answer now; a person will call back. Call it once the caller has "
        + $"finished, with the message written in the caller's language ({language}). Returns the ticket number: read it to the caller.",
        Schema);

    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        string message = ToolArguments.GetString(arguments, "message")?.Trim() ?? "";
        double? audioSeconds = ToolArguments.GetNumber(arguments, "audio_seconds");
        if (message.Length == 0 && audioSeconds is not > 0)
        {
            return new ToolOutcome(ToolResults.Error("the message is empty; ask the caller what to note down"), ToolAction.None);
        }

        string? destination = ToolArguments.GetText(arguments, "destination");
        string? callerName = ToolArguments.GetText(arguments, "caller_name") ?? context.CallerName;
        Ticket ticket = await _tickets.CreateAsync(
            new TicketDraft
            {
                Subject = Subject(context.Language, destination, callerName),
                Message = message,
                CallerNumber = PhoneNumbers.ToE164(context.CallerNumber) ?? context.CallerNumber,
                CallerName = callerName,
                IntendedDestination = destination,
                Reason = ToolArguments.GetText(arguments, "reason") ?? "message",
                Transcript = context.Transcript,
                Summary = audioSeconds is > 0 ? VoiceMessage(context.Language, audioSeconds.Value) : null,
                ConversationId = context.ConversationId,
            },
            cancellationToken);
        return new ToolOutcome(
            ToolResults.Write(json =>
            {
                json.WriteBoolean("ok", true);
                json.WriteNumber("ticket_number", ticket.Number);
            }),
            ToolAction.None);
    }

    private static bool Portuguese(string language) => language.StartsWith("pt", StringComparison.OrdinalIgnoreCase);

    internal static string Subject(string language, string? destination, string? callerName) => (Portuguese(language), destination, callerName) switch
    {
        (true, { } to, _) => $"Recado para {to}",
        (true, null, { } from) => $"Recado de {from}",
        (true, null, null) => "Recado",
        (false, { } to, _) => $"Message for {to}",
        (false, null, { } from) => $"Message from {from}",
        _ => "Message",
    };

    private static string VoiceMessage(string language, double seconds)
    {
        string length = Math.Round(seconds).ToString(CultureInfo.InvariantCulture);
        return Portuguese(language) ? $"Recado de voz ({length} s)" : $"Voice message ({length} s)";
    }
}
