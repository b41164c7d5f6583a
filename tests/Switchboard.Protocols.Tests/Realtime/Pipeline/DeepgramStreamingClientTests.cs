using Switchboard.Fakes.Pipeline;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Protocols.Tests.Audio;
using Switchboard.Protocols.Tests.Support;

namespace Switchboard.Protocols.Tests.Realtime.Pipeline;

public sealed class DeepgramStreamingClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connects_with_token_auth_and_the_query_for_mulaw_8k()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        await using var client = new DeepgramStreamingClient(Options(fake) with { Language = "de", EndpointingMilliseconds = 400 });
        await client.ConnectAsync(CancellationToken.None);

        IReadOnlyDictionary<string, string> query = await fake.Connected.WaitAsync(Timeout);
        Assert.Equal("Token " + fake.ApiKey, fake.LastAuthorization);
        Assert.Equal("mulaw", query["encoding"]);
        Assert.Equal("8000", query["sample_rate"]);
        Assert.Equal("nova-3", query["model"]);
        Assert.Equal("de", query["language"]);
        Assert.Equal("true", query["interim_results"]);
        Assert.Equal("400", query["endpointing"]);
        Assert.Equal("1000", query["utterance_end_ms"]);
        Assert.Equal("true", query["vad_events"]);
    }

    [Fact]
    public async Task Sends_linear16_at_16k_unchanged()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        await using var client = new DeepgramStreamingClient(Options(fake) with { SampleRate = 16000 });
        await client.ConnectAsync(CancellationToken.None);
        IReadOnlyDictionary<string, string> query = await fake.Connected.WaitAsync(Timeout);
        Assert.Equal("linear16", query["encoding"]);
        Assert.Equal("16000", query["sample_rate"]);

        short[] tone = Signals.Tone(320, 1000, 16000);
        byte[] frame = Pcm16.AsBytes(tone).ToArray();
        await client.SendAudioAsync(frame, CancellationToken.None);
        await client.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(frame, Assert.Single(fake.Audio).Bytes);
    }

    [Fact]
    public async Task Wrong_key_is_refused_with_a_VoiceAgentException_naming_the_status()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        await using var client = new DeepgramStreamingClient(Options(fake) with { ApiKey = "wrong" });
        VoiceAgentException error = await Assert.ThrowsAsync<VoiceAgentException>(() => client.ConnectAsync(CancellationToken.None)).WaitAsync(Timeout);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Equal("Token wrong", fake.LastAuthorization);
    }

    [Fact]
    public async Task Connect_refused_when_nothing_listens_is_a_VoiceAgentException()
    {
        Uri endpoint;
        await using (DeepgramFake fake = await DeepgramFake.StartAsync())
        {
            endpoint = fake.Endpoint;
        }

        await using var client = new DeepgramStreamingClient(new DeepgramOptions { ApiKey = "k", Endpoint = endpoint });
        await Assert.ThrowsAsync<VoiceAgentException>(() => client.ConnectAsync(CancellationToken.None)).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Mulaw_frames_arrive_at_real_time_pace_when_paced_with_AudioPacer()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        await using var client = new DeepgramStreamingClient(Options(fake));
        await client.ConnectAsync(CancellationToken.None);

        const int Frames = 50;
        short[] tone = Signals.Tone(160 * Frames, 800, 8000);
        byte[] frame = new byte[320];
        using (var pacer = new AudioPacer(TimeSpan.FromMilliseconds(20), TimeProvider.System))
        {
            for (int i = 0; i < Frames; i++)
            {
                Assert.True(await pacer.WaitForNextTickAsync());
                Pcm16.AsBytes(tone.AsSpan(i * 160, 160)).CopyTo(frame);
                await client.SendAudioAsync(frame, CancellationToken.None);
            }
        }

        await client.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);
        IReadOnlyList<ReceivedAudio> audio = fake.Audio;
        Assert.Equal(Frames, audio.Count);
        Assert.All(audio, a => Assert.Equal(160, a.Bytes.Length));

        // 49 periods of 20 ms between the first and last message: about 0.98 s, generous bounds for a busy machine.
        TimeSpan span = audio[^1].At - audio[0].At;
        Assert.InRange(span.TotalSeconds, 0.85, 3.0);

        // The bytes are G.711 µ-law of the tone: decoded, the 800 Hz sinusoid explains almost everything.
        short[] decoded = audio.SelectMany(a => a.Bytes).Select(G711.MuLawDecode).ToArray();
        ToneFit fit = Signals.FitTone(decoded, 800, 8000);
        Assert.True(fit.SnrDb > 30, $"SNR {fit.SnrDb:F1} dB");
        Assert.InRange(fit.Amplitude, 0.45 * 32767, 0.55 * 32767);
    }

    [Fact]
    public async Task Final_transcripts_become_a_turn_on_speech_final()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(200), DeepgramFake.SpeechStarted(0.1));
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(400), DeepgramFake.Results("ich brauche", isFinal: false, speechFinal: false));
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(600), DeepgramFake.Results("ich brauche einen", isFinal: true, speechFinal: false));
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(800), DeepgramFake.Results("Termin", isFinal: true, speechFinal: true));
        await using var client = new DeepgramStreamingClient(Options(fake));
        await client.ConnectAsync(CancellationToken.None);

        await SendSilenceAsync(client, frames: 45);
        List<SpeechToTextEvent> events = await ReadUntilAsync<SpeechTurnEnded>(client);

        Assert.IsType<SpeechStarted>(events[0]);
        Assert.Equal(new SpeechTranscript("ich brauche", false, false, 0, 1), events[1]);
        Assert.Equal(new SpeechTranscript("ich brauche einen", true, false, 0, 1), events[2]);
        Assert.Equal(new SpeechTranscript("Termin", true, true, 0, 1), events[3]);
        Assert.Equal(new SpeechTurnEnded("ich brauche einen Termin"), events[4]);
    }

    [Fact]
    public async Task UtteranceEnd_ends_the_turn_when_speech_final_never_came_and_an_empty_buffer_is_no_turn()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(100), DeepgramFake.UtteranceEnd(0.05));
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(200), DeepgramFake.Results("bom dia", isFinal: true, speechFinal: false));
        fake.EmitAfterAudio(TimeSpan.FromMilliseconds(300), DeepgramFake.UtteranceEnd(0.25));
        await using var client = new DeepgramStreamingClient(Options(fake));
        await client.ConnectAsync(CancellationToken.None);

        await SendSilenceAsync(client, frames: 20);
        List<SpeechToTextEvent> events = await ReadUntilAsync<SpeechTurnEnded>(client);
        Assert.Equal(
            [new SpeechUtteranceEnd(0.05), new SpeechTranscript("bom dia", true, false, 0, 1), new SpeechUtteranceEnd(0.25), new SpeechTurnEnded("bom dia")],
            events);
    }

    [Fact]
    public async Task CloseStream_flushes_results_and_metadata_then_completes_the_events()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        fake.EmitAfterAudio(TimeSpan.FromHours(1), DeepgramFake.Results("tchau", isFinal: true, speechFinal: true));
        await using var client = new DeepgramStreamingClient(Options(fake));
        await client.ConnectAsync(CancellationToken.None);
        await SendSilenceAsync(client, frames: 25);
        await client.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);

        List<SpeechToTextEvent> events = await ReadAllAsync(client);
        Assert.Equal("""{"type":"CloseStream"}""", Assert.Single(fake.ControlMessages));
        Assert.Equal(new SpeechTurnEnded("tchau"), events[1]);
        SpeechMetadata metadata = Assert.IsType<SpeechMetadata>(events[^1]);
        Assert.Equal(0.5, metadata.Duration, 3);
    }

    [Fact]
    public async Task An_idle_client_sends_KeepAlive_text_frames_on_its_clock()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        var clock = new ManualTimeProvider();
        await using var client = new DeepgramStreamingClient(Options(fake) with { KeepAliveInterval = TimeSpan.FromSeconds(4) }, clock);
        await client.ConnectAsync(CancellationToken.None);
        await fake.Connected.WaitAsync(Timeout);

        clock.Advance(TimeSpan.FromSeconds(4));
        await WaitUntilAsync(() => fake.ControlMessages.Count == 1);
        clock.Advance(TimeSpan.FromSeconds(4));
        await WaitUntilAsync(() => fake.ControlMessages.Count == 2);

        Assert.All(fake.ControlMessages, m => Assert.Equal("""{"type":"KeepAlive"}""", m));
        Assert.Empty(fake.Audio);
        Assert.False(fake.Closed.IsCompleted);
    }

    [Fact]
    public async Task A_stream_idle_without_KeepAlive_ends_with_NET_0001_and_the_events_complete()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        fake.IdleTimeout = TimeSpan.FromMilliseconds(200);
        await using var client = new DeepgramStreamingClient(Options(fake) with { KeepAliveInterval = TimeSpan.FromHours(1) });
        await client.ConnectAsync(CancellationToken.None);

        List<SpeechToTextEvent> events = await ReadAllAsync(client);
        SpeechError error = Assert.IsType<SpeechError>(Assert.Single(events));
        Assert.Equal("1011", error.Code);
        Assert.Equal("NET-0001", error.Message);
    }

    [Fact]
    public async Task A_dropped_connection_completes_the_events_with_an_error()
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        await using var client = new DeepgramStreamingClient(Options(fake));
        await client.ConnectAsync(CancellationToken.None);
        await fake.Connected.WaitAsync(Timeout);
        fake.Drop();

        List<SpeechToTextEvent> events = await ReadAllAsync(client);
        Assert.IsType<SpeechError>(Assert.Single(events));
    }

    [Theory]
    [InlineData("encoding=mp4&sample_rate=8000")]
    [InlineData("encoding=mulaw&sample_rate=16000")]
    [InlineData("encoding=linear16&sample_rate=11025")]
    [InlineData("encoding=linear16")]
    [InlineData("encoding=mulaw&sample_rate=8000&interim_results=false&utterance_end_ms=1000")]
    [InlineData("encoding=mulaw&sample_rate=8000&bogus=1")]
    public async Task The_fake_refuses_what_Deepgram_refuses(string query)
    {
        await using DeepgramFake fake = await DeepgramFake.StartAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Token " + fake.ApiKey);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(
            () => socket.ConnectAsync(new UriBuilder(fake.Endpoint) { Query = query }.Uri, CancellationToken.None)).WaitAsync(Timeout);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static DeepgramOptions Options(DeepgramFake fake) => new() { ApiKey = fake.ApiKey, Endpoint = fake.Endpoint };

    private static async Task SendSilenceAsync(DeepgramStreamingClient client, int frames)
    {
        byte[] frame = new byte[320];
        for (int i = 0; i < frames; i++)
        {
            await client.SendAudioAsync(frame, CancellationToken.None);
        }
    }

    private static async Task<List<SpeechToTextEvent>> ReadUntilAsync<T>(DeepgramStreamingClient client)
    {
        var events = new List<SpeechToTextEvent>();
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            SpeechToTextEvent e = await client.Events.ReadAsync(timeout.Token);
            events.Add(e);
            if (e is T)
            {
                return events;
            }
        }
    }

    private static async Task<List<SpeechToTextEvent>> ReadAllAsync(DeepgramStreamingClient client)
    {
        var events = new List<SpeechToTextEvent>();
        using var timeout = new CancellationTokenSource(Timeout);
        await foreach (SpeechToTextEvent e in client.Events.ReadAllAsync(timeout.Token))
        {
            events.Add(e);
        }
        return events;
    }
}
