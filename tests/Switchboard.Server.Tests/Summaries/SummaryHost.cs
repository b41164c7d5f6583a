using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Summaries;
using Switchboard.Server.Tests.Recordings;
using Switchboard.Server.Tickets;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Tests.Summaries;

/// <summary>Finished calls, providers and reads of the summary state, on a <see cref="StorageTestHost"/>.</summary>
internal static class SummaryHost
{
    public const string Caller = "Maria Souza";
    public const string CallerNumber = "+5511988887777";
    public const string Message = "Preciso da segunda via do boleto de março";
    public const string VoiceNote = "Recado de voz (12 s)";

    /// <summary>A pipeline provider whose LLM is the fake (settings <c>llm_base_url</c>, <c>model</c>; secret <c>api_key</c>).</summary>
    public static async Task AddPipelineProviderAsync(StorageTestHost host, Guid tenantId, Uri llmBaseUrl, string model, string apiKey)
    {
        await using AsyncServiceScope scope = host.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        db.AiProviders.Add(new AiProvider
        {
            Id = Guid.NewGuid(),
            Name = "Pipeline LLM",
            Type = AiProviderType.Pipeline,
            Settings = $$"""{"llm_base_url":"{{llmBaseUrl}}","model":"{{model}}","tts":"piper"}""",
            ProtectedSecrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>().Protect(new() { ["api_key"] = apiKey }),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// A call where the caller asked for Jeni, the transfer was not answered and a message was taken as a ticket (opened
    /// through <see cref="TicketService"/>, with its helpdesk delivery). <paramref name="ended"/> false leaves the call live.
    /// </summary>
    public static async Task<(Guid ConversationId, Ticket Ticket)> CallWithMessageAsync(StorageTestHost host, Guid tenantId, bool ended = true)
    {
        DateTimeOffset started = DateTimeOffset.UtcNow.AddMinutes(-3);
        await using AsyncServiceScope scope = host.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(),
            CallUuid = Guid.NewGuid().ToString(),
            CallerNumber = CallerNumber,
            CallerName = Caller,
            StartedAt = started,
            EndedAt = ended ? started.AddMinutes(2) : null,
            Outcome = ended ? ConversationOutcome.TicketCreated : ConversationOutcome.InProgress,
            EndReason = ended ? "caller_hangup" : null,
        };
        string[] lines =
        [
            "Olá, aqui é a secretária da Acme. Como posso ajudar?",
            "Oi, quero falar com a Jeni do financeiro",
            "A Jeni não atendeu. Quer deixar um recado?",
            Message,
        ];
        for (int i = 0; i < lines.Length; i++)
        {
            conversation.Turns.Add(new ConversationTurn
            {
                Id = Guid.NewGuid(),
                Sequence = i + 1,
                Speaker = i % 2 == 0 ? ConversationSpeaker.Agent : ConversationSpeaker.Caller,
                Text = lines[i],
                StartedAt = started.AddSeconds(i * 10),
            });
        }

        db.Conversations.Add(conversation);
        db.TransferAttempts.Add(new TransferAttempt
        {
            Id = Guid.NewGuid(),
            ConversationId = conversation.Id,
            CallUuid = conversation.CallUuid,
            DestinationName = "Jeni - Financeiro",
            StartedAt = started.AddSeconds(15),
            EndedAt = started.AddSeconds(40),
            Result = TransferAttemptResult.NoAnswer,
        });
        await db.SaveChangesAsync();

        Ticket ticket = await new TicketService(db).CreateAsync(
            new TicketDraft
            {
                Subject = "Recado para Jeni - Financeiro",
                Message = Message,
                CallerNumber = CallerNumber,
                CallerName = Caller,
                IntendedDestination = "Jeni - Financeiro",
                Reason = "no_answer",
                Transcript = string.Join('\n', lines),
                Summary = VoiceNote,
                ConversationId = conversation.Id,
            },
            CancellationToken.None);
        return (conversation.Id, ticket);
    }

    /// <summary>What the call's end does: the conversation is closed and its summary queued.</summary>
    public static async Task EndCallAsync(StorageTestHost host, Guid tenantId, Guid conversationId)
    {
        await using (AsyncServiceScope scope = host.Scope(tenantId))
        {
            await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().Conversations.Where(c => c.Id == conversationId)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.EndedAt, DateTimeOffset.UtcNow).SetProperty(c => c.Outcome, ConversationOutcome.TicketCreated));
        }

        await host.Services.GetRequiredService<ConversationSummaries>().EnqueueAsync(tenantId, conversationId, CancellationToken.None);
    }

    public static async Task<ConversationSummary?> WorkItemAsync(StorageTestHost host, Guid tenantId, Guid conversationId)
    {
        await using AsyncServiceScope scope = host.Scope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().ConversationSummaries.AsNoTracking()
            .SingleOrDefaultAsync(row => row.ConversationId == conversationId);
    }

    public static async Task<(string? Conversation, List<Ticket> Tickets)> SummariesAsync(StorageTestHost host, Guid tenantId, Guid conversationId)
    {
        await using AsyncServiceScope scope = host.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        string? summary = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Summary).SingleAsync();
        return (summary, await db.Tickets.AsNoTracking().Where(t => t.ConversationId == conversationId).ToListAsync());
    }
}
