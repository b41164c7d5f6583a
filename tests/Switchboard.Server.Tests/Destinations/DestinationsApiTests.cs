using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Tests.Destinations;

/// <summary>The destinations REST API and CSV through HTTP on the real host, on both stores.</summary>
public sealed class DestinationsApiTests(DestinationsApiFixture api) : IClassFixture<DestinationsApiFixture>
{
    private const string Header =
        "name,aliases,destination_type,destination_number,destination_context,ring_timeout_seconds,max_retries,retry_delay_seconds,"
        + "fallback_action,department,role,description,working_hours,priority,enabled,is_default,transfer_mode,announce_timeout_seconds,secretary_extension";

    private static object Jeni(string name = "Jeni - Financeiro", bool isDefault = false, bool enabled = true, int priority = 50) => new
    {
        name,
        aliases = new[] { "jeni", "jeniffer", "financeiro", "boleto" },
        destinationType = "extension",
        destinationNumber = "1004",
        ringTimeoutSeconds = 25,
        maxRetries = 2,
        retryDelaySeconds = 3,
        fallbackAction = "offer_ticket",
        department = "Financeiro",
        role = "Analista Financeiro",
        description = "Responsável por cobranças e boletos",
        workingHours = "mon-fri 08:00-17:00; sat 08:00-12:00",
        priority,
        enabled,
        isDefault,
        transferMode = "announced",
        announceTimeoutSeconds = 20,
    };

    private static object Minimal(string name, string type = "ring_group", string number = "9000", bool isDefault = false, bool enabled = true, int? priority = null) =>
        new { name, destinationType = type, destinationNumber = number, isDefault, enabled, priority };

    [Theory, SqliteData, PostgresData]
    public async Task Destinations_are_created_read_listed_replaced_and_deleted(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string root = $"/api/tenants/{tenant}/destinations";

        HttpResponseMessage created = await http.PostAsJsonAsync(root, Jeni());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        DestinationView jeni = (await created.Content.ReadFromJsonAsync<DestinationView>())!;
        Assert.Equal($"{root}/{jeni.Id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Jeni - Financeiro", jeni.Name);
        Assert.Equal(["jeni", "jeniffer", "financeiro", "boleto"], jeni.Aliases);
        Assert.Equal(("extension", "1004", $"t{tenant:N}.example.com"), (jeni.DestinationType, jeni.DestinationNumber, jeni.DestinationContext));
        Assert.Equal((25, 2, 3, 50, 20), (jeni.RingTimeoutSeconds, jeni.MaxRetries, jeni.RetryDelaySeconds, jeni.Priority, jeni.AnnounceTimeoutSeconds));
        Assert.Equal(("offer_ticket", "announced", "mon-fri 08:00-17:00; sat 08:00-12:00"), (jeni.FallbackAction, jeni.TransferMode, jeni.WorkingHours));
        Assert.True(jeni.Enabled);
        Assert.False(jeni.IsDefault);

        DestinationView stored = (await http.GetFromJsonAsync<DestinationView>($"{root}/{jeni.Id}"))!;
        Assert.Equivalent(jeni with { CreatedAt = stored.CreatedAt, UpdatedAt = stored.UpdatedAt }, stored, strict: true);
        Assert.True((stored.CreatedAt - jeni.CreatedAt).Duration() < TimeSpan.FromMilliseconds(1));

        // Seed 1's defaults fill what a request leaves out.
        DestinationView suporte = (await (await http.PostAsJsonAsync(root, Minimal("Suporte Técnico", "queue", "5001", priority: 75))).Content.ReadFromJsonAsync<DestinationView>())!;
        Assert.Equal((30, 1, 5, 15, "offer_ticket", "attended", ""), (suporte.RingTimeoutSeconds, suporte.MaxRetries, suporte.RetryDelaySeconds, suporte.AnnounceTimeoutSeconds, suporte.FallbackAction, suporte.TransferMode, suporte.WorkingHours));
        await http.PostAsJsonAsync(root, Minimal("Atendimento", isDefault: true, priority: 100));
        await http.PostAsJsonAsync(root, Minimal("Ágata", "extension", "1010", priority: 75));

        DestinationView[] listed = (await http.GetFromJsonAsync<DestinationView[]>(root))!;
        Assert.Equal(["Jeni - Financeiro", "Ágata", "Suporte Técnico", "Atendimento"], listed.Select(d => d.Name));

        HttpResponseMessage replaced = await http.PutAsJsonAsync($"{root}/{jeni.Id}", Minimal("Jeni", "extension", "1005", priority: 10));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        DestinationView updated = (await http.GetFromJsonAsync<DestinationView>($"{root}/{jeni.Id}"))!;
        Assert.Equal(("Jeni", "1005", 10, "", 0), (updated.Name, updated.DestinationNumber, updated.Priority, updated.WorkingHours, updated.Aliases.Count));
        Assert.Equal(stored.CreatedAt, updated.CreatedAt);
        Assert.True(updated.UpdatedAt >= stored.UpdatedAt);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"{root}/{jeni.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{root}/{jeni.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"{root}/{jeni.Id}")).StatusCode);
        Assert.Equal(3, (await http.GetFromJsonAsync<DestinationView[]>(root))!.Length);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Invalid_destinations_are_refused_with_a_message_per_field(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string root = $"/api/tenants/{tenant}/destinations";
        await http.PostAsJsonAsync(root, Minimal("Suporte Técnico", "queue", "5001"));

        JsonElement errors = await ErrorsAsync(await http.PostAsJsonAsync(root, new
        {
            name = "  ",
            destinationType = "fax",
            destinationNumber = "1004",
            ringTimeoutSeconds = 1,
            maxRetries = 11,
            retryDelaySeconds = -1,
            fallbackAction = "callback",
            transferMode = "warm",
            workingHours = "mon-fry 08:00-18:00",
            priority = -5,
        }));
        Assert.Equal(
            ["destinationType", "fallbackAction", "maxRetries", "name", "priority", "retryDelaySeconds", "ringTimeoutSeconds", "transferMode", "workingHours"],
            errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("A name is required (the name callers and the agent use, e.g. \"Jeni - Financeiro\").", Message(errors, "name"));
        Assert.Equal("'fax' is not a destination type; use extension, ring_group, queue, external or voicemail.", Message(errors, "destinationType"));
        Assert.Equal("The ring timeout must be between 5 and 300 (got 1).", Message(errors, "ringTimeoutSeconds"));
        Assert.Equal("'callback' is not a fallback action; use offer_ticket, create_ticket, voicemail, return_agent or hangup.", Message(errors, "fallbackAction"));
        Assert.Contains("'fry' is not a day", Message(errors, "workingHours"), StringComparison.Ordinal);

        Assert.Equal("'12a4' is not an extension: digits only, 2 to 10 (e.g. 1004).",
            Message(await ErrorsAsync(await http.PostAsJsonAsync(root, Minimal("Jeni", "extension", "12a4"))), "destinationNumber"));
        Assert.Equal("'+55 51 9999' is not an external number: E.164 such as +5551999999999, or digits only (3 to 20).",
            Message(await ErrorsAsync(await http.PostAsJsonAsync(root, Minimal("Celular", "external", "+55 51 9999"))), "destinationNumber"));
        Assert.Equal("The tenant already has a destination named 'Suporte Técnico' (names are compared ignoring case and accents).",
            Message(await ErrorsAsync(await http.PostAsJsonAsync(root, Minimal("SUPORTE tecnico", "queue", "5002"))), "name"));
        Assert.Contains("The tenant has no secretary",
            Message(await ErrorsAsync(await http.PostAsJsonAsync(root, new { name = "X", destinationType = "extension", destinationNumber = "1001", secretaryId = Guid.NewGuid() })), "secretaryId"),
            StringComparison.Ordinal);

        foreach ((string type, string number) in new[] { ("external", "+5551999999999"), ("external", "08001234567"), ("voicemail", "*991004"), ("queue", "suporte@demo"), ("ring_group", "9001") })
        {
            HttpResponseMessage ok = await http.PostAsJsonAsync(root, Minimal($"{type} {number}", type, number));
            Assert.True(ok.StatusCode == HttpStatusCode.Created, $"{type} {number}: {await ok.Content.ReadAsStringAsync()}");
        }

        Assert.Single((await http.GetFromJsonAsync<DestinationView[]>(root))!, d => d.Name == "Suporte Técnico");
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_second_enabled_default_is_a_conflict_naming_the_current_default(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string root = $"/api/tenants/{tenant}/destinations";
        DestinationView atendimento = (await (await http.PostAsJsonAsync(root, Minimal("Atendimento", isDefault: true))).Content.ReadFromJsonAsync<DestinationView>())!;

        HttpResponseMessage second = await http.PostAsJsonAsync(root, Minimal("Recepção", "ring_group", "9001", isDefault: true));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        JsonElement problem = await second.JsonAsync();
        Assert.Equal("Another destination is already the default", problem.GetProperty("title").GetString());
        Assert.StartsWith("'Atendimento' is already the tenant's enabled default destination", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A disabled default is allowed; enabling it is not while Atendimento is the default.
        DestinationView dormant = (await (await http.PostAsJsonAsync(root, Minimal("Plantão", "ring_group", "9002", isDefault: true, enabled: false))).Content.ReadFromJsonAsync<DestinationView>())!;
        Assert.Equal(HttpStatusCode.Conflict, (await http.PutAsJsonAsync($"{root}/{dormant.Id}", Minimal("Plantão", "ring_group", "9002", isDefault: true))).StatusCode);

        // Re-saving the default itself is no conflict; handing the role over works in two steps.
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"{root}/{atendimento.Id}", Minimal("Atendimento", isDefault: true))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"{root}/{atendimento.Id}", Minimal("Atendimento", isDefault: false))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsJsonAsync($"{root}/{dormant.Id}", Minimal("Plantão", "ring_group", "9002", isDefault: true))).StatusCode);
        Assert.Equal(["Plantão"], (await http.GetFromJsonAsync<DestinationView[]>(root))!.Where(d => d.IsDefault && d.Enabled).Select(d => d.Name));
    }

    [Theory, SqliteData, PostgresData]
    public async Task The_csv_export_imports_into_another_tenant_unchanged(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid source, Guid sourceSecretary) = await api.CreateTenantAsync(provider, "8000");
        (Guid target, _) = await api.CreateTenantAsync(provider, "8000");
        string root = $"/api/tenants/{source}/destinations";
        await http.PostAsJsonAsync(root, Jeni());
        await http.PostAsJsonAsync(root, new
        {
            name = "Suporte, \"Técnico\"",
            aliases = new[] { "suporte", "conexão", "internet caiu" },
            destinationType = "queue",
            destinationNumber = "5001",
            destinationContext = "default",
            fallbackAction = "create_ticket",
            description = "Equipe de suporte;\nplantão 24h",
            workingHours = "daily 00:00-24:00",
            secretaryId = sourceSecretary,
        });
        await http.PostAsJsonAsync(root, Minimal("Atendimento", isDefault: true, priority: 100));
        await http.PostAsJsonAsync(root, Minimal("Vendas", "ring_group", "9001", enabled: false));

        HttpResponseMessage exported = await http.GetAsync($"{root}.csv");
        Assert.Equal("text/csv; charset=utf-8", exported.Content.Headers.ContentType!.ToString());
        Assert.Equal("destinations.csv", exported.Content.Headers.ContentDisposition!.FileName);
        string csv = await exported.Content.ReadAsStringAsync();
        string[] lines = csv.Split("\r\n");
        Assert.Equal(Header, lines[0]);
        Assert.Contains($"\r\nJeni - Financeiro,jeni|jeniffer|financeiro|boleto,extension,1004,t{source:N}.example.com,25,2,3,offer_ticket,Financeiro,Analista Financeiro,Responsável por cobranças e boletos,\"mon-fri 08:00-17:00; sat 08:00-12:00\",50,true,false,announced,20,\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\"Suporte, \"\"Técnico\"\"\",suporte|conexão|internet caiu,queue,5001,default,", csv, StringComparison.Ordinal);
        Assert.Contains(",daily 00:00-23:59,100,true,false,attended,15,8000\r\n", csv, StringComparison.Ordinal);

        HttpResponseMessage imported = await http.PostAsync($"/api/tenants/{target}/destinations.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(new DestinationsEndpoints.ImportSummary(4, 0, 0), await imported.Content.ReadFromJsonAsync<DestinationsEndpoints.ImportSummary>());

        string again = await http.GetStringAsync($"/api/tenants/{target}/destinations.csv");
        Assert.Equal(csv, again);

        // Importing the same file again updates every row by name and creates nothing.
        HttpResponseMessage repeat = await http.PostAsync($"/api/tenants/{target}/destinations.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(new DestinationsEndpoints.ImportSummary(0, 4, 0), await repeat.Content.ReadFromJsonAsync<DestinationsEndpoints.ImportSummary>());
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_csv_with_bad_rows_changes_nothing_and_reports_each_row_by_line(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string root = $"/api/tenants/{tenant}/destinations";
        await http.PostAsJsonAsync(root, Minimal("Atendimento", isDefault: true));
        const string Csv =
            "name;destination_type;destination_number;working_hours;is_default;ring_timeout_seconds;secretary_extension\n"
            + "Jeni;extension;1004;mon-fri 08:00-17:00;false;25;8000\n"
            + "Carlos;extension;10a4;;;;\n"
            + "\n"
            + "JENI;extension;1005;;;abc;\n"
            + "Suporte;queue;5001;\"seg-sex 08:00-18:00; sab 8:00-12:00\";;;9999\n"
            + "Plantão;ring_group;9001;;sim;;\n";

        HttpResponseMessage response = await http.PostAsync($"{root}.csv", new StringContent(Csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement problem = await response.JsonAsync();
        Assert.Equal("The CSV has errors; nothing was imported", problem.GetProperty("title").GetString());
        JsonElement[] rows = [.. problem.GetProperty("rows").EnumerateArray()];
        Assert.Equal([3, 5, 6, 7], rows.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal("'10a4' is not an extension: digits only, 2 to 10 (e.g. 1004).", RowMessage(rows[0], "destination_number"));
        Assert.Equal("'abc' is not a whole number.", RowMessage(rows[1], "ring_timeout_seconds"));
        Assert.Equal("The name 'JENI' is already on line 2; each destination once per file.", RowMessage(rows[1], "name"));
        Assert.Equal("No secretary of this tenant answers extension '9999'; leave it empty for every secretary.", RowMessage(rows[2], "secretary_extension"));
        Assert.Equal("Only one enabled default destination per tenant; this file would also make 'Atendimento' (already stored) the default.", RowMessage(rows[3], "is_default"));
        Assert.Equal("JENI", rows[1].GetProperty("name").GetString());

        Assert.Equal(["Atendimento"], (await http.GetFromJsonAsync<DestinationView[]>(root))!.Select(d => d.Name));

        // Without the bad rows the same file applies, semicolons and all.
        string good = string.Join('\n', Csv.Split('\n').Where((_, i) => i is 0 or 1 or 5)).Replace(";9999", ";", StringComparison.Ordinal);
        HttpResponseMessage applied = await http.PostAsync($"{root}.csv", new StringContent(good, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        DestinationView suporte = (await http.GetFromJsonAsync<DestinationView[]>(root))!.Single(d => d.Name == "Suporte");
        Assert.Equal("mon-fri 08:00-18:00; sat 08:00-12:00", suporte.WorkingHours);
    }

    [Theory]
    [SqliteData]
    [PostgresData]
    public async Task A_csv_that_cannot_be_read_is_refused_as_a_whole(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string url = $"/api/tenants/{tenant}/destinations.csv";

        async Task<string> DetailAsync(string csv)
        {
            HttpResponseMessage response = await http.PostAsync(url, new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("detail").GetString()!;
        }

        Assert.StartsWith("Line 1: unknown column 'telefone'.", await DetailAsync("name,telefone\nJeni,1004\n"), StringComparison.Ordinal);
        Assert.Equal("Line 1: missing column(s) destination_type, destination_number.", await DetailAsync("name\nJeni\n"));
        Assert.Equal("Line 2: a quoted field is never closed.", await DetailAsync("name,destination_type,destination_number\n\"Jeni,extension,1004\n"));
        Assert.StartsWith("The file is empty", await DetailAsync(""), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync(url + "?mode=merge", new StringContent("name\n"))).StatusCode);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_csv_comes_as_the_body_or_as_a_form_file_and_at_most_one_mebibyte(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string url = $"/api/tenants/{tenant}/destinations.csv";

        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("name,destination_type,destination_number\nJeni,extension,1004\n", Encoding.UTF8, "text/csv"), "file", "destinations.csv");
        HttpResponseMessage uploaded = await http.PostAsync(url, form);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        Assert.Equal(new DestinationsEndpoints.ImportSummary(1, 0, 0), await uploaded.Content.ReadFromJsonAsync<DestinationsEndpoints.ImportSummary>());

        string huge = "name,destination_type,destination_number,description\n" + string.Concat(Enumerable.Range(0, 12_000).Select(i => $"D{i},extension,{1000 + (i % 8000)},{new string('x', 80)}\n"));
        Assert.True(Encoding.UTF8.GetByteCount(huge) > DestinationsEndpoints.MaxCsvBytes);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.PostAsync(url, new StringContent(huge, Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Single((await http.GetFromJsonAsync<DestinationView[]>($"/api/tenants/{tenant}/destinations"))!);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Csv_import_upserts_by_name_moves_the_default_and_replace_deletes_the_rest(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        string root = $"/api/tenants/{tenant}/destinations";
        DestinationView atendimento = (await (await http.PostAsJsonAsync(root, Minimal("Atendimento", isDefault: true))).Content.ReadFromJsonAsync<DestinationView>())!;
        DestinationView jeni = (await (await http.PostAsJsonAsync(root, Jeni())).Content.ReadFromJsonAsync<DestinationView>())!;

        // The default moves from Atendimento to the new Recepção within one import.
        string csv = "name,destination_type,destination_number,is_default,priority\n"
            + "atendimento,ring_group,9000,false,100\n"
            + "Recepção,ring_group,9100,true,90\n"
            + "JENI - FINANCEIRO,extension,1044,,\n";
        HttpResponseMessage upsert = await http.PostAsync($"{root}.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(new DestinationsEndpoints.ImportSummary(1, 2, 0), await upsert.Content.ReadFromJsonAsync<DestinationsEndpoints.ImportSummary>());

        DestinationView[] after = (await http.GetFromJsonAsync<DestinationView[]>(root))!;
        Assert.Equal(["Recepção", "atendimento", "JENI - FINANCEIRO"], after.Select(d => d.Name));
        Assert.Equal(atendimento.Id, after.Single(d => d.Name == "atendimento").Id);
        DestinationView jeniAfter = after.Single(d => d.Id == jeni.Id);
        Assert.Equal(("1044", 100, "", 0), (jeniAfter.DestinationNumber, jeniAfter.Priority, jeniAfter.WorkingHours, jeniAfter.Aliases.Count));
        Assert.Equal(["Recepção"], after.Where(d => d.IsDefault).Select(d => d.Name));

        HttpResponseMessage replace = await http.PostAsync($"{root}.csv?mode=replace", new StringContent("name,destination_type,destination_number\nRecepção,ring_group,9100\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(new DestinationsEndpoints.ImportSummary(0, 1, 2), await replace.Content.ReadFromJsonAsync<DestinationsEndpoints.ImportSummary>());
        DestinationView only = Assert.Single((await http.GetFromJsonAsync<DestinationView[]>(root))!);
        Assert.False(only.IsDefault);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Another_tenant_destination_and_an_unknown_tenant_are_not_found(DatabaseProvider provider)
    {
        using HttpClient http = await api.ApiAsync(provider);
        (Guid owner, _) = await api.CreateTenantAsync(provider);
        (Guid other, _) = await api.CreateTenantAsync(provider);
        DestinationView jeni = (await (await http.PostAsJsonAsync($"/api/tenants/{owner}/destinations", Jeni())).Content.ReadFromJsonAsync<DestinationView>())!;
        string foreign = $"/api/tenants/{other}/destinations/{jeni.Id}";

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PutAsJsonAsync(foreign, Minimal("Hijacked", "extension", "6666"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(foreign)).StatusCode);
        Assert.Empty((await http.GetFromJsonAsync<DestinationView[]>($"/api/tenants/{other}/destinations"))!);
        Assert.Equal(Header + "\r\n", await http.GetStringAsync($"/api/tenants/{other}/destinations.csv"));
        DestinationView kept = (await http.GetFromJsonAsync<DestinationView>($"/api/tenants/{owner}/destinations/{jeni.Id}"))!;
        Assert.Equal((jeni.Id, "Jeni - Financeiro", "1004"), (kept.Id, kept.Name, kept.DestinationNumber));

        // The same name is free in another tenant, even as its default.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"/api/tenants/{other}/destinations", Jeni(isDefault: true))).StatusCode);

        Guid unknown = Guid.NewGuid();
        HttpResponseMessage missing = await http.GetAsync($"/api/tenants/{unknown}/destinations");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Unknown tenant", (await missing.JsonAsync()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync($"/api/tenants/{unknown}/destinations", Jeni())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/tenants/{unknown}/destinations.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/tenants/{owner}/destinations/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory, SqliteData, PostgresData]
    public async Task The_destinations_api_needs_the_operator_key(DatabaseProvider provider)
    {
        SwitchboardServerFactory host = await api.HostAsync(provider);
        (Guid tenant, _) = await api.CreateTenantAsync(provider);
        using HttpClient anonymous = host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/tenants/{tenant}/destinations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/tenants/{Guid.NewGuid()}/destinations.csv")).StatusCode);
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/tenants/{tenant}/destinations", Jeni())).StatusCode);
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement problem = await response.JsonAsync();
        Assert.Equal("The destination is invalid", problem.GetProperty("title").GetString());
        return problem.GetProperty("errors");
    }

    private static string Message(JsonElement errors, string field) => errors.GetProperty(field)[0].GetString()!;

    private static string RowMessage(JsonElement row, string field) => row.GetProperty("errors").GetProperty(field)[0].GetString()!;
}
