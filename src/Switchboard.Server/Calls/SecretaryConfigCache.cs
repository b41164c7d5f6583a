using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Transfers;

namespace Switchboard.Server.Calls;

/// <summary>What a call needs of its secretary's configuration: the secretary with its providers, the tenant, and the destinations it offers.</summary>
public sealed record SecretarySnapshot(Secretary Secretary, Tenant? Tenant, IReadOnlyList<TransferDestination> Destinations);

/// <summary>
/// The secretaries' configuration for calls, loaded from the store once and reused while it does not change. A save of a
/// secretary, provider, destination or tenant on this node invalidates at once (<see cref="Changed"/>, called by the
/// store); changes made elsewhere (another node, a bulk update) are caught by a cheap version check — update times of the
/// rows involved — done when an entry is older than <see cref="RecheckAfter"/>. No restart is ever needed.
/// </summary>
public sealed class SecretaryConfigCache(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long an entry is used without asking the store whether it changed.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(2);

    private static long _version;
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Secretary), Entry> _entries = new();
    private long _loads;

    /// <summary>Full loads from the store (for tests and metrics).</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Configuration changed on this node: every entry is re-checked on its next use.</summary>
    public static void Changed() => Interlocked.Increment(ref _version);

    /// <summary>The enabled secretary's configuration, or null when it does not exist or is disabled.</summary>
    public async Task<SecretarySnapshot?> GetAsync(Guid tenantId, Guid secretaryId, CancellationToken cancellationToken)
    {
        long version = Interlocked.Read(ref _version);
        if (_entries.TryGetValue((tenantId, secretaryId), out Entry? entry)
            && entry.Version == version && time.GetElapsedTime(entry.CheckedAt) < RecheckAfter)
        {
            return entry.Snapshot;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        string stamp = await StampAsync(db, secretaryId, cancellationToken);
        if (entry is not null && entry.Stamp == stamp)
        {
            _entries[(tenantId, secretaryId)] = entry with { CheckedAt = time.GetTimestamp(), Version = version };
            return entry.Snapshot;
        }

        Interlocked.Increment(ref _loads);
        Secretary? secretary = await db.Secretaries.AsNoTracking()
            .Include(s => s.Provider)
            .Include(s => s.FallbackProvider)
            .FirstOrDefaultAsync(s => s.Id == secretaryId && s.Enabled, cancellationToken);
        SecretarySnapshot? snapshot = null;
        if (secretary is not null)
        {
            Tenant? tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
            List<TransferDestination> destinations = await db.TransferDestinations.AsNoTracking()
                .Where(d => d.Enabled && (d.SecretaryId == null || d.SecretaryId == secretaryId))
                .OrderBy(d => d.Priority).ThenBy(d => d.Name)
                .ToListAsync(cancellationToken);
            snapshot = new SecretarySnapshot(secretary, tenant, destinations);
        }

        _entries[(tenantId, secretaryId)] = new Entry(snapshot, stamp, time.GetTimestamp(), version);
        return snapshot;
    }

    /// <summary>What a provider has spent this month, read live (spend is running state, not cached configuration).</summary>
    public async Task<decimal> SpentAsync(Guid tenantId, Guid providerId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.AiProviders.AsNoTracking().Where(p => p.Id == providerId).Select(p => p.SpentThisMonthUsd).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Update times (and links) of every row the snapshot is made of, in one string.</summary>
    private static async Task<string> StampAsync(SwitchboardDbContext db, Guid secretaryId, CancellationToken cancellationToken)
    {
        var secretary = await db.Secretaries.AsNoTracking()
            .Where(s => s.Id == secretaryId)
            .Select(s => new { s.UpdatedAt, s.Enabled, s.ProviderId, s.FallbackProviderId })
            .FirstOrDefaultAsync(cancellationToken);
        if (secretary is null)
        {
            return "none";
        }

        Guid?[] providerIds = [secretary.ProviderId, secretary.FallbackProviderId];
        List<DateTimeOffset> providers = await db.AiProviders.AsNoTracking()
            .Where(p => providerIds.Contains(p.Id))
            .OrderBy(p => p.Id)
            .Select(p => p.UpdatedAt)
            .ToListAsync(cancellationToken);
        List<DateTimeOffset> destinations = await db.TransferDestinations.AsNoTracking()
            .OrderByDescending(d => d.UpdatedAt)
            .Select(d => d.UpdatedAt)
            .Take(1)
            .ToListAsync(cancellationToken);
        int destinationCount = await db.TransferDestinations.CountAsync(cancellationToken);
        return string.Join(
            '|',
            secretary.UpdatedAt.UtcTicks,
            secretary.Enabled,
            secretary.ProviderId,
            secretary.FallbackProviderId,
            string.Join(',', providers.Select(p => p.UtcTicks)),
            destinationCount,
            destinations.Count == 0 ? 0 : destinations[0].UtcTicks);
    }

    private sealed record Entry(SecretarySnapshot? Snapshot, string Stamp, long CheckedAt, long Version);
}
