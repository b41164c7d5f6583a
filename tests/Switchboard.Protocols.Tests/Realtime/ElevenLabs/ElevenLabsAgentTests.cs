using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Switchboard.Fakes.ElevenLabs;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.ElevenLabs;
using Switchboard.Protocols.Tests.Audio;
using Switchboard.Protocols.Tests.Support;
using Xunit.Abstractions;

namespace Switchboard.Protocols.Tests.Realtime.ElevenLabs;

public sealed class ElevenLabsAgentTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sends_the_initiation_with_overrides_and_dynamic_variables_and_reads_the_formats()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        VoiceAgentSettings settings = Settings(fake) with
        {
            Voice = "21m00Tcm4TlvDq8ikWAM",
            Options = new Dictionary<string, string>
            {
                ["agent_id"] = fake.Agent.AgentId,
                ["first_message"] = "Consultório Dr. Meier, bom dia!",
                ["dynamic_variables.caller_number"] = "+5511999990000",
                ["dynamic_variables.office_hours"] = "8-18",
                ["user_id"] = "call-42",
            },
        };

        await agent.ConnectAsync(settings, CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        JsonElement init = conversation.Initiation!.Value;
        Assert.Equal("conversation_initiation_client_data", init.GetProperty("type").GetString());
        JsonElement overrides = init.GetProperty("conversation_config_override");
        Assert.Equal("Você é a secretária do consultório.", overrides.GetProperty("agent").GetProperty("prompt").GetProperty("prompt").GetString());
        Assert.Equal("Consultório Dr. Meier, bom dia!", overrides.GetProperty("agent").GetProperty("first_message").GetString());
        Assert.Equal("pt-br", overrides.GetProperty("agent").GetProperty("language").GetString());
        Assert.Equal("21m00Tcm4TlvDq8ikWAM", overrides.GetProperty("tts").GetProperty("voice_id").GetString());
        JsonElement variables = init.GetProperty("dynamic_variables");
        Assert.Equal("+5511999990000", variables.GetProperty("caller_number").GetString());
        Assert.Equal("8-18", variables.GetProperty("office_hours").GetString());
        Assert.Equal(2, variables.EnumerateObject().Count());
        Assert.Equal("call-42", init.GetProperty("user_id").GetString());
        Assert.Equal(conversation.ConversationId, agent.ConversationId);
        Assert.Equal("ulaw_8000", agent.InputFormat);
        Assert.Equal("ulaw_8000", agent.OutputFormat);
        Assert.Equal("elevenlabs", agent.Provider);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task The_overrides_option_limits_what_is_sent_so_an_agent_with_locked_settings_still_connects()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent =>
        {
            agent.AllowLanguageOverride = false;
            agent.AllowVoiceOverride = false;
        });
        await using var agent = new ElevenLabsAgent();
        VoiceAgentSettings settings = Settings(fake, ("overrides", "prompt")) with { Voice = "voice" };

        await agent.ConnectAsync(settings, CancellationToken.None);

        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        JsonElement overrides = conversation.Initiation!.Value.GetProperty("conversation_config_override");
        Assert.Equal(["agent"], overrides.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["prompt"], overrides.GetProperty("agent").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_disallowed_override_fails_the_connect_with_the_override_error_and_close_1008()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.AllowPromptOverride = false);
        await using var agent = new ElevenLabsAgent();

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(Settings(fake), CancellationToken.None));

        Assert.Contains("override_error", error.Message, StringComparison.Ordinal);
        Assert.Contains("security settings", error.Message, StringComparison.Ordinal);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        Assert.Equal(1008, (await conversation.Closed.WaitAsync(Timeout)).Code);
    }

    [Fact]
    public async Task A_missing_required_dynamic_variable_fails_the_connect()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.RequiredDynamicVariables.Add("caller_number"));
        await using var agent = new ElevenLabsAgent();

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(Settings(fake), CancellationToken.None));

        Assert.Contains("missing_dynamic_variable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_agent_is_reached_through_a_signed_url_fetched_with_the_api_key()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.RequiresAuth = true);
        await using var agent = new ElevenLabsAgent();

        await agent.ConnectAsync(Settings(fake) with { ApiKey = fake.Agent.ApiKey }, CancellationToken.None);

        Assert.Equal(1, fake.SignedUrlRequests);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        Assert.NotNull(conversation.Initiation);
    }

    [Fact]
    public async Task A_wrong_api_key_is_a_voice_agent_exception_naming_the_401()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.RequiresAuth = true);
        await using var agent = new ElevenLabsAgent();

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(
            () => agent.ConnectAsync(Settings(fake) with { ApiKey = "wrong" }, CancellationToken.None));

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.SignedUrlRequests);
    }

    [Fact]
    public async Task A_private_agent_without_a_key_is_refused_at_the_upgrade()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.RequiresAuth = true);
        await using var agent = new ElevenLabsAgent();

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(Settings(fake), CancellationToken.None));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains(403, fake.Refusals);
    }

    [Fact]
    public async Task A_refused_connection_is_a_voice_agent_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var agent = new ElevenLabsAgent();
        var settings = new VoiceAgentSettings
        {
            Instructions = "x",
            Endpoint = new Uri($"http://127.0.0.1:{port}/"),
            Options = new Dictionary<string, string> { ["agent_id"] = "a" },
        };

        await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(settings, CancellationToken.None));
    }

    [Fact]
    public async Task A_service_that_never_sends_the_metadata_times_out_as_a_voice_agent_exception()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.SendInitiationMetadata = false);
        var time = new ManualTimeProvider();
        await using var agent = new ElevenLabsAgent(timeProvider: time) { ConnectTimeout = TimeSpan.FromSeconds(5) };

        Task connect = agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        await conversation.WaitForMessageAsync("conversation_initiation_client_data", Timeout);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(connect.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => connect.WaitAsync(Timeout));
        Assert.Contains("5 s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pcm_22050", "ulaw_8000", "input format 'pcm_22050'")]
    [InlineData("ulaw_8000", "pcm_44100", "output format 'pcm_44100'")]
    public async Task An_agent_format_the_bridge_cannot_convert_fails_the_connect_naming_what_to_set(string input, string output, string named)
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent =>
        {
            agent.InputFormat = input;
            agent.OutputFormat = output;
        });
        await using var agent = new ElevenLabsAgent();

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(Settings(fake), CancellationToken.None));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("user_input_audio_format", error.Message, StringComparison.Ordinal);
        Assert.Contains("agent_output_audio_format", error.Message, StringComparison.Ordinal);
        Assert.Contains("ulaw_8000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mulaw_passes_through_both_ways_and_caller_audio_arrives_at_real_time_pace()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        // Warm-up frames (not measured) take the JIT out of the paced part.
        const int Warm = 5;
        const int Frames = 100;
        short[] tone = Signals.Tone(160 * Frames, 440, 8000);
        for (int i = 0; i < Warm; i++)
        {
            await agent.SendAudioAsync(new byte[320], CancellationToken.None);
        }

        await conversation.WaitForAudioAsync(Warm, Timeout);
        long[] sentAt = new long[Frames];
        using (var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System))
        {
            for (int i = 0; i < Frames; i++)
            {
                await pacer.WaitForNextTickAsync();
                sentAt[i] = System.Diagnostics.Stopwatch.GetTimestamp();
                await agent.SendAudioAsync(Pcm16.AsBytes(tone.AsSpan(i * 160, 160)).ToArray(), CancellationToken.None);
            }
        }

        IReadOnlyList<ReceivedAudioChunk> received = [.. (await conversation.WaitForAudioAsync(Warm + Frames, Timeout)).Skip(Warm)];
        Assert.Equal(Frames, received.Count);
        for (int i = 0; i < Frames; i++)
        {
            byte[] expected = new byte[160];
            G711.MuLawEncode(tone.AsSpan(i * 160, 160), expected);
            Assert.Equal(expected, received[i].Bytes);
        }

        double frequency = System.Diagnostics.Stopwatch.Frequency;
        const int From = 10; // rates over frames 10..99: one slow first send must not skew them
        double sendRate = (Frames - 1 - From) / ((sentAt[^1] - sentAt[From]) / frequency);
        double arrivalRate = (Frames - 1 - From) / (received[^1].Seconds - received[From].Seconds);
        double[] latencyMs = [.. received.Select((chunk, i) => (chunk.Timestamp - sentAt[i]) * 1000 / frequency).Order()];
        output.WriteLine($"paced at {sendRate:F2} frames/s, arrived at the fake at {arrivalRate:F2} frames/s, " +
            $"latency median {latencyMs[Frames / 2]:F2} ms, p95 {latencyMs[Frames * 95 / 100]:F2} ms");
        Assert.InRange(sendRate, 20, 55); // AudioPacer: 50/s, less when a busy machine makes it skip ticks, never more
        Assert.InRange(arrivalRate / sendRate, 0.8, 1.2); // the client neither holds frames back nor bursts them
        Assert.True(latencyMs[Frames / 2] < 50, "frames are sent as they come, not batched");

        // Agent → caller: one second of µ-law in 100 ms chunks comes out as 8 kHz PCM16, decoded code by code.
        short[] speech = Signals.Tone(8000, 660, 8000);
        await conversation.SendAudioAsync(speech, 8000, eventId: 3);
        byte[] sent = new byte[8000];
        G711.MuLawEncode(speech, sent);
        var pcm = new List<byte>();
        while (pcm.Count < 16000)
        {
            AgentAudio audio = await NextAsync<AgentAudio>(agent.Events);
            Assert.Equal("3", audio.ResponseId);
            pcm.AddRange(audio.Pcm.AsSpan(0, audio.Length).ToArray());
            ArrayPool<byte>.Shared.Return(audio.Pcm);
        }

        short[] expectedPcm = new short[8000];
        G711.MuLawDecode(sent, expectedPcm);
        Assert.Equal(Pcm16.AsBytes(expectedPcm.AsSpan()).ToArray(), pcm.ToArray());
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task Sending_a_caller_frame_allocates_nothing_on_the_media_thread()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        ReadOnlyMemory<byte> frame = Pcm16.AsBytes(Signals.Tone(160, 440, 8000).AsSpan()).ToArray();
        // Warm-up: a few rounds fill the frame and buffer pools; a frame goes back to them after the fake has it.
        for (int round = 1; round <= 4; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                await agent.SendAudioAsync(frame, CancellationToken.None);
            }

            await conversation.WaitForAudioAsync(10 * round, Timeout);
        }

        // Measured in rounds, frames going back to the pools between them as on a 20 ms media clock. One-off growth
        // (the queue's ring buffer, a pool refill) stays under the bound; one object per frame (24+ bytes) does not.
        const int Rounds = 10;
        long allocated = 0;
        for (int round = 1; round <= Rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                ValueTask sent = agent.SendAudioAsync(frame, CancellationToken.None);
                Assert.True(sent.IsCompletedSuccessfully); // never waits on the network
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            await conversation.WaitForAudioAsync(40 + (10 * round), Timeout);
        }

        output.WriteLine($"allocated {allocated} bytes for {Rounds * 10} frames");
        Assert.True(allocated < Rounds * 10 * 16, $"{allocated} bytes for {Rounds * 10} frames");
    }

    [Fact]
    public async Task A_pcm_16000_agent_gets_resampled_audio_both_ways()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent =>
        {
            agent.InputFormat = "pcm_16000";
            agent.OutputFormat = "pcm_16000";
        });
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        const int Frames = 20; // fewer than the client's queue holds, so none is dropped when sent at once
        short[] tone = Signals.Tone(160 * Frames, 440, 8000);
        for (int i = 0; i < Frames; i++)
        {
            await agent.SendAudioAsync(Pcm16.AsBytes(tone.AsSpan(i * 160, 160)).ToArray(), CancellationToken.None);
        }

        IReadOnlyList<ReceivedAudioChunk> received = await conversation.WaitForAudioAsync(Frames, Timeout);
        Assert.All(received, chunk => Assert.Equal(640, chunk.Bytes.Length));
        short[] upsampled = [.. received.SelectMany(chunk => Pcm16.AsSamples(chunk.Bytes.AsSpan()).ToArray())];
        ToneFit fit = Signals.FitTone(upsampled.AsSpan(800), 440, 16000);
        Assert.InRange(fit.Amplitude, 0.45 * 32767, 0.55 * 32767);

        short[] speech = Signals.Tone(16000, 660, 16000);
        await conversation.SendAudioAsync(speech, 16000, eventId: 1);
        var pcm = new List<short>();
        while (pcm.Count < 8000 - 4)
        {
            AgentAudio audio = await NextAsync<AgentAudio>(agent.Events);
            pcm.AddRange(Pcm16.AsSamples(audio.Pcm.AsSpan(0, audio.Length)).ToArray());
            ArrayPool<byte>.Shared.Return(audio.Pcm);
        }

        Assert.InRange(pcm.Count, 7996, 8004);
        ToneFit output = Signals.FitTone(pcm.ToArray().AsSpan(400), 660, 8000);
        Assert.InRange(output.Amplitude, 0.45 * 32767, 0.55 * 32767);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task A_client_tool_call_is_answered_and_the_agent_goes_on_speaking()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.SendClientToolCallAsync("transfer_call", "tc_17", """{"destination":"Dr. Meier"}""", eventId: 4);
        ToolCallRequested call = await NextAsync<ToolCallRequested>(agent.Events);
        Assert.Equal("tc_17", call.CallId);
        Assert.Equal("transfer_call", call.Name);
        Assert.Equal("Dr. Meier", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("destination").GetString());

        await agent.SendToolResultAsync("tc_17", """{"status":"ringing"}""", CancellationToken.None);
        JsonElement result = await conversation.WaitForMessageAsync("client_tool_result", Timeout);
        Assert.Equal("tc_17", result.GetProperty("tool_call_id").GetString());
        Assert.Equal("""{"status":"ringing"}""", result.GetProperty("result").GetString());
        Assert.False(result.GetProperty("is_error").GetBoolean());

        await conversation.SendAgentResponseAsync("Transferindo para o Dr. Meier.", eventId: 5);
        await conversation.SendAudioAsync(Signals.Tone(800, 440, 8000), 8000, eventId: 5);
        Transcript said = await NextAsync<Transcript>(agent.Events);
        Assert.Equal(new Transcript(TranscriptSpeaker.Agent, "Transferindo para o Dr. Meier.", true), said);
        AgentAudio audio = await NextAsync<AgentAudio>(agent.Events);
        Assert.Equal("5", audio.ResponseId);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task Transcripts_of_both_sides_and_corrections_become_transcript_events()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.SendUserTranscriptAsync("Quero marcar", eventId: 1, tentative: true);
        await conversation.SendUserTranscriptAsync("Quero marcar uma consulta.", eventId: 1);
        await conversation.SendAgentResponseAsync("Claro, para qual dia?", eventId: 2);
        await conversation.SendAgentResponseCorrectionAsync("Claro, para qual dia?", "Claro, para...", eventId: 2);

        Assert.Equal(new Transcript(TranscriptSpeaker.Caller, "Quero marcar", false), await NextAsync<Transcript>(agent.Events));
        Assert.Equal(new Transcript(TranscriptSpeaker.Caller, "Quero marcar uma consulta.", true), await NextAsync<Transcript>(agent.Events));
        Assert.Equal(new Transcript(TranscriptSpeaker.Agent, "Claro, para qual dia?", true), await NextAsync<Transcript>(agent.Events));
        Assert.Equal(new Transcript(TranscriptSpeaker.Agent, "Claro, para...", true), await NextAsync<Transcript>(agent.Events));
    }

    [Fact]
    public async Task A_ping_is_answered_with_a_pong_of_the_same_event_id_after_ping_ms()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.SendPingAsync(eventId: 77, pingMs: 150);
        JsonElement pong = await conversation.WaitForMessageAsync("pong", Timeout);
        await conversation.SendPingAsync(eventId: 78, pingMs: null);
        JsonElement second = await conversation.WaitForMessageAsync("pong", Timeout, index: 1);

        Assert.Equal(77, pong.GetProperty("event_id").GetInt64());
        Assert.Equal(78, second.GetProperty("event_id").GetInt64());
        Assert.True(TimeSpan.FromTicks(conversation.PongDelays[77] * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency) >= TimeSpan.FromMilliseconds(140));
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task The_fake_pings_on_its_own_and_the_client_keeps_the_conversation_alive()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent =>
        {
            agent.PingInterval = TimeSpan.FromMilliseconds(50);
            agent.PingMs = 10;
            agent.PongTimeout = TimeSpan.FromSeconds(2);
        });
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.WaitForMessageAsync("pong", Timeout, index: 4);

        Assert.False(conversation.Closed.IsCompleted);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task An_interruption_drops_queued_and_late_audio_of_the_interrupted_response()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.SendAudioAsync(Signals.Tone(2400, 440, 8000), 8000, eventId: 5); // 3 chunks, not read yet
        await conversation.SendInterruptionAsync(eventId: 5);
        await conversation.SendAudioAsync(Signals.Tone(800, 440, 8000), 8000, eventId: 5); // late chunk of the old response
        await conversation.SendAudioAsync(Signals.Tone(800, 440, 8000), 8000, eventId: 6);
        await conversation.SendPingAsync(eventId: 99, pingMs: null);
        await conversation.WaitForMessageAsync("pong", Timeout); // the client has handled everything sent before the ping

        Assert.Equal(new CallerSpeech(true), await NextAsync<VoiceAgentEvent>(agent.Events));
        AgentAudio next = Assert.IsType<AgentAudio>(await NextAsync<VoiceAgentEvent>(agent.Events));
        Assert.Equal("6", next.ResponseId);
        Assert.Equal(4, agent.DroppedAgentAudioChunks);
    }

    [Fact]
    public async Task InterruptAsync_sends_nothing_and_drops_the_audio_still_queued()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        await conversation.SendAudioAsync(Signals.Tone(1600, 440, 8000), 8000, eventId: 8);
        await conversation.SendPingAsync(eventId: 1, pingMs: null);
        await conversation.WaitForMessageAsync("pong", Timeout);

        await agent.InterruptAsync(TimeSpan.FromMilliseconds(120), CancellationToken.None);
        await conversation.SendAudioAsync(Signals.Tone(800, 440, 8000), 8000, eventId: 9);

        AgentAudio next = await NextAsync<AgentAudio>(agent.Events);
        Assert.Equal("9", next.ResponseId);
        Assert.Equal(TimeSpan.FromMilliseconds(120), agent.LastInterruptHeard);
        Assert.Equal(["conversation_initiation_client_data", "pong"], conversation.Messages.Select(m => m.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Text_and_response_requests_use_user_message_contextual_update_and_user_activity()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await agent.SendTextAsync("Quero falar com o financeiro", CancellationToken.None);
        await agent.RequestResponseAsync("O chamador digitou 2 (financeiro).", CancellationToken.None);
        await agent.RequestResponseAsync(null, CancellationToken.None);

        Assert.Equal("Quero falar com o financeiro", (await conversation.WaitForMessageAsync("user_message", Timeout)).GetProperty("text").GetString());
        Assert.Equal("O chamador digitou 2 (financeiro).", (await conversation.WaitForMessageAsync("contextual_update", Timeout)).GetProperty("text").GetString());
        await conversation.WaitForMessageAsync("user_activity", Timeout);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task A_server_close_after_an_error_event_is_a_fatal_agent_error_and_events_complete()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.CloseAsync(1002, "LLM did not answer in 20 s", "llm_timeout");

        AgentError reported = await NextAsync<AgentError>(agent.Events);
        Assert.Equal(new AgentError("llm_timeout", "LLM did not answer in 20 s", false), reported);
        AgentError fatal = await NextAsync<AgentError>(agent.Events);
        Assert.True(fatal.Fatal);
        Assert.Equal("llm_timeout", fatal.Code);
        Assert.Contains("1002", fatal.Message, StringComparison.Ordinal);
        await agent.Events.Completion.WaitAsync(Timeout);
    }

    [Theory]
    [InlineData(1000, "conversation_ended")]
    [InlineData(1008, "invalid_input")]
    [InlineData(1011, "internal_error")]
    public async Task A_server_close_without_an_error_event_is_classified_by_its_code(int code, string expected)
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await conversation.CloseAsync(code, "bye");

        AgentError fatal = await NextAsync<AgentError>(agent.Events);
        Assert.Equal(expected, fatal.Code);
        Assert.True(fatal.Fatal);
        await agent.Events.Completion.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_dropped_connection_is_a_fatal_agent_error_and_audio_sends_are_ignored_afterwards()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        await using var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        conversation.Abort();

        AgentError fatal = await NextAsync<AgentError>(agent.Events);
        Assert.Equal("connection_lost", fatal.Code);
        Assert.True(fatal.Fatal);
        await agent.Events.Completion.WaitAsync(Timeout);
        await agent.SendAudioAsync(new byte[320], CancellationToken.None);
        await Assert.ThrowsAsync<VoiceAgentException>(() => agent.SendTextAsync("hello", CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Disposing_hangs_up_with_a_normal_close()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        var agent = new ElevenLabsAgent();
        await agent.ConnectAsync(Settings(fake), CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        await agent.DisposeAsync();

        Assert.Equal(1000, (await conversation.Closed.WaitAsync(Timeout)).Code);
        await agent.Events.Completion.WaitAsync(Timeout);
        Assert.Null(conversation.Violation);
    }

    [Fact]
    public async Task The_fake_rejects_audio_before_the_initiation_and_unknown_message_types()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync();
        var uri = new Uri(new UriBuilder(fake.Endpoint) { Scheme = "ws" }.Uri, $"v1/convai/conversation?agent_id={fake.Agent.AgentId}");

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("""{"user_audio_chunk":"AAAA"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            ElevenLabsFakeConversation first = await fake.NextConversationAsync(Timeout);
            Assert.Equal(1008, (await first.Closed.WaitAsync(Timeout)).Code);
            Assert.Contains("conversation_initiation_client_data", first.Violation, StringComparison.Ordinal);
        }

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"conversation_initiation_client_data"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"response.create"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            ElevenLabsFakeConversation second = await fake.NextConversationAsync(Timeout);
            Assert.Equal(1008, (await second.Closed.WaitAsync(Timeout)).Code);
            Assert.Contains("response.create", second.Violation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_fake_closes_a_conversation_whose_pings_go_unanswered()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.PongTimeout = TimeSpan.FromMilliseconds(300));
        var uri = new Uri(new UriBuilder(fake.Endpoint) { Scheme = "ws" }.Uri, $"v1/convai/conversation?agent_id={fake.Agent.AgentId}");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"conversation_initiation_client_data"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);
        await conversation.WaitForMessageAsync("conversation_initiation_client_data", Timeout);

        await conversation.SendPingAsync(eventId: 5, pingMs: null);

        Assert.Equal(1002, (await conversation.Closed.WaitAsync(Timeout)).Code);
        Assert.Contains("pong", conversation.Violation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fake_rejects_pcm_audio_with_half_a_sample()
    {
        await using ElevenLabsAgentFake fake = await ElevenLabsAgentFake.StartAsync(agent => agent.InputFormat = "pcm_16000");
        var uri = new Uri(new UriBuilder(fake.Endpoint) { Scheme = "ws" }.Uri, $"v1/convai/conversation?agent_id={fake.Agent.AgentId}");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"conversation_initiation_client_data"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"user_audio_chunk":"AAAA"}"""), WebSocketMessageType.Text, true, CancellationToken.None); // 3 bytes

        ElevenLabsFakeConversation conversation = await fake.NextConversationAsync(Timeout);

        Assert.Equal(1008, (await conversation.Closed.WaitAsync(Timeout)).Code);
        Assert.Contains("16-bit", conversation.Violation, StringComparison.Ordinal);
    }

    private static VoiceAgentSettings Settings(ElevenLabsAgentFake fake, params (string Key, string Value)[] options)
    {
        var all = new Dictionary<string, string> { ["agent_id"] = fake.Agent.AgentId };
        foreach ((string key, string value) in options)
        {
            all[key] = value;
        }

        return new VoiceAgentSettings
        {
            Instructions = "Você é a secretária do consultório.",
            Endpoint = fake.Endpoint,
            Options = all,
        };
    }

    /// <summary>The next event of type <typeparamref name="T"/>, returning the buffers of audio skipped on the way.</summary>
    private static async Task<T> NextAsync<T>(ChannelReader<VoiceAgentEvent> events)
        where T : VoiceAgentEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            VoiceAgentEvent next = await events.ReadAsync(timeout.Token);
            if (next is T match)
            {
                return match;
            }

            if (next is AgentAudio audio)
            {
                ArrayPool<byte>.Shared.Return(audio.Pcm);
            }
        }
    }
}
