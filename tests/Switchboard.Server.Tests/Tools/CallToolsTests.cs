using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Tests.Tools;

public sealed class CallToolsTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    private static readonly string[] BuiltIn = [ToolNames.TakeMessage, ToolNames.CreateTicket, ToolNames.LookupCustomer, ToolNames.CheckAppointment, ToolNames.EndCall];

    [Theory, SqliteData, PostgresData]
    public async Task End_call_answers_ok_and_asks_the_call_to_hang_up_with_the_reason(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);

        ToolOutcome given = await host.Tools.InvokeAsync(call, ToolNames.EndCall, """{"reason":"wrong_number"}""", CancellationToken.None);
        ToolOutcome bare = await host.Tools.InvokeAsync(call, ToolNames.EndCall, "", CancellationToken.None);

        Assert.Equal(new EndCallAction("wrong_number"), given.Action);
        Assert.Equal(new EndCallAction("caller_done"), bare.Action);
        Assert.True(ToolsHost.Parse(given.ResultJson).GetProperty("ok").GetBoolean());
        List<ToolInvocation> audit = await host.AuditOfAsync(call);
        Assert.Equal(2, audit.Count);
        Assert.All(audit, row => Assert.True(row.Succeeded));
        Assert.Contains(audit, row => row.Arguments == "");
    }

    [Theory, SqliteData, PostgresData]
    public async Task Malformed_arguments_are_answered_with_what_is_wrong_and_audited_as_received(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        (string Arguments, string Error)[] cases =
        [
            ("""{"subject": "Boleto", "description": """, "not valid JSON"),
            ("""["Boleto"]""", "must be a JSON object, not array"),
            ("""{"description":"x","priority":null}""", "missing required argument 'subject'"),
            ("""{"subject":5,"description":"x","priority":null}""", "argument 'subject' must be a string, not number"),
            ("""{"subject":"Boleto","description":"x","priority":"asap"}""", "argument 'priority' must be one of low, normal, high, urgent"),
            ("""{"subject":"   ","description":"x","priority":null}""", "subject is empty"),
        ];

        foreach ((string arguments, string error) in cases)
        {
            ToolCallContext call = ToolsHost.Call(tenant);
            ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.CreateTicket, arguments, CancellationToken.None);

            JsonElement result = ToolsHost.Parse(outcome.ResultJson);
            Assert.False(result.GetProperty("ok").GetBoolean(), arguments);
            Assert.Contains(error, result.GetProperty("error").GetString(), StringComparison.Ordinal);
            ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
            Assert.Equal(arguments, audit.Arguments);
            Assert.False(audit.Succeeded);
            Assert.Contains(error, audit.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0, await host.InTenantAsync(tenant, db => db.Tickets.CountAsync()));
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_missing_optional_argument_counts_as_null(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();

        ToolOutcome outcome = await host.Tools.InvokeAsync(ToolsHost.Call(tenant), ToolNames.TakeMessage, """{"message":"Ligar de volta"}""", CancellationToken.None);

        Assert.Equal(1, ToolsHost.Parse(outcome.ResultJson).GetProperty("ticket_number").GetInt64());
    }

    [Theory, SqliteData, PostgresData]
    public async Task An_unknown_tool_is_refused_with_the_available_ones_and_audited(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, "book_flight", """{"to":"Lisboa"}""", CancellationToken.None);

        JsonElement result = ToolsHost.Parse(outcome.ResultJson);
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal(
            "unknown tool 'book_flight'; available tools: take_message, create_ticket, lookup_customer, check_appointment, end_call",
            result.GetProperty("error").GetString());
        Assert.Equal(ToolAction.None, outcome.Action);
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.Equal("book_flight", audit.Name);
        Assert.False(audit.Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_tool_the_secretary_has_not_enabled_is_refused_and_not_offered(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        Secretary secretary = await host.AddSecretaryAsync(tenant, tools: [ToolNames.EndCall, ToolNames.LookupCustomer]);
        ToolCallContext call = ToolsHost.Call(tenant, secretary.Id);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.TakeMessage, """{"message":"oi"}""", CancellationToken.None);
        ToolOutcome allowed = await host.Tools.InvokeAsync(call, ToolNames.EndCall, """{"reason":null}""", CancellationToken.None);

        Assert.Contains("'take_message' is not enabled", ToolsHost.Parse(outcome.ResultJson).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.IsType<EndCallAction>(allowed.Action);
        Assert.Equal(0, await host.InTenantAsync(tenant, db => db.Tickets.CountAsync()));
        Assert.Equal([false, true], (await host.AuditOfAsync(call)).Select(row => row.Succeeded));
        Assert.Equal([ToolNames.EndCall, ToolNames.LookupCustomer], host.Tools.DefinitionsFor(secretary.Tools, "pt-BR").Select(tool => tool.Name));
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_secretary_of_another_tenant_gets_no_tools(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid mine = await host.Store.CreateTenantAsync();
        Guid theirs = await host.Store.CreateTenantAsync();
        Secretary theirSecretary = await host.AddSecretaryAsync(theirs);
        ToolCallContext call = ToolsHost.Call(mine, theirSecretary.Id);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.TakeMessage, """{"message":"oi"}""", CancellationToken.None);

        Assert.Contains("secretary of this call was not found", ToolsHost.Parse(outcome.ResultJson).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await host.InTenantAsync(mine, db => db.Tickets.CountAsync()));
        Assert.Equal(0, await host.InTenantAsync(theirs, db => db.Tickets.CountAsync()));
        Assert.False(Assert.Single(await host.AuditOfAsync(call)).Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Transfer_call_is_whichever_tool_registers_that_name(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(
            databases, provider, services => services.AddScoped<ICallTool, ScriptedTool>());
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.TransferCall, """{"destination":"jeni"}""", CancellationToken.None);

        Assert.Equal(new TransferCallAction("jeni", "caller_request"), outcome.Action);
        Assert.Equal(ToolNames.Defaults, host.Tools.DefinitionsFor([.. ToolNames.Defaults], "pt-BR").Select(tool => tool.Name));
        Assert.True(Assert.Single(await host.AuditOfAsync(call)).Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_tool_that_throws_gives_the_agent_an_error_and_the_audit_the_exception(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(
            databases, provider, services => services.AddScoped<ICallTool, ScriptedTool>());
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.TransferCall, """{"destination":"explode"}""", CancellationToken.None);

        JsonElement result = ToolsHost.Parse(outcome.ResultJson);
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.DoesNotContain("boom", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(ToolAction.None, outcome.Action);
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.False(audit.Succeeded);
        Assert.Equal("InvalidOperationException: boom", audit.Error);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_tool_cancelled_with_its_call_throws_and_is_audited_as_cancelled(DatabaseProvider provider)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ToolsHost host = await ToolsHost.StartAsync(
            databases, provider, services => services.AddScoped<ICallTool>(_ => new ScriptedTool(started)));
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant);
        using var hangup = new CancellationTokenSource();

        Task<ToolOutcome> running = host.Tools.InvokeAsync(call, ToolNames.TransferCall, """{"destination":"hold"}""", hangup.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await hangup.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(10)));
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.False(audit.Succeeded);
        Assert.Equal("cancelled", audit.Error);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Secretaries_get_the_default_tools_new_and_existing(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        Secretary created = await host.AddSecretaryAsync(tenant);

        List<string> stored = await host.InTenantAsync(tenant, db => db.Secretaries.Where(s => s.Id == created.Id).Select(s => s.Tools).SingleAsync());

        // Secretaries that existed before migration 0003 got the column default.
        await using DbConnection connection = await host.Store.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = provider == DatabaseProvider.Postgres
            ? "SELECT column_default FROM information_schema.columns WHERE table_schema = 'switchboard' AND table_name = 'secretaries' AND column_name = 'tools'"
            : "SELECT dflt_value FROM pragma_table_info('secretaries') WHERE name = 'tools'";
        string columnDefault = (string)(await command.ExecuteScalarAsync())!;
        string json = columnDefault[(columnDefault.IndexOf('\'', StringComparison.Ordinal) + 1)..columnDefault.LastIndexOf('\'')];

        Assert.Equal(ToolNames.Defaults, stored);
        Assert.Equal(ToolNames.Defaults, JsonSerializer.Deserialize<List<string>>(json));
    }

    [Fact]
    public async Task Every_built_in_tool_has_a_strict_schema_and_the_definitions_follow_the_secretarys_order()
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, DatabaseProvider.Sqlite);

        IReadOnlyList<ToolDefinition> definitions = host.Tools.DefinitionsFor([ToolNames.EndCall, .. BuiltIn, "not_a_tool"], "pt-BR");

        Assert.Equal([ToolNames.EndCall, ToolNames.TakeMessage, ToolNames.CreateTicket, ToolNames.LookupCustomer, ToolNames.CheckAppointment], definitions.Select(d => d.Name));
        foreach (ToolDefinition definition in definitions)
        {
            Assert.False(string.IsNullOrWhiteSpace(definition.Description));
            using JsonDocument schema = JsonDocument.Parse(definition.ParametersJsonSchema);
            JsonElement root = schema.RootElement;
            Assert.Equal("object", root.GetProperty("type").GetString());
            Assert.False(root.GetProperty("additionalProperties").GetBoolean());
            string[] properties = root.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(properties.Order(), root.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order());
            Assert.All(root.GetProperty("properties").EnumerateObject(), property =>
            {
                Assert.True(property.Value.TryGetProperty("type", out _), $"{definition.Name}.{property.Name} has no type");
                Assert.False(string.IsNullOrWhiteSpace(property.Value.GetProperty("description").GetString()));
            });
        }

        Assert.Contains("pt-BR", definitions.Single(d => d.Name == ToolNames.TakeMessage).Description, StringComparison.Ordinal);
    }

    /// <summary>Stands in for the transfer feature's tool: transfers, throws on "explode", waits for hangup on "hold".</summary>
    private sealed class ScriptedTool(TaskCompletionSource? started = null) : ICallTool
    {
        public string Name => ToolNames.TransferCall;

        public ToolDefinition Describe(string language) => new(
            Name,
            "Transfer the caller.",
            """{"type":"object","properties":{"destination":{"type":"string","description":"Who"}},"required":["destination"],"additionalProperties":false}""");

        public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
        {
            string destination = arguments.GetProperty("destination").GetString()!;
            if (destination == "explode")
            {
                throw new InvalidOperationException("boom");
            }

            if (destination == "hold")
            {
                started?.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new ToolOutcome(ToolResults.Ok, new TransferCallAction(destination, "caller_request"));
        }
    }
}
