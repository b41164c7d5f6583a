namespace Switchboard.Server.Tenancy;

/// <summary>
/// The tenant the current scope (HTTP request, call, background job) works for. Scoped service; the
/// <c>SwitchboardDbContext</c> reads it on every query and save. While it is unset, tenant-owned queries return
/// nothing and tenant-owned writes are refused.
/// </summary>
public sealed class TenantContext
{
    public Guid? TenantId { get; private set; }

    /// <summary>Binds the scope to a tenant. A scope serves one tenant: binding it to another one throws.</summary>
    public void Set(Guid tenantId)
    {
        if (tenantId == Guid.Empty)
        {
            throw new ArgumentException("A tenant id cannot be empty.", nameof(tenantId));
        }

        if (TenantId is { } current && current != tenantId)
        {
            throw new InvalidOperationException(
                $"This scope already serves tenant {current}; create a new scope to work for tenant {tenantId}.");
        }

        TenantId = tenantId;
    }
}
