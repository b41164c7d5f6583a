using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tests.Admin;

/// <summary>The console's plain HTTP endpoints: destinations CSV export and import, the voice sample.</summary>
public sealed class ConsoleEndpointsTests : IClassFixture<ConsoleEndpointsTests.Server>
{
    private readonly Server _server;

    public ConsoleEndpointsTests(Server server) => _server = server;

    public sealed class Server : ConsoleServer
    {
        private readonly Lazy<Task> _supervisor;

        public Server() => _supervisor = new Lazy<Task>(() => CreateUserAsync("supervisor", "supervisor-password", Roles.Supervisor, DemoTenant.Id));

        public Task SupervisorCreatedAsync() => _supervisor.Value;
    }

    [Fact]
    public async Task A_supervisor_exports_the_destinations_and_an_import_applies_whole_or_not_at_all()
    {
        await _server.SupervisorCreatedAsync();
        using HttpClient supervisor = await _server.SignedInAsync("supervisor", "supervisor-password");

        HttpResponseMessage export = await supervisor.GetAsync("/admin/destinations.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        string csv = await export.Content.ReadAsStringAsync();
        Assert.StartsWith("name,aliases,destination_type,destination_number", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("Jeni - Financeiro", csv, StringComparison.Ordinal);

        // One bad row: nothing is imported and the row's problem is reported.
        HttpResponseMessage rejected = await ImportAsync(supervisor, "name,destination_type,destination_number\nPortaria,extension,1020\nGaragem,extension,\n");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        string rejectedAt = Uri.UnescapeDataString(rejected.Headers.Location!.OriginalString);
        Assert.StartsWith("/admin/destinations?importError=", rejectedAt, StringComparison.Ordinal);
        Assert.Contains("Line 3", rejectedAt, StringComparison.Ordinal);
        Assert.DoesNotContain("Portaria", await ConsoleServer.PageAsync(supervisor, "/admin/destinations"), StringComparison.Ordinal);

        HttpResponseMessage applied = await ImportAsync(supervisor, "name,destination_type,destination_number\nPortaria,extension,1020\n");
        Assert.Equal("/admin/destinations?imported=1,0,0", applied.Headers.Location?.OriginalString);
        string page = await ConsoleServer.PageAsync(supervisor, applied.Headers.Location!.OriginalString);
        Assert.Contains("Imported: 1 created, 0 updated, 0 deleted.", page, StringComparison.Ordinal);
        Assert.Contains("Portaria", page, StringComparison.Ordinal);
        Assert.Contains("Jeni - Financeiro", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_voice_sample_is_a_wav_of_the_secretarys_greeting_and_only_for_its_tenant()
    {
        using HttpClient admin = await _server.SignedInAsync("admin", ConsoleServer.AdminPassword);

        HttpResponseMessage sample = await admin.GetAsync($"/admin/voice-preview/{DemoTenant.SecretaryId}");
        Assert.Equal(HttpStatusCode.OK, sample.StatusCode);
        Assert.Equal("audio/wav", sample.Content.Headers.ContentType?.MediaType);
        byte[] wav = await sample.Content.ReadAsByteArrayAsync();
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(16000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        int dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.Equal(wav.Length - 44, dataBytes);
        Assert.True(dataBytes > 16000, $"A spoken greeting lasts more than half a second; got {dataBytes} bytes."); // 16 kHz × 2 bytes × 0.5 s

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/voice-preview/{Guid.NewGuid()}")).StatusCode);
        using HttpClient anonymous = _server.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/admin/voice-preview/{DemoTenant.SecretaryId}")).StatusCode);
    }

    [Fact]
    public async Task An_admin_creates_an_attendant_who_signs_in_to_the_tenant_and_cannot_manage_users()
    {
        using HttpClient admin = await _server.SignedInAsync("admin", ConsoleServer.AdminPassword);
        string token = ConsoleServer.AntiforgeryToken(await admin.GetStringAsync("/admin/users"));
        HttpResponseMessage created = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "new-user",
            ["Posted.UserName"] = "Bia",
            ["Posted.DisplayName"] = "Bia Lima",
            ["Posted.Password"] = "bia-password-1",
            ["Posted.Role"] = Roles.Attendant,
            ["Posted.TenantId"] = DemoTenant.Id.ToString(),
        }));
        string page = System.Net.WebUtility.HtmlDecode(await created.Content.ReadAsStringAsync());
        Assert.Contains("User bia created.", page, StringComparison.Ordinal);
        Assert.Contains("Bia Lima", page, StringComparison.Ordinal);

        using HttpClient bia = await _server.SignedInAsync("bia", "bia-password-1");
        Assert.Contains("Tenant: <strong>Demo</strong>", await ConsoleServer.PageAsync(bia, "/admin"), StringComparison.Ordinal);
        HttpResponseMessage users = await bia.GetAsync("/admin/users");
        Assert.Equal("/admin/access-denied", users.Headers.Location?.AbsolutePath);
    }

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient browser, string csv)
    {
        string token = ConsoleServer.AntiforgeryToken(await browser.GetStringAsync("/admin/destinations"));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new StringContent(csv);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "destinations.csv");
        return await browser.PostAsync("/admin/destinations/import", form);
    }
}
