using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Summaries;

/// <summary>
/// The summary queue. When a call's conversation is finished, <see cref="EnqueueAsync"/> records that it must be
/// summarised; <see cref="SummaryWorker"/> writes the summary to the conversation and every ticket of it. The queue is
/// a table: a restart loses nothing.
/// </summary>
public sealed class ConversationSummaries
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ConversationSummaries(IServiceScopeFactory scopes, TimeProvider timeProvider)
    {
        _scopes = scopes;
        _time = timeProvider;
    }

    /// <summary>
    /// Queues the summary of a finished conversation (once per conversation: a second call is a no-op). Committed when
    /// this returns; the worker is woken at once.
    /// </summary>
    public async Task EnqueueAsync(Guid tenantId, Guid conversationId, CancellationToken cancellationToken)
    {
        await using (AsyncServiceScope scope = _scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            if (!await db.ConversationSummaries.AnyAsync(row => row.ConversationId == conversationId, cancellationToken))
            {
                db.ConversationSummaries.Add(new ConversationSummary
                {
                    Id = Guid.NewGuid(),
                    TenantId = tenantId,
                    ConversationId = conversationId,
                    NextAttemptAt = _time.GetUtcNow(),
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another node may have queued it between the look and the insert: then it is queued once, as asked.
                    if (!await ExistsAsync(tenantId, conversationId, cancellationToken))
                    {
                        throw;
                    }
                }
            }
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Returns when work was queued on this node, or after <paramref name="timeout"/>.</summary>
    internal async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> ExistsAsync(Guid tenantId, Guid conversationId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().ConversationSummaries
            .AnyAsync(row => row.ConversationId == conversationId, cancellationToken);
    }
}
