using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;

namespace Switchboard.Server.Security;

/// <summary>
/// Console accounts: checks passwords (<see cref="PasswordHasher{TUser}"/>, PBKDF2), creates users and builds the
/// claims of a signed-in user. Users are not tenant-owned rows: an admin spans tenants. Scoped.
/// </summary>
public sealed class ConsoleUsers
{
    /// <summary>Claim holding the tenant a supervisor or attendant is bound to.</summary>
    public const string TenantClaim = "switchboard:tenant";

    private readonly SwitchboardDbContext _db;
    private readonly PasswordHasher<ConsoleUser> _hasher = new();

    public ConsoleUsers(SwitchboardDbContext db)
    {
        _db = db;
    }

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();

    /// <summary>The enabled user with this name and password, or null.</summary>
    public async Task<ConsoleUser?> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        string name = Normalize(userName);
        ConsoleUser? user = await _db.Set<ConsoleUser>().FirstOrDefaultAsync(u => u.UserName == name, cancellationToken);
        if (user is null || !user.Enabled)
        {
            // Same work as a real check, so timing does not tell which names exist.
            _hasher.VerifyHashedPassword(new ConsoleUser(), DummyHash, password);
            return null;
        }

        PasswordVerificationResult result = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
            await _db.SaveChangesAsync(cancellationToken);
        }

        return user;
    }

    /// <summary>
    /// Creates a user. Supervisors and attendants need a tenant; an admin's tenant is only where the console opens.
    /// </summary>
    public async Task<ConsoleUser> CreateAsync(string userName, string displayName, string password, string role, Guid? tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (role is not (Roles.Admin or Roles.Supervisor or Roles.Attendant))
        {
            throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
        }

        if (role != Roles.Admin && tenantId is null)
        {
            throw new ArgumentException("Supervisors and attendants belong to a tenant.", nameof(tenantId));
        }

        var user = new ConsoleUser
        {
            Id = Guid.NewGuid(),
            UserName = Normalize(userName),
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName.Trim() : displayName.Trim(),
            Role = role,
            TenantId = tenantId,
        };
        user.PasswordHash = _hasher.HashPassword(user, password);
        _db.Set<ConsoleUser>().Add(user);
        await _db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => _db.Set<ConsoleUser>().AnyAsync(cancellationToken);

    /// <summary>Every user, by name (admins manage them all).</summary>
    public async Task<IReadOnlyList<ConsoleUser>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _db.Set<ConsoleUser>().AsNoTracking().ToListAsync(cancellationToken)).OrderBy(u => u.UserName, StringComparer.Ordinal)];

    public Task<bool> ExistsAsync(string userName, CancellationToken cancellationToken)
    {
        string name = Normalize(userName);
        return _db.Set<ConsoleUser>().AnyAsync(u => u.UserName == name, cancellationToken);
    }

    /// <summary>Enables or disables a user; false when there is no such user.</summary>
    public async Task<bool> SetEnabledAsync(Guid id, bool enabled, CancellationToken cancellationToken) =>
        await _db.Set<ConsoleUser>().Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Enabled, enabled), cancellationToken) > 0;

    /// <summary>Users who may work on a tenant's tickets: its own people and the admins.</summary>
    public async Task<IReadOnlyList<ConsoleUser>> ListForTenantAsync(Guid tenantId, CancellationToken cancellationToken) =>
        await _db.Set<ConsoleUser>().AsNoTracking()
            .Where(u => u.Enabled && (u.TenantId == tenantId || u.Role == Roles.Admin))
            .OrderBy(u => u.DisplayName)
            .ToListAsync(cancellationToken);

    /// <summary>The identity of a signed-in user (scheme <see cref="SecurityServiceCollectionExtensions.ConsoleScheme"/>).</summary>
    public static ClaimsPrincipal Principal(ConsoleUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(ClaimTypes.Role, user.Role),
        ];
        if (user.TenantId is { } tenant)
        {
            claims.Add(new Claim(TenantClaim, tenant.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SecurityServiceCollectionExtensions.ConsoleScheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    private static readonly string DummyHash = new PasswordHasher<ConsoleUser>().HashPassword(new ConsoleUser(), "not-a-password");
}

/// <summary>
/// Creates the first console admin when there is no user: <c>admin</c> with <c>Security:AdminPassword</c>, or with a
/// generated password written to <c>&lt;data&gt;/admin-password</c> (mode 0600), as the API key is.
/// </summary>
public sealed partial class FirstConsoleAdmin(IServiceScopeFactory scopes, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<DataOptions> data, ILogger<FirstConsoleAdmin> logger) : IHostedService
{
    public const string UserName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        ConsoleUsers users = scope.ServiceProvider.GetRequiredService<ConsoleUsers>();
        if (await users.AnyAsync(cancellationToken))
        {
            return;
        }

        string? password = configuration["Security:AdminPassword"];
        string? storedAt = null;
        if (string.IsNullOrWhiteSpace(password))
        {
            Directory.CreateDirectory(data.Value.DataRoot);
            storedAt = Path.Combine(data.Value.DataRoot, "admin-password");
            if (!File.Exists(storedAt))
            {
                await File.WriteAllTextAsync(storedAt, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y'), cancellationToken);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(storedAt, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            password = (await File.ReadAllTextAsync(storedAt, cancellationToken)).Trim();
        }

        try
        {
            await users.CreateAsync(UserName, "Administrator", password, Roles.Admin, tenantId: null, cancellationToken);
            Log.FirstAdminCreated(logger, UserName, storedAt ?? "Security:AdminPassword");
        }
        catch (DbUpdateException)
        {
            // Another node created it at the same time.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
