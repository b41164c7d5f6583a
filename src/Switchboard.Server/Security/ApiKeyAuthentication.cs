using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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

    /// <summary>Cookie scheme of the admin console.</summary>
    public const string ConsoleScheme = "Console";

    /// <summary>Default scheme: the API key when one is presented, else the console cookie.</summary>
    public const string DefaultScheme = "Switchboard";

    /// <summary>Console pages for supervisors and admins (configuration).</summary>
    public const string SupervisorPolicy = "supervisor";

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => AdminApiKey.Load(
            services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IOptions<DataOptions>>().Value.DataRoot));
        builder.Services.AddScoped<ConsoleUsers>();
        builder.Services.AddHostedService<FirstConsoleAdmin>();
        builder.Services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "API key or console cookie", options => options.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(ConsoleScheme, options =>
            {
                options.Cookie.Name = "switchboard.console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = "/admin/login";
                options.AccessDeniedPath = "/admin/access-denied";
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(SupervisorPolicy, policy => policy.RequireRole(Roles.Admin, Roles.Supervisor));
        return builder;
    }

    private static string SelectScheme(HttpContext context)
    {
        bool presentsKey = context.Request.Headers.ContainsKey("X-Api-Key")
            || (context.Request.Headers.Authorization.ToString() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));
        bool hasConsoleCookie = context.Request.Cookies.ContainsKey("switchboard.console");
        return presentsKey || (IsApi(context.Request) && !hasConsoleCookie) ? ApiKeyAuthenticationHandler.SchemeName : ConsoleScheme;
    }

    private static bool IsApi(HttpRequest request) =>
        !request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
        && request.Path != "/";

    /// <summary>The REST API answers 401/403 to a cookie that is missing or not allowed; console pages redirect.</summary>
    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
