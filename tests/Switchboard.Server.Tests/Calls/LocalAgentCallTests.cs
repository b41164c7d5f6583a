using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// The product as shipped, with no account and no network: the demo secretary answers with the offline agent, reads
/// its destinations as a menu, takes the key pressed, and when the transfer cannot happen takes a message that
/// becomes a ticket — the README's demo, through the sandbox call API, ESL and the media stream.
/// </summary>
public sealed class LocalAgentCallTests : IClassFixture<SandboxCallTests.LocalAgentServer>
{
    private readonly SandboxCallTests.LocalAgentServer _server;

    public LocalAgentCallTests(SandboxCallTests.LocalAgentServer server) => _server = server;

    [Fact]
    public async Task A_caller_picks_a_destination_by_key_and_leaves_a_message_that_becomes_a_ticket()
    {
        using HttpClient api = _server.Api();
        SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", callerIdNumber = "11955554444", callerIdName = "Ana" }))
            .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        var bridge = Assert.IsType<VoiceAgentBridge>(session!.Agent);
        await Wait.UntilAsync(() => bridge.CurrentPlan is not null);
        Assert.Equal("local", bridge.CurrentPlan!.Label);

        // The menu lists the demo tenant's destinations with their keys.
        await Wait.UntilAsync(() => AgentSaid(bridge, "disque 3"), TimeSpan.FromSeconds(20));
        string menu = string.Join(" ", bridge.Transcripts.Where(t => t.Speaker == Switchboard.Protocols.Realtime.TranscriptSpeaker.Agent).Select(t => t.Text));
        Assert.Contains("Atendimento", menu, StringComparison.Ordinal);
        Assert.Contains("Jeni - Financeiro", menu, StringComparison.Ordinal);
        Assert.Contains("Suporte Técnico", menu, StringComparison.Ordinal);
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));

        // Key 2 (the second destination by priority): the transfer cannot be made, so the agent offers a message.
        string second = menu.Contains("disque 2", StringComparison.Ordinal) ? "2" : "1";
        Assert.True((await api.PostAsync($"/api/sandbox/calls/{call.Uuid}/dtmf/{second}", null)).IsSuccessStatusCode);
        await Wait.UntilAsync(() => AgentSaid(bridge, "recado"), TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(30));

        // The caller finishes the message with #; the ticket is confirmed with its number, then the agent hangs up.
        Assert.True((await api.PostAsync($"/api/sandbox/calls/{call.Uuid}/dtmf/%23", null)).IsSuccessStatusCode);
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(60));
        Assert.Equal("end_call", session.EndReason);

        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Conversation stored = await db.Conversations.AsNoTracking().Include(c => c.Turns).SingleAsync(c => c.CallUuid == call.Uuid);
        Tickets.Ticket ticket = await db.Tickets.SingleAsync(t => t.ConversationId == stored.Id);
        Assert.Equal(("+5511955554444", "Ana"), (ticket.CallerNumber, ticket.CallerName));
        Assert.False(string.IsNullOrEmpty(ticket.IntendedDestination));
        Assert.Equal(ConversationOutcome.TicketCreated, stored.Outcome);
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.Caller && t.Text.Contains(second, StringComparison.Ordinal));
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.Agent && t.Text.Contains(ticket.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        List<string> tools = await db.ToolInvocations.Where(t => t.CallUuid == call.Uuid).OrderBy(t => t.CreatedAt).Select(t => t.Name).ToListAsync();
        Assert.Equal(["transfer_call", "take_message", "end_call"], tools);
    }

    private static bool AgentSaid(VoiceAgentBridge bridge, string words) =>
        bridge.Transcripts.Any(t => t.Speaker == Switchboard.Protocols.Realtime.TranscriptSpeaker.Agent && t.Text.Contains(words, StringComparison.OrdinalIgnoreCase));
}
