using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Calls;

/// <summary>
/// Runs the tools a call's agent asks for through <see cref="CallTools"/> (which audits each run), with the call's
/// context: tenant, secretary, the conversation row (written before the tool runs, so tickets link to it), the
/// caller and the transcript so far. Notes the call's outcome and what the call must do next.
/// </summary>
public sealed class CallToolDispatcher(CallTools tools, IServiceScopeFactory scopes, TimeProvider time)
{
    public IReadOnlyList<ToolDefinition> DefinitionsFor(IReadOnlyCollection<string> enabled, string language) =>
        tools.DefinitionsFor(enabled, language);

    /// <summary>
    /// Seed 1's keyword fallback: the agent announced a transfer without calling <c>transfer_call</c>; its words (else the
    /// caller's) are matched against the secretary's destinations (aliases, names, departments, accents and small
    /// misspellings), and when they name one, <c>transfer_call</c> runs for it as if the agent had asked (audited the same way).
    /// </summary>
    public async Task<CallToolReply?> KeywordTransferAsync(CallSession session, string agentText, string? callerText, CancellationToken cancellationToken)
    {
        string? destination;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Tenancy.TenantContext>().Set(session.TenantId);
            var db = scope.ServiceProvider.GetRequiredService<Data.SwitchboardDbContext>();
            var catalog = scope.ServiceProvider.GetRequiredService<Transfers.Destinations.DestinationCatalog>();
            Tenancy.Tenant? tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            IReadOnlyList<Transfers.TransferDestination> offered = session.Recorder?.SecretaryId is { } secretaryId
                ? await catalog.ListOfferedByAsync(secretaryId, cancellationToken)
                : await catalog.ListAsync(cancellationToken);
            destination = Named(agentText) ?? (callerText is null ? null : Named(callerText));

            string? Named(string text) => Transfers.Destinations.DestinationResolver.ResolveFromUtterance(text, offered, tenant?.TimeZone, time.GetUtcNow()) switch
            {
                Transfers.Destinations.DestinationResolution.Match match => match.Destination.Name,
                Transfers.Destinations.DestinationResolution.OutsideHours closed => closed.Destination.Name,
                _ => null,
            };
        }

        if (destination is null)
        {
            return null;
        }

        string arguments = ToolResults.Write(json =>
        {
            json.WriteString("destination", destination);
            json.WriteString("reason", callerText ?? agentText);
        });
        return await RunAsync(session, new ToolCallRequested("keyword_transfer", ToolNames.TransferCall, arguments), cancellationToken);
    }

    public async Task<CallToolReply> RunAsync(CallSession session, ToolCallRequested call, CancellationToken cancellationToken)
    {
        ConversationRecorder? recorder = session.Recorder;
        if (recorder is not null)
        {
            await recorder.FlushedAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        var context = new ToolCallContext(
            session.TenantId,
            recorder?.SecretaryId,
            recorder?.ConversationId,
            session.CallUuid,
            session.Metadata.CallerIdNumber ?? "",
            session.Metadata.CallerIdName,
            session.Language,
            recorder?.TranscriptText ?? "");
        ToolOutcome outcome = await tools.InvokeAsync(context, call.Name, call.ArgumentsJson, cancellationToken);
        DateTimeOffset now = time.GetUtcNow();
        recorder?.AddTurn(ConversationSpeaker.Tool, $"{call.Name} {call.ArgumentsJson} → {outcome.ResultJson}", now, now);
        if ((call.Name is ToolNames.TakeMessage or ToolNames.CreateTicket && Succeeded(outcome.ResultJson)) || HasTicket(outcome.ResultJson))
        {
            session.SetOutcome(ConversationOutcome.TicketCreated);
        }

        return outcome.Action switch
        {
            EndCallAction end => new CallToolReply(outcome.ResultJson, ToolFollowUp.EndCall)
            {
                EndReason = call.Name == ToolNames.EndCall ? null : end.Reason,
                AfterGoodbye = end.Then,
            },
            TransferCallAction => new CallToolReply(outcome.ResultJson, ToolFollowUp.Transferred),
            _ => new CallToolReply(outcome.ResultJson),
        };
    }

    /// <summary>A result that reports a ticket opened on the way (a failed transfer's <c>create_ticket</c> fallback).</summary>
    private static bool HasTicket(string resultJson)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(resultJson);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ticket_number", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Succeeded(string resultJson)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(resultJson);
            return document.RootElement.TryGetProperty("ok", out JsonElement ok) && ok.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
