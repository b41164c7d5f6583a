using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Fakes;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Tests.Tools;

public sealed class AppointmentToolTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    /// <summary>09:00 on Wednesday 2026-03-04 in São Paulo (UTC-3).</summary>
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan SaoPaulo = TimeSpan.FromHours(-3);

    [Theory, SqliteData, PostgresData]
    public async Task Appointments_of_a_day_are_those_of_the_tenants_local_day_and_only_the_callers(DatabaseProvider provider)
    {
        await using ToolsHost host = await StartAsync(provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        Guid other = await host.Store.CreateTenantAsync();
        await AddAsync(host, tenant, "+5511988887777", new DateTimeOffset(2026, 3, 4, 10, 0, 0, SaoPaulo), "Dra. Ana", AppointmentStatus.Scheduled);
        await AddAsync(host, tenant, "+5511988887777", new DateTimeOffset(2026, 3, 4, 23, 30, 0, SaoPaulo), "Suporte", AppointmentStatus.Confirmed);
        await AddAsync(host, tenant, "+5511988887777", new DateTimeOffset(2026, 3, 5, 8, 0, 0, SaoPaulo), "Dr. Bruno", AppointmentStatus.Scheduled);
        await AddAsync(host, tenant, "+5511988887777", new DateTimeOffset(2026, 3, 3, 10, 0, 0, SaoPaulo), "Ontem", AppointmentStatus.Completed);
        await AddAsync(host, tenant, "+5511977776666", new DateTimeOffset(2026, 3, 4, 11, 0, 0, SaoPaulo), "Outro cliente", AppointmentStatus.Scheduled);
        await AddAsync(host, other, "+5511988887777", new DateTimeOffset(2026, 3, 4, 11, 0, 0, SaoPaulo), "Outra empresa", AppointmentStatus.Scheduled);
        ToolCallContext call = ToolsHost.Call(tenant, callerNumber: "011988887777");

        JsonElement wednesday = await CheckAsync(host, call, """{"date":"2026-03-04","phone":null}""");
        JsonElement thursday = await CheckAsync(host, call, """{"date":"2026-03-05","phone":null}""");
        JsonElement upcoming = await CheckAsync(host, call, """{"date":null,"phone":null}""");

        Assert.True(wednesday.GetProperty("ok").GetBoolean());
        Assert.Equal("2026-03-04", wednesday.GetProperty("today").GetString());
        Assert.Equal("America/Sao_Paulo", wednesday.GetProperty("time_zone").GetString());
        Assert.Equal(["Dra. Ana", "Suporte"], With(wednesday));
        JsonElement first = wednesday.GetProperty("appointments")[0];
        Assert.Equal("2026-03-04", first.GetProperty("date").GetString());
        Assert.Equal("10:00", first.GetProperty("time").GetString());
        Assert.Equal("Wednesday", first.GetProperty("weekday").GetString());
        Assert.Equal("scheduled", first.GetProperty("status").GetString());
        Assert.Equal("23:30", wednesday.GetProperty("appointments")[1].GetProperty("time").GetString());
        Assert.Equal("confirmed", wednesday.GetProperty("appointments")[1].GetProperty("status").GetString());
        Assert.Equal(["Dr. Bruno"], With(thursday));
        Assert.Equal(["Dra. Ana", "Suporte", "Dr. Bruno"], With(upcoming));
        Assert.All(await host.AuditOfAsync(call), row => Assert.True(row.Succeeded));
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_date_that_is_not_year_month_day_is_refused_with_the_format_to_use(DatabaseProvider provider)
    {
        await using ToolsHost host = await StartAsync(provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);

        JsonElement result = await CheckAsync(host, call, """{"date":"04/03/2026","phone":null}""");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("YYYY-MM-DD", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(Assert.Single(await host.AuditOfAsync(call)).Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task With_a_webhook_the_tenants_system_is_asked_and_its_answer_handed_to_the_agent(DatabaseProvider provider)
    {
        var request = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using FakeServer webhook = await FakeServer.StartAsync(app => app.MapPost("/appointments", async (HttpContext context) =>
        {
            Assert.StartsWith("application/json", context.Request.ContentType, StringComparison.Ordinal);
            request.TrySetResult((await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone());
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"appointments":[{"when":"2026-03-04T10:00:00-03:00","with":"Dra. Ana"}]}""");
        }));
        await using ToolsHost host = await StartAsync(provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        var secretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: new Uri(webhook.BaseAddress, "appointments").ToString());
        ToolCallContext call = ToolsHost.Call(tenant, secretary.Id, callerNumber: "11988887777");

        JsonElement result = await CheckAsync(host, call, """{"date":"2026-03-04","phone":null}""");

        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal("Dra. Ana", result.GetProperty("appointments")[0].GetProperty("with").GetString());
        JsonElement sent = await request.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(tenant, sent.GetProperty("tenant_id").GetGuid());
        Assert.Equal(secretary.Id.ToString(), sent.GetProperty("secretary_id").GetString());
        Assert.Equal(call.CallUuid, sent.GetProperty("call_uuid").GetString());
        Assert.Equal("11988887777", sent.GetProperty("caller_number").GetString());
        Assert.Equal("+5511988887777", sent.GetProperty("phone").GetString());
        Assert.Equal("2026-03-04", sent.GetProperty("date").GetString());
        Assert.Equal("America/Sao_Paulo", sent.GetProperty("time_zone").GetString());
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.True(audit.Succeeded);
        Assert.True(JsonElement.DeepEquals(result, ToolsHost.Parse(audit.Result)));
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_webhook_answering_500_gives_the_agent_a_clear_error(DatabaseProvider provider)
    {
        await using FakeServer webhook = await FakeServer.StartAsync(app => app.MapPost("/appointments", () => Results.StatusCode(500)));
        await using ToolsHost host = await StartAsync(provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        var secretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: new Uri(webhook.BaseAddress, "appointments").ToString());
        ToolCallContext call = ToolsHost.Call(tenant, secretary.Id);

        JsonElement result = await CheckAsync(host, call, """{"date":null,"phone":null}""");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("HTTP 500", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.False(audit.Succeeded);
        Assert.Contains("HTTP 500", audit.Error, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_webhook_that_does_not_answer_in_time_gives_the_agent_a_timeout_error(DatabaseProvider provider)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using FakeServer webhook = await FakeServer.StartAsync(app => app.MapPost("/appointments", async (HttpContext context) =>
        {
            try
            {
                await release.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        }));
        await using ToolsHost host = await StartAsync(provider, webhookTimeout: "00:00:00.300");
        Guid tenant = await host.Store.CreateTenantAsync();
        var secretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: new Uri(webhook.BaseAddress, "appointments").ToString());
        ToolCallContext call = ToolsHost.Call(tenant, secretary.Id);

        JsonElement result = await CheckAsync(host, call, """{"date":null,"phone":null}""");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("did not answer within 0.3 s", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the request was given up, not left hanging
        release.TrySetResult();
        Assert.False(Assert.Single(await host.AuditOfAsync(call)).Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_webhook_that_is_down_or_answers_no_json_gives_the_agent_a_clear_error(DatabaseProvider provider)
    {
        FakeServer stopped = await FakeServer.StartAsync(_ => { });
        Uri down = new(stopped.BaseAddress, "appointments");
        await stopped.DisposeAsync();
        await using FakeServer html = await FakeServer.StartAsync(app => app.MapPost("/appointments", () => Results.Text("<html>oops</html>", "text/html")));
        await using ToolsHost host = await StartAsync(provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        var downSecretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: down.ToString());
        var htmlSecretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: new Uri(html.BaseAddress, "appointments").ToString());

        JsonElement unreachable = await CheckAsync(host, ToolsHost.Call(tenant, downSecretary.Id), """{"date":null,"phone":null}""");
        JsonElement notJson = await CheckAsync(host, ToolsHost.Call(tenant, htmlSecretary.Id), """{"date":null,"phone":null}""");

        Assert.False(unreachable.GetProperty("ok").GetBoolean());
        Assert.Contains("could not be reached", unreachable.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(notJson.GetProperty("ok").GetBoolean());
        Assert.Contains("not JSON", notJson.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_webhook_answer_keeps_its_own_ok_is_wrapped_when_not_an_object_and_refused_when_too_large(DatabaseProvider provider)
    {
        await using FakeServer webhook = await FakeServer.StartAsync(app =>
        {
            app.MapPost("/refusal", () => Results.Text("""{"ok":false,"error":"agenda fechada"}""", "application/json"));
            app.MapPost("/array", () => Results.Text("""[{"with":"Dra. Ana"}]""", "application/json"));
            app.MapPost("/big", () => Results.Text($$"""{"notes":"{{new string('x', 5000)}}"}""", "application/json"));
        });
        await using ToolsHost host = await StartAsync(provider, maxResponseBytes: "1024");
        Guid tenant = await host.Store.CreateTenantAsync();
        async Task<(JsonElement Result, ToolInvocation Audit)> AskAsync(string path)
        {
            var secretary = await host.AddSecretaryAsync(tenant, appointmentsWebhookUrl: new Uri(webhook.BaseAddress, path).ToString());
            ToolCallContext call = ToolsHost.Call(tenant, secretary.Id);
            JsonElement result = await CheckAsync(host, call, """{"date":null,"phone":null}""");
            return (result, Assert.Single(await host.AuditOfAsync(call)));
        }

        (JsonElement refusal, ToolInvocation refusalAudit) = await AskAsync("refusal");
        (JsonElement array, ToolInvocation arrayAudit) = await AskAsync("array");
        (JsonElement big, _) = await AskAsync("big");

        Assert.False(refusal.GetProperty("ok").GetBoolean());
        Assert.Equal("agenda fechada", refusal.GetProperty("error").GetString());
        Assert.False(refusalAudit.Succeeded);
        Assert.Equal("agenda fechada", refusalAudit.Error);
        Assert.True(array.GetProperty("ok").GetBoolean());
        Assert.Equal("Dra. Ana", array.GetProperty("result")[0].GetProperty("with").GetString());
        Assert.True(arrayAudit.Succeeded);
        Assert.False(big.GetProperty("ok").GetBoolean());
        Assert.Contains("larger than 1024 bytes", big.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private Task<ToolsHost> StartAsync(DatabaseProvider provider, string? webhookTimeout = null, string? maxResponseBytes = null) =>
        ToolsHost.StartAsync(
            databases,
            provider,
            services => services.AddSingleton<TimeProvider>(new FixedTime(Now)),
            new Dictionary<string, string?>
            {
                ["Tools:WebhookTimeout"] = webhookTimeout ?? "00:00:10",
                ["Tools:MaxWebhookResponseBytes"] = maxResponseBytes ?? "65536",
            });

    private static async Task<JsonElement> CheckAsync(ToolsHost host, ToolCallContext call, string arguments)
    {
        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.CheckAppointment, arguments, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ToolAction.None, outcome.Action);
        return ToolsHost.Parse(outcome.ResultJson);
    }

    private static List<string?> With(JsonElement result) =>
        result.GetProperty("appointments").EnumerateArray().Select(appointment => appointment.GetProperty("with").GetString()).ToList();

    private static Task AddAsync(ToolsHost host, Guid tenant, string phone, DateTimeOffset startsAt, string withWhom, AppointmentStatus status) =>
        host.InTenantAsync(tenant, async db =>
        {
            db.Appointments.Add(new Appointment { Id = Guid.NewGuid(), ContactPhone = phone, StartsAt = startsAt, WithWhom = withWhom, Status = status });
            await db.SaveChangesAsync();
        });

    /// <summary>A clock stopped at one instant; timers still run on the system clock (webhook timeouts).</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
