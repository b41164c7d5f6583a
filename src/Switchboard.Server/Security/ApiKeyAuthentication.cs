using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;

namespace Switchboard.Server.Security;

/// <summary>
/// API-key authentication for the REST API: <c>X-Api-Key: &lt;key&gt;</c> or
/// <c>Authorization: Bearer &lt;key&gt;</c>. The operator key comes from <c>Security:AdminApiKey</c>,
/// or is generated on first start into <c>&lt;data&gt;/admin-api-key</c> (mode 0600).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminApiKey adminKey)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers["X-Api-Key"];
        if (string.IsNullOrEmpty(presented))
        {
            string? authorization = Request.Headers.Authorization;
            if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!adminKey.Matches(presented))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid API key"));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, Roles.Admin)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string Attendant = "attendant";
}

/// <summary>The operator's API key, compared in constant time.</summary>
public sealed class AdminApiKey
{
    private readonly byte[] _key;

    public AdminApiKey(string key, string? storedAt)
    {
        _key = Encoding.UTF8.GetBytes(key);
        StoredAt = storedAt;
    }

    /// <summary>The file the generated key was written to (null when configured).</summary>
    public string? StoredAt { get; }

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(_key, Encoding.UTF8.GetBytes(presented));

    public static AdminApiKey Load(IConfiguration configuration, string dataRoot)
    {
        string? configured = configuration["Security:AdminApiKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new AdminApiKey(configured.Trim(), null);
        }

        Directory.CreateDirectory(dataRoot);
        string path = Path.Combine(dataRoot, "admin-api-key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new AdminApiKey(File.ReadAllText(path).Trim(), path);
    }
}

public static class SecurityServiceCollectionExtensions
{
    public const string AdminPolicy = "admin";

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => AdminApiKey.Load(
            services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IOptions<DataOptions>>().Value.DataRoot));
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }
}
