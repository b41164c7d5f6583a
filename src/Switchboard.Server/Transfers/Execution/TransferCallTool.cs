using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Calls;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tools;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Transfers.Execution;

/// <summary>
/// <c>transfer_call</c>: resolves what the caller asked for against the secretary's destinations (aliases, accents,
/// misspellings, working hours, default, ambiguity), then puts the call through on the PBX — attended, or announced
/// through a temporary conference — while the agent waits. On success the call layer ends the AI session; otherwise the
/// agent is told the result, the localized status to say and the destination's fallback.
/// </summary>
internal sealed class TransferCallTool(
    CallRegistry calls,
    TransferExecutor executor,
    DestinationCatalog catalog,
    TicketService tickets,
    SwitchboardDbContext db,
    TimeProvider time) : ICallTool
{
    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "destination": { "type": "string", "description": "Who the caller wants: a name, department or role from the destinations list, or 'anyone'." },
            "reason": { "type": ["string", "null"], "description": "Why the caller is calling, in a few words (told to the person who answers)." }
          },
          "required": ["destination", "reason"],
          "additionalProperties": false
        }
        """;

    public string Name => ToolNames.TransferCall;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Put the caller through to a person or department from the destinations list. Tell the caller you are transferring "
        + "first. When the result is not ok, say its 'say' text and follow its 'fallback' (offer_ticket: offer to take a message).",
        Schema);

    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        string asked = ToolArguments.GetText(arguments, "destination") ?? "";
        string reason = ToolArguments.GetText(arguments, "reason") ?? "";
        CallerPhrases phrases = CallerPhrases.For(context.Language);
        Tenant tenant = await db.Tenants.AsNoTracking().SingleAsync(cancellationToken);
        IReadOnlyList<TransferDestination> offered = context.SecretaryId is { } secretaryId
            ? await catalog.ListOfferedByAsync(secretaryId, cancellationToken)
            : await catalog.ListAsync(cancellationToken);
        TimeZoneInfo zone = DestinationResolver.FindTimeZone(tenant.TimeZone);
        DestinationResolution resolution = DestinationResolver.Resolve(asked, offered, zone, time.GetUtcNow());
        TransferDestination destination;
        bool closedNow = false;
        switch (resolution)
        {
            case DestinationResolution.Match match:
                destination = match.Destination;
                break;
            case DestinationResolution.Default fallbackDestination:
                destination = fallbackDestination.Destination;
                break;
            case DestinationResolution.OutsideHours closed:
                destination = closed.Destination;
                closedNow = true;
                break;
            default:
                return Refusal(resolution is DestinationResolution.Ambiguous ? "ambiguous" : "not_found", phrases.ForResolution(resolution, zone, time.GetUtcNow()), null);
        }

        if (!calls.TryGet(context.CallUuid, out CallSession? session) || session is null)
        {
            return Refusal("failed", phrases.TransferResult(TransferAttemptResult.Failed, destination), destination);
        }

        var caller = new SessionCaller(session);
        if (closedNow)
        {
            // Outside its hours: say so, then the destination's fallback.
            return await FallbackAsync(context, caller, destination, "outside_hours", phrases.ForResolution(resolution, zone, time.GetUtcNow()), null, reason, cancellationToken);
        }

        string summary = string.IsNullOrWhiteSpace(reason) ? context.Transcript : reason;
        TransferOutcome outcome = destination.TransferMode == TransferMode.Announced
            ? await executor.AnnouncedAsync(caller, destination, summary, cancellationToken)
            : await executor.AttendedAsync(caller, destination, cancellationToken);
        if (outcome.Succeeded)
        {
            return new ToolOutcome(
                ToolResults.Write(json =>
                {
                    json.WriteBoolean("ok", true);
                    json.WriteString("status", "success");
                    json.WriteString("destination", destination.Name);
                }),
                new TransferCallAction(destination.Name, reason));
        }

        string label = TransferExecutor.ResultLabel(outcome.Result);
        string status = phrases.TransferResult(outcome.Result, destination);
        if (outcome.CallerHungUp)
        {
            return Refusal(label, status, destination, outcome.SipCode);
        }

        return await FallbackAsync(context, caller, destination, label, status, outcome.SipCode, reason, cancellationToken);
    }

    /// <summary>The destination's fallback (seed 1) after a failed or impossible transfer: what the call itself does
    /// (a ticket, a voicemail box, a goodbye and hang-up), and what the agent says, with the status first.</summary>
    private async Task<ToolOutcome> FallbackAsync(
        ToolCallContext context, ITransferCaller caller, TransferDestination destination, string label, string status, int? sipCode, string reason, CancellationToken cancellationToken)
    {
        CallerPhrases phrases = CallerPhrases.For(context.Language);
        switch (destination.FallbackAction)
        {
            case TransferFallbackAction.CreateTicket:
                Ticket ticket = await tickets.CreateAsync(
                    new TicketDraft
                    {
                        Subject = TakeMessageTool.Subject(context.Language, destination.Name, context.CallerName),
                        Message = reason,
                        CallerNumber = PhoneNumbers.ToE164(context.CallerNumber) ?? context.CallerNumber,
                        CallerName = context.CallerName,
                        IntendedDestination = destination.Name,
                        Reason = "transfer_failed:" + label,
                        Transcript = context.Transcript,
                        ConversationId = context.ConversationId,
                    },
                    cancellationToken);
                string number = ticket.Number.ToString(CultureInfo.InvariantCulture);
                return Refusal(label, $"{status} {phrases.MessageConfirmation(number)}", destination, sipCode, ticket.Number);
            case TransferFallbackAction.Hangup:
                return new ToolOutcome(Result(label, $"{status} {phrases.Goodbye}", destination, sipCode, null), new EndCallAction("transfer_failed"));
            case TransferFallbackAction.Voicemail when destination.DestinationType is TransferDestinationType.Extension or TransferDestinationType.Voicemail:
                return new ToolOutcome(
                    Result(label, $"{status} {phrases.Fallback(TransferFallbackAction.Voicemail)}", destination, sipCode, null),
                    new EndCallAction("voicemail", async ct => (await executor.VoicemailFallbackAsync(caller, destination, ct)).Succeeded));
            case TransferFallbackAction.Voicemail:
                // No box to leave it in: take the message instead.
                return Refusal(label, $"{status} {phrases.Fallback(TransferFallbackAction.OfferTicket)}", destination, sipCode, fallback: TransferFallbackAction.OfferTicket);
            default:
                return Refusal(label, $"{status} {phrases.Fallback(destination.FallbackAction)}", destination, sipCode);
        }
    }

    private static ToolOutcome Refusal(
        string status, string say, TransferDestination? destination, int? sipCode = null, long? ticketNumber = null, TransferFallbackAction? fallback = null) =>
        new(Result(status, say, destination, sipCode, ticketNumber, fallback), ToolAction.None);

    private static string Result(
        string status, string say, TransferDestination? destination, int? sipCode, long? ticketNumber, TransferFallbackAction? fallback = null) =>
        ToolResults.Write(json =>
        {
            json.WriteBoolean("ok", false);
            json.WriteString("status", status);
            json.WriteString("say", say.Trim());
            json.WriteNullable("destination", destination?.Name);
            json.WriteNullable("fallback", destination is null ? null : FallbackName(fallback ?? destination.FallbackAction));
            if (sipCode is { } code)
            {
                json.WriteNumber("sip_code", code);
            }

            if (ticketNumber is { } ticket)
            {
                json.WriteNumber("ticket_number", ticket);
            }
        });

    private static string FallbackName(TransferFallbackAction action) => action switch
    {
        TransferFallbackAction.OfferTicket => "offer_ticket",
        TransferFallbackAction.CreateTicket => "create_ticket",
        TransferFallbackAction.Voicemail => "voicemail",
        TransferFallbackAction.ReturnAgent => "return_agent",
        TransferFallbackAction.Hangup => "hangup",
        _ => action.ToString(),
    };

    /// <summary>The call being transferred, as the executor sees it: the agent stops listening while the caller waits.</summary>
    private sealed class SessionCaller(CallSession session) : ITransferCaller
    {
        public string CallUuid => session.CallUuid;

        public Guid TenantId => session.TenantId;

        public string CallerNumber => session.Metadata.CallerIdNumber ?? "";

        public string? CallerName => session.Metadata.CallerIdName;

        public Task PauseAgentAsync(CancellationToken ct)
        {
            (session.Agent as VoiceAgentBridge)?.Pause(true);
            return Task.CompletedTask;
        }

        public Task ResumeAgentAsync(CancellationToken ct)
        {
            (session.Agent as VoiceAgentBridge)?.Pause(false);
            return Task.CompletedTask;
        }
    }
}
