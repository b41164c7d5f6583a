using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;

namespace Switchboard.Server.Tenancy;

/// <summary>
/// Finds tenants before a scope knows which tenant it serves (the media endpoint gets a domain uuid or name from
/// FreeSWITCH). The one sanctioned escape from the tenant query filter: it reads only the <see cref="Tenant"/>
/// table, never tenant-owned rows. Scoped.
/// </summary>
public sealed class TenantDirectory
{
    private readonly SwitchboardDbContext _db;

    public TenantDirectory(SwitchboardDbContext db)
    {
        _db = db;
    }

    public Task<Tenant?> FindByIdAsync(Guid tenantId, CancellationToken cancellationToken) =>
        AllTenants().FirstOrDefaultAsync(tenant => tenant.Id == tenantId, cancellationToken);

    /// <summary>Case-insensitive, as domain names are.</summary>
    public Task<Tenant?> FindByDomainNameAsync(string domainName, CancellationToken cancellationToken)
    {
        string normalized = domainName.Trim().ToLowerInvariant();
        return AllTenants().FirstOrDefaultAsync(tenant => tenant.DomainName == normalized, cancellationToken);
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken) =>
        await AllTenants().OrderBy(tenant => tenant.DomainName).ToListAsync(cancellationToken);

    private IQueryable<Tenant> AllTenants() =>
        _db.Tenants.IgnoreQueryFilters([SwitchboardDbContext.TenantQueryFilter]).AsNoTracking();
}
