using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Fakes.ElevenLabs;
using Switchboard.Fakes.Gemini;
using Switchboard.Fakes.OpenAi;
using Switchboard.Fakes.Pipeline;
using Switchboard.Fakes.Speech;
using Switchboard.Protocols.Audio;
using Switchboard.Sandbox;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Secretaries;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;
using Xunit.Abstractions;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// A caller who really speaks: a call placed in the sandbox whose caller audio is eSpeak NG Portuguese, for each
/// provider. The speech reaches the provider's fake in its format at real-time pace, the fake's answer reaches the
/// caller (it is in the call recording), the conversation is stored with both sides, and <c>/metrics</c> counts it.
/// </summary>
public sealed class SpokenCallTests : IAsyncLifetime
{
    private const int Rate = 8000;
    private const string Sentence = "Bom dia, eu gostaria de falar com o financeiro, por favor.";
    private const string Greeting = "Olá, aqui é a Demo.";
    private const string Answer = "Claro, um instante.";
    private const double SilenceBefore = 2.0;
    private const double SilenceAfter = 5.0;
    private readonly SandboxCallTests.Server _server = new();
    private short[] _speech = [];
    private SpeechSpan _voiced;
    private readonly ITestOutputHelper _output;
    private string _callerWav = "";

    public SpokenCallTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _speech = await SpokenAudio.PcmAsync(Sentence, "pt-BR", Rate, CancellationToken.None);
        _voiced = SpeechSpan.Of(_speech, Rate);
        Assert.True(_voiced.Duration > 1.5, $"eSpeak NG spoke the sentence ({_voiced.Duration:0.00} s)");
        short[] samples = new short[(int)(Rate * SilenceBefore) + _speech.Length + (int)(Rate * SilenceAfter)];
        _speech.CopyTo(samples, (int)(Rate * SilenceBefore));
        _callerWav = Path.Combine(_server.DataRoot, "spoken-caller.wav");
        await using FileStream file = File.Create(_callerWav);
        WavFile.Write(file, samples, Rate);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Seconds into the caller's audio where the voice starts and ends.</summary>
    private double SpeechStart => SilenceBefore + _voiced.Start;

    private double SpeechEnd => SilenceBefore + _voiced.End;

    [Fact]
    public async Task A_caller_speaking_to_the_openai_secretary_is_heard_answered_and_recorded()
    {
        await using OpenAiRealtimeFake openAi = await OpenAiRealtimeFake.StartAsync();
        openAi.ServerVad = true;
        openAi.EnqueueResponse(new FakeResponse { Audio = Tone(1200, 0.6, Rate), Transcript = Greeting });
        openAi.EnqueueCallerTranscript(Sentence);
        openAi.EnqueueResponse(new FakeResponse { Audio = Tone(900, 1.0, Rate), Transcript = Answer, RealTime = true });
        await UseProviderAsync(AiProviderType.OpenAiRealtime, $$"""{"endpoint":"{{openAi.Endpoint}}"}""", new() { ["api_key"] = openAi.ApiKey });

        using HttpClient api = _server.Api();
        (string uuid, CallSession session) = await PlaceCallAsync(api);
        WavAudio heard = await HearAnswerAndHangUpAsync(api, uuid, session);

        // (1) G.711 µ-law at 8 kHz, 20 ms per append, at the pace it is spoken, with the speech where it was said.
        IReadOnlyList<FakeAudioChunk> chunks = openAi.AudioChunks;
        Assert.All(chunks, c => Assert.Equal(("audio/pcmu", 8000, 160), (c.Format, c.SampleRate, c.WireBytes)));
        AssertReceived([.. chunks.Select(c => (c.ReceivedAt.TotalSeconds, c.Pcm))], Rate);

        // (2)–(4)
        AssertAnswerHeard(heard, 900, 1000);
        await AssertStoredAsync(uuid, expectLatency: true);
        await AssertCountedAsync(session, "openai");
    }

    [Fact]
    public async Task A_caller_speaking_to_the_elevenlabs_secretary_is_heard_answered_and_recorded()
    {
        await using ElevenLabsAgentFake elevenLabs = await ElevenLabsAgentFake.StartAsync();
        string settings = $$"""{"endpoint":"{{elevenLabs.Endpoint}}","agent_id":"{{elevenLabs.Agent.AgentId}}"}""";
        await UseProviderAsync(AiProviderType.ElevenLabs, settings, new() { ["api_key"] = elevenLabs.Agent.ApiKey });

        using HttpClient api = _server.Api();
        (string uuid, CallSession session) = await PlaceCallAsync(api);
        ElevenLabsFakeConversation conversation = await elevenLabs.NextConversationAsync(TimeSpan.FromSeconds(20));
        await conversation.WaitForAudioAsync(1, TimeSpan.FromSeconds(20));
        await conversation.SendAudioAsync(Tone(1200, 0.6, Rate), Rate, eventId: 1);
        await conversation.SendAgentResponseAsync(Greeting, eventId: 1);

        // The fake has no speech detection of its own: it "hears" the caller once the audio past the speech arrived.
        long spokenBytes = (long)((SpeechEnd + 0.3) * Rate);
        await Wait.UntilAsync(() => conversation.Audio.Sum(a => (long)a.Bytes.Length) >= spokenBytes, TimeSpan.FromSeconds(30));
        await conversation.SendUserTranscriptAsync(Sentence, eventId: 2);
        await conversation.SendAudioAsync(Tone(900, 1.0, Rate), Rate, eventId: 3);
        await conversation.SendAgentResponseAsync(Answer, eventId: 3);
        WavAudio heard = await HearAnswerAndHangUpAsync(api, uuid, session);

        // (1) The agent's input format (ulaw_8000, negotiated in its metadata), at the pace it is spoken.
        Assert.Null(conversation.Violation);
        AssertReceived([.. conversation.Audio.Select(a => (a.Seconds, MuLaw(a.Bytes)))], Rate);

        AssertAnswerHeard(heard, 900, 1000);

        // The agent reports no end of speech; the settled caller transcript marks the end of the turn.
        await AssertStoredAsync(uuid, expectLatency: true);
        await AssertCountedAsync(session, "elevenlabs");
    }

    [Fact]
    public async Task A_caller_speaking_to_the_gemini_secretary_is_heard_answered_and_recorded()
    {
        await using GeminiLiveFake gemini = await GeminiLiveFake.StartAsync();
        await UseProviderAsync(AiProviderType.GeminiLive, $$"""{"endpoint":"{{gemini.Endpoint}}"}""", new() { ["api_key"] = gemini.ApiKey });

        using HttpClient api = _server.Api();
        (string uuid, CallSession session) = await PlaceCallAsync(api);
        GeminiFakeSession live = await gemini.WaitForSessionAsync(0).WaitAsync(TimeSpan.FromSeconds(20));
        await live.WaitForMessageAsync("clientContent").WaitAsync(TimeSpan.FromSeconds(20));
        await live.SendAudioAsync(Tone(1200, 0.6, 24000));
        await live.SendOutputTranscriptionAsync(Greeting, finished: true);
        await live.SendTurnCompleteAsync();

        // The fake has no activity detection of its own: it "hears" the caller once the audio past the speech arrived.
        await live.WaitForAudioBytesAsync((long)((SpeechEnd + 0.3) * 16000 * 2)).WaitAsync(TimeSpan.FromSeconds(30));
        await live.SendInputTranscriptionAsync(Sentence, finished: true);
        await live.SendAudioAsync(Tone(900, 1.0, 24000));
        await live.SendOutputTranscriptionAsync(Answer, finished: true);
        await live.SendTurnCompleteAsync();
        WavAudio heard = await HearAnswerAndHangUpAsync(api, uuid, session);

        // (1) PCM16 at 16 kHz (the fake refuses any other mimeType and closes), at the pace it is spoken.
        Assert.Empty(gemini.Rejections);
        Assert.False(live.Closed.IsCompleted && !live.ClosedByClient, "the fake did not close the session on the client");
        AssertReceived([.. live.Audio.Select(a => ((double)a.Timestamp / Stopwatch.Frequency, Pcm16.AsSamples(a.Pcm).ToArray()))], 16000);

        AssertAnswerHeard(heard, 900, 1000);

        // No latency: the Gemini agent reports no end of the caller's speech (CallerSpeech(false)) to measure from.
        await AssertStoredAsync(uuid, expectLatency: true);
        await AssertCountedAsync(session, "gemini");
    }

    /// <summary>
    /// The pipeline: Deepgram hears the caller (µ-law 8 kHz at the pace it is spoken), the chat server answers, the TTS
    /// speaks it to the caller, and the turns with their latency are stored.
    /// </summary>
    [Fact]
    public async Task A_caller_speaking_to_the_pipeline_secretary_is_heard_answered_and_recorded()
    {
        await using DeepgramFake deepgram = await DeepgramFake.StartAsync();
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync();
        await using OpenAiTtsFake tts = await OpenAiTtsFake.StartAsync();
        tts.ToneHz = 1000;
        tts.ToneDuration = TimeSpan.FromMilliseconds(500);
        chat.Enqueue([ChatCompletionsFake.Content(Greeting), ChatCompletionsFake.Finish("stop")]);
        chat.Enqueue([ChatCompletionsFake.Content(Answer), ChatCompletionsFake.Finish("stop")]);

        // Deepgram's fake is scripted by the audio it has received: the final result once the speech is over.
        deepgram.EmitAfterAudio(
            TimeSpan.FromSeconds(SpeechEnd + 0.3),
            DeepgramFake.Results(Sentence, isFinal: true, speechFinal: true, start: SpeechStart, duration: SpeechEnd - SpeechStart));
        string settings = $$"""
            {"stt_endpoint":"{{deepgram.Endpoint}}","llm_base_url":"{{chat.BaseUrl}}","model":"{{chat.Model}}","tts":"openai","tts_base_url":"{{tts.BaseUrl}}"}
            """;
        await UseProviderAsync(AiProviderType.Pipeline, settings, new()
        {
            ["api_key"] = chat.ApiKey!,
            ["stt_api_key"] = deepgram.ApiKey,
            ["tts_api_key"] = tts.ApiKey,
        });

        using HttpClient api = _server.Api();
        (string uuid, CallSession session) = await PlaceCallAsync(api);
        await Wait.UntilAsync(() => session.Recorder!.Turns.Any(t => t.Speaker == ConversationSpeaker.Agent && t.Text == Answer), TimeSpan.FromSeconds(40));
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        WavAudio heard = await HangUpAsync(api, uuid, session);

        // (1) The stream the product opens at the call rate: µ-law 8 kHz (DeepgramOptions.Encoding), at the pace it is spoken.
        IReadOnlyDictionary<string, string> query = await deepgram.Connected.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("mulaw", "8000"), (query["encoding"], query["sample_rate"]));
        AssertReceived([.. deepgram.Audio.Select(a => (a.At.TotalSeconds, MuLaw(a.Bytes)))], Rate);

        // (2) The greeting and the answer, each synthesised by the TTS fake (500 ms of tone), reached the caller.
        Assert.Equal([Greeting, Answer], tts.Requests.Select(r => (string?)r["input"]));
        Assert.InRange(Tones.Milliseconds(heard.Samples, 2, 1, 1000), 900, 1100);

        // (3) and (4): greeting, the caller's words and the answer with its latency are stored; the call is counted.
        await AssertStoredAsync(uuid, expectLatency: true);
        await AssertCountedAsync(session, "pipeline");
    }

    private async Task UseProviderAsync(AiProviderType type, string settingsJson, Dictionary<string, string> secretValues)
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
            ProtectedSecrets = secrets.Protect(secretValues),
        };
        db.AiProviders.Add(provider);
        await db.SaveChangesAsync();
        await db.Secretaries.Where(s => s.Id == DemoTenant.SecretaryId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ProviderId, provider.Id));
    }

    private async Task<(string Uuid, CallSession Session)> PlaceCallAsync(HttpClient api)
    {
        HttpResponseMessage placed = await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", wavFile = _callerWav, callerIdNumber = "11987654321" });
        SandboxCallsEndpoints.SandboxCallView call = (await placed.Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        Assert.Null(Assert.IsType<VoiceAgentBridge>(session!.Agent).FallbackReason);
        return (call.Uuid, session);
    }

    /// <summary>Waits until the agent's answer to the caller was recorded and played, hangs up, and returns the stereo recording.</summary>
    private async Task<WavAudio> HearAnswerAndHangUpAsync(HttpClient api, string uuid, CallSession session)
    {
        try
        {
            await Wait.UntilAsync(() => session.Recorder!.Turns.Count(t => t.Speaker == ConversationSpeaker.Agent) >= 2, TimeSpan.FromSeconds(40));
        }
        catch (TimeoutException)
        {
            var bridge = (VoiceAgentBridge)session.Agent;
            Assert.Fail($"No answer was recorded: plan {bridge.CurrentPlan?.Label}, fallback {bridge.FallbackReason}, turns: " +
                string.Join(" | ", session.Recorder!.Turns.Select(t => $"{t.Speaker}:{t.Text}")));
        }

        return await HangUpAsync(api, uuid, session);
    }

    /// <summary>Once the agent is quiet, hangs up and returns the call's stereo recording.</summary>
    private async Task<WavAudio> HangUpAsync(HttpClient api, string uuid, CallSession session)
    {
        await Wait.UntilAsync(() => !session.Playback.IsPlaying, TimeSpan.FromSeconds(20));
        Assert.Null(Assert.IsType<VoiceAgentBridge>(session.Agent).FallbackReason);
        SandboxChannel channel = _server.Services.GetRequiredService<SandboxPbx>().FindChannel(uuid)!;

        // The server's estimate can end before a loaded PBX played the last file: wait until the PBX has nothing left.
        var playback = (Switchboard.Server.Calls.Playback.FilePlayback)session.Playback;
        await Wait.UntilAsync(() => playback.FilesQueued + playback.StaleFilesIgnored == playback.ChunksSent && !channel.IsPlayingAudio, TimeSpan.FromSeconds(20));
        string recording = Assert.Single(channel.RecordingPaths);
        long hangUp = Stopwatch.GetTimestamp();
        await api.DeleteAsync($"/api/sandbox/calls/{uuid}");
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => !registry.Contains(uuid), TimeSpan.FromSeconds(40));
        _output.WriteLine($"session ended {Stopwatch.GetElapsedTime(hangUp).TotalSeconds:0.00} s after the hang-up");
        using FileStream file = File.OpenRead(recording);
        return WavFile.Read(file);
    }

    /// <summary>
    /// The caller audio a fake received: real-time pace after the first second (a connect may release a short backlog
    /// at once), the silence before the speech quiet, and the speech loud, starting and lasting about as it was said.
    /// </summary>
    private void AssertReceived(IReadOnlyList<(double Seconds, short[] Pcm)> chunks, int rate)
    {
        short[] all = [.. chunks.SelectMany(c => c.Pcm)];
        double audioSeconds = (double)all.Length / rate;
        Assert.True(audioSeconds >= SpeechEnd, $"the fake received {audioSeconds:0.00} s of caller audio");

        int skipped = 0;
        int first = 0;
        while (first < chunks.Count && skipped < rate)
        {
            skipped += chunks[first++].Pcm.Length;
        }

        double paced = (double)chunks.Skip(first).Sum(c => c.Pcm.Length) / rate;
        double wall = chunks[^1].Seconds - chunks[first - 1].Seconds;
        _output.WriteLine($"received {audioSeconds:0.00} s of audio, pace {paced / wall:0.000} x real time");
        Assert.InRange(paced / wall, 0.8, 1.25);

        // The sandbox may start streaming a little after the caller's audio starts, or the provider connect a little
        // after the stream: the speech can only appear earlier in what the fake received, never later.
        SpeechSpan received = SpeechSpan.Of(all, rate);
        _output.WriteLine($"speech said at {SpeechStart:0.00}-{SpeechEnd:0.00} s, received at {received.Start:0.00}-{received.End:0.00} s");
        Assert.InRange(received.Start, SpeechStart - 1.5, SpeechStart + 0.3);
        Assert.InRange(received.End - received.Start, _voiced.Duration - 0.3, _voiced.Duration + 0.3);
        Assert.True(received.Start > 0.5, $"silence came before the speech (speech at {received.Start:0.00} s)");
        double quiet = Rms(all.AsSpan(0, (int)((received.Start - 0.2) * rate)));
        double loud = Rms(all.AsSpan((int)(received.Start * rate), (int)((received.End - received.Start) * rate)));
        Assert.True(quiet < 100 && loud > 1000, $"silence RMS {quiet:0}, speech RMS {loud:0}");
    }

    /// <summary>The fake's answer tone is in what the caller heard (right channel) for about its length, after the caller spoke (left).</summary>
    private void AssertAnswerHeard(WavAudio heard, double hz, int milliseconds)
    {
        Assert.Equal(2, heard.Channels);
        short[] caller = new short[heard.Samples.Length / 2];
        for (int i = 0; i < caller.Length; i++)
        {
            caller[i] = heard.Samples[2 * i];
        }

        SpeechSpan spoke = SpeechSpan.Of(caller, Rate);
        bool[] answer = Tones.Present(heard.Samples, 2, 1, hz);
        int afterSpeech = answer.Skip((int)(spoke.End * 50)).Count(x => x) * 20;
        _output.WriteLine($"answer heard for {afterSpeech} ms after the caller's speech ended at {spoke.End:0.00} s of the recording");
        Assert.InRange(afterSpeech, milliseconds - 100, milliseconds + 100);
    }

    private async Task<Conversation> StoredAsync(string uuid)
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        return await db.Conversations.AsNoTracking().Include(c => c.Turns).SingleAsync(c => c.CallUuid == uuid);
    }

    private async Task AssertStoredAsync(string uuid, bool expectLatency)
    {
        // The record is closed shortly after the session ends.
        await Wait.UntilAsync(async () => (await StoredAsync(uuid)).EndedAt is not null, TimeSpan.FromSeconds(10));
        Conversation stored = await StoredAsync(uuid);
        List<ConversationTurn> turns = [.. stored.Turns.Where(t => t.Speaker != ConversationSpeaker.System).OrderBy(t => t.Sequence)];
        string all = string.Join(" | ", stored.Turns.OrderBy(t => t.Sequence).Select(t => $"{t.Speaker}:{t.Text}:{t.LatencyMs}"));
        Assert.True(
            turns.Select(t => (t.Speaker, t.Text)).SequenceEqual([(ConversationSpeaker.Agent, Greeting), (ConversationSpeaker.Caller, Sentence), (ConversationSpeaker.Agent, Answer)]),
            all);
        Assert.Equal("11987654321", stored.CallerNumber);
        if (expectLatency)
        {
            ConversationTurn answer = turns[2];
            Assert.True(answer.LatencyMs is not null && answer.ProviderLatencyMs is not null && answer.OwnLatencyMs is not null, all);
            Assert.InRange(answer.LatencyMs!.Value - (answer.ProviderLatencyMs!.Value + answer.OwnLatencyMs!.Value), -1, 1);
            Assert.InRange(answer.LatencyMs.Value, 0, 5000);
            _output.WriteLine($"answer latency {answer.LatencyMs} ms = provider {answer.ProviderLatencyMs} + own {answer.OwnLatencyMs}");
        }
    }

    private async Task AssertCountedAsync(CallSession session, string provider) =>
        Assert.True(
            await _server.MetricAsync("voice_ai_realtime_calls_total", ("tenant", DemoTenant.DomainName), ("provider", provider), ("outcome", session.EndReason!)) >= 1,
            await _server.CreateClient().GetStringAsync("/metrics"));

    private static short[] Tone(double hz, double seconds, int rate)
    {
        short[] samples = new short[(int)(rate * seconds)];
        ToneGenerator.Fill(samples, hz, rate, 0.3);
        return samples;
    }

    private static short[] MuLaw(byte[] ulaw)
    {
        short[] pcm = new short[ulaw.Length];
        G711.MuLawDecode(ulaw, pcm);
        return pcm;
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Where a voice starts and ends in mono audio: the first and last 20 ms frame louder than RMS 300.</summary>
    private readonly record struct SpeechSpan(double Start, double End)
    {
        public double Duration => End - Start;

        public static SpeechSpan Of(short[] pcm, int rate)
        {
            int frame = rate / 50;
            int first = -1, last = -1;
            for (int f = 0; (f + 1) * frame <= pcm.Length; f++)
            {
                if (Rms(pcm.AsSpan(f * frame, frame)) > 300)
                {
                    first = first < 0 ? f : first;
                    last = f;
                }
            }

            return first < 0 ? new SpeechSpan(0, 0) : new SpeechSpan(first / 50.0, (last + 1) / 50.0);
        }
    }
}
