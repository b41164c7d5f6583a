using Switchboard.Protocols.Audio;
using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class MediaChannelTests : IAsyncLifetime
{
    private readonly MediaTestBed _bed = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_held_leg_feeds_no_frames_to_media_bugs_and_after_unhold_13_silent_frames_precede_the_callers_voice()
    {
        await using var channel = new MediaChannel("held", _bed.Clock) { Source = new ToneSource(1000) };
        var tap = new FrameTap();
        channel.AttachBug(tap);
        _bed.Tick(10);

        channel.IsHeld = true;
        _bed.Tick(150); // 3 s on hold
        Assert.Equal(10, tap.Frames.Count);

        channel.IsHeld = false;
        _bed.Tick(30);
        var after = tap.Frames.Skip(10).ToList();
        Assert.Equal(30, after.Count);
        Assert.All(after.Take(MediaChannel.UnholdSilenceFrames), f => Assert.True(AudioAnalysis.IsSilent(f.Read)));
        Assert.All(after.Skip(MediaChannel.UnholdSilenceFrames), f => Assert.True(AudioAnalysis.HasTone(f.Read, 1000)));
        Assert.Equal(13, MediaChannel.UnholdSilenceFrames);
    }

    [Fact]
    public async Task A_held_leg_sends_nothing_to_its_audio_stream()
    {
        await using StreamServer server = await StreamServer.StartAsync();
        await using var channel = new MediaChannel("held-stream", _bed.Clock) { Source = new ToneSource(1000) };
        var events = new StreamEventLog();
        var session = new AudioStreamSession(channel, new AudioStreamOptions { Url = server.Url(), TempDirectory = _bed.Directory }, events.Sink);
        Assert.True(session.TryStart());
        StreamConnection connection = await server.AcceptAsync();
        Assert.True(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));

        channel.IsHeld = true;
        _bed.Tick(100);
        channel.IsHeld = false;
        _bed.Tick(20);

        List<ReceivedMessage> frames = await connection.ReceiveBinaryAsync(20);
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(20, connection.BinaryCount);
        Assert.All(frames.Take(13), f => Assert.True(AudioAnalysis.IsSilent(AudioAnalysis.Samples(f.Data))));
        Assert.All(frames.Skip(14), f => Assert.True(AudioAnalysis.HasTone(AudioAnalysis.Samples(f.Data), 1000)));
    }

    [Fact]
    public async Task Bridged_legs_hear_each_other_and_the_partner_of_a_held_leg_hears_music_on_hold()
    {
        await using var caller = new MediaChannel("caller", _bed.Clock) { Source = new ToneSource(1000) };
        await using var agent = new MediaChannel("agent", _bed.Clock) { Source = new ToneSource(600) };
        var callerTap = new FrameTap();
        var agentTap = new FrameTap();
        caller.AttachBug(callerTap);
        agent.AttachBug(agentTap);
        MediaChannel.Bridge(caller, agent);
        _bed.Tick(5);
        Assert.All(callerTap.Frames, f => Assert.True(AudioAnalysis.HasTone(f.Write, 600)));
        Assert.All(agentTap.Frames, f => Assert.True(AudioAnalysis.HasTone(f.Write, 1000)));

        agent.IsHeld = true; // uuid_hold <G>: the caller keeps streaming and hears MOH
        _bed.Tick(50);
        var held = callerTap.Frames.Skip(5).ToList();
        Assert.Equal(50, held.Count);
        Assert.All(held, f => Assert.True(AudioAnalysis.HasTone(f.Read, 1000)));
        Assert.Contains(held, f => AudioAnalysis.HasTone(f.Write, MusicOnHoldSource.MelodyFrequencies[0]));
        Assert.DoesNotContain(held, f => AudioAnalysis.HasTone(f.Write, 600));

        caller.Unbridge();
        Assert.Null(agent.BridgedTo);
        _bed.Tick(2);
        Assert.All(callerTap.Frames.Skip(55), f => Assert.True(AudioAnalysis.IsSilent(f.Write)));
    }

    [Fact]
    public async Task Inserted_read_silence_replaces_the_next_frames_as_at_a_transfer()
    {
        await using var channel = new MediaChannel("transfer", _bed.Clock) { Source = new ToneSource(1000) };
        var tap = new FrameTap();
        channel.AttachBug(tap);
        _bed.Tick(3);
        channel.InsertReadSilence(2);
        _bed.Tick(4);
        Assert.Equal("TT..TT", string.Concat(tap.Frames.Skip(1).Select(f => AudioAnalysis.HasTone(f.Read, 1000) ? 'T' : AudioAnalysis.IsSilent(f.Read) ? '.' : '?')));
    }

    [Fact]
    public async Task A_live_source_is_consumed_one_frame_per_tick_and_reads_silence_when_empty()
    {
        var live = new LiveAudioSource(inputSampleRate: 16000);
        await using var channel = new MediaChannel("browser", _bed.Clock) { Source = live };
        var tap = new FrameTap();
        channel.AttachBug(tap);

        live.Write(AudioAnalysis.Tone(1000, 16000, 16000 / 50 * 5)); // 100 ms at 16 kHz
        Assert.Equal(800, live.BufferedSamples);
        _bed.Tick(8);

        string track = string.Concat(tap.Frames.Select(f => AudioAnalysis.HasTone(f.Read, 1000) ? 'T' : AudioAnalysis.IsSilent(f.Read) ? '.' : '?'));
        Assert.Equal("TTTTT...", track);
        Assert.Equal(0, live.BufferedSamples);
    }

    [Fact]
    public void A_live_source_drops_the_oldest_audio_when_full()
    {
        using var live = new LiveAudioSource(capacity: TimeSpan.FromMilliseconds(100));
        short[] ramp = Enumerable.Range(0, 1600).Select(i => (short)i).ToArray();
        live.Write(ramp);
        Assert.Equal(800, live.BufferedSamples);
        Assert.Equal(800, live.DroppedSamples);
        var frame = new short[160];
        live.Read(frame);
        Assert.Equal(800, frame[0]);
    }

    [Fact]
    public async Task A_wav_source_at_16_kHz_stereo_is_read_as_8_kHz_mono_and_can_loop()
    {
        string path = Path.Combine(_bed.Directory, "voice.wav");
        short[] left = AudioAnalysis.Tone(1000, 16000, 16000 / 50 * 4);
        var stereo = new short[left.Length * 2];
        for (int i = 0; i < left.Length; i++)
        {
            stereo[2 * i] = left[i];
            stereo[(2 * i) + 1] = left[i];
        }

        using (FileStream file = File.Create(path))
        {
            WavFile.Write(file, stereo, 16000, channels: 2);
        }

        await using var once = new MediaChannel("once", _bed.Clock) { Source = WavFileSource.Open(path) };
        await using var looped = new MediaChannel("looped", _bed.Clock) { Source = WavFileSource.Open(path, loop: true) };
        var onceTap = new FrameTap();
        var loopTap = new FrameTap();
        once.AttachBug(onceTap);
        looped.AttachBug(loopTap);
        _bed.Tick(12);

        Assert.InRange(onceTap.Frames.Count(f => AudioAnalysis.HasTone(f.Read, 1000)), 3, 4);
        Assert.All(onceTap.Frames.Skip(5), f => Assert.True(AudioAnalysis.IsSilent(f.Read)));
        Assert.True(loopTap.Frames.Count(f => AudioAnalysis.HasTone(f.Read, 1000)) >= 10);
    }

    [Fact]
    public async Task Hangup_finalises_recorders_and_stops_ticking_the_channel()
    {
        var channel = new MediaChannel("hangup", _bed.Clock) { Source = new ToneSource(1000) };
        string path = Path.Combine(_bed.Directory, "rec", "call.wav");
        var recorder = new CallRecorder(path);
        channel.AttachBug(recorder);
        _bed.Tick(10);
        Assert.Equal(1, _bed.Clock.ParticipantCount);

        await channel.DisposeAsync();
        Assert.Equal(0, _bed.Clock.ParticipantCount);
        Assert.False(recorder.IsRecording);
        using FileStream file = File.OpenRead(path);
        WavAudio audio = WavFile.Read(file);
        Assert.Equal(1600, audio.Samples.Length);
    }

    [Fact]
    public async Task A_live_sink_hands_what_the_party_hears_to_another_thread_and_drops_the_oldest_when_full()
    {
        await using var channel = new MediaChannel("browser", _bed.Clock);
        var sink = new LiveAudioSink(LiveAudioDirection.Heard, TimeSpan.FromMilliseconds(100));
        channel.AttachBug(sink);
        channel.Playback.Enqueue(_bed.ToneFile("prompt.r8", 1000, frames: 20), PlaybackOrigin.SendMessage);
        _bed.Tick(3);

        var heard = new short[480];
        Assert.Equal(480, sink.Read(heard));
        Assert.True(AudioAnalysis.IsSilent(heard.AsSpan(0, 160)));
        Assert.True(AudioAnalysis.HasTone(heard.AsSpan(160, 320), 1000));
        Assert.Equal(0, sink.Read(heard));

        _bed.Tick(8); // 160 ms into a 100 ms buffer
        Assert.Equal(800, sink.BufferedSamples);
        Assert.Equal(480, sink.DroppedSamples);
    }

    [Fact]
    public async Task Playback_cannot_be_queued_on_a_hung_up_channel()
    {
        var channel = new MediaChannel("gone", _bed.Clock);
        await channel.DisposeAsync();
        Assert.False(channel.Playback.Enqueue("local_stream://moh", PlaybackOrigin.Broadcast));
        Assert.True(channel.IsDisposed);
    }
}
