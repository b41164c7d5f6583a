using Switchboard.Protocols.Audio;
using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class CallRecorderTests : IAsyncLifetime
{
    private readonly MediaTestBed _bed = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static WavAudio ReadWav(string path)
    {
        using FileStream file = File.OpenRead(path);
        return WavFile.Read(file);
    }

    [Fact]
    public async Task Stereo_recording_has_the_party_left_and_what_it_heard_right()
    {
        await using var channel = new MediaChannel("rec", _bed.Clock) { Source = new ToneSource(1000) };
        channel.Playback.Enqueue(_bed.ToneFile("prompt.r8", 600, frames: 50), PlaybackOrigin.SendMessage);
        string path = Path.Combine(_bed.Directory, "stereo.wav");
        var recorder = new CallRecorder(path, stereo: true);
        channel.AttachBug(recorder);
        _bed.Tick(25);
        recorder.Stop();
        channel.DetachBug(recorder);
        _bed.Tick(5);

        WavAudio audio = ReadWav(path);
        Assert.Equal(2, audio.Channels);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(25 * 160 * 2, audio.Samples.Length);
        (short[] left, short[] right) = AudioAnalysis.Deinterleave(audio.Samples);
        Assert.True(AudioAnalysis.HasTone(left.AsSpan(1600, 1600), 1000));
        Assert.True(AudioAnalysis.HasTone(right.AsSpan(1600, 1600), 600));
        Assert.False(AudioAnalysis.HasTone(right.AsSpan(1600, 1600), 1000));
    }

    [Fact]
    public async Task Mono_recording_mixes_what_the_party_said_and_heard()
    {
        await using var channel = new MediaChannel("rec", _bed.Clock) { Source = new ToneSource(1000, 0.2) };
        channel.Playback.Enqueue(_bed.ToneFile("prompt.r8", 600, frames: 50), PlaybackOrigin.SendMessage);
        string path = Path.Combine(_bed.Directory, "mono.wav");
        using var recorder = new CallRecorder(path);
        channel.AttachBug(recorder);
        _bed.Tick(25);
        recorder.Stop();

        WavAudio audio = ReadWav(path);
        Assert.Equal(1, audio.Channels);
        Assert.Equal(25 * 160, audio.Samples.Length);
        ReadOnlySpan<short> middle = audio.Samples.AsSpan(1600, 1600);
        Assert.True(AudioAnalysis.ToneRatio(middle, 1000, 8000) > 0.2);
        Assert.True(AudioAnalysis.ToneRatio(middle, 600, 8000) > 0.2);
    }

    [Fact]
    public async Task A_limit_stops_the_recording_with_exactly_that_much_audio()
    {
        await using var channel = new MediaChannel("rec", _bed.Clock) { Source = new ToneSource(1000) };
        string path = Path.Combine(_bed.Directory, "limited.wav");
        var recorder = new CallRecorder(path, limit: TimeSpan.FromMilliseconds(200));
        var reached = new TaskCompletionSource();
        recorder.LimitReached += _ => reached.TrySetResult();
        channel.AttachBug(recorder);
        _bed.Tick(30);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(recorder.IsRecording);
        Assert.Equal(10 * 160, ReadWav(path).Samples.Length);
    }

    [Fact]
    public async Task A_recording_in_progress_is_already_a_readable_wav_after_the_periodic_flush()
    {
        await using var channel = new MediaChannel("rec", _bed.Clock) { Source = new ToneSource(1000) };
        string path = Path.Combine(_bed.Directory, "live.wav");
        using var recorder = new CallRecorder(path);
        channel.AttachBug(recorder);
        _bed.Tick(CallRecorder.FlushIntervalFrames + 3);

        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        WavAudio audio = WavFile.Read(reader);
        Assert.Equal(CallRecorder.FlushIntervalFrames * 160, audio.Samples.Length);
    }
}
