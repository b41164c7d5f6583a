using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Sandbox;
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
        // Everyone is busy, at any hour the test runs.
        using HttpClient api = _server.Api();
        await OpenAllHoursAsync();
        foreach (string number in new[] { "9000", "1004", "5001" })
        {
            _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, number, new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        }

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

        // Jeni's key: the transfer cannot be made, and her fallback (offer_ticket) has the agent take a message.
        string second = System.Text.RegularExpressions.Regex.Match(menu, "Jeni - Financeiro[^0-9]*([1-8])").Groups[1].Value;
        Assert.NotEqual("", second);
        Assert.True((await api.PostAsync($"/api/sandbox/calls/{call.Uuid}/dtmf/{second}", null)).IsSuccessStatusCode);
        await Wait.UntilAsync(() => AgentSaid(bridge, "após o sinal"), TimeSpan.FromSeconds(40));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(30));

        // A second of (quiet) message after the beep, then the caller finishes it with #; the ticket is confirmed with its number, then the agent hangs up.
        long afterBeep = session.FramesReceived;
        await Wait.UntilAsync(() => session.FramesReceived >= afterBeep + 50, TimeSpan.FromSeconds(10));
        Assert.True((await api.PostAsync($"/api/sandbox/calls/{call.Uuid}/dtmf/%23", null)).IsSuccessStatusCode);
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(60));
        Assert.Equal("end_call", session.EndReason);

        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Conversation stored = await db.Conversations.AsNoTracking().Include(c => c.Turns).SingleAsync(c => c.CallUuid == call.Uuid);
        List<Switchboard.Server.Tools.ToolInvocation> audit = await db.ToolInvocations.Where(t => t.CallUuid == call.Uuid).OrderBy(t => t.CreatedAt).ToListAsync();
        List<Tickets.Ticket> tickets = await db.Tickets.Where(t => t.ConversationId == stored.Id).ToListAsync();
        Assert.True(tickets.Count == 1, string.Join(" | ", audit.Select(t => $"{t.Name} {t.Arguments} → {t.Result}")));
        Tickets.Ticket ticket = tickets[0];
        Assert.Equal(("+5511955554444", "Ana"), (ticket.CallerNumber, ticket.CallerName));
        Assert.False(string.IsNullOrEmpty(ticket.IntendedDestination));
        Assert.Equal("busy", ticket.Reason);
        Assert.Equal(ConversationOutcome.TicketCreated, stored.Outcome);
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.Caller && t.Text.Contains(second, StringComparison.Ordinal));
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.Agent && t.Text.Contains(ticket.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Equal(["transfer_call", "take_message", "end_call"], audit.Select(t => t.Name));

        // Once the call is over, its recording is stored and the ticket links to it; the link plays the call.
        string? link = null;
        await Wait.UntilAsync(async () => (link = await RecordingLinkAsync(ticket.Id)) is not null, TimeSpan.FromSeconds(30));

        // And a summary of the call (offline: built from the conversation) that names who called and for whom.
        string? summary = null;
        await Wait.UntilAsync(async () => (summary = await TicketSummaryAsync(ticket.Id)) is { } text && text.Contains("Jeni", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Contains("Ana", summary, StringComparison.Ordinal);
        using HttpClient anonymous = _server.CreateClient();
        using HttpResponseMessage recording = await anonymous.GetAsync(new Uri(link!, UriKind.RelativeOrAbsolute));
        Assert.True(recording.IsSuccessStatusCode, $"{(int)recording.StatusCode} for {link}");
        byte[] wav = await recording.Content.ReadAsByteArrayAsync();
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.True(wav.Length > 8000 * 2, $"{wav.Length} bytes");
    }

    private async Task<string?> TicketSummaryAsync(Guid ticketId)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.Tickets.Where(t => t.Id == ticketId).Select(t => t.Summary).SingleAsync();
    }

    private async Task<string?> RecordingLinkAsync(Guid ticketId)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.Tickets.Where(t => t.Id == ticketId).Select(t => t.RecordingUrl).SingleAsync();
    }

    [Fact]
    public async Task A_caller_who_types_instead_of_speaking_is_understood_by_keyword_and_the_text_is_in_the_transcript()
    {
        using HttpClient api = _server.Api();
        await OpenAllHoursAsync();
        _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });

        SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", callerIdNumber = "11955553333", callerIdName = "Bia" }))
            .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        var bridge = Assert.IsType<VoiceAgentBridge>(session!.Agent);
        await Wait.UntilAsync(() => AgentSaid(bridge, "disque 1"), TimeSpan.FromSeconds(20));

        // Bad input is refused with a clear status; the call goes on.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/api/sandbox/calls/{call.Uuid}/text", new { text = " " })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await api.PostAsJsonAsync("/api/sandbox/calls/no-such-call/text", new { text = "oi" })).StatusCode);

        // "financeiro" typed (no accent, lower case) reaches the finance destination, which is busy: a message is offered.
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await api.PostAsJsonAsync($"/api/sandbox/calls/{call.Uuid}/text", new { text = "quero falar com o financeiro" })).StatusCode);
        await Wait.UntilAsync(() => AgentSaid(bridge, "após o sinal"), TimeSpan.FromSeconds(40));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await api.PostAsJsonAsync($"/api/sandbox/calls/{call.Uuid}/text", new { text = "Por favor me liguem sobre o boleto" })).StatusCode);
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(60));

        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Conversation stored = await db.Conversations.AsNoTracking().Include(c => c.Turns).SingleAsync(c => c.CallUuid == call.Uuid);
        Tickets.Ticket ticket = await db.Tickets.SingleAsync(t => t.ConversationId == stored.Id);
        Assert.Contains("Financeiro", ticket.IntendedDestination, StringComparison.Ordinal);
        Assert.Contains("boleto", ticket.Message, StringComparison.Ordinal);
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.Caller && t.Text == "quero falar com o financeiro");
    }

    private async Task OpenAllHoursAsync()
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        foreach (Switchboard.Server.Transfers.TransferDestination destination in await db.TransferDestinations.ToListAsync())
        {
            destination.WorkingHours = null;
        }

        await db.SaveChangesAsync();
    }

    private static bool AgentSaid(VoiceAgentBridge bridge, string words) =>
        bridge.Transcripts.Any(t => t.Speaker == Switchboard.Protocols.Realtime.TranscriptSpeaker.Agent && t.Text.Contains(words, StringComparison.OrdinalIgnoreCase));
}
