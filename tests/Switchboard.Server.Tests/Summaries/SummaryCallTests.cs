using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Protocols.Realtime;
using Switchboard.Sandbox;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Summaries;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Calls;
using Switchboard.Server.Tests.Support;
using Switchboard.Server.Tickets;

namespace Switchboard.Server.Tests.Summaries;

/// <summary>The shipped product, offline: when a call ends, its conversation and ticket get the summary on their own.</summary>
public sealed class SummaryCallTests(SandboxCallTests.LocalAgentServer server) : IClassFixture<SandboxCallTests.LocalAgentServer>
{
    [Fact]
    public async Task A_call_that_ends_with_a_message_is_summarised_on_the_conversation_and_its_ticket()
    {
        using HttpClient api = server.Api();
        await using (AsyncServiceScope scope = Scope())
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            await db.TransferDestinations.ExecuteUpdateAsync(set => set.SetProperty(d => d.WorkingHours, (Switchboard.Server.Transfers.WorkingHours?)null));
        }

        server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", callerIdNumber = "11955552222", callerIdName = "Carla" }))
            .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        var bridge = Assert.IsType<VoiceAgentBridge>(session!.Agent);
        await Wait.UntilAsync(() => AgentSaid(bridge, "disque 1"), TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsJsonAsync($"/api/sandbox/calls/{call.Uuid}/text", new { text = "quero falar com o financeiro" })).StatusCode);
        await Wait.UntilAsync(() => AgentSaid(bridge, "após o sinal"), TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsJsonAsync($"/api/sandbox/calls/{call.Uuid}/text", new { text = "Preciso da nota fiscal de abril" })).StatusCode);
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(60));

        Guid conversationId;
        await using (AsyncServiceScope scope = Scope())
        {
            conversationId = await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().Conversations
                .Where(c => c.CallUuid == call.Uuid).Select(c => c.Id).SingleAsync();
        }

        await Wait.UntilAsync(async () => await WorkItemAsync(conversationId) is { Status: ConversationSummaryStatus.Done }, TimeSpan.FromSeconds(30));
        await using (AsyncServiceScope scope = Scope())
        {
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            string? summary = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Summary).SingleAsync();
            Ticket ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.ConversationId == conversationId);
            Assert.NotNull(summary);
            Assert.StartsWith("Carla (", summary, StringComparison.Ordinal);
            Assert.Contains("Financeiro", summary, StringComparison.Ordinal);
            Assert.Contains("#" + ticket.Number.ToString(CultureInfo.InvariantCulture), summary, StringComparison.Ordinal);
            Assert.Contains("nota fiscal de abril", summary, StringComparison.Ordinal);
            Assert.StartsWith(summary, ticket.Summary, StringComparison.Ordinal);
            Assert.Contains("nota fiscal de abril", ticket.Message, StringComparison.Ordinal);
        }

        Assert.Equal(SummaryWorker.Extractive, (await WorkItemAsync(conversationId))!.Method);
    }

    private AsyncServiceScope Scope()
    {
        AsyncServiceScope scope = server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        return scope;
    }

    private async Task<ConversationSummary?> WorkItemAsync(Guid conversationId)
    {
        await using AsyncServiceScope scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().ConversationSummaries.AsNoTracking()
            .SingleOrDefaultAsync(row => row.ConversationId == conversationId);
    }

    private static bool AgentSaid(VoiceAgentBridge bridge, string words) =>
        bridge.Transcripts.Any(t => t.Speaker == TranscriptSpeaker.Agent && t.Text.Contains(words, StringComparison.OrdinalIgnoreCase));
}
