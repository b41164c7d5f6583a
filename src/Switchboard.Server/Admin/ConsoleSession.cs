using System.Security.Claims;
using Switchboard.Server.Data;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Admin;

/// <summary>
/// Who uses the console and for which tenant (one per circuit or request). Supervisors and attendants always work
/// for the tenant of their account; admins for the one they chose (cookie <see cref="ConsoleAccountEndpoints.TenantCookie"/>),
/// else the first. Every data access goes through <see cref="RunAsync{T}"/>: a fresh scope bound to that tenant, so
/// the store's tenant filter applies and a circuit never shares a DbContext between renders.
/// </summary>
public sealed class ConsoleSession
{
    private readonly IServiceScopeFactory _scopes;
    private Task? _loading;

    public ConsoleSession(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
    }

    public Guid? UserId { get; private set; }

    public string UserName { get; private set; } = "";

    public string DisplayName { get; private set; } = "";

    public string Role { get; private set; } = "";

    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Admins and supervisors change configuration; attendants only work calls and tickets.</summary>
    public bool CanConfigure => Role is Roles.Admin or Roles.Supervisor;

    public Guid? TenantId { get; private set; }

    public Tenant? Tenant { get; private set; }

    /// <summary>Tenants the user may switch to (only admins have more than one).</summary>
    public IReadOnlyList<Tenant> Tenants { get; private set; } = [];

    /// <summary>The admin's tenant choice as the first request carried it (set by the root component).</summary>
    public string? TenantChoice { get; set; }

    /// <summary>Reads the user and picks the tenant, once.</summary>
    public Task EnsureAsync(ClaimsPrincipal user, string? tenantChoice = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        TenantChoice ??= tenantChoice;
        return _loading ??= LoadAsync(user);
    }

    /// <summary>Runs <paramref name="work"/> in a new scope bound to the session's tenant.</summary>
    public async Task<T> RunAsync<T>(Func<IServiceProvider, SwitchboardDbContext, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Guid tenantId = TenantId ?? throw new TenantIsolationException("The console has no tenant to work for.");
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return await work(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>());
    }

    private async Task LoadAsync(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }

        UserName = user.Identity.Name ?? "";
        DisplayName = user.FindFirstValue(ClaimTypes.GivenName) ?? UserName;
        Role = user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Supervisor) ? Roles.Supervisor : user.IsInRole(Roles.Attendant) ? Roles.Attendant : "";
        UserId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out Guid id) ? id : null;
        Guid? bound = Guid.TryParse(user.FindFirstValue(ConsoleUsers.TenantClaim), out Guid tenant) ? tenant : null;

        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        TenantDirectory directory = scope.ServiceProvider.GetRequiredService<TenantDirectory>();
        if (IsAdmin)
        {
            Tenants = await directory.ListAsync(CancellationToken.None);
            Guid? chosen = Guid.TryParse(TenantChoice, out Guid choice) ? choice : bound;
            Tenant = Tenants.FirstOrDefault(t => t.Id == chosen) ?? Tenants.FirstOrDefault(t => t.Id == DemoTenant.Id) ?? (Tenants.Count > 0 ? Tenants[0] : null);
        }
        else if (bound is { } own && await directory.FindByIdAsync(own, CancellationToken.None) is { } ownTenant)
        {
            Tenant = ownTenant;
            Tenants = [ownTenant];
        }

        TenantId = Tenant?.Id;
    }
}
