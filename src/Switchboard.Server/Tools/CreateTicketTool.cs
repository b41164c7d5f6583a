using System.Text.Json;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Contacts;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tools;

/// <summary><c>create_ticket</c>: a request or problem for the team to follow up.</summary>
internal sealed class CreateTicketTool : ICallTool
{
    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "subject": { "type": "string", "description": "Short title of the request or problem." },
            "description": { "type": "string", "description": "What the caller needs, with every detail they gave." },
            "priority": { "type": ["string", "null"], "enum": ["low", "normal", "high", "urgent", null], "description": "How urgent it is; null for normal." }
          },
          "required": ["subject", "description", "priority"],
          "additionalProperties": false
        }
        """;

    private readonly TicketService _tickets;

    public CreateTicketTool(TicketService tickets)
    {
        _tickets = tickets;
    }

    public string Name => ToolNames.CreateTicket;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Open a support ticket for a request or problem the team must follow up (not for a simple message to someone: "
        + $"use take_message). Write subject and description in the caller's language ({language}). Returns the ticket number: read it to the caller.",
        Schema);

    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        string? subject = ToolArguments.GetText(arguments, "subject");
        if (subject is null)
        {
            return new ToolOutcome(ToolResults.Error("the subject is empty; say in a few words what the ticket is about"), ToolAction.None);
        }

        TicketPriority priority = ToolArguments.GetString(arguments, "priority") switch
        {
            "low" => TicketPriority.Low,
            "high" => TicketPriority.High,
            "urgent" => TicketPriority.Urgent,
            _ => TicketPriority.Normal,
        };
        Ticket ticket = await _tickets.CreateAsync(
            new TicketDraft
            {
                Subject = subject,
                Message = ToolArguments.GetString(arguments, "description")?.Trim() ?? "",
                CallerNumber = PhoneNumbers.ToE164(context.CallerNumber) ?? context.CallerNumber,
                CallerName = context.CallerName,
                Reason = "caller_request",
                Transcript = context.Transcript,
                Priority = priority,
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
}
