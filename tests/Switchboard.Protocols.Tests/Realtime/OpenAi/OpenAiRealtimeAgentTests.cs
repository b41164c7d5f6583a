using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Switchboard.Fakes.OpenAi;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.OpenAi;
using Switchboard.Protocols.Tests.Audio;
using Switchboard.Protocols.Tests.Support;

namespace Switchboard.Protocols.Tests.Realtime.OpenAi;

public sealed class OpenAiRealtimeAgentTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    private const string BookSchema = """{"type":"object","properties":{"start":{"type":"string"},"name":{"type":"string"}},"required":["start","name"]}""";

    private static VoiceAgentSettings Settings(OpenAiRealtimeFake fake, int callRate = 8000, Dictionary<string, string>? options = null) => new()
    {
        Instructions = "You are the receptionist of Acme.",
        Endpoint = fake.Endpoint,
        ApiKey = fake.ApiKey,
        Voice = "cedar",
        CallSampleRate = callRate,
        Tools = [new ToolDefinition("book_appointment", "Book a slot in the calendar.", BookSchema)],
        VadThreshold = 0.6,
        VadSilenceMilliseconds = 700,
        VadPrefixMilliseconds = 250,
        Options = options ?? new Dictionary<string, string> { ["transcription_model"] = "gpt-4o-transcribe" },
    };

    private static async Task<(OpenAiRealtimeAgent Agent, AgentEventLog Log)> ConnectAsync(OpenAiRealtimeFake fake, VoiceAgentSettings? settings = null)
    {
        var agent = new OpenAiRealtimeAgent();
        await agent.ConnectAsync(settings ?? Settings(fake), CancellationToken.None).WaitAsync(Bounded);
        return (agent, new AgentEventLog(agent));
    }

    private static short[] Tone(int samples, double frequency, int rate, double amplitude = 0.5) => Signals.Tone(samples, frequency, rate, amplitude);

    [Fact]
    public async Task Connects_and_sends_the_GA_session_with_pcmu_voice_vad_transcription_and_tools()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, _) = await ConnectAsync(fake);
        await using (agent)
        {
            JsonElement session = (await fake.WaitForEventAsync("session.update")).Json.GetProperty("session");
            Assert.Equal("realtime", session.GetProperty("type").GetString());
            Assert.Equal("gpt-realtime", session.GetProperty("model").GetString());
            Assert.Equal("You are the receptionist of Acme.", session.GetProperty("instructions").GetString());
            JsonElement input = session.GetProperty("audio").GetProperty("input");
            JsonElement output = session.GetProperty("audio").GetProperty("output");
            Assert.Equal("""{"type":"audio/pcmu"}""", input.GetProperty("format").GetRawText());
            Assert.Equal("""{"type":"audio/pcmu"}""", output.GetProperty("format").GetRawText());
            Assert.Equal("cedar", output.GetProperty("voice").GetString());
            JsonElement turn = input.GetProperty("turn_detection");
            Assert.Equal("server_vad", turn.GetProperty("type").GetString());
            Assert.Equal(0.6, turn.GetProperty("threshold").GetDouble());
            Assert.Equal(700, turn.GetProperty("silence_duration_ms").GetInt32());
            Assert.Equal(250, turn.GetProperty("prefix_padding_ms").GetInt32());
            Assert.Equal("gpt-4o-transcribe", input.GetProperty("transcription").GetProperty("model").GetString());
            Assert.Equal("pt", input.GetProperty("transcription").GetProperty("language").GetString());
            JsonElement tool = Assert.Single(session.GetProperty("tools").EnumerateArray());
            Assert.Equal("function", tool.GetProperty("type").GetString());
            Assert.Equal("book_appointment", tool.GetProperty("name").GetString());
            Assert.Equal(JsonDocument.Parse(BookSchema).RootElement.GetRawText(), tool.GetProperty("parameters").GetRawText());
            Assert.Equal("sess_fake", agent.SessionId);
            Assert.Equal("openai", agent.Provider);
            Assert.Empty(fake.ErrorsSent);
        }
    }

    [Fact]
    public async Task Semantic_vad_and_disabled_transcription_come_from_the_options()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        var options = new Dictionary<string, string> { ["turn_detection"] = "semantic_vad", ["eagerness"] = "low", ["transcription_model"] = "none", ["noise_reduction"] = "far_field" };
        (OpenAiRealtimeAgent agent, _) = await ConnectAsync(fake, Settings(fake, options: options));
        await using (agent)
        {
            JsonElement input = (await fake.WaitForEventAsync("session.update")).Json.GetProperty("session").GetProperty("audio").GetProperty("input");
            Assert.Equal("semantic_vad", input.GetProperty("turn_detection").GetProperty("type").GetString());
            Assert.Equal("low", input.GetProperty("turn_detection").GetProperty("eagerness").GetString());
            Assert.False(input.TryGetProperty("transcription", out _));
            Assert.Equal("far_field", input.GetProperty("noise_reduction").GetProperty("type").GetString());
            Assert.Empty(fake.ErrorsSent);
        }
    }

    [Fact]
    public async Task Caller_audio_arrives_at_the_fake_as_pcmu_8_kHz_at_real_time_pace()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, _) = await ConnectAsync(fake);
        await using (agent)
        {
            const int Frames = 50;
            short[] tone = Tone(160 * Frames, 440, 8000);
            byte[] frame = new byte[320];
            using (var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System))
            {
                for (int i = 0; i < Frames; i++)
                {
                    Assert.True(await pacer.WaitForNextTickAsync());
                    Pcm16.AsBytes(tone.AsSpan(i * 160, 160)).CopyTo(frame);
                    await agent.SendAudioAsync(frame, CancellationToken.None);
                }
            }

            await fake.WaitUntilAsync(() => fake.AudioChunks.Count >= Frames, Bounded, "50 appends");
            IReadOnlyList<FakeAudioChunk> chunks = fake.AudioChunks;
            Assert.Equal(Frames, chunks.Count);
            Assert.All(chunks, c =>
            {
                Assert.Equal("audio/pcmu", c.Format);
                Assert.Equal(8000, c.SampleRate);
                Assert.Equal(160, c.WireBytes); // 20 ms of µ-law (reference §0)
            });

            double seconds = (chunks[^1].ReceivedAt - chunks[0].ReceivedAt).TotalSeconds;
            double framesPerSecond = (Frames - 1) / seconds;
            Assert.InRange(framesPerSecond, 35, 65); // 50 paced; wide for a busy 2-core machine

            short[] received = [.. chunks.SelectMany(c => c.Pcm)];
            ToneFit fit = Signals.FitTone(received, 440, 8000);
            Assert.InRange(fit.Amplitude, 0.5 * 32767 * 0.97, 0.5 * 32767 * 1.03);
            Assert.True(fit.ResidualRms < 0.05 * fit.Amplitude, $"residual {fit.ResidualRms}");
            Assert.Equal(0, agent.DroppedFrames);
        }
    }

    [Fact]
    public async Task The_fakes_spoken_answer_comes_back_as_the_pcm16_of_its_mulaw_at_8_kHz_with_transcript_and_usage()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        short[] tone = Tone(8000, 1000, 8000);
        fake.EnqueueResponse(new FakeResponse { Audio = tone, Transcript = "Hello, Acme speaking", Usage = new FakeUsage(700, 40, 400, 30) });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.RequestResponseAsync("Greet the caller.", CancellationToken.None);
            ResponseFinished finished = await log.WaitForAsync<ResponseFinished>();

            JsonElement create = (await fake.WaitForEventAsync("response.create")).Json;
            Assert.Equal("Greet the caller.", create.GetProperty("response").GetProperty("instructions").GetString());

            byte[] expected = new byte[tone.Length * 2];
            for (int i = 0; i < tone.Length; i++)
            {
                BitConverter.TryWriteBytes(expected.AsSpan(i * 2), G711.MuLawDecode(G711.MuLawEncode(tone[i])));
            }

            Assert.Equal(expected, log.Audio);
            Assert.Equal(
                "Hello, Acme speaking",
                log.Events.OfType<Transcript>().Single(t => t.Speaker == TranscriptSpeaker.Agent && t.Final).Text);
            Assert.Equal("Hello, Acme speaking", string.Concat(log.Events.OfType<Transcript>().Where(t => !t.Final).Select(t => t.Text)).Trim());
            Assert.Equal("completed", finished.Status);
            Assert.Equal(new VoiceAgentUsage(700, 40, 400, 30), finished.Usage);
            Assert.All(log.Events.OfType<AgentAudio>(), a => Assert.Equal(finished.ResponseId, a.ResponseId));
        }
    }

    [Fact]
    public async Task A_16_kHz_call_uses_24_kHz_pcm_both_ways_with_resampling()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Audio = Tone(24000, 1000, 24000), Transcript = "Olá" });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake, Settings(fake, callRate: 16000));
        await using (agent)
        {
            JsonElement audio = (await fake.WaitForEventAsync("session.update")).Json.GetProperty("session").GetProperty("audio");
            Assert.Equal("""{"type":"audio/pcm","rate":24000}""", audio.GetProperty("input").GetProperty("format").GetRawText());
            Assert.Equal("""{"type":"audio/pcm","rate":24000}""", audio.GetProperty("output").GetProperty("format").GetRawText());

            short[] caller = Tone(320 * 25, 440, 16000);
            byte[] frame = new byte[640];
            for (int i = 0; i < 25; i++)
            {
                Pcm16.AsBytes(caller.AsSpan(i * 320, 320)).CopyTo(frame);
                await agent.SendAudioAsync(frame, CancellationToken.None);
            }

            await fake.WaitUntilAsync(() => fake.AudioChunks.Count >= 25, Bounded, "25 appends");
            Assert.All(fake.AudioChunks, c => Assert.Equal(("audio/pcm", 24000, 960), (c.Format, c.SampleRate, c.WireBytes)));
            short[] upsampled = [.. fake.AudioChunks.SelectMany(c => c.Pcm)];
            Assert.InRange(Signals.FitTone(upsampled.AsSpan(2400), 440, 24000).Amplitude, 0.5 * 32767 * 0.95, 0.5 * 32767 * 1.05);

            await agent.RequestResponseAsync(null, CancellationToken.None);
            await log.WaitForAsync<ResponseFinished>();
            short[] spoken = Pcm16.AsSamples(log.Audio).ToArray();
            Assert.InRange(spoken.Length, 16000 - 64, 16000);
            ToneFit fit = Signals.FitTone(spoken.AsSpan(800, 14000), 1000, 16000);
            Assert.InRange(fit.Amplitude, 0.5 * 32767 * 0.95, 0.5 * 32767 * 1.05);
            Assert.True(fit.ResidualRms < 0.02 * fit.Amplitude, $"residual {fit.ResidualRms}");
        }
    }

    [Fact]
    public async Task A_tool_call_is_answered_and_the_response_continues()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { FunctionCall = new FakeFunctionCall("book_appointment", """{"start":"10:00","name":"Ana"}""") });
        fake.EnqueueResponse(new FakeResponse { Audio = Tone(1600, 500, 8000), Transcript = "Booked for ten" });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.SendTextAsync("Book me at ten, I'm Ana", CancellationToken.None);
            ToolCallRequested call = await log.WaitForAsync<ToolCallRequested>();
            Assert.Equal(fake.LastCallId, call.CallId);
            Assert.Equal("book_appointment", call.Name);
            Assert.Equal("""{"start":"10:00","name":"Ana"}""", call.ArgumentsJson);

            await agent.SendToolResultAsync(call.CallId, """{"ok":true,"slot":"10:00"}""", CancellationToken.None);
            Transcript said = await log.WaitForAsync<Transcript>(t => t.Speaker == TranscriptSpeaker.Agent && t.Final);
            Assert.Equal("Booked for ten", said.Text);

            JsonElement text = (await fake.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "message")).Json;
            Assert.Equal("user", text.GetProperty("item").GetProperty("role").GetString());
            Assert.Equal("Book me at ten, I'm Ana", text.GetProperty("item").GetProperty("content")[0].GetProperty("text").GetString());
            JsonElement result = (await fake.WaitForEventAsync("conversation.item.create", e => e.GetProperty("item").GetProperty("type").GetString() == "function_call_output")).Json;
            Assert.Equal(call.CallId, result.GetProperty("item").GetProperty("call_id").GetString());
            Assert.Equal("""{"ok":true,"slot":"10:00"}""", result.GetProperty("item").GetProperty("output").GetString());

            // Announced once although the call is also in response.done's output; response.create only after response.done.
            Assert.Single(log.Events.OfType<ToolCallRequested>());
            Assert.Equal(2, fake.ClientEvents.Count(e => e.Type == "response.create"));
            Assert.Empty(fake.ErrorsSent);
            await log.WaitUntilAsync(() => log.Events.OfType<ResponseFinished>().Count() == 2, Bounded);
            Assert.Equal(3200, log.AudioBytes);
        }
    }

    [Theory]
    [InlineData(740, 740)]
    [InlineData(5000, 2000)] // clamped to the generated audio (reference §1.11 step 3)
    public async Task Barge_in_cancels_the_response_and_truncates_the_item_at_the_heard_milliseconds(int heardMs, long expectedMs)
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Audio = Tone(16000, 700, 8000), Transcript = "A long answer", HoldUntilCancelled = true });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.RequestResponseAsync(null, CancellationToken.None);
            await log.WaitUntilAsync(() => log.AudioBytes == 32000, Bounded, "two seconds of audio");

            await agent.InterruptAsync(TimeSpan.FromMilliseconds(heardMs), CancellationToken.None);

            ResponseFinished finished = await log.WaitForAsync<ResponseFinished>();
            Assert.Equal("cancelled", finished.Status);
            await fake.WaitUntilAsync(() => fake.Truncations.Count == 1, Bounded, "a truncate");
            Assert.Equal(new FakeTruncation(fake.LastAudioItemId!, 0, expectedMs), fake.Truncations[0]);
            Assert.Contains(fake.ClientEvents, e => e.Type == "response.cancel");
            Assert.Empty(fake.ErrorsSent);
            Assert.DoesNotContain(log.Events, e => e is AgentError);
        }
    }

    [Fact]
    public async Task Server_vad_barge_in_mid_stream_stops_the_audio_and_truncates_what_was_heard()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Audio = Tone(24000, 700, 8000), Transcript = "A three second answer", RealTime = true });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.RequestResponseAsync(null, CancellationToken.None);
            await log.WaitUntilAsync(() => log.AudioBytes >= 8000, Bounded, "half a second of audio");

            await fake.SpeechStartedAsync(); // the server cancels the response itself (interrupt_response)
            await log.WaitForAsync<CallerSpeech>(s => s.Started);
            await agent.InterruptAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);

            Assert.Equal("cancelled", (await log.WaitForAsync<ResponseFinished>()).Status);
            await fake.WaitUntilAsync(() => fake.Truncations.Count == 1, Bounded, "a truncate");
            Assert.Equal(new FakeTruncation(fake.LastAudioItemId!, 0, 300), fake.Truncations[0]);
            Assert.True(log.AudioBytes < 48000, $"{log.AudioBytes} bytes played after the barge-in");
            Assert.All(fake.ErrorsSent, e => Assert.Equal("response_cancel_not_active", e.Code));
            Assert.DoesNotContain(log.Events, e => e is AgentError);
        }
    }

    [Fact]
    public async Task Interrupting_when_nothing_plays_ignores_response_cancel_not_active()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.InterruptAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
            await fake.WaitUntilAsync(() => fake.ErrorsSent.Any(e => e.Code == "response_cancel_not_active"), Bounded);
            await fake.SendErrorAsync(new FakeServerError("marker", "after the cancel"));

            AgentError first = await log.WaitForAsync<AgentError>();
            Assert.Equal("marker", first.Code);
            Assert.Single(log.Events.OfType<AgentError>());
            Assert.DoesNotContain(fake.ClientEvents, e => e.Type == "conversation.item.truncate"); // no audio item to truncate
        }
    }

    [Fact]
    public async Task Server_vad_events_and_caller_transcripts_become_caller_speech_and_transcripts()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Transcript = "Claro" });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await fake.SpeechStartedAsync();
            await log.WaitForAsync<CallerSpeech>(s => s.Started);
            await fake.SpeechStoppedAsync(); // create_response: the fake answers on its own
            await fake.SendCallerTranscriptAsync("Quero marcar uma consulta");

            await log.WaitForAsync<CallerSpeech>(s => !s.Started);
            Transcript caller = await log.WaitForAsync<Transcript>(t => t.Speaker == TranscriptSpeaker.Caller);
            Assert.Equal(("Quero marcar uma consulta", true), (caller.Text, caller.Final));
            await log.WaitForAsync<ResponseFinished>();
            Assert.Equal("Claro", log.Events.OfType<Transcript>().Single(t => t.Speaker == TranscriptSpeaker.Agent && t.Final).Text);
            Assert.Equal([true, false], log.Events.OfType<CallerSpeech>().Select(s => s.Started));
        }
    }

    [Fact]
    public async Task A_recoverable_error_event_becomes_a_non_fatal_AgentError_and_the_session_goes_on()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Error = new FakeServerError("server_error", "The server had an error. Please include the session ID.", "server_error") });
        fake.EnqueueResponse(new FakeResponse { Transcript = "Still here" });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.RequestResponseAsync(null, CancellationToken.None);
            AgentError error = await log.WaitForAsync<AgentError>();
            Assert.Equal(("server_error", false), (error.Code, error.Fatal));
            Assert.Equal("failed", (await log.WaitForAsync<ResponseFinished>()).Status);

            await agent.RequestResponseAsync(null, CancellationToken.None);
            Transcript said = await log.WaitForAsync<Transcript>(t => t.Final);
            Assert.Equal("Still here", said.Text);
            Assert.False(log.Completion.IsCompleted);
        }
    }

    [Fact]
    public async Task Session_expired_is_one_fatal_AgentError_and_the_events_complete()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await fake.SendErrorAsync(new FakeServerError("session_expired", "Your session hit the maximum duration of 60 minutes."), close: true, closeStatus: 1001);
            await log.Completion.WaitAsync(Bounded);
            AgentError error = Assert.Single(log.Events.OfType<AgentError>());
            Assert.Equal(("session_expired", true), (error.Code, error.Fatal));
        }
    }

    /// <param name="abortedHere">
    /// False: the fake aborts the TCP connection. True: the agent's send loop found the socket dead first and aborted it,
    /// so the pending receive ends with OperationCanceledException("Aborted") although nobody cancelled the agent.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_lost_connection_is_a_fatal_AgentError_and_the_events_complete(bool abortedHere)
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.SendAudioAsync(new byte[320], CancellationToken.None);
            await fake.WaitUntilAsync(() => fake.AudioChunks.Count == 1, Bounded);
            if (abortedHere)
            {
                agent.AbortConnection();
            }
            else
            {
                fake.Drop();
            }

            await log.Completion.WaitAsync(Bounded);
            AgentError error = Assert.Single(log.Events.OfType<AgentError>());
            Assert.Equal(("connection_closed", true), (error.Code, error.Fatal));
            await agent.SendAudioAsync(new byte[320], CancellationToken.None); // dropped quietly after the loss
            await Assert.ThrowsAsync<VoiceAgentException>(async () => await agent.RequestResponseAsync(null, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_drop_in_the_middle_of_a_response_ends_the_events_with_a_fatal_error()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.EnqueueResponse(new FakeResponse { Drop = true });
        (OpenAiRealtimeAgent agent, AgentEventLog log) = await ConnectAsync(fake);
        await using (agent)
        {
            await agent.RequestResponseAsync(null, CancellationToken.None);
            await log.Completion.WaitAsync(Bounded);
            Assert.True(Assert.Single(log.Events.OfType<AgentError>()).Fatal);
        }
    }

    [Fact]
    public async Task A_refused_connection_throws_VoiceAgentException()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await using var agent = new OpenAiRealtimeAgent();
        var settings = new VoiceAgentSettings { Instructions = "x", ApiKey = "sk", Endpoint = new Uri($"ws://127.0.0.1:{port}/v1/realtime") };
        await Assert.ThrowsAsync<VoiceAgentException>(() => agent.ConnectAsync(settings, CancellationToken.None).WaitAsync(Bounded));
    }

    [Theory]
    [InlineData(11025, null)]
    [InlineData(16000, "pcmu")]
    [InlineData(8000, "opus")]
    public async Task Settings_the_agent_cannot_honour_throw_VoiceAgentException_before_connecting(int callRate, string? format)
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        await using var agent = new OpenAiRealtimeAgent();
        var options = new Dictionary<string, string>();
        if (format is not null)
        {
            options["audio_format"] = format;
        }

        await Assert.ThrowsAsync<VoiceAgentException>(
            () => agent.ConnectAsync(Settings(fake, callRate, options), CancellationToken.None).WaitAsync(Bounded));
        Assert.Equal(0, fake.ConnectionCount);
    }

    [Fact]
    public async Task A_wrong_api_key_throws_VoiceAgentException_naming_the_401()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        await using var agent = new OpenAiRealtimeAgent();
        VoiceAgentException ex = await Assert.ThrowsAsync<VoiceAgentException>(
            () => agent.ConnectAsync(Settings(fake) with { ApiKey = "sk-wrong" }, CancellationToken.None).WaitAsync(Bounded));
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.ConnectionCount);
    }

    [Fact]
    public async Task A_server_that_never_sends_session_created_times_out_after_the_connect_timeout()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.SendSessionCreated = false;
        var clock = new ManualTimeProvider();
        await using var agent = new OpenAiRealtimeAgent(timeProvider: clock);
        Task connect = agent.ConnectAsync(Settings(fake), CancellationToken.None);
        await fake.WaitUntilAsync(() => fake.ConnectionCount == 1, Bounded, "the connection");

        clock.Advance(TimeSpan.FromMilliseconds(4900));
        Assert.False(connect.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        VoiceAgentException ex = await Assert.ThrowsAsync<VoiceAgentException>(() => connect.WaitAsync(Bounded));
        Assert.Contains("5000 ms", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_the_server_refuses_throws_VoiceAgentException_with_its_code()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        await using var agent = new OpenAiRealtimeAgent();
        VoiceAgentException ex = await Assert.ThrowsAsync<VoiceAgentException>(
            () => agent.ConnectAsync(Settings(fake) with { Voice = "nova" }, CancellationToken.None).WaitAsync(Bounded));
        Assert.Contains("invalid_value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_format_the_server_did_not_apply_fails_the_connect()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        fake.IgnoreOutputFormat = true; // gotcha G1
        await using var agent = new OpenAiRealtimeAgent();
        VoiceAgentException ex = await Assert.ThrowsAsync<VoiceAgentException>(
            () => agent.ConnectAsync(Settings(fake), CancellationToken.None).WaitAsync(Bounded));
        Assert.Contains("audio/pcm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_frames_and_text_messages_reach_the_provider_in_the_order_they_were_sent()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, _) = await ConnectAsync(fake);
        await using (agent)
        {
            // Frames in bursts (well below the send queue's capacity, as a 20 ms source never comes close to it), with a
            // text message (item + response.create) after every 40th.
            const int Frames = 240;
            byte[] frame = new byte[320];
            for (int i = 0; i < Frames; i++)
            {
                // The frame's number in the signs of its first 8 samples (µ-law keeps the sign exactly).
                Span<short> samples = Pcm16.AsSamples(frame.AsSpan());
                for (int bit = 0; bit < 8; bit++)
                {
                    samples[bit] = (short)(((i >> bit) & 1) == 1 ? 8000 : -8000);
                }

                await agent.SendAudioAsync(frame, CancellationToken.None);
                if (i % 40 == 39)
                {
                    await agent.SendTextAsync($"mark {i}", CancellationToken.None);
                }

                if (i % 20 == 19)
                {
                    int sent = i + 1;
                    await fake.WaitUntilAsync(() => fake.AudioChunks.Count >= sent, Bounded, $"{sent} appends");
                }
            }

            await fake.WaitUntilAsync(() => fake.AudioChunks.Count >= Frames, Bounded, $"{Frames} appends");
            int[] numbers = [.. fake.AudioChunks.Select(c => Enumerable.Range(0, 8).Sum(bit => c.Pcm[bit] > 0 ? 1 << bit : 0))];
            Assert.Equal(Enumerable.Range(0, Frames), numbers);

            // Each queued text message sits right after the frame it was sent after.
            var appendsBeforeMarks = new List<int>();
            int appends = 0;
            foreach (FakeClientEvent received in fake.ClientEvents)
            {
                if (received.Type == "input_audio_buffer.append")
                {
                    appends++;
                }
                else if (received.Type == "conversation.item.create")
                {
                    appendsBeforeMarks.Add(appends);
                }
            }

            Assert.Equal([40, 80, 120, 160, 200, 240], appendsBeforeMarks);
        }
    }

    [Fact]
    public async Task Sending_a_caller_frame_allocates_nothing()
    {
        await using OpenAiRealtimeFake fake = await OpenAiRealtimeFake.StartAsync();
        (OpenAiRealtimeAgent agent, _) = await ConnectAsync(fake);
        await using (agent)
        {
            byte[] frame = new byte[320];
            Pcm16.AsBytes(Tone(160, 440, 8000)).CopyTo(frame);
            for (int batch = 1; batch <= 10; batch++) // warm-up in batches below the send queue's capacity
            {
                for (int i = 0; i < 20; i++)
                {
                    await agent.SendAudioAsync(frame, CancellationToken.None);
                }

                await fake.WaitUntilAsync(() => fake.AudioChunks.Count == batch * 20, Bounded);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                ValueTask sent = agent.SendAudioAsync(frame, CancellationToken.None);
                Assert.True(sent.IsCompletedSuccessfully);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }
}
