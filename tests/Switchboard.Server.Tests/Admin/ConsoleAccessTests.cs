using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tests.Admin;

/// <summary>
/// Who reaches what in the admin console: the login, roles (an attendant works calls and tickets, never provider
/// secrets or configuration), tenants (supervisors and attendants only ever see their own), and the REST API that
/// keeps working with the API key.
/// </summary>
public sealed class ConsoleAccessTests : IClassFixture<ConsoleAccessTests.Server>
{
    private static readonly Guid OtherTenant = new("0d4e2c1a-6b7f-4c55-9d10-00000000a001");
    private static readonly Guid OtherConversation = new("0d4e2c1a-6b7f-4c55-9d10-00000000a002");
    private const string OtherCaller = "+5521977776666";
    private readonly Server _server;

    public ConsoleAccessTests(Server server) => _server = server;

    public sealed class Server : ConsoleServer
    {
        private readonly SemaphoreSlim _seeded = new(1, 1);
        private bool _done;

        /// <summary>A second tenant with a conversation and a ticket, and one attendant and one supervisor of the demo tenant.</summary>
        public async Task SeedAsync()
        {
            await _seeded.WaitAsync();
            try
            {
                if (_done)
                {
                    return;
                }

                await using (AsyncServiceScope scope = Services.CreateAsyncScope())
                {
                    scope.ServiceProvider.GetRequiredService<TenantContext>().Set(OtherTenant);
                    SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
                    db.Tenants.Add(new Tenant { Id = OtherTenant, DomainName = "other.example", DisplayName = "Other Company" });
                    await db.SaveChangesAsync();
                    db.Conversations.Add(new Conversation { Id = OtherConversation, CallUuid = Guid.NewGuid().ToString(), CallerNumber = OtherCaller, StartedAt = DateTimeOffset.UtcNow });
                    await db.SaveChangesAsync();
                    await scope.ServiceProvider.GetRequiredService<TicketService>().CreateAsync(new TicketDraft { Subject = "Other company's ticket", CallerNumber = OtherCaller }, CancellationToken.None);
                }

                await CreateUserAsync("attendant", "attendant-password", Roles.Attendant, DemoTenant.Id);
                await CreateUserAsync("supervisor", "supervisor-password", Roles.Supervisor, DemoTenant.Id);
                _done = true;
            }
            finally
            {
                _seeded.Release();
            }
        }
    }

    [Fact]
    public async Task The_first_admin_signs_in_with_the_configured_password_and_a_wrong_password_is_refused()
    {
        using HttpClient wrong = _server.Browser();
        HttpResponseMessage refused = await ConsoleServer.PostLoginAsync(wrong, "admin", "not-the-password");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/admin/login?error=1", refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/admin/login", (await wrong.GetAsync("/admin/destinations")).Headers.Location?.AbsolutePath, StringComparison.Ordinal);

        using HttpClient admin = await _server.SignedInAsync("ADMIN", ConsoleServer.AdminPassword);
        string destinations = await ConsoleServer.PageAsync(admin, "/admin/destinations");
        Assert.Contains("Jeni - Financeiro", destinations, StringComparison.Ordinal);
        Assert.Contains("Suporte Técnico", destinations, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_pages_send_an_anonymous_visitor_to_the_login_and_the_api_answers_401()
    {
        using HttpClient anonymous = _server.Browser();
        foreach (string page in new[] { "/admin", "/admin/tickets", "/admin/providers", "/admin/conversations", "/admin/test-call" })
        {
            HttpResponseMessage response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/admin/login", response.Headers.Location?.AbsolutePath);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/tenants/{DemoTenant.Id}/destinations")).StatusCode);
    }

    [Fact]
    public async Task An_attendant_cannot_reach_providers_configuration_or_another_tenant()
    {
        await _server.SeedAsync();
        using HttpClient attendant = await _server.SignedInAsync("attendant", "attendant-password");

        foreach (string page in new[]
        {
            "/admin/providers", $"/admin/providers/{DemoTenant.LocalProviderId}", "/admin/providers/new", "/admin/secretaries",
            $"/admin/secretaries/{DemoTenant.SecretaryId}", "/admin/destinations", "/admin/destinations.csv", $"/admin/account/tenant?id={OtherTenant}",
        })
        {
            HttpResponseMessage response = await attendant.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/admin/access-denied", $"{page}: {response.StatusCode} {response.Headers.Location}");
        }

        // The REST API with the attendant's cookie: forbidden, not redirected.
        Assert.Equal(HttpStatusCode.Forbidden, (await attendant.GetAsync($"/api/tenants/{DemoTenant.Id}/destinations")).StatusCode);

        // Calls and tickets of their own tenant are theirs to work.
        Assert.Equal(HttpStatusCode.OK, (await attendant.GetAsync("/admin/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await attendant.GetAsync("/admin/conversations")).StatusCode);
        Assert.DoesNotContain("/admin/providers", await ConsoleServer.PageAsync(attendant, "/admin"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attendant_sees_only_their_tenant_even_with_a_forged_tenant_cookie_while_an_admin_may_switch()
    {
        await _server.SeedAsync();
        var cookies = new CookieContainer();
        using HttpClient attendant = await _server.SignedInAsync("attendant", "attendant-password", cookies);
        cookies.Add(new Uri("http://localhost/"), new Cookie("switchboard.tenant", OtherTenant.ToString()));

        string detail = await ConsoleServer.PageAsync(attendant, $"/admin/conversations/{OtherConversation}");
        Assert.Contains("No such conversation", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherCaller, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherCaller, await ConsoleServer.PageAsync(attendant, "/admin/conversations"), StringComparison.Ordinal);
        Assert.DoesNotContain("Other company", await ConsoleServer.PageAsync(attendant, "/admin/tickets"), StringComparison.Ordinal);

        // The same pages for an admin who switched to the other tenant show its data: the checks above are not vacuous.
        using HttpClient admin = await _server.SignedInAsync("admin", ConsoleServer.AdminPassword);
        HttpResponseMessage switched = await admin.GetAsync($"/admin/account/tenant?id={OtherTenant}&returnUrl=/admin/tickets");
        Assert.Equal(("/admin/tickets", HttpStatusCode.Redirect), (switched.Headers.Location?.OriginalString, switched.StatusCode));
        Assert.Contains(OtherCaller, await ConsoleServer.PageAsync(admin, $"/admin/conversations/{OtherConversation}"), StringComparison.Ordinal);
        Assert.Contains("Other company", await ConsoleServer.PageAsync(admin, "/admin/tickets"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_secrets_are_write_only_in_the_console()
    {
        const string secret = "sk-console-never-shows-this-4242";
        await using (AsyncServiceScope scope = _server.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.AiProviders.Add(new AiProvider
            {
                Id = Guid.NewGuid(),
                Name = "OpenAI with a key",
                Type = AiProviderType.OpenAiRealtime,
                ProtectedSecrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>().Protect(new Dictionary<string, string> { ["api_key"] = secret }),
            });
            await db.SaveChangesAsync();
        }

        using HttpClient admin = await _server.SignedInAsync("admin", ConsoleServer.AdminPassword);
        string list = await ConsoleServer.PageAsync(admin, "/admin/providers");
        Assert.Contains("OpenAI with a key", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        string[] pages = [.. System.Text.RegularExpressions.Regex.Matches(list, "/admin/providers/[0-9a-f-]{36}").Select(m => m.Value).Distinct()];
        Assert.True(pages.Length >= 2, list);
        bool saysKeyIsSet = false;
        foreach (string href in pages)
        {
            string page = await ConsoleServer.PageAsync(admin, href);
            saysKeyIsSet |= page.Contains("set — leave empty to keep", StringComparison.Ordinal);
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
            Assert.DoesNotContain("ProtectedSecrets", page, StringComparison.Ordinal);
        }

        // The page with the key says it is set without showing it.
        Assert.True(saysKeyIsSet);
    }

    [Fact]
    public async Task The_rest_api_still_takes_the_operator_api_key()
    {
        using HttpClient api = _server.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", ConsoleServer.ApiKey);
        HttpResponseMessage response = await api.GetAsync($"/api/tenants/{DemoTenant.Id}/destinations");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Jeni - Financeiro", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>Without <c>Security:AdminPassword</c> the first admin's password is generated into the data folder.</summary>
public sealed class FirstAdminPasswordTests
{
    [Fact]
    public async Task The_generated_first_admin_password_is_in_the_data_folder_readable_by_the_owner_only_and_signs_in()
    {
        await using var server = new Support.SwitchboardServerFactory();
        using HttpClient browser = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        string path = Path.Combine(server.DataRoot, "admin-password");
        await Support.Wait.UntilAsync(() => File.Exists(path));
        string password = (await File.ReadAllTextAsync(path)).Trim();
        Assert.True(password.Length >= 12);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        HttpResponseMessage response = await ConsoleServer.PostLoginAsync(browser, "admin", password);
        Assert.Equal(("/admin", HttpStatusCode.Redirect), (response.Headers.Location?.OriginalString, response.StatusCode));
    }
}
