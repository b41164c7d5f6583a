using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Data;

/// <summary>A row of one of the persisted work queues (recording uploads, helpdesk deliveries, call summaries): while it
/// has work to do, it is due at <see cref="NextAttemptAt"/>.</summary>
public interface IQueuedWork : ITenantOwned
{
    Guid Id { get; }

    DateTimeOffset NextAttemptAt { get; set; }
}

/// <summary>How the queue workers take a row, on any number of nodes sharing the store.</summary>
public static class WorkQueue
{
    /// <summary>
    /// A queue worker's life: runs <paramref name="pass"/> (which works the due rows, at most
    /// <paramref name="batchSize"/>, and returns how many were due) again at once while it finds a full batch, else
    /// after <paramref name="waitForWork"/> (a wake-up or the poll interval). A failed pass is reported and retried;
    /// stopping ends the loop.
    /// </summary>
    public static async Task RunAsync(
        Func<CancellationToken, Task<int>> pass,
        int batchSize,
        Func<CancellationToken, Task> waitForWork,
        Action<Exception> passFailed,
        CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(waitForWork);
        ArgumentNullException.ThrowIfNull(passFailed);
        while (!stoppingToken.IsCancellationRequested)
        {
            int worked = 0;
            try
            {
                worked = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                passFailed(exception);
            }

            if (worked < batchSize)
            {
                try
                {
                    await waitForWork(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Claims row <paramref name="id"/> for this node when it is still <paramref name="pending"/> and due: a
    /// compare-and-set of its <see cref="IQueuedWork.NextAttemptAt"/> (the value read → now + <paramref name="lease"/>),
    /// so two nodes never work the same row and a node that dies leaves it to another once the lease is over. Then runs
    /// <paramref name="work"/> on the tracked row; stopping mid-work hands the row back (its old due time) so the next
    /// node, or this one after a restart, takes it at once. Nothing happens when the row is gone, not due, or taken.
    /// </summary>
    public static async Task ClaimAndRunAsync<T>(
        DbSet<T> rows,
        Guid id,
        Expression<Func<T, bool>> pending,
        DateTimeOffset now,
        TimeSpan lease,
        Func<T, Task> work,
        CancellationToken cancellationToken)
        where T : class, IQueuedWork
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(work);
        T? row = await rows.Where(pending).FirstOrDefaultAsync(item => item.Id == id && item.NextAttemptAt <= now, cancellationToken);
        if (row is null)
        {
            return;
        }

        DateTimeOffset seen = row.NextAttemptAt;
        DateTimeOffset leased = now + lease;
        if (await rows.Where(pending).Where(item => item.Id == id && item.NextAttemptAt == seen)
                .ExecuteUpdateAsync(set => set.SetProperty(item => item.NextAttemptAt, leased), cancellationToken) == 0)
        {
            return;
        }

        row.NextAttemptAt = leased;
        try
        {
            await work(row);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await rows.Where(pending).Where(item => item.Id == id)
                .ExecuteUpdateAsync(set => set.SetProperty(item => item.NextAttemptAt, seen), CancellationToken.None);
            throw;
        }
    }
}
