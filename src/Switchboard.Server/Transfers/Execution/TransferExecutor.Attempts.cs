using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Transfers.Execution;

public sealed partial class TransferExecutor
{
    /// <summary>Writes the attempt's row as it starts (result null: in progress), in the caller's tenant.</summary>
    private async Task<TransferAttempt> BeginAttemptAsync(
        ITransferCaller caller, TransferDestination destination, TransferMode mode, int number, string? conference, CancellationToken ct)
    {
        var row = new TransferAttempt
        {
            Id = Guid.NewGuid(),
            TenantId = caller.TenantId,
            CallUuid = caller.CallUuid,
            DestinationId = destination.Id == Guid.Empty ? null : destination.Id,
            DestinationName = destination.Name,
            Mode = mode,
            AttemptNumber = number,
            StartedAt = _time.GetUtcNow(),
            ConferenceName = conference,
        };
        await SaveAsync(caller, row, added: true, ct);
        return row;
    }

    /// <summary>Completes the attempt's row (even when the transfer itself was cancelled).</summary>
    private async Task EndAttemptAsync(ITransferCaller caller, TransferDestination destination, TransferAttempt row, AttemptResult result)
    {
        row.EndedAt = _time.GetUtcNow();
        row.Result = result.Result;
        row.HangupCause = result.Cause;
        row.SipCode = result.Result == TransferAttemptResult.Success ? null : result.SipCode;
        row.Error = result.Error is { Length: > 1000 } text ? text[..1000] : result.Error;
        row.BLegUuid = result.LegUuid;
        row.ConferenceName ??= result.Conference;
        await SaveAsync(caller, row, added: false, CancellationToken.None);
        Log.AttemptEnded(_logger, caller.CallUuid, caller.TenantId, destination.Name, row.Mode.ToString(), row.AttemptNumber, ResultLabel(result.Result), result.Cause ?? result.Error);
    }

    /// <summary>A row that cannot be written is logged, never a reason to fail the caller's transfer.</summary>
    private async Task SaveAsync(ITransferCaller caller, TransferAttempt row, bool added, CancellationToken ct)
    {
        try
        {
            await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(caller.TenantId);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            if (added)
            {
                db.TransferAttempts.Add(row);
            }
            else
            {
                db.TransferAttempts.Update(row);
            }

            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            Log.AttemptNotSaved(_logger, caller.CallUuid, ex);
        }
    }
}
