using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tickets;

/// <summary>
/// Per-tenant sequential ticket numbers (1, 2, 3...) that stay distinct and gap-free under concurrency on both
/// providers: one UPSERT ... RETURNING on the tenant's <c>ticket_counters</c> row, in the same transaction as the
/// ticket insert. The row lock (PostgreSQL) or write lock (SQLite) makes concurrent creators take turns, and a
/// rolled-back ticket gives its number back.
/// </summary>
public static class TicketNumbers
{
    // SQLite has one writer anyway; under heavy contention Microsoft.Data.Sqlite's busy retry can re-issue
    // BEGIN inside the transaction its own failed attempt left open ("cannot start a transaction within a
    // transaction"). The embedded store is single-node, so writers of this process take turns here instead.
    private static readonly SemaphoreSlim SqliteWriters = new(1, 1);

    /// <summary>
    /// Numbers <paramref name="ticket"/> and inserts it for the context's current tenant, in a transaction of its
    /// own or the caller's. Returns the number.
    /// </summary>
    public static async Task<long> AddAsync(SwitchboardDbContext db, Ticket ticket, CancellationToken cancellationToken)
    {
        bool serialize = !db.IsPostgres && db.Database.CurrentTransaction is null;
        if (serialize)
        {
            await SqliteWriters.WaitAsync(cancellationToken);
        }

        try
        {
            return await AddInTransactionAsync(db, ticket, cancellationToken);
        }
        finally
        {
            if (serialize)
            {
                SqliteWriters.Release();
            }
        }
    }

    private static async Task<long> AddInTransactionAsync(SwitchboardDbContext db, Ticket ticket, CancellationToken cancellationToken)
    {
        IDbContextTransaction? own = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            ticket.Number = await NextAsync(db, cancellationToken);
            db.Tickets.Add(ticket);
            await db.SaveChangesAsync(cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return ticket.Number;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Takes the current tenant's next number. Must run inside a transaction that also inserts the ticket, or the
    /// number is lost (committed without a ticket) or not reserved (no lock held).
    /// </summary>
    public static async Task<long> NextAsync(SwitchboardDbContext db, CancellationToken cancellationToken)
    {
        Guid tenantId = db.CurrentTenantId
            ?? throw new TenantIsolationException("Cannot number a ticket: no tenant is set for this scope (TenantContext.Set).");
        IDbContextTransaction transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Ticket numbers are taken inside the transaction that inserts the ticket.");

        bool postgres = db.IsPostgres;
        string table = postgres ? $"{SwitchboardDbContext.PostgresSchema}.ticket_counters" : "ticket_counters";
        DbConnection connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText =
            $"""
             INSERT INTO {table} AS c (tenant_id, last_number) VALUES (@tenant, 1)
             ON CONFLICT (tenant_id) DO UPDATE SET last_number = c.last_number + 1
             RETURNING last_number
             """;
        DbParameter tenant = command.CreateParameter();
        tenant.ParameterName = "@tenant";

        // EF stores SQLite Guids as upper-case text; a raw Guid parameter would bind as a blob.
        tenant.Value = postgres ? tenantId : tenantId.ToString("D").ToUpperInvariant();
        command.Parameters.Add(tenant);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
