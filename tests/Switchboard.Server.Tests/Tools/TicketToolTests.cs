using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;
using Switchboard.Server.Tools;

namespace Switchboard.Server.Tests.Tools;

public sealed class TicketToolTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>
{
    [Theory, SqliteData, PostgresData]
    public async Task Take_message_stores_a_numbered_ticket_and_audits_the_call(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant, callerNumber: "0 11 98888-7777");
        const string Arguments =
            """{"message":"Preciso da segunda via do boleto.","caller_name":"Maria","destination":"Jeni - Financeiro","reason":"no_answer","audio_seconds":null}""";

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.TakeMessage, Arguments, CancellationToken.None);

        Assert.Equal(ToolAction.None, outcome.Action);
        JsonElement result = ToolsHost.Parse(outcome.ResultJson);
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(1, result.GetProperty("ticket_number").GetInt64());

        Ticket ticket = await host.InTenantAsync(tenant, db => db.Tickets.AsNoTracking().SingleAsync());
        Assert.Equal(1, ticket.Number);
        Assert.Equal("Recado para Jeni - Financeiro", ticket.Subject);
        Assert.Equal("Preciso da segunda via do boleto.", ticket.Message);
        Assert.Equal("+5511988887777", ticket.CallerNumber);
        Assert.Equal("Maria", ticket.CallerName);
        Assert.Equal("Jeni - Financeiro", ticket.IntendedDestination);
        Assert.Equal("no_answer", ticket.Reason);
        Assert.Equal(call.Transcript, ticket.Transcript);
        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Equal(TicketPriority.Normal, ticket.Priority);

        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.Equal(tenant, audit.TenantId);
        Assert.Equal(ToolNames.TakeMessage, audit.Name);
        Assert.Equal(Arguments, audit.Arguments);
        Assert.True(JsonElement.DeepEquals(result, ToolsHost.Parse(audit.Result)));
        Assert.True(audit.Succeeded);
        Assert.Null(audit.Error);
        Assert.InRange(audit.DurationMs, 0, 60_000);
        Assert.NotEqual(default, audit.CreatedAt);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_voice_message_may_have_no_text_but_an_empty_message_without_audio_is_refused(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant, language: "en-US") with { CallerName = "John" };

        ToolOutcome voice = await host.Tools.InvokeAsync(call, ToolNames.TakeMessage,
            """{"message":"","caller_name":null,"destination":null,"reason":null,"audio_seconds":12.4}""", CancellationToken.None);
        ToolOutcome empty = await host.Tools.InvokeAsync(call, ToolNames.TakeMessage,
            """{"message":"  ","caller_name":null,"destination":null,"reason":null,"audio_seconds":null}""", CancellationToken.None);

        Assert.Equal(1, ToolsHost.Parse(voice.ResultJson).GetProperty("ticket_number").GetInt64());
        JsonElement refused = ToolsHost.Parse(empty.ResultJson);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("empty", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        Ticket ticket = await host.InTenantAsync(tenant, db => db.Tickets.AsNoTracking().SingleAsync());
        Assert.Equal("Message from John", ticket.Subject);
        Assert.Equal("", ticket.Message);
        Assert.Equal("Voice message (12 s)", ticket.Summary);
        Assert.Equal("message", ticket.Reason);

        List<ToolInvocation> audit = await host.AuditOfAsync(call);
        Assert.Equal([true, false], audit.Select(row => row.Succeeded));
        Assert.Contains("empty", audit[1].Error, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Create_ticket_keeps_priority_cuts_an_overlong_subject_and_links_a_stored_conversation(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        var conversation = new Conversation { Id = Guid.NewGuid(), CallUuid = Guid.NewGuid().ToString(), CallerNumber = "+5511988887777" };
        await host.InTenantAsync(tenant, async db =>
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        });
        ToolCallContext call = ToolsHost.Call(tenant) with { ConversationId = conversation.Id, CallUuid = conversation.CallUuid };
        string subject = new('x', 300);

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.CreateTicket,
            JsonSerializer.Serialize(new { subject, description = "A internet caiu às 9h.", priority = "urgent" }), CancellationToken.None);

        Assert.Equal(1, ToolsHost.Parse(outcome.ResultJson).GetProperty("ticket_number").GetInt64());
        Ticket ticket = await host.InTenantAsync(tenant, db => db.Tickets.AsNoTracking().SingleAsync());
        Assert.Equal(subject[..200], ticket.Subject);
        Assert.Equal("A internet caiu às 9h.", ticket.Message);
        Assert.Equal(TicketPriority.Urgent, ticket.Priority);
        Assert.Equal("caller_request", ticket.Reason);
        Assert.Equal(conversation.Id, ticket.ConversationId);
        ToolInvocation audit = Assert.Single(await host.AuditOfAsync(call));
        Assert.Equal(conversation.Id, audit.ConversationId);
        Assert.True(audit.Succeeded);
    }

    [Theory, SqliteData, PostgresData]
    public async Task A_conversation_that_is_not_stored_is_not_linked_but_the_ticket_is_still_made(DatabaseProvider provider)
    {
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        ToolCallContext call = ToolsHost.Call(tenant) with { ConversationId = Guid.NewGuid() };

        ToolOutcome outcome = await host.Tools.InvokeAsync(call, ToolNames.CreateTicket,
            """{"subject":"Boleto","description":"Segunda via","priority":null}""", CancellationToken.None);

        Assert.True(ToolsHost.Parse(outcome.ResultJson).GetProperty("ok").GetBoolean());
        Ticket ticket = await host.InTenantAsync(tenant, db => db.Tickets.AsNoTracking().SingleAsync());
        Assert.Null(ticket.ConversationId);
        Assert.Equal(call.ConversationId, Assert.Single(await host.AuditOfAsync(call)).ConversationId);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Ticket_numbers_from_tools_are_sequential_per_tenant_even_when_calls_overlap(DatabaseProvider provider)
    {
        const int Calls = 10;
        await using ToolsHost host = await ToolsHost.StartAsync(databases, provider);
        Guid tenant = await host.Store.CreateTenantAsync();
        Guid other = await host.Store.CreateTenantAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<ToolOutcome>[] calls = Enumerable.Range(0, Calls)
            .Select(i => Task.Run(async () =>
            {
                await start.Task.WaitAsync(TimeSpan.FromSeconds(30));
                string tool = i % 2 == 0 ? ToolNames.TakeMessage : ToolNames.CreateTicket;
                string arguments = i % 2 == 0
                    ? $$"""{"message":"recado {{i}}","caller_name":null,"destination":null,"reason":null,"audio_seconds":null}"""
                    : $$"""{"subject":"chamado {{i}}","description":"","priority":"low"}""";
                return await host.Tools.InvokeAsync(ToolsHost.Call(tenant), tool, arguments, CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        ToolOutcome[] outcomes = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(120));
        ToolOutcome otherTenants = await host.Tools.InvokeAsync(ToolsHost.Call(other), ToolNames.CreateTicket,
            """{"subject":"outro","description":"","priority":null}""", CancellationToken.None);

        long[] numbers = outcomes.Select(outcome => ToolsHost.Parse(outcome.ResultJson).GetProperty("ticket_number").GetInt64()).ToArray();
        Assert.Equal(Enumerable.Range(1, Calls).Select(n => (long)n), numbers.Order());
        Assert.Equal(1, ToolsHost.Parse(otherTenants.ResultJson).GetProperty("ticket_number").GetInt64());
        Assert.Equal(Calls, await host.InTenantAsync(tenant, db => db.ToolInvocations.CountAsync(row => row.Succeeded)));
    }
}
