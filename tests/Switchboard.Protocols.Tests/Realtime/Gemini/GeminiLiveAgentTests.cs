using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Switchboard.Fakes.Gemini;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Gemini;
using Xunit.Abstractions;
using static Switchboard.Protocols.Tests.Realtime.Gemini.GeminiTestSupport;

namespace Switchboard.Protocols.Tests.Realtime.Gemini;

public sealed class GeminiLiveAgentTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GeminiLiveFake _fake = null!;
    private GeminiLiveAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _fake = await GeminiLiveFake.StartAsync();
        _agent = new GeminiLiveAgent();
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Connects_with_a_setup_the_strict_fake_accepts()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        JsonElement setup = session.Setup;
        Assert.False(session.Resumed);
        Assert.Equal("models/gemini-2.5-flash-native-audio-preview-12-2025", setup.GetProperty("model").GetString());
        JsonElement generation = setup.GetProperty("generationConfig");
        Assert.Equal(["AUDIO"], generation.GetProperty("responseModalities").EnumerateArray().Select(x => x.GetString()));
        JsonElement speech = generation.GetProperty("speechConfig");
        Assert.Equal("Kore", speech.GetProperty("voiceConfig").GetProperty("prebuiltVoiceConfig").GetProperty("voiceName").GetString());
        Assert.Equal("pt-BR", speech.GetProperty("languageCode").GetString());
        Assert.Equal("Você é a recepcionista.", setup.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString());

        JsonElement declaration = setup.GetProperty("tools")[0].GetProperty("functionDeclarations")[0];
        Assert.Equal("take_message", declaration.GetProperty("name").GetString());
        JsonElement parameters = declaration.GetProperty("parameters");
        Assert.Equal("OBJECT", parameters.GetProperty("type").GetString());
        Assert.False(parameters.TryGetProperty("additionalProperties", out _));
        Assert.Equal("STRING", parameters.GetProperty("properties").GetProperty("phone").GetProperty("type").GetString());
        Assert.True(parameters.GetProperty("properties").GetProperty("phone").GetProperty("nullable").GetBoolean());
        Assert.Equal(["name"], parameters.GetProperty("required").EnumerateArray().Select(x => x.GetString()));

        JsonElement vad = setup.GetProperty("realtimeInputConfig").GetProperty("automaticActivityDetection");
        Assert.Equal(500, vad.GetProperty("silenceDurationMs").GetInt32());
        Assert.Equal(300, vad.GetProperty("prefixPaddingMs").GetInt32());
        Assert.Equal("START_SENSITIVITY_LOW", vad.GetProperty("startOfSpeechSensitivity").GetString());
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("inputAudioTranscription").ValueKind);
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("outputAudioTranscription").ValueKind);
        Assert.False(setup.GetProperty("sessionResumption").TryGetProperty("handle", out _));
        Assert.True(setup.GetProperty("contextWindowCompression").GetProperty("slidingWindow").GetProperty("targetTokens").GetInt32() > 0);
        Assert.False(session.Closed.IsCompleted);
    }

    [Fact]
    public async Task Caller_audio_arrives_as_16_kHz_PCM_at_real_time_pace()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        const int frames = 100;

        using (var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System))
        {
            byte[] frame = new byte[320];
            double phase = 0;
            for (int i = 0; i < frames; i++)
            {
                Assert.True(await pacer.WaitForNextTickAsync().AsTask().WaitAsync(Bound));
                phase = ToneGenerator.Fill(Pcm16.AsSamples(frame.AsSpan()), 400, 8000, 0.5, phase);
                await _agent.SendAudioAsync(frame, CancellationToken.None);
            }
        }

        // 160 samples at 8 kHz become 320 at 16 kHz: 640 bytes per 20 ms frame.
        await session.WaitForAudioBytesAsync(frames * 640).WaitAsync(Bound);
        IReadOnlyList<GeminiReceivedAudio> audio = session.Audio;
        Assert.Equal(frames * 640, session.AudioBytes);
        Assert.All(audio, chunk => Assert.InRange(chunk.Pcm.Length, 640, 3200)); // 20 to 100 ms per message
        TimeSpan span = Stopwatch.GetElapsedTime(audio[0].Timestamp, audio[^1].Timestamp);
        output.WriteLine($"{audio.Count} messages over {span.TotalMilliseconds:0} ms");
        Assert.InRange(span.TotalSeconds, 1.5, 4.0); // 99 frame periods ≈ 1.98 s: paced, not bursted
        Assert.True(audio.Count >= 20, $"{audio.Count} messages");

        short[] received = Samples(audio);
        Assert.True(Amplitude(received.AsSpan(1600), 400, 16000) > 0.4, "the 400 Hz tone survives 8k→16k");
        Assert.True(Amplitude(received.AsSpan(1600), 7600, 16000) < 0.02, "no image of the tone above 4 kHz");
        Assert.Empty(session.Messages);
    }

    [Fact]
    public async Task Agent_audio_comes_back_at_the_call_rate_with_transcripts_and_usage()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        await session.SendInputTranscriptionAsync("Quero deixar recado", finished: true);
        await session.SendAudioAsync(Tone(24000 * 600 / 1000, 1000, 24000));
        await session.SendOutputTranscriptionAsync("Bom dia", finished: false);
        await session.SendTurnCompleteAsync(promptTokens: 100, responseTokens: 50, promptAudioTokens: 80, responseAudioTokens: 40);

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        short[] samples = Samples(events);
        Assert.InRange(samples.Length, 4800 - 16, 4800); // 600 ms at 8 kHz
        Assert.True(Amplitude(samples.AsSpan(160), 1000, 8000) > 0.4, "1 kHz tone survives 24k→8k");
        Assert.True(Amplitude(samples.AsSpan(160), 3000, 8000) < 0.02);
        Assert.Contains(new Transcript(TranscriptSpeaker.Caller, "Quero deixar recado", true), events);
        Assert.Contains(new Transcript(TranscriptSpeaker.Agent, "Bom dia", false), events);
        var finished = (ResponseFinished)events[^1];
        Assert.Equal("completed", finished.Status);
        Assert.Equal(new VoiceAgentUsage(100, 50, 80, 40), finished.Usage);
        Assert.All(events.OfType<AgentAudio>(), a => Assert.Equal(finished.ResponseId, a.ResponseId));
    }

    [Fact]
    public async Task Tool_call_is_answered_with_a_tool_response_and_the_answer_continues()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        await session.SendToolCallAsync("fc_1", "take_message", """{"name":"Ana","phone":null}""");
        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ToolCallRequested);
        var call = (ToolCallRequested)events[^1];
        Assert.Equal("fc_1", call.CallId);
        Assert.Equal("take_message", call.Name);
        Assert.Equal("Ana", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("name").GetString());

        await _agent.SendToolResultAsync("fc_1", """{"ticket":"T-42"}""", CancellationToken.None);
        JsonElement response = (await session.WaitForMessageAsync("toolResponse").WaitAsync(Bound))
            .GetProperty("toolResponse").GetProperty("functionResponses")[0];
        Assert.Equal("fc_1", response.GetProperty("id").GetString());
        Assert.Equal("take_message", response.GetProperty("name").GetString());
        Assert.Equal("T-42", response.GetProperty("response").GetProperty("output").GetProperty("ticket").GetString());

        await session.SendAudioAsync(Tone(2400, 1000, 24000));
        await session.SendTurnCompleteAsync();
        events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        Assert.Equal(800, Samples(events).Length);
        Assert.False(session.Closed.IsCompleted, "the fake accepted every message");
    }

    [Fact]
    public async Task Interrupted_drops_agent_audio_still_queued_for_the_caller()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        await session.SendAudioAsync(Tone(24000 * 400 / 1000, 1000, 24000)); // 10 chunks nobody has read yet
        await session.SendInterruptedAsync();
        await session.SendTurnCompleteAsync();
        await session.SendAudioAsync(Tone(24000 * 200 / 1000, 500, 24000)); // the next answer: 5 chunks
        await session.SendTurnCompleteAsync();
        await _agent.WaitForServerMessagesAsync(1 + 10 + 1 + 1 + 5 + 1).WaitAsync(Bound);

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished { Status: "completed" });
        Assert.Equal(new CallerSpeech(true), events[0]);
        Assert.Equal("cancelled", Assert.IsType<ResponseFinished>(events[1]).Status);
        short[] heard = Samples(events);
        Assert.Equal(1600, heard.Length); // only the 200 ms of the next answer
        Assert.True(Amplitude(heard.AsSpan(160), 500, 8000) > 0.4);
        Assert.True(Amplitude(heard.AsSpan(160), 1000, 8000) < 0.02);
        Assert.Equal(10, _agent.DroppedAgentAudioChunks);
    }

    [Fact]
    public async Task InterruptAsync_sends_nothing_and_drops_the_rest_of_the_answer_in_progress()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        await session.SendAudioAsync(Tone(24000 * 200 / 1000, 1000, 24000));
        await _agent.WaitForServerMessagesAsync(1 + 5).WaitAsync(Bound);
        await _agent.InterruptAsync(TimeSpan.FromMilliseconds(120), CancellationToken.None);
        await session.SendAudioAsync(Tone(24000 * 200 / 1000, 1000, 24000)); // the model had not noticed yet
        await session.SendTurnCompleteAsync();
        await session.SendAudioAsync(Tone(24000 * 120 / 1000, 500, 24000));
        await session.SendTurnCompleteAsync();

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        Assert.Empty(events.OfType<AgentAudio>());
        events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        short[] heard = Samples(events);
        Assert.Equal(960, heard.Length);
        Assert.True(Amplitude(heard.AsSpan(160), 500, 8000) > 0.4);
        Assert.Empty(session.Messages); // Gemini has no truncate/cancel message (§3.5)
    }

    [Fact]
    public async Task Text_and_response_requests_are_client_turns()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);

        await _agent.RequestResponseAsync("Cumprimente o chamador.", CancellationToken.None);
        await _agent.SendTextAsync("Meu nome é Ana", CancellationToken.None);
        await _agent.RequestResponseAsync(null, CancellationToken.None);

        JsonElement greeting = (await session.WaitForMessageAsync("clientContent").WaitAsync(Bound)).GetProperty("clientContent");
        Assert.Equal("Cumprimente o chamador.", greeting.GetProperty("turns")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.True(greeting.GetProperty("turnComplete").GetBoolean());
        JsonElement text = (await session.WaitForMessageAsync("clientContent", 1).WaitAsync(Bound)).GetProperty("clientContent");
        Assert.Equal("user", text.GetProperty("turns")[0].GetProperty("role").GetString());
        Assert.Equal("Meu nome é Ana", text.GetProperty("turns")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        JsonElement bare = (await session.WaitForMessageAsync("clientContent", 2).WaitAsync(Bound)).GetProperty("clientContent");
        Assert.False(bare.TryGetProperty("turns", out _));
        Assert.True(bare.GetProperty("turnComplete").GetBoolean());
    }

    [Fact]
    public async Task GoAway_resumes_the_session_with_the_latest_handle_without_losing_caller_audio()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession first = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        using var stop = new CancellationTokenSource();
        int sent = 0;
        Task pump = Task.Run(async () =>
        {
            using var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            byte[] frame = new byte[320];
            double phase = 0;
            while (!stop.IsCancellationRequested && await pacer.WaitForNextTickAsync(CancellationToken.None))
            {
                phase = ToneGenerator.Fill(Pcm16.AsSamples(frame.AsSpan()), 400, 8000, 0.5, phase);
                await _agent.SendAudioAsync(frame, CancellationToken.None);
                Interlocked.Increment(ref sent);
            }
        });

        await first.WaitForAudioBytesAsync(25 * 640).WaitAsync(Bound);
        await first.IssueResumptionHandleAsync(); // superseded by the next one
        string handle = await first.IssueResumptionHandleAsync();
        await _agent.WaitForServerMessagesAsync(3).WaitAsync(Bound);
        long t0 = Stopwatch.GetTimestamp();
        await first.SendGoAwayAsync(TimeSpan.FromSeconds(1));

        GeminiFakeSession second = await _fake.WaitForSessionAsync(1).WaitAsync(Bound);
        output.WriteLine($"goAway to resumed session: {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0} ms");
        Assert.Equal(handle, second.ResumedWithHandle);
        Assert.Equal(first.Setup.GetProperty("model").GetString(), second.Setup.GetProperty("model").GetString());
        await second.WaitForAudioBytesAsync(25 * 640).WaitAsync(Bound);
        await stop.CancelAsync();
        await pump.WaitAsync(Bound);

        long expected = (Volatile.Read(ref sent) - _agent.DroppedCallerAudioChunks) * 640;
        await second.WaitForAudioBytesAsync(expected - first.AudioBytes).WaitAsync(Bound);
        Assert.Equal(expected, first.AudioBytes + second.AudioBytes);
        Assert.Equal(0, _agent.DroppedCallerAudioChunks);
        Assert.Equal(1, _agent.ResumeCount);
        Assert.True((await first.Closed.WaitAsync(Bound)).Code is 1000, "the old connection was closed normally");

        long[] arrivals = [.. first.Audio.Concat(second.Audio).Select(a => a.Timestamp)];
        TimeSpan largestGap = Enumerable.Range(1, arrivals.Length - 1).Max(i => Stopwatch.GetElapsedTime(arrivals[i - 1], arrivals[i]));
        output.WriteLine($"largest gap in caller audio across the switch: {largestGap.TotalMilliseconds:0} ms; sent {sent} frames");
        Assert.True(largestGap < TimeSpan.FromSeconds(2), $"largest gap {largestGap}");

        // The event stream carries on across the switch.
        await second.SendAudioAsync(Tone(2400, 1000, 24000));
        await second.SendTurnCompleteAsync();
        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        Assert.Contains(new SessionEnding(TimeSpan.FromSeconds(1)), events);
        Assert.Equal(800, Samples(events).Length);
        Assert.False(second.Closed.IsCompleted);
    }

    [Fact]
    public async Task Caller_audio_held_during_a_slow_switch_keeps_the_newest_two_seconds_and_counts_the_rest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.ResumedSetupReply = release.Task;
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession first = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        await first.IssueResumptionHandleAsync();
        await _agent.WaitForServerMessagesAsync(2).WaitAsync(Bound);
        await first.SendGoAwayAsync(TimeSpan.FromSeconds(5));
        await _fake.ResumedSetupArrived.WaitAsync(Bound);

        // 3 s of caller audio while the new connection is not ready; frame k is the constant 100·(k + 1).
        byte[] frame = new byte[320];
        for (int k = 0; k < 150; k++)
        {
            Pcm16.AsSamples(frame.AsSpan()).Fill((short)(100 * (k + 1)));
            await _agent.SendAudioAsync(frame, CancellationToken.None);
        }

        release.SetResult();
        GeminiFakeSession second = await _fake.WaitForSessionAsync(1).WaitAsync(Bound);
        await second.WaitForAudioBytesAsync(100 * 640).WaitAsync(Bound);

        Assert.Equal(50, _agent.DroppedCallerAudioChunks);
        Assert.Equal(0, first.AudioBytes);
        Assert.Equal(100 * 640, second.AudioBytes);
        Assert.All(second.Audio, chunk => Assert.InRange(chunk.Pcm.Length, 640, 3200));
        short[] received = Samples(second.Audio);
        Assert.InRange(received[160], 5100 - 30, 5100 + 30); // the oldest kept frame is frame 50
        Assert.InRange(received[^1], 15000 - 30, 15000 + 30);
    }

    [Fact]
    public async Task Sending_a_caller_frame_allocates_nothing()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        byte[] frame = new byte[320];
        ToneGenerator.Fill(Pcm16.AsSamples(frame.AsSpan()), 400, 8000);
        const int burst = 100; // the whole 2 s queue
        for (int round = 1; round <= 4; round++)
        {
            for (int i = 0; i < burst; i++)
            {
                await _agent.SendAudioAsync(frame, CancellationToken.None);
            }

            await session.WaitForAudioBytesAsync(round * burst * 640).WaitAsync(Bound);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < burst; i++)
        {
            ValueTask sent = _agent.SendAudioAsync(frame, CancellationToken.None);
            Assert.True(sent.IsCompletedSuccessfully);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        await session.WaitForAudioBytesAsync(5 * burst * 640).WaitAsync(Bound);
    }

    [Fact]
    public async Task GoAway_without_a_resumption_handle_ends_with_a_fatal_error()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        await session.SendGoAwayAsync(TimeSpan.FromMilliseconds(200));

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is AgentError);
        Assert.Contains(new SessionEnding(TimeSpan.FromMilliseconds(200)), events);
        Assert.True(((AgentError)events[^1]).Fatal);
        await _agent.Events.Completion.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_dropped_connection_with_a_resumption_handle_is_resumed_and_caller_audio_carries_on()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession first = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        string handle = await first.IssueResumptionHandleAsync();
        await _agent.WaitForServerMessagesAsync(2).WaitAsync(Bound);
        using var stop = new CancellationTokenSource();
        Task pump = Task.Run(async () =>
        {
            using var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            byte[] frame = new byte[320];
            while (!stop.IsCancellationRequested && await pacer.WaitForNextTickAsync(CancellationToken.None))
            {
                await _agent.SendAudioAsync(frame, CancellationToken.None);
            }
        });

        await first.WaitForAudioBytesAsync(10 * 640).WaitAsync(Bound);
        first.Abort();
        GeminiFakeSession second = await _fake.WaitForSessionAsync(1).WaitAsync(Bound);
        Assert.Equal(handle, second.ResumedWithHandle);
        await second.WaitForAudioBytesAsync(25 * 640).WaitAsync(Bound); // the send loop survived the failed send
        await stop.CancelAsync();
        await pump.WaitAsync(Bound);

        await second.SendAudioAsync(Tone(960, 1000, 24000));
        await second.SendTurnCompleteAsync();
        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is ResponseFinished);
        Assert.Empty(events.OfType<AgentError>());
        Assert.Equal(320, Samples(events).Length);
        Assert.Equal(1, _agent.ResumeCount);
    }

    [Fact]
    public async Task A_wrong_api_key_fails_to_connect_with_a_voice_agent_exception()
    {
        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(
            () => _agent.ConnectAsync(Settings(_fake, apiKey: "wrong"), CancellationToken.None).WaitAsync(Bound));
        Assert.Contains("1008", error.Message);
        Assert.DoesNotContain("wrong", error.Message); // the key never appears in messages
        Assert.Equal(1008, Assert.Single(_fake.Rejections).Code);
    }

    [Fact]
    public async Task A_refused_connection_fails_with_a_voice_agent_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        VoiceAgentSettings settings = Settings(_fake) with { Endpoint = new Uri($"ws://127.0.0.1:{port}{GeminiLiveFake.Path}") };

        await Assert.ThrowsAsync<VoiceAgentException>(() => _agent.ConnectAsync(settings, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task A_setup_the_service_refuses_fails_to_connect()
    {
        VoiceAgentSettings settings = Settings(_fake) with { Model = "gemini-live-2.5-flash-native-audio" }; // a Vertex name (G18)

        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(
            () => _agent.ConnectAsync(settings, CancellationToken.None).WaitAsync(Bound));
        Assert.Contains("1008", error.Message);
    }

    [Fact]
    public async Task A_close_mid_call_reports_a_fatal_error_and_completes_the_events()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        await session.CloseAsync(1011, "Deadline expired");

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is AgentError);
        var error = (AgentError)events[^1];
        Assert.Equal("close_1011", error.Code);
        Assert.Contains("Deadline expired", error.Message);
        Assert.True(error.Fatal);
        await _agent.Events.Completion.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_dropped_connection_reports_a_fatal_error_and_completes_the_events()
    {
        await _agent.ConnectAsync(Settings(_fake), CancellationToken.None).WaitAsync(Bound);
        GeminiFakeSession session = await _fake.WaitForSessionAsync(0).WaitAsync(Bound);
        session.Abort();

        List<VoiceAgentEvent> events = await ReadUntilAsync(_agent.Events, e => e is AgentError);
        Assert.True(((AgentError)events[^1]).Fatal);
        await _agent.Events.Completion.WaitAsync(Bound);
    }
}
