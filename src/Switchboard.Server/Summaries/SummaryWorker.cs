using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Recordings;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Summaries;

/// <summary>
/// Works the <see cref="ConversationSummaries"/> queue: summarises each finished conversation with the tenant's chat
/// model when it has one (failed tries back off exponentially with jitter, up to <see cref="SummariesOptions.MaxAttempts"/>),
/// otherwise or then with <see cref="ExtractiveSummary"/>, and writes the summary to the conversation and every ticket
/// of it in one transaction. Several nodes may run it: a row is claimed by moving its next attempt time with a
/// conditional update.
/// </summary>
public sealed class SummaryWorker : BackgroundService
{
    public const string Llm = "llm";
    public const string Extractive = "extractive";

    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);
    private const int BatchSize = 20;

    private readonly ConversationSummaries _queue;
    private readonly ChatSummarizer _chat;
    private readonly IServiceScopeFactory _scopes;
    private readonly SummariesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SummaryWorker> _logger;

    public SummaryWorker(
        ConversationSummaries queue,
        ChatSummarizer chat,
        IServiceScopeFactory scopes,
        IOptions<SummariesOptions> options,
        TimeProvider timeProvider,
        ILogger<SummaryWorker> logger)
    {
        _queue = queue;
        _chat = chat;
        _scopes = scopes;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => WorkQueue.RunAsync(
        RunPassAsync, BatchSize, ct => _queue.WaitForWorkAsync(_options.PollInterval, ct), exception => Log.PassFailed(_logger, exception), stoppingToken);

    /// <summary>Works every due row once; returns how many were due.</summary>
    internal async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<DueSummary> due;
        await using (AsyncServiceScope scope = _scopes.CreateAsyncScope())
        {
            // The queue spans tenants; each row is then worked in a scope bound to its own tenant.
            due = await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().ConversationSummaries
                .IgnoreQueryFilters([SwitchboardDbContext.TenantQueryFilter]).AsNoTracking()
                .Where(row => row.Status == ConversationSummaryStatus.Pending && row.NextAttemptAt <= now)
                .OrderBy(row => row.NextAttemptAt)
                .Take(BatchSize)
                .Select(row => new DueSummary(row.Id, row.TenantId))
                .ToListAsync(cancellationToken);
        }

        foreach (DueSummary row in due)
        {
            await WorkAsync(row, cancellationToken);
        }

        return due.Count;
    }

    /// <summary>What the summary of a conversation is made from, as stored; null when the conversation is gone.</summary>
    public static async Task<(Conversation Conversation, SummaryInput Input)?> LoadAsync(SwitchboardDbContext db, Guid conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        Conversation? conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(row => row.Id == conversationId, cancellationToken);
        if (conversation is null)
        {
            return null;
        }

        string? language = conversation.SecretaryId is { } secretaryId
            ? await db.Secretaries.AsNoTracking().Where(row => row.Id == secretaryId).Select(row => row.Language).FirstOrDefaultAsync(cancellationToken)
            : null;
        language ??= await db.Tenants.AsNoTracking().Select(row => row.Language).FirstOrDefaultAsync(cancellationToken) ?? Tenant.DefaultLanguage;
        List<SummaryTurn> turns = await db.ConversationTurns.AsNoTracking()
            .Where(turn => turn.ConversationId == conversationId)
            .OrderBy(turn => turn.Sequence)
            .Select(turn => new SummaryTurn(turn.Speaker, turn.Text))
            .ToListAsync(cancellationToken);
        List<SummaryTicket> tickets = await db.Tickets.AsNoTracking()
            .Where(ticket => ticket.ConversationId == conversationId)
            .OrderBy(ticket => ticket.Number)
            .Select(ticket => new SummaryTicket(ticket.Number, ticket.Message, ticket.IntendedDestination, ticket.Reason))
            .ToListAsync(cancellationToken);
        List<TransferAttempt> attempts = await db.TransferAttempts.AsNoTracking()
            .Where(attempt => attempt.ConversationId == conversationId || attempt.CallUuid == conversation.CallUuid)
            .ToListAsync(cancellationToken);
        List<SummaryTransfer> transfers = [.. attempts
            .OrderBy(attempt => attempt.StartedAt).ThenBy(attempt => attempt.AttemptNumber)
            .Select(attempt => new SummaryTransfer(attempt.DestinationName, attempt.Result))];
        var input = new SummaryInput(
            language, conversation.CallerNumber, conversation.CallerName, conversation.Outcome, conversation.EndReason, turns, tickets, transfers);
        return (conversation, input);
    }

    private async Task WorkAsync(DueSummary due, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(due.TenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        await WorkQueue.ClaimAndRunAsync(
            db.ConversationSummaries, due.Id, item => item.Status == ConversationSummaryStatus.Pending, _time.GetUtcNow(), ClaimLease,
            row => WorkClaimedAsync(db, row, cancellationToken), cancellationToken);
    }

    private async Task WorkClaimedAsync(SwitchboardDbContext db, ConversationSummary row, CancellationToken cancellationToken)
    {
        if (await LoadAsync(db, row.ConversationId, cancellationToken) is not { } loaded)
        {
            row.Status = ConversationSummaryStatus.Skipped;
            row.LastError = "the conversation no longer exists";
            Log.ConversationGone(_logger, row.ConversationId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        string? summary = null;
        if (row.Attempts < _options.MaxAttempts && await _chat.FindProviderAsync(db, loaded.Conversation.SecretaryId, cancellationToken) is { } provider)
        {
            try
            {
                summary = await _chat.SummarizeAsync(provider, loaded.Input, cancellationToken);
            }
            catch (Exception exception) when (IsProviderFailure(exception, cancellationToken))
            {
                row.Attempts++;
                string error = $"{provider.ProviderName}: {exception.Message}";
                row.LastError = error.Length <= 2000 ? error : error[..2000];
                if (row.Attempts < _options.MaxAttempts)
                {
                    TimeSpan delay = RetryBackoff.Next(row.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
                    row.NextAttemptAt = _time.GetUtcNow() + delay;
                    Log.Retrying(_logger, row.ConversationId, provider.ProviderName, row.Attempts, exception.Message, delay);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                }

                Log.FallingBack(_logger, row.ConversationId, provider.ProviderName, row.Attempts, exception.Message);
            }
        }

        string method = summary is null ? Extractive : Llm;
        summary ??= ExtractiveSummary.Build(loaded.Input);
        await WriteAsync(db, row, summary, method, cancellationToken);
    }

    /// <summary>Conversation, tickets and the work item's state commit together: whoever sees the summary sees it everywhere.</summary>
    private async Task WriteAsync(SwitchboardDbContext db, ConversationSummary row, string summary, string method, CancellationToken cancellationToken)
    {
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Conversations.Where(conversation => conversation.Id == row.ConversationId)
            .ExecuteUpdateAsync(set => set.SetProperty(conversation => conversation.Summary, summary), cancellationToken);
        List<Ticket> tickets = await db.Tickets.Where(ticket => ticket.ConversationId == row.ConversationId).ToListAsync(cancellationToken);
        foreach (Ticket ticket in tickets)
        {
            // A note the ticket was opened with (a voice message's length) stays after the summary.
            ticket.Summary = string.IsNullOrWhiteSpace(ticket.Summary) ? summary : summary + "\n" + ticket.Summary;
        }

        row.Status = ConversationSummaryStatus.Done;
        row.Method = method;
        row.CompletedAt = _time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.Summarised(_logger, row.ConversationId, row.TenantId, method, tickets.Count);
    }

    private static bool IsProviderFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ProviderHttpException or HttpRequestException or TimeoutException or IOException or System.Text.Json.JsonException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private sealed record DueSummary(Guid Id, Guid TenantId);
}
