using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class PlaybackQueueTests : IAsyncLifetime
{
    private readonly MediaTestBed _bed = new();
    private readonly List<(long Tick, PlaybackNotification Notification)> _notifications = [];
    private MediaChannel _channel = null!;
    private FrameTap _tap = null!;

    public Task InitializeAsync()
    {
        _channel = new MediaChannel("a-leg", _bed.Clock);
        _channel.Playback.Notified += n => _notifications.Add((_bed.Clock.TickCount + 1, n));
        _tap = new FrameTap();
        _channel.AttachBug(_tap);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _bed.DisposeAsync();
    }

    /// <summary>Per tick: 'T' = the test tone, '.' = silence, '?' = anything else.</summary>
    private string WriteTrack(double frequency) =>
        string.Concat(_tap.Frames.Select(f =>
            AudioAnalysis.HasTone(f.Write, frequency) ? 'T' : AudioAnalysis.IsSilent(f.Write) ? '.' : '?'));

    [Fact]
    public void Sendmsg_playback_starts_on_the_next_tick_and_is_heard_the_tick_after()
    {
        string file = _bed.ToneFile("one.r8", 1000, frames: 10);
        _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage, "app-1");
        _bed.Tick(14);

        // Command before tick 1: tick 1 opens the file (silent), audio on ticks 2-11 (20-40 ms latency), stop on 12.
        Assert.Equal("." + new string('T', 10) + "...", WriteTrack(1000));
        Assert.Equal(
            [(1L, PlaybackNotificationKind.Started, (string?)null), (12L, PlaybackNotificationKind.Stopped, "done")],
            _notifications.Select(n => (n.Tick, n.Notification.Kind, n.Notification.Status)));
        Assert.All(_notifications, n => Assert.Equal("app-1", n.Notification.ApplicationUuid));
        Assert.All(_notifications, n => Assert.Equal(file, n.Notification.Path));
    }

    [Fact]
    public void Sendmsg_files_play_back_to_back_with_exactly_one_silent_frame_between()
    {
        string a = _bed.ToneFile("a.r8", 1000, frames: 50);
        string b = _bed.ToneFile("b.r8", 1000, frames: 50);
        string c = _bed.ToneFile("c.r8", 1000, frames: 50);
        foreach (string file in new[] { a, b, c })
        {
            _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage);
        }

        _bed.Tick(160);

        string track = WriteTrack(1000);
        string tone = new('T', 50);
        Assert.StartsWith("." + tone + "." + tone + "." + tone + ".", track, StringComparison.Ordinal);
        Assert.DoesNotContain('T', track[154..]);

        // PLAYBACK_STOP of one file and PLAYBACK_START of the next carry the same tick.
        long stopA = _notifications.Single(n => n.Notification is { Kind: PlaybackNotificationKind.Stopped } s && s.Path == a).Tick;
        long startB = _notifications.Single(n => n.Notification is { Kind: PlaybackNotificationKind.Started } s && s.Path == b).Tick;
        Assert.Equal(stopA, startB);
    }

    [Fact]
    public void Broadcast_files_wait_five_lead_frames_so_gaps_are_120_ms()
    {
        string a = _bed.ToneFile("a.r8", 1000, frames: 25);
        string b = _bed.ToneFile("b.r8", 1000, frames: 25);
        _channel.Playback.Enqueue(a, PlaybackOrigin.Broadcast);
        _channel.Playback.Enqueue(b, PlaybackOrigin.Broadcast);
        _bed.Tick(70);

        string track = WriteTrack(1000);
        int firstAudio = track.IndexOf('T', StringComparison.Ordinal);
        int secondAudio = track.IndexOf('T', firstAudio + 25);
        // First audio 120-160 ms after the command (measured 125-158 ms): frame index 6 = 120-140 ms.
        Assert.InRange(firstAudio * 20, 120, 160);
        Assert.Equal(new string('T', 25), track.Substring(firstAudio, 25));
        // Measured gap 120 ms = 6 silent frames; 100 ms from PLAYBACK_STOP to the next PLAYBACK_START.
        Assert.Equal(6, secondAudio - (firstAudio + 25));
        long stopA = _notifications.Single(n => n.Notification is { Kind: PlaybackNotificationKind.Stopped } s && s.Path == a).Tick;
        long startB = _notifications.Single(n => n.Notification is { Kind: PlaybackNotificationKind.Started } s && s.Path == b).Tick;
        Assert.Equal(5, startB - stopA);
    }

    [Fact]
    public void Break_all_silences_within_two_ticks_and_flushes_the_queue()
    {
        string a = _bed.ToneFile("a.r8", 1000, frames: 100);
        string b = _bed.ToneFile("b.r8", 1000, frames: 100);
        _channel.Playback.Enqueue(a, PlaybackOrigin.SendMessage);
        _channel.Playback.Enqueue(b, PlaybackOrigin.Broadcast);
        _bed.Tick(20);
        Assert.True(_channel.Playback.IsPlaying);

        _channel.Playback.Break(all: true);
        _bed.Tick(30);

        string after = WriteTrack(1000)[20..];
        int lastTone = after.LastIndexOf('T');
        // Measured 24-42 ms to silence: at most the frame already in flight still plays.
        Assert.InRange(lastTone + 1, 0, 2);
        Assert.DoesNotContain('T', after[2..]);
        Assert.Equal(0, _channel.Playback.QueuedCount);
        Assert.Contains(_notifications, n => n.Notification is { Kind: PlaybackNotificationKind.Stopped, Status: "break" } s && s.Path == a);
        Assert.DoesNotContain(_notifications, n => n.Notification.Path == b);
    }

    [Fact]
    public void Break_without_all_stops_the_current_file_and_the_next_starts_about_184_ms_later()
    {
        string a = _bed.ToneFile("a.r8", 1000, frames: 100);
        string b = _bed.ToneFile("b.r8", 600, frames: 20);
        _channel.Playback.Enqueue(a, PlaybackOrigin.SendMessage);
        _channel.Playback.Enqueue(b, PlaybackOrigin.SendMessage);
        _bed.Tick(20);

        _channel.Playback.Break(all: false);
        _bed.Tick(40);

        var after = _tap.Frames.Skip(20).ToList();
        int lastA = after.FindLastIndex(f => AudioAnalysis.HasTone(f.Write, 1000));
        int firstB = after.FindIndex(f => AudioAnalysis.HasTone(f.Write, 600));
        Assert.InRange(lastA + 1, 0, 2);
        // The command came before tick index 0 of "after"; frame k ends (k+1)*20 ms after it.
        Assert.InRange((firstB + 1) * 20, 160, 220);
        Assert.Equal(20, after.Count(f => AudioAnalysis.HasTone(f.Write, 600)));
        Assert.Contains(_notifications, n => n.Notification is { Kind: PlaybackNotificationKind.Stopped, Status: "break" } s && s.Path == a);
        Assert.Contains(_notifications, n => n.Notification is { Kind: PlaybackNotificationKind.Stopped, Status: "done" } s && s.Path == b);
    }

    [Fact]
    public void A_missing_file_fails_with_file_not_found_and_the_next_file_still_plays()
    {
        string missing = Path.Combine(_bed.Directory, "nope.r8");
        string b = _bed.ToneFile("b.r8", 1000, frames: 5);
        _channel.Playback.Enqueue(missing, PlaybackOrigin.SendMessage, "app-x");
        _channel.Playback.Enqueue(b, PlaybackOrigin.SendMessage);
        _bed.Tick(12);

        PlaybackNotification failed = Assert.Single(_notifications, n => n.Notification.Kind == PlaybackNotificationKind.Failed).Notification;
        Assert.Equal(missing, failed.Path);
        Assert.Equal("FILE NOT FOUND", failed.Error);
        Assert.Equal("app-x", failed.ApplicationUuid);
        Assert.DoesNotContain(_notifications, n => n.Notification.Path == missing && n.Notification.Kind != PlaybackNotificationKind.Failed);
        Assert.Equal(5, WriteTrack(1000).Count(c => c == 'T'));
    }

    [Fact]
    public void Local_stream_moh_plays_until_break()
    {
        _channel.Playback.Enqueue("local_stream://moh", PlaybackOrigin.Broadcast);
        _bed.Tick(200);
        double first = MusicOnHoldSource.MelodyFrequencies[0];
        double second = MusicOnHoldSource.MelodyFrequencies[1];
        var frames = _tap.Frames;
        Assert.Contains(frames, f => AudioAnalysis.HasTone(f.Write, first));
        Assert.Contains(frames, f => AudioAnalysis.HasTone(f.Write, second));
        Assert.True(_channel.Playback.IsPlaying);

        _channel.Playback.Break(all: true);
        _bed.Tick(10);
        Assert.False(_channel.Playback.IsPlaying);
        Assert.All(_tap.Frames.Skip(202), f => Assert.True(AudioAnalysis.IsSilent(f.Write)));
    }

    [Fact]
    public void Tone_stream_and_silence_stream_play_for_their_durations()
    {
        _channel.Playback.Enqueue("tone_stream://%(200,0,500,600,700)", PlaybackOrigin.SendMessage);
        _channel.Playback.Enqueue("silence_stream://100", PlaybackOrigin.SendMessage);
        _channel.Playback.Enqueue("tone_stream://%(100,100,440);loops=2", PlaybackOrigin.SendMessage);
        _bed.Tick(40);

        string track = string.Concat(_tap.Frames.Select(f =>
            AudioAnalysis.HasTone(f.Write, 440) ? 'A' : AudioAnalysis.IsSilent(f.Write) ? '.' : 'E'));
        // 10 frames of the enter tone, seam, 5 silent frames, seam, then 2 × (5 on, 5 off).
        Assert.Equal("." + new string('E', 10) + "." + "....." + "." + "AAAAA....." + "AAAAA.....", track[..38]);
    }

    [Fact]
    public void Wav_files_at_16_kHz_are_resampled_to_the_channel_rate()
    {
        string file = _bed.ToneFile("tone16.wav", 1000, frames: 25, sampleRate: 16000);
        _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage);
        _bed.Tick(30);
        Assert.InRange(WriteTrack(1000).Count(c => c == 'T'), 24, 25);
    }

    [Fact]
    public void A_frame_of_minus_one_samples_replaces_one_caller_frame_at_playback_start_and_end()
    {
        _channel.Source = new ToneSource(600);
        string file = _bed.ToneFile("a.r8", 1000, frames: 10);
        _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage);
        _bed.Tick(16);

        var frames = _tap.Frames;
        int[] marked = frames.Select((f, i) => (f, i)).Where(x => x.f.Read.All(s => s == -1)).Select(x => x.i).ToArray();
        // Started on tick 1, stopped on tick 12: the caller frames of ticks 2 and 13 are replaced.
        Assert.Equal([1, 12], marked);
        Assert.All(frames.Where((_, i) => i is not 1 and not 12), f => Assert.True(AudioAnalysis.HasTone(f.Read, 600)));
    }

    [Fact]
    public void Caller_audio_keeps_flowing_to_media_bugs_while_a_file_plays()
    {
        _channel.Source = new ToneSource(600);
        _channel.Playback.Enqueue(_bed.ToneFile("a.r8", 1000, frames: 30), PlaybackOrigin.SendMessage);
        _bed.Tick(30);
        var frames = _tap.Frames;
        Assert.Equal(30, frames.Count);
        Assert.True(frames.Count(f => AudioAnalysis.HasTone(f.Read, 600)) >= 28);
        Assert.True(frames.Count(f => AudioAnalysis.HasTone(f.Write, 1000)) >= 28);
    }
}
