using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Fakes.ElevenLabs;
using Switchboard.Fakes.Gemini;
using Switchboard.Fakes.OpenAi;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// A secretary whose provider is OpenAI Realtime, end to end through the sandbox and the strict OpenAI
/// fake over real sockets: caller audio reaches the provider as G.711 µ-law at real-time pace, the
/// provider's spoken greeting reaches the caller (it is in the call recording), and a provider that
/// cannot be reached leaves the call with the built-in agent instead of silence.
/// </summary>
public sealed class VoiceAgentCallTests : IAsyncLifetime
{
    private const int Rate = 8000;
    private readonly SandboxCallTests.Server _server = new();
    private OpenAiRealtimeFake _openAi = null!;

    public async Task InitializeAsync()
    {
        _openAi = await OpenAiRealtimeFake.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _openAi.DisposeAsync();
    }

    private Task UseOpenAiAsync(Uri endpoint) => UseProviderAsync(AiProviderType.OpenAiRealtime, endpoint, _openAi.ApiKey);

    private Task UseProviderAsync(AiProviderType type, Uri endpoint, string apiKey, string extraSettings = "") =>
        UseProviderSettingsAsync(type, $$"""{"endpoint":"{{endpoint}}"{{extraSettings}}}""", apiKey);

    private async Task UseProviderSettingsAsync(AiProviderType type, string settingsJson, string apiKey)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        ProviderSecrets secrets = scope.ServiceProvider.GetRequiredService<ProviderSecrets>();
        var provider = new AiProvider
        {
            Id = Guid.NewGuid(),
            Name = $"{type} (fake)",
            Type = type,
            Settings = settingsJson,
            ProtectedSecrets = secrets.Protect(new Dictionary<string, string> { ["api_key"] = apiKey }),
        };
        db.AiProviders.Add(provider);
        await db.SaveChangesAsync();
        await db.Secretaries.Where(s => s.Id == DemoTenant.SecretaryId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProviderId, provider.Id));
    }

    private async Task<(SandboxCallsEndpoints.SandboxCallView Call, CallSession Session)> PlaceCallAsync(HttpClient api, object request)
    {
        SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", request))
            .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        return (call, session!);
    }

    /// <summary>Waits until the agent's answer was played, hangs up, and returns the call's stereo recording.</summary>
    private async Task<WavAudio> HearAndHangUpAsync(HttpClient api, string uuid, CallSession session, int audioSentMs = 0)
    {
        // At least the greeting, and everything the test expects the caller to hear, handed to the PBX; then heard.
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 2 && session.Playback.TotalSentMilliseconds >= audioSentMs, TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        string recording = Assert.Single(_server.Services.GetRequiredService<SandboxPbx>().FindChannel(uuid)!.RecordingPaths);
        await api.DeleteAsync($"/api/sandbox/calls/{uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(uuid));
        using FileStream file = File.OpenRead(recording);
        return WavFile.Read(file);
    }

    private static short[] Tone(double hz, double seconds)
    {
        short[] samples = new short[(int)(Rate * seconds)];
        ToneGenerator.Fill(samples, hz, Rate, 0.3);
        return samples;
    }

    [Fact]
    public async Task The_caller_talks_with_the_openai_secretary_through_the_sandbox()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 1.0), Transcript = "Olá! Você ligou para a Demo.", RealTime = true });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", toneHz = 500 });
        Assert.IsType<VoiceAgentBridge>(session.Agent);

        // Caller audio arrives as G.711 µ-law at 8 kHz, at the pace it is spoken.
        await _openAi.WaitUntilAsync(() => _openAi.AudioChunks.Count >= 100, TimeSpan.FromSeconds(20), "caller audio");
        IReadOnlyList<FakeAudioChunk> chunks = _openAi.AudioChunks;
        Assert.All(chunks, c => Assert.Equal(("audio/pcmu", 8000, 160), (c.Format, c.SampleRate, c.WireBytes)));
        double seconds = (chunks[^1].ReceivedAt - chunks[0].ReceivedAt).TotalSeconds;
        double perSecond = (chunks.Count - 1) / seconds;
        Assert.InRange(perSecond, 40, 62);

        // The provider's greeting is heard by the caller.
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session);

        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 1200), 900, 1100);
        Assert.Equal(0, Tones.Milliseconds(audio.Samples, 2, 1, 660) + Tones.Milliseconds(audio.Samples, 2, 1, 880)); // not the built-in chime
        Assert.True(await _server.MetricAsync("voice_ai_realtime_calls_total", ("tenant", DemoTenant.DomainName), ("provider", "openai"), ("outcome", session.EndReason!)) >= 1);
    }

    [Fact]
    public async Task The_caller_talks_with_the_gemini_secretary_through_the_sandbox()
    {
        await using GeminiLiveFake gemini = await GeminiLiveFake.StartAsync();
        await UseProviderAsync(AiProviderType.GeminiLive, gemini.Endpoint, gemini.ApiKey);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", toneHz = 500 });

        // The greeting request arrives; the fake answers in Gemini's 24 kHz PCM.
        GeminiFakeSession live = await gemini.WaitForSessionAsync(0).WaitAsync(TimeSpan.FromSeconds(20));
        await live.WaitForMessageAsync("clientContent").WaitAsync(TimeSpan.FromSeconds(20));
        short[] answer = new short[24000];
        ToneGenerator.Fill(answer, 1200, 24000, 0.3);
        await live.SendAudioAsync(answer);
        await live.SendTurnCompleteAsync();

        // Caller audio reaches Gemini resampled to 16 kHz PCM (two seconds of it).
        await live.WaitForAudioBytesAsync(16000 * 2 * 2).WaitAsync(TimeSpan.FromSeconds(20));
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session);

        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 1200), 900, 1100);
        Assert.True(await _server.MetricAsync("voice_ai_realtime_calls_total", ("tenant", DemoTenant.DomainName), ("provider", "gemini"), ("outcome", session.EndReason!)) >= 1);
    }

    [Fact]
    public async Task The_caller_talks_with_the_elevenlabs_secretary_through_the_sandbox()
    {
        await using ElevenLabsAgentFake elevenLabs = await ElevenLabsAgentFake.StartAsync();
        await UseProviderAsync(AiProviderType.ElevenLabs, elevenLabs.Endpoint, elevenLabs.Agent.ApiKey, ",\"agent_id\":\"" + elevenLabs.Agent.AgentId + "\"");

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", toneHz = 500 });

        // Private agent: signed URL, initiation with the secretary's prompt, then µ-law both ways.
        ElevenLabsFakeConversation conversation = await elevenLabs.NextConversationAsync(TimeSpan.FromSeconds(20));
        await conversation.WaitForAudioAsync(100, TimeSpan.FromSeconds(20));
        Assert.Null(conversation.Violation);
        short[] answer = new short[8000];
        ToneGenerator.Fill(answer, 1200, 8000, 0.3);
        await conversation.SendAudioAsync(answer, 8000, eventId: 1);

        Assert.Null(Assert.IsType<VoiceAgentBridge>(session.Agent).FallbackReason);
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session);

        Assert.Equal(1, elevenLabs.SignedUrlRequests);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 1200), 900, 1100);
    }

    [Fact]
    public async Task A_provider_row_with_broken_settings_leaves_the_caller_with_the_local_agent()
    {
        await UseProviderSettingsAsync(AiProviderType.OpenAiRealtime, "{\"endpoint\": not json", _openAi.ApiKey);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        var bridge = Assert.IsType<VoiceAgentBridge>(session.Agent);
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));
        Assert.Equal("local", bridge.CurrentPlan!.Label);
        Assert.Equal(0, _openAi.ConnectionCount);
        await HangUpAsync(api, call.Uuid);
    }

    [Fact]
    public async Task A_provider_that_refuses_the_connection_leaves_the_caller_with_the_local_agent_at_once()
    {
        // Nothing listens there: connect refused.
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        int port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await UseOpenAiAsync(new Uri($"ws://127.0.0.1:{port}/v1/realtime"));

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        var bridge = Assert.IsType<VoiceAgentBridge>(session.Agent);
        WavAudio audio = await HearFallbackAndHangUpAsync(api, call.Uuid, session);

        Assert.NotNull(bridge.FallbackReason);
        Assert.InRange(FirstSound(audio.Samples, 0) * 20, 0, 2000);
        Conversation stored = await ConversationAsync(call.Uuid);
        ConversationModeSwitch change = Assert.Single(stored.FallbackEvents);
        Assert.Equal(("realtime:open_ai_realtime", "local"), (change.From, change.To));
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.System && t.Text.Contains("local", StringComparison.Ordinal));
        Assert.True(await _server.MetricAsync("switchboard_provider_errors_total", ("provider", "openai"), ("kind", "connect")) >= 1, await _server.CreateClient().GetStringAsync("/metrics"));
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("error")]
    public async Task A_provider_lost_mid_call_hands_the_caller_to_the_fallback_within_two_seconds(string failure)
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.6), Transcript = "Olá! Você ligou para a Demo." });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        if (failure == "drop")
        {
            _openAi.Drop();
        }
        else
        {
            await _openAi.SendErrorAsync(new FakeServerError("session_expired", "Your session hit the maximum duration of 60 minutes."), close: true);
        }

        WavAudio audio = await HearFallbackAndHangUpAsync(api, call.Uuid, session);

        // The greeting of the provider, then the fallback's "one moment" and its greeting: never 2 s of silence.
        int lastProviderFrame = Array.LastIndexOf(Tones.Present(audio.Samples, 2, 1, 1200), true);
        Assert.True(lastProviderFrame > 0, "the provider's greeting was heard");
        Assert.InRange((FirstSound(audio.Samples, lastProviderFrame + 1) - lastProviderFrame) * 20, 0, 2000);
        Conversation stored = await ConversationAsync(call.Uuid);
        ConversationModeSwitch change = Assert.Single(stored.FallbackEvents);
        Assert.Equal("local", change.To);
        Assert.Contains(failure == "drop" ? "connection_closed" : "session_expired", change.Reason, StringComparison.Ordinal);
        Assert.Equal(AiProviderType.Local, stored.ProviderType);
    }

    [Fact]
    public async Task A_provider_that_runs_out_of_budget_during_the_call_hands_over_and_the_spend_is_kept()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await SetBudgetAsync(budget: 0.001m, spent: 0m);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.6), Transcript = "Olá!" });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        WavAudio audio = await HearFallbackAndHangUpAsync(api, call.Uuid, session);

        int lastProviderFrame = Array.LastIndexOf(Tones.Present(audio.Samples, 2, 1, 1200), true);
        Assert.InRange((FirstSound(audio.Samples, lastProviderFrame + 1) - lastProviderFrame) * 20, 0, 2000);
        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Equal("budget_exhausted", Assert.Single(stored.FallbackEvents).Reason);
        Assert.True((await ProviderAsync()).SpentThisMonthUsd >= 0.001m, "the call's cost is added to the provider's spend");
    }

    [Fact]
    public async Task A_provider_already_over_budget_is_skipped_and_the_call_starts_with_the_fallback()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await SetBudgetAsync(budget: 10m, spent: 10m);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        WavAudio audio = await HearFallbackAndHangUpAsync(api, call.Uuid, session);

        Assert.Equal(0, _openAi.ConnectionCount);
        Assert.InRange(FirstSound(audio.Samples, 0) * 20, 0, 2000);
        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.System && t.Text == "realtime:open_ai_realtime skipped: over_budget");
    }

    [Fact]
    public async Task A_gemini_go_away_resumes_the_session_without_dropping_the_call()
    {
        await using GeminiLiveFake gemini = await GeminiLiveFake.StartAsync();
        await UseProviderAsync(AiProviderType.GeminiLive, gemini.Endpoint, gemini.ApiKey);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", toneHz = 500 });
        GeminiFakeSession first = await gemini.WaitForSessionAsync(0).WaitAsync(TimeSpan.FromSeconds(20));
        await first.WaitForMessageAsync("clientContent").WaitAsync(TimeSpan.FromSeconds(20));
        await first.IssueResumptionHandleAsync();
        await first.SendAudioAsync(Tone24k(1200, 0.6));
        await first.SendTurnCompleteAsync();
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));

        // The service says it will close soon; the agent moves to a new connection with the handle.
        await first.SendGoAwayAsync(TimeSpan.FromSeconds(1));
        GeminiFakeSession second = await gemini.WaitForSessionAsync(1).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(second.Resumed);
        await second.WaitForAudioBytesAsync(16000 * 2 / 2).WaitAsync(TimeSpan.FromSeconds(20)); // caller audio flows again
        await second.SendAudioAsync(Tone24k(900, 0.6));
        await second.SendTurnCompleteAsync();
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 2, TimeSpan.FromSeconds(20));
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session);

        Assert.Null(Assert.IsType<VoiceAgentBridge>(session.Agent).FallbackReason);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 1200), 500, 700);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 900), 500, 700);
        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Empty(stored.FallbackEvents);
        Assert.Contains(stored.Turns, t => t.Speaker == ConversationSpeaker.System && t.Text.StartsWith("gemini session ending", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_agent_takes_a_message_through_a_tool_and_ends_the_call_after_its_goodbye()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        _openAi.EnqueueResponse(new FakeResponse
        {
            Audio = Tone(1200, 0.4),
            Transcript = "Vou anotar o seu recado.",
            FunctionCall = new FakeFunctionCall("take_message", """{"message":"Favor retornar sobre a fatura 123","caller_name":"Ana","destination":"Jeni - Financeiro","reason":"busy"}"""),
        });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 0.4), Transcript = "Recado registrado.", FunctionCall = new FakeFunctionCall("end_call", """{"reason":"message_taken"}""") });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(700, 1.0), Transcript = "Até logo!" });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", callerIdNumber = "11987654321" });
        string recording = Assert.Single(_server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!.RecordingPaths);
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();

        // Nobody hangs up here: the agent's end_call does, once the goodbye was heard.
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(30));
        Assert.Equal("end_call", session.EndReason);

        // The tool's result went back to the provider as a function_call_output, then a new response was asked for.
        FakeClientEvent output = await _openAi.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output");
        string result = output.Json.GetProperty("item").GetProperty("output").GetString()!;
        Assert.Contains("\"ticket_number\":", result, StringComparison.Ordinal);

        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Conversation stored = await ConversationAsync(call.Uuid);
        Tickets.Ticket ticket = await db.Tickets.SingleAsync(t => t.ConversationId == stored.Id);
        Assert.Equal("Favor retornar sobre a fatura 123", ticket.Message);
        Assert.Equal(("+5511987654321", "Jeni - Financeiro"), (ticket.CallerNumber, ticket.IntendedDestination));
        Assert.Contains(ticket.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), result, StringComparison.Ordinal);
        Assert.Equal(ConversationOutcome.TicketCreated, stored.Outcome);
        List<Switchboard.Server.Tools.ToolInvocation> audit = await db.ToolInvocations.Where(t => t.CallUuid == call.Uuid).OrderBy(t => t.CreatedAt).ToListAsync();
        Assert.Equal(["take_message", "end_call"], audit.Select(t => t.Name));
        Assert.All(audit, t => Assert.True(t.Succeeded && t.ConversationId == stored.Id));

        // The whole goodbye was heard before the hang-up.
        WavAudio audio;
        using (FileStream file = File.OpenRead(recording))
        {
            audio = WavFile.Read(file);
        }

        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 700), 900, 1100);
    }

    [Fact]
    public async Task Asked_for_finance_the_agent_puts_the_caller_through_and_leaves_the_call()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(300) });
        _openAi.EnqueueResponse(new FakeResponse
        {
            Audio = Tone(1200, 0.4),
            Transcript = "Vou transferir para o financeiro.",
            FunctionCall = new FakeFunctionCall("transfer_call", """{"destination":"financeiro","reason":"dúvida sobre a fatura"}"""),
        });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(30));

        Assert.Equal("transferred", session.EndReason);
        SandboxChannel caller = _server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!;
        Assert.NotNull(caller.BridgedTo);
        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Equal(ConversationOutcome.Transferred, stored.Outcome);
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Switchboard.Server.Transfers.TransferAttempt attempt = await db.TransferAttempts.SingleAsync(t => t.CallUuid == call.Uuid);
        Assert.Equal(Switchboard.Server.Transfers.TransferAttemptResult.Success, attempt.Result);
        Assert.True(await _server.MetricAsync("switchboard_transfers_total", ("result", "success")) >= 1);
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
    }

    [Fact]
    public async Task A_busy_destination_comes_back_to_the_agent_with_the_status_to_say_and_the_fallback()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { Behaviour = ExtensionBehaviour.Busy });
        _openAi.EnqueueResponse(new FakeResponse
        {
            Audio = Tone(1200, 0.4),
            Transcript = "Vou transferir para a Jeniffer.",
            FunctionCall = new FakeFunctionCall("transfer_call", """{"destination":"jeniffer","reason":null}"""),
        });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 0.6), Transcript = "A Jeni está ocupada. Quer deixar um recado?" });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        FakeClientEvent output = await _openAi.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output", TimeSpan.FromSeconds(30));
        using var result = System.Text.Json.JsonDocument.Parse(output.Json.GetProperty("item").GetProperty("output").GetString()!);
        System.Text.Json.JsonElement root = result.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(("busy", "Jeni - Financeiro", "offer_ticket"), (root.GetProperty("status").GetString(), root.GetProperty("destination").GetString(), root.GetProperty("fallback").GetString()));
        Assert.Contains("ocupad", root.GetProperty("say").GetString(), StringComparison.OrdinalIgnoreCase);

        // The caller is back with the secretary, who answers (0.4 s greeting + 0.6 s answer).
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session, audioSentMs: 1000);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 900), 500, 700);
        // Every attempt the destination allows (one plus its retries) met a busy line.
        List<Switchboard.Server.Transfers.TransferAttempt> attempts = await ConversationAttemptsAsync(call.Uuid);
        Assert.Equal(1 + await MaxRetriesAsync("Jeni - Financeiro"), attempts.Count);
        Assert.All(attempts, a => Assert.Equal(Switchboard.Server.Transfers.TransferAttemptResult.Busy, a.Result));
    }

    [Fact]
    public async Task An_announced_transfer_is_announced_by_the_ai_on_the_humans_leg_and_accepted_with_its_tool()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        await SetTransferModeAsync("Jeni - Financeiro", Switchboard.Server.Transfers.TransferMode.Announced);
        SandboxPbx pbx = _server.Services.GetRequiredService<SandboxPbx>();
        pbx.ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(300), AnnouncementResponse = AnnouncementResponse.Silent, Voice = CallerAudio.Silence });
        _openAi.EnqueueResponse(new FakeResponse
        {
            Audio = Tone(1200, 0.4),
            Transcript = "Vou transferir para o financeiro.",
            FunctionCall = new FakeFunctionCall("transfer_call", """{"destination":"financeiro","reason":"segunda via do boleto"}"""),
        });

        // The announcer's first words to the human: who calls and why.
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(700, 1.0), Transcript = "Maria Silva quer a segunda via do boleto. Posso passar?", RealTime = true });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession secretary) = await PlaceCallAsync(api, new { destination = "8000", callerIdNumber = "11987650000", callerIdName = "Maria Silva" });
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();

        // A second session to the provider, on the human's leg, with the announcer's instructions and tools.
        await _openAi.WaitUntilAsync(() => _openAi.ConnectionCount == 2, TimeSpan.FromSeconds(30), "the announcer connects");
        FakeClientEvent update = await _openAi.WaitForEventAsync(
            "session.update", e => e.GetProperty("session").GetProperty("instructions").GetString()!.Contains("accept_transfer", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        System.Text.Json.JsonElement session = update.Json.GetProperty("session");
        Assert.Contains("Maria Silva", session.GetProperty("instructions").GetString(), StringComparison.Ordinal);
        Assert.Contains("segunda via do boleto", session.GetProperty("instructions").GetString(), StringComparison.Ordinal);
        Assert.Equal(["accept_transfer", "reject_transfer"], session.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        SandboxChannel caller = pbx.FindChannel(call.Uuid)!;
        string human = Assert.Single(pbx.Channels, c => c.Uuid != call.Uuid).Uuid;
        Assert.NotNull(pbx.FindChannel(human)!.AudioStream);

        // The human hears the announcement (played on the human's leg) while the caller waits muted.
        await Wait.UntilAsync(() => registry.TryGet(human, out CallSession? leg) && leg!.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));
        registry.TryGet(human, out CallSession? announcing);
        await Wait.UntilAsync(() => !announcing!.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        Assert.NotNull(caller.Conference);
        Assert.True(secretary.Agent is VoiceAgentBridge);

        // The human says yes: the model calls accept_transfer.
        _openAi.EnqueueResponse(new FakeResponse { FunctionCall = new FakeFunctionCall("accept_transfer", "{}") });
        await _openAi.SpeechStartedAsync();
        await _openAi.SpeechStoppedAsync();

        await Wait.UntilAsync(() => !registry.Contains(call.Uuid) && !registry.Contains(human), TimeSpan.FromSeconds(30));
        Assert.Equal("transferred", secretary.EndReason);
        Assert.Null(pbx.FindChannel(human)!.AudioStream);
        Assert.Null(caller.AudioStream);
        var esl = _server.Services.GetRequiredService<PbxConnection>().Client;
        string conference = caller.Conference!.Value.Name;
        IReadOnlyList<ConferenceMember> members = await esl.ConferenceListAsync(conference, CancellationToken.None);
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.True(m.CanSpeak && m.CanHear, string.Join('|', m.Flags)));
        Switchboard.Server.Transfers.TransferAttempt attempt = Assert.Single(await ConversationAttemptsAsync(call.Uuid));
        Assert.Equal((Switchboard.Server.Transfers.TransferAttemptResult.Success, Switchboard.Server.Transfers.TransferMode.Announced, human),
            (attempt.Result!.Value, attempt.Mode, attempt.BLegUuid));
        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Equal(ConversationOutcome.Transferred, stored.Outcome);

        // When the human hangs up, the caller is not left alone in the conference.
        await pbx.FindChannel(human)!.HangupAsync();
        Assert.Equal("NORMAL_CLEARING", await caller.WaitForHangupAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(await esl.ConferenceListAsync(conference, CancellationToken.None));
    }

    [Fact]
    public async Task A_human_who_declines_to_the_ai_announcer_leaves_the_caller_back_with_the_secretary_and_nothing_behind()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        await ConfigureDestinationAsync("Jeni - Financeiro", d => (d.TransferMode, d.MaxRetries, d.FallbackAction) =
            (Switchboard.Server.Transfers.TransferMode.Announced, 0, Switchboard.Server.Transfers.TransferFallbackAction.ReturnAgent));
        SandboxPbx pbx = _server.Services.GetRequiredService<SandboxPbx>();
        pbx.ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(300), AnnouncementResponse = AnnouncementResponse.Silent, Voice = CallerAudio.Silence });
        _openAi.EnqueueResponse(new FakeResponse
        {
            Audio = Tone(1200, 0.4),
            Transcript = "Vou transferir para o financeiro.",
            FunctionCall = new FakeFunctionCall("transfer_call", """{"destination":"financeiro","reason":"nota fiscal"}"""),
        });

        // The announcer tells the human, who says they are in a meeting: reject_transfer with that reason.
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(700, 0.4), Transcript = "Ligação sobre nota fiscal. Posso passar?" });
        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession secretary) = await PlaceCallAsync(api, new { destination = "8000" });
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await _openAi.WaitUntilAsync(() => _openAi.ConnectionCount == 2, TimeSpan.FromSeconds(30), "the announcer connects");
        string human = Assert.Single(pbx.Channels, c => c.Uuid != call.Uuid).Uuid;
        await Wait.UntilAsync(() => registry.TryGet(human, out CallSession? leg) && leg!.Playback.FilesQueued >= 1, TimeSpan.FromSeconds(20));
        registry.TryGet(human, out CallSession? announcing);
        await Wait.UntilAsync(() => !announcing!.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        int filesBefore = secretary.Playback.FilesQueued;
        _openAi.EnqueueResponse(new FakeResponse { FunctionCall = new FakeFunctionCall("reject_transfer", """{"reason":"em reunião"}""") });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 0.6), Transcript = "A Jeni não pode atender agora. Posso ajudar com mais alguma coisa?" });
        await _openAi.SpeechStartedAsync();
        await _openAi.SpeechStoppedAsync();

        // The secretary gets the result, with the human's reason and what to say; the caller is back with it.
        FakeClientEvent output = await _openAi.WaitForEventAsync(
            "conversation.item.create",
            e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output" && e.GetProperty("item").GetProperty("output").GetString()!.Contains("\"status\":\"rejected\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        using var result = System.Text.Json.JsonDocument.Parse(output.Json.GetProperty("item").GetProperty("output").GetString()!);
        Assert.Equal("return_agent", result.RootElement.GetProperty("fallback").GetString());
        Assert.Contains("mais alguma coisa", result.RootElement.GetProperty("say").GetString(), StringComparison.Ordinal);
        await Wait.UntilAsync(() => !registry.Contains(human), TimeSpan.FromSeconds(10));
        Assert.True(registry.Contains(call.Uuid));
        SandboxChannel caller = pbx.FindChannel(call.Uuid)!;
        await Wait.UntilAsync(() => caller.Conference is null && pbx.Channels.Count == 1, TimeSpan.FromSeconds(10));
        Assert.NotNull(caller.AudioStream);
        Switchboard.Server.Transfers.TransferAttempt attempt = Assert.Single(await ConversationAttemptsAsync(call.Uuid));
        Assert.Equal(Switchboard.Server.Transfers.TransferAttemptResult.Rejected, attempt.Result);
        Assert.Contains("em reunião", attempt.Error, StringComparison.Ordinal);

        // And the secretary's answer reaches the caller.
        await Wait.UntilAsync(() => secretary.Playback.FilesQueued > filesBefore, TimeSpan.FromSeconds(20));
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, secretary, audioSentMs: 1000);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 900), 500, 700);
    }

    /// <summary>The OpenAI secretary puts the caller through to finance (Jeni, extension 1004, one ring second, no
    /// retries), whose phone behaves as given and whose fallback is <paramref name="fallback"/>; the agent's answer to
    /// the result is 0.6 s of a 900 Hz tone saying <paramref name="answer"/>.</summary>
    private async Task FinanceFailsAsync(Switchboard.Server.Transfers.TransferFallbackAction fallback, ExtensionBehaviour phone, string? reason, string answer)
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        await ConfigureDestinationAsync("Jeni - Financeiro", d => (d.FallbackAction, d.MaxRetries, d.RingTimeoutSeconds) = (fallback, 0, 1));
        _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { Behaviour = phone });
        string arguments = System.Text.Json.JsonSerializer.Serialize(new { destination = "financeiro", reason });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.4), Transcript = "Vou transferir para o financeiro.", FunctionCall = new FakeFunctionCall("transfer_call", arguments) });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 0.6), Transcript = answer });
    }

    private Task SetTransferModeAsync(string destination, Switchboard.Server.Transfers.TransferMode mode) =>
        ConfigureDestinationAsync(destination, d => d.TransferMode = mode);

    private async Task ConfigureDestinationAsync(string destination, Action<Switchboard.Server.Transfers.TransferDestination> change)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        change(await db.TransferDestinations.SingleAsync(d => d.Name == destination));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task An_agent_that_announces_a_transfer_without_calling_the_tool_is_put_through_by_keywords()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await OpenAllHoursAsync();
        _server.Services.GetRequiredService<SandboxPbx>().ConfigureExtension(DemoTenant.DomainName, "1004", new SimulatedExtension { AnswerDelay = TimeSpan.FromMilliseconds(300) });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.4), Transcript = "Claro, vou transferir você para o financeiro." });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(30));

        Assert.Equal("transferred", session.EndReason);
        Assert.NotNull(_server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!.BridgedTo);
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Switchboard.Server.Tools.ToolInvocation audit = await db.ToolInvocations.SingleAsync(t => t.CallUuid == call.Uuid);
        Assert.Equal("transfer_call", audit.Name);
        Assert.Contains("Jeni - Financeiro", audit.Arguments, StringComparison.Ordinal);
        Assert.Equal(Switchboard.Server.Transfers.TransferAttemptResult.Success, Assert.Single(await ConversationAttemptsAsync(call.Uuid)).Result);
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
    }

    [Fact]
    public async Task The_create_ticket_fallback_opens_the_ticket_itself_and_gives_the_agent_its_number_to_read()
    {
        await FinanceFailsAsync(Switchboard.Server.Transfers.TransferFallbackAction.CreateTicket, ExtensionBehaviour.Busy, "boleto vencido", "Registrei o chamado.");

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", callerIdNumber = "11955551234", callerIdName = "Caio" });
        FakeClientEvent output = await _openAi.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output", TimeSpan.FromSeconds(30));
        using var result = System.Text.Json.JsonDocument.Parse(output.Json.GetProperty("item").GetProperty("output").GetString()!);
        System.Text.Json.JsonElement root = result.RootElement;
        long number = root.GetProperty("ticket_number").GetInt64();
        Assert.Equal(("busy", "create_ticket"), (root.GetProperty("status").GetString(), root.GetProperty("fallback").GetString()));
        Assert.Contains(number.ToString(System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("say").GetString(), StringComparison.Ordinal);

        // Committed before the agent can read the number to the caller.
        await using (AsyncServiceScope scope = _server.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            Switchboard.Server.Tickets.Ticket ticket = await db.Tickets.SingleAsync(t => t.Number == number);
            Assert.Equal(("transfer_failed:busy", "Jeni - Financeiro", "+5511955551234", "boleto vencido"), (ticket.Reason, ticket.IntendedDestination, ticket.CallerNumber, ticket.Message));
        }

        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(20));
        Assert.Equal(ConversationOutcome.TicketCreated, (await ConversationAsync(call.Uuid)).Outcome);
    }

    [Fact]
    public async Task The_voicemail_fallback_hands_the_caller_to_the_extensions_box_after_the_status_is_said()
    {
        await FinanceFailsAsync(Switchboard.Server.Transfers.TransferFallbackAction.Voicemail, ExtensionBehaviour.NoAnswer, null, "A Jeni não atendeu. Vou transferir para a caixa postal.");

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(40));

        SandboxChannel caller = _server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!;
        Assert.Equal("voicemail", session.EndReason);
        Assert.Null(caller.HangupCause);
        Assert.Equal("1004", caller.GetVariable("voicemail_id"));
        Assert.Null(caller.AudioStream);
        await Wait.UntilAsync(() => caller.RecordingPaths.Any(p => p.Contains("/voicemail/", StringComparison.Ordinal)));

        List<Switchboard.Server.Transfers.TransferAttempt> attempts = await ConversationAttemptsAsync(call.Uuid);
        Assert.Equal([Switchboard.Server.Transfers.TransferAttemptResult.NoAnswer, Switchboard.Server.Transfers.TransferAttemptResult.Success], attempts.Select(a => a.Result!.Value));

        // The status and the announcement of the box were played before the hand-off (the call's recording, once closed).
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        await caller.WaitForHangupAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using FileStream file = File.OpenRead(caller.RecordingPaths[0]);
        WavAudio audio = WavFile.Read(file);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 900), 500, 700);
    }

    [Fact]
    public async Task The_hangup_fallback_says_the_status_and_goodbye_then_ends_the_call()
    {
        await FinanceFailsAsync(Switchboard.Server.Transfers.TransferFallbackAction.Hangup, ExtensionBehaviour.Busy, null, "A Jeni está ocupada. Até logo.");

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        SandboxChannel caller = _server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!;
        Assert.Equal("NORMAL_CLEARING", await caller.WaitForHangupAsync().WaitAsync(TimeSpan.FromSeconds(40)));
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid), TimeSpan.FromSeconds(20));
        Assert.Equal("transfer_failed", session.EndReason);

        // Hung up only after the goodbye was played to the caller.
        using FileStream file = File.OpenRead(Assert.Single(caller.RecordingPaths));
        WavAudio audio = WavFile.Read(file);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 900), 500, 700);
    }

    /// <summary>The demo destinations keep office hours; these tests run at any hour.</summary>
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

    private async Task<int> MaxRetriesAsync(string destination)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.TransferDestinations.Where(d => d.Name == destination).Select(d => d.MaxRetries).SingleAsync();
    }

    private async Task<List<Switchboard.Server.Transfers.TransferAttempt>> ConversationAttemptsAsync(string callUuid)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.TransferAttempts.AsNoTracking().Where(t => t.CallUuid == callUuid).ToListAsync();
    }

    [Fact]
    public async Task A_secretary_change_reaches_the_next_call_without_a_restart_and_an_unchanged_one_is_not_reloaded()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await UpdateSecretaryAsync(s => s.Prompt = "Você é a secretária da Demo. Versão A.");
        SecretaryConfigCache cache = _server.Services.GetRequiredService<SecretaryConfigCache>();
        using HttpClient api = _server.Api();

        async Task<string> CallAndReadInstructionsAsync(string marker)
        {
            (SandboxCallsEndpoints.SandboxCallView call, CallSession _) = await PlaceCallAsync(api, new { destination = "8000" });
            FakeClientEvent update = await _openAi.WaitForEventAsync(
                "session.update",
                e => e.GetProperty("session").GetProperty("instructions").GetString()!.Contains(marker, StringComparison.Ordinal),
                TimeSpan.FromSeconds(20));
            await HangUpAsync(api, call.Uuid);
            return update.Json.GetProperty("session").GetProperty("instructions").GetString()!;
        }

        Assert.Contains("Versão A", await CallAndReadInstructionsAsync("Versão A"), StringComparison.Ordinal);
        long loads = cache.Loads;

        // The same configuration: the next call uses what is cached (a version check, no reload).
        Assert.Contains("Versão A", await CallAndReadInstructionsAsync("Versão A"), StringComparison.Ordinal);
        Assert.Equal(loads, cache.Loads);

        // An operator edits the prompt: the next call has it, no restart.
        await UpdateSecretaryAsync(s => s.Prompt = "Você é a secretária da Demo. Versão B.");
        string instructions = await CallAndReadInstructionsAsync("Versão B");
        Assert.DoesNotContain("Versão A", instructions, StringComparison.Ordinal);
        Assert.Equal(loads + 1, cache.Loads);
    }

    [Theory]
    [InlineData("lookup_customer", """{"phone":null}""", "Maria Souza")]
    [InlineData("check_appointment", """{"date":null,"phone":null}""", "Dra. Ana")]
    [InlineData("create_ticket", """{"subject":"Segunda via do boleto","description":"Cliente pediu a segunda via.","priority":"high"}""", "ticket_number")]
    public async Task Each_tool_runs_from_the_provider_s_function_call_and_its_result_goes_back(string tool, string arguments, string expected)
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await using (AsyncServiceScope scope = _server.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            db.Contacts.Add(new Contacts.Contact { Id = Guid.NewGuid(), Name = "Maria Souza", Phone = "+5511988887777", Company = "Acme" });
            db.Appointments.Add(new Contacts.Appointment { Id = Guid.NewGuid(), ContactPhone = "+5511988887777", StartsAt = DateTimeOffset.UtcNow.AddDays(2), WithWhom = "Dra. Ana", Description = "Retorno" });
            await db.SaveChangesAsync();
        }

        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.3), Transcript = "Um instante.", FunctionCall = new FakeFunctionCall(tool, arguments) });
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 0.3), Transcript = "Pronto." });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession _) = await PlaceCallAsync(api, new { destination = "8000", callerIdNumber = "011988887777" });
        FakeClientEvent output = await _openAi.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output", TimeSpan.FromSeconds(20));
        await _openAi.WaitForEventAsync("response.create", e => true, TimeSpan.FromSeconds(10));
        string result = output.Json.GetProperty("item").GetProperty("output").GetString()!;
        await HangUpAsync(api, call.Uuid);

        Assert.Contains("\"ok\":true", result, StringComparison.Ordinal);
        Assert.Contains(expected, result, StringComparison.Ordinal);
        await using AsyncServiceScope check = _server.Services.CreateAsyncScope();
        check.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        Switchboard.Server.Tools.ToolInvocation audit = await check.ServiceProvider.GetRequiredService<SwitchboardDbContext>().ToolInvocations.SingleAsync(t => t.CallUuid == call.Uuid);
        Assert.Equal((tool, result, true), (audit.Name, audit.Result, audit.Succeeded));
        Assert.Equal(arguments, audit.Arguments);
    }

    private static short[] Tone24k(double hz, double seconds)
    {
        short[] samples = new short[(int)(24000 * seconds)];
        ToneGenerator.Fill(samples, hz, 24000, 0.3);
        return samples;
    }

    private async Task SetBudgetAsync(decimal budget, decimal spent)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        AiProvider provider = await db.AiProviders.SingleAsync(p => p.Type == AiProviderType.OpenAiRealtime);
        provider.BudgetMonthlyUsd = budget;
        provider.SpentThisMonthUsd = spent;
        await db.SaveChangesAsync();
    }

    private async Task<AiProvider> ProviderAsync()
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.AiProviders.AsNoTracking().SingleAsync(p => p.Type == AiProviderType.OpenAiRealtime);
    }

    /// <summary>Waits until the local fallback agent has spoken its greeting, hangs up, and returns the recording.</summary>
    private async Task<WavAudio> HearFallbackAndHangUpAsync(HttpClient api, string uuid, CallSession session)
    {
        var bridge = Assert.IsType<VoiceAgentBridge>(session.Agent);
        await Wait.UntilAsync(() => bridge.CurrentPlan?.Label == "local", TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => bridge.Transcripts.Any(t => t.Speaker == Protocols.Realtime.TranscriptSpeaker.Agent && t.Text.Contains("disque", StringComparison.OrdinalIgnoreCase)), TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => session.Playback.HeardEstimate >= TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(20));
        string recording = Assert.Single(_server.Services.GetRequiredService<SandboxPbx>().FindChannel(uuid)!.RecordingPaths);
        await HangUpAsync(api, uuid);
        using FileStream file = File.OpenRead(recording);
        return WavFile.Read(file);
    }

    private async Task HangUpAsync(HttpClient api, string uuid)
    {
        await api.DeleteAsync($"/api/sandbox/calls/{uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(uuid));
    }

    /// <summary>First 20 ms frame at or after <paramref name="fromFrame"/> in which the caller hears anything (agent channel).</summary>
    private static int FirstSound(short[] stereo, int fromFrame)
    {
        const int FrameSamples = Rate / 50;
        int frames = stereo.Length / 2 / FrameSamples;
        for (int frame = fromFrame; frame < frames; frame++)
        {
            double energy = 0;
            for (int i = 0; i < FrameSamples; i++)
            {
                double sample = stereo[(((frame * FrameSamples) + i) * 2) + 1];
                energy += sample * sample;
            }

            if (Math.Sqrt(energy / FrameSamples) > 300)
            {
                return frame;
            }
        }

        return int.MaxValue / 40;
    }

    /// <summary>Updates the demo secretary (e.g. minimum speech, idle limit) through the store, as the console does.</summary>
    private async Task UpdateSecretaryAsync(Action<Secretary> change)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Secretary secretary = await db.Secretaries.SingleAsync(s => s.Id == DemoTenant.SecretaryId);
        change(secretary);
        await db.SaveChangesAsync();
    }

    /// <summary>The conversation of a call as stored, with its turns in order.</summary>
    private async Task<Conversation> ConversationAsync(string callUuid)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        Conversation conversation = await db.Conversations.AsNoTracking().Include(c => c.Turns).SingleAsync(c => c.CallUuid == callUuid);
        conversation.Turns.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return conversation;
    }

    /// <summary>A caller WAV: silence, then the voice, then silence (8 kHz mono).</summary>
    private string CallerWav(string name, double silenceBefore, short[] voice, double silenceAfter)
    {
        short[] samples = new short[(int)(Rate * silenceBefore) + voice.Length + (int)(Rate * silenceAfter)];
        voice.CopyTo(samples, (int)(Rate * silenceBefore));
        string path = Path.Combine(_server.DataRoot, name + ".wav");
        using FileStream file = File.Create(path);
        WavFile.Write(file, samples, Rate);
        return path;
    }

    [Fact]
    public async Task A_conversation_is_recorded_with_both_sides_latency_split_usage_and_cost()
    {
        _openAi.ServerVad = true;
        await UseOpenAiAsync(_openAi.Endpoint);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.6), Transcript = "Olá! Você ligou para a Demo." });
        _openAi.EnqueueCallerTranscript("Quero falar com o financeiro.");
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 1.0), Transcript = "Claro, um instante." });
        string voice = CallerWav("caller-turn", 2.0, Tone(500, 1.5), 6.0);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", wavFile = voice, callerIdNumber = "11987654321" });
        await Wait.UntilAsync(() => session.Recorder!.Turns.Count(t => t.Speaker == ConversationSpeaker.Agent) >= 2, TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid));

        Conversation stored = await ConversationAsync(call.Uuid);
        Assert.Equal(ConversationOutcome.Completed, stored.Outcome);
        Assert.Equal("11987654321", stored.CallerNumber);
        Assert.Equal(AiProviderType.OpenAiRealtime, stored.ProviderType);
        Assert.NotNull(stored.EndedAt);
        Assert.StartsWith("hangup:", stored.EndReason, StringComparison.Ordinal);
        Assert.Equal(
            [(ConversationSpeaker.Agent, "Olá! Você ligou para a Demo."), (ConversationSpeaker.Caller, "Quero falar com o financeiro."), (ConversationSpeaker.Agent, "Claro, um instante.")],
            stored.Turns.Select(t => (t.Speaker, t.Text)));
        Assert.Equal([1, 2, 3], stored.Turns.Select(t => t.Sequence));

        // The answer's latency: end of the caller's speech to its first audio at FreeSWITCH, split by who spent it.
        ConversationTurn answer = stored.Turns[2];
        Assert.NotNull(answer.LatencyMs);
        Assert.InRange(answer.LatencyMs!.Value - (answer.ProviderLatencyMs!.Value + answer.OwnLatencyMs!.Value), -1, 1);
        Assert.InRange(answer.LatencyMs.Value, 0, 3000);
        Assert.Null(stored.Turns[0].LatencyMs); // the greeting answers no caller turn

        // Usage of both responses as the provider reported it, and its estimated cost (gpt-realtime prices).
        Assert.Equal(2 * 789, stored.InputTokens);
        Assert.Equal(2 * 32, stored.OutputTokens);
        decimal expected = 2 * ProviderPricing.Estimate(AiProviderType.OpenAiRealtime, null, new(789, 32, 476, 23));
        Assert.Equal(expected, stored.EstimatedCostUsd);
        Assert.InRange(stored.AudioSecondsIn, 3, 60);
        Assert.InRange(stored.AudioSecondsOut, 1.4, 2.0);
        Assert.True(await _server.MetricAsync("voice_ai_realtime_response_latency_seconds_count", ("provider", "openai")) >= 1);
    }

    [Fact]
    public async Task Speech_over_the_agent_silences_it_within_150_ms_and_the_provider_learns_what_was_heard()
    {
        _openAi.ServerVad = true;
        await UseOpenAiAsync(_openAi.Endpoint);
        await UpdateSecretaryAsync(s => s.VadMinSpeechMs = 0);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 8.0), Transcript = "Uma resposta longa.", RealTime = true, HoldUntilCancelled = true });
        string voice = CallerWav("barge-in", 2.5, Tone(500, 2.0), 4.0);

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000", wavFile = voice });
        var bridge = Assert.IsType<VoiceAgentBridge>(session.Agent);
        await Wait.UntilAsync(() => bridge.BargeIns == 1, TimeSpan.FromSeconds(20));
        FakeTruncation truncation = await WaitForTruncationAsync();
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(10));
        string recording = Assert.Single(_server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!.RecordingPaths);
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid));

        WavAudio audio;
        using (FileStream file = File.OpenRead(recording))
        {
            audio = WavFile.Read(file);
        }

        // In the call's stereo recording: the caller starts speaking (left), the agent's audio stops (right).
        bool[] callerFrames = Tones.Present(audio.Samples, 2, 0, 500);
        bool[] agentFrames = Tones.Present(audio.Samples, 2, 1, 1200);
        int spoke = Array.IndexOf(callerFrames, true);
        int lastAgent = Array.LastIndexOf(agentFrames, true);
        int heardMs = agentFrames.Count(f => f) * 20;

        // The provider's VAD needs 60 ms of speech plus a frame to report it (the fake's setting, like the service's
        // own detection delay); from there, the caller stops hearing the agent within 150 ms.
        const int ProviderDetectionMs = 80;
        double stopMs = ((lastAgent + 1 - spoke) * 20.0) - ProviderDetectionMs;
        Assert.True(spoke > 0 && lastAgent > 0, "both sides are in the recording");
        Assert.InRange(stopMs, -ProviderDetectionMs, 150);

        // The provider is told the audio the caller actually heard (within a few frames of the recording).
        Assert.Equal(_openAi.LastAudioItemId, truncation.ItemId);
        Assert.InRange(truncation.AudioEndMilliseconds, heardMs - 120, heardMs + 60);
        Conversation stored = await ConversationAsync(call.Uuid);
        ConversationTurn cut = stored.Turns.First(t => t.Speaker == ConversationSpeaker.Agent);
        Assert.True(cut.Interrupted, string.Join(" | ", stored.Turns.Select(t => $"{t.Speaker}:{t.Text}:{t.Interrupted}")));
        Assert.StartsWith("Uma resposta", cut.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cough_does_not_cut_the_agent_off()
    {
        await UseOpenAiAsync(_openAi.Endpoint);
        await UpdateSecretaryAsync(s => s.VadMinSpeechMs = 400);
        _openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 3.0), Transcript = "Uma resposta.", RealTime = true });

        using HttpClient api = _server.Api();
        (SandboxCallsEndpoints.SandboxCallView call, CallSession session) = await PlaceCallAsync(api, new { destination = "8000" });
        await Wait.UntilAsync(() => session.Playback.HeardEstimate >= TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));
        await _openAi.SpeechStartedAsync();
        await _openAi.SpeechStoppedAsync();
        WavAudio audio = await HearAndHangUpAsync(api, call.Uuid, session);

        Assert.Equal(0, Assert.IsType<VoiceAgentBridge>(session.Agent).BargeIns);
        Assert.Empty(_openAi.Truncations);
        Assert.InRange(Tones.Milliseconds(audio.Samples, 2, 1, 1200), 2800, 3100);
    }

    private async Task<FakeTruncation> WaitForTruncationAsync()
    {
        await _openAi.WaitUntilAsync(() => _openAi.Truncations.Count > 0, TimeSpan.FromSeconds(10), "truncate");
        return _openAi.Truncations[0];
    }
}
