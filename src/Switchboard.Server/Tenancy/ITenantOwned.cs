namespace Switchboard.Server.Tenancy;

/// <summary>
/// A row that belongs to one tenant (FusionPBX domain). The <c>SwitchboardDbContext</c> filters every query on
/// such rows to the current tenant and refuses to write them for another tenant.
/// </summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
