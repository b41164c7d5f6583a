using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Tenancy;
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
        switch (resolution)
        {
            case DestinationResolution.Match match:
                destination = match.Destination;
                break;
            case DestinationResolution.Default fallbackDestination:
                destination = fallbackDestination.Destination;
                break;
            case DestinationResolution.OutsideHours closed:
                return Refusal("outside_hours", phrases.ForResolution(resolution, zone, time.GetUtcNow()), closed.Destination);
            default:
                return Refusal(resolution is DestinationResolution.Ambiguous ? "ambiguous" : "not_found", phrases.ForResolution(resolution, zone, time.GetUtcNow()), null);
        }

        if (!calls.TryGet(context.CallUuid, out CallSession? session) || session is null)
        {
            return Refusal("failed", phrases.TransferResult(TransferAttemptResult.Failed, destination), destination);
        }

        var caller = new SessionCaller(session);
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

        string say = phrases.TransferResult(outcome.Result, destination) + " " + phrases.Fallback(destination.FallbackAction);
        return Refusal(TransferExecutor.ResultLabel(outcome.Result), say.Trim(), destination, outcome.SipCode);
    }

    private static ToolOutcome Refusal(string status, string say, TransferDestination? destination, int? sipCode = null) => new(
        ToolResults.Write(json =>
        {
            json.WriteBoolean("ok", false);
            json.WriteString("status", status);
            json.WriteString("say", say);
            json.WriteNullable("destination", destination?.Name);
            json.WriteNullable("fallback", destination is null ? null : FallbackName(destination.FallbackAction));
            if (sipCode is { } code)
            {
                json.WriteNumber("sip_code", code);
            }
        }),
        ToolAction.None);

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
