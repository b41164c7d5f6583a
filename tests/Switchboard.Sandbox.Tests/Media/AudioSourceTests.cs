using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class AudioSourceTests
{
    [Theory]
    [InlineData("%(200,0,500,600,700)", 1, 1, 200)]
    [InlineData("%(2000,4000,440,480);loops=-1", 1, -1, 6000)]
    [InlineData("L=3;%(100,100,350,440)", 1, 3, 200)]
    [InlineData("v=-7;%(100,50,400);%(100,50,800)", 2, 1, 150)]
    public void Tone_streams_parse_segments_and_loops(string spec, int segments, int loops, int firstSegmentMs)
    {
        Assert.True(ToneStreamSource.TryParse(spec, out ToneStreamSource? source, out string? error), error);
        using (source)
        {
            Assert.Equal(segments, source!.Segments.Count);
            Assert.Equal(loops, source.Loops);
            Assert.Equal(firstSegmentMs, source.Segments[0].OnMilliseconds + source.Segments[0].OffMilliseconds);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("%(200,0,500")]
    [InlineData("%(abc,0,500)")]
    [InlineData("%(0,0,500)")]
    [InlineData("%(100,0,5000)")]
    [InlineData("hello")]
    [InlineData("%(100,0,400);loops=0")]
    public void Malformed_tone_streams_are_rejected(string spec)
    {
        Assert.False(ToneStreamSource.TryParse(spec, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_tone_stream_plays_on_and_off_for_the_given_durations_then_ends()
    {
        Assert.True(ToneStreamSource.TryParse("%(40,20,1000);L=2", out ToneStreamSource? source, out _));
        using (source)
        {
            var all = new List<short>();
            var frame = new short[160];
            int read;
            while ((read = source!.Read(frame)) > 0)
            {
                all.AddRange(frame.AsSpan(0, read).ToArray());
            }

            Assert.Equal(2 * 60 * 8, all.Count);
            short[] samples = [.. all];
            Assert.True(AudioAnalysis.HasTone(samples.AsSpan(0, 320), 1000));
            Assert.True(AudioAnalysis.IsSilent(samples.AsSpan(320, 160)));
            Assert.True(AudioAnalysis.HasTone(samples.AsSpan(480, 320), 1000));
        }
    }

    [Theory]
    [InlineData("local_stream://moh", true)]
    [InlineData("local_stream://default", true)]
    [InlineData("silence_stream://500", true)]
    [InlineData("silence_stream://-1", true)]
    [InlineData("silence_stream://x", false)]
    [InlineData("tone_stream://%(100,0,440)", true)]
    [InlineData("/nonexistent/file.wav", false)]
    [InlineData("/nonexistent/file.r8", false)]
    [InlineData("/tmp/file.mp3", false)]
    public void Playback_paths_open_by_scheme_and_extension(string path, bool opens)
    {
        bool ok = PlaybackSources.TryOpen(path, out IAudioSource? source, out string? error);
        source?.Dispose();
        Assert.Equal(opens, ok);
        Assert.Equal(opens, error is null);
    }

    [Fact]
    public void Silence_stream_lasts_its_duration()
    {
        Assert.True(PlaybackSources.TryOpen("silence_stream://100", out IAudioSource? source, out _));
        using (source)
        {
            var frame = new short[160];
            int total = 0;
            int read;
            while ((read = source!.Read(frame)) > 0)
            {
                total += read;
            }

            Assert.Equal(800, total);
        }
    }

    [Fact]
    public void Music_on_hold_plays_its_melody_in_order_and_never_ends()
    {
        using var moh = new MusicOnHoldSource();
        var note = new short[MusicOnHoldSource.NoteMilliseconds * 8];
        var pause = new short[MusicOnHoldSource.PauseMilliseconds * 8];
        foreach (double frequency in MusicOnHoldSource.MelodyFrequencies.Concat(MusicOnHoldSource.MelodyFrequencies))
        {
            Assert.Equal(note.Length, moh.Read(note));
            Assert.True(AudioAnalysis.HasTone(note, frequency), $"{frequency} Hz");
            Assert.Equal(pause.Length, moh.Read(pause));
            Assert.True(AudioAnalysis.IsSilent(pause));
        }
    }

    [Theory]
    [InlineData("ws://10.0.0.5:8080/stream?call=4b2c", true)]
    [InlineData("wss://ai-host.example.com/calls/1", true)]
    [InlineData("ws://localhost", true)]
    [InlineData("http://host/x", false)]
    [InlineData("ws://my_host/x", false)]
    [InlineData("ws://[::1]:80/x", false)]
    [InlineData("ws://host:80a/x", false)]
    [InlineData("ws://:80/x", false)]
    public void Stream_urls_are_validated_like_the_module(string url, bool valid)
    {
        Assert.Equal(valid, AudioStreamOptions.TryParseUrl(url, out Uri? parsed));
        Assert.Equal(valid, parsed is not null);
    }

    [Theory]
    [InlineData(null, true, 8000)]
    [InlineData("8k", true, 8000)]
    [InlineData("16k", true, 16000)]
    [InlineData("24000", true, 24000)]
    [InlineData("48000", true, 48000)]
    [InlineData("24k", false, 0)]
    [InlineData("44100", false, 0)]
    [InlineData("-8000", false, 0)]
    public void Stream_rates_are_validated_like_the_module(string? text, bool valid, int rate)
    {
        Assert.Equal(valid, AudioStreamOptions.TryParseRate(text, out int parsed));
        if (valid)
        {
            Assert.Equal(rate, parsed);
        }
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData("20", 20)]
    [InlineData("100", 100)]
    [InlineData("30", 20)]
    [InlineData("0", 20)]
    [InlineData("abc", 20)]
    public void STREAM_BUFFER_SIZE_must_be_a_multiple_of_20_else_20(string? text, int expected) =>
        Assert.Equal(expected, AudioStreamOptions.ParseBufferSize(text));

    [Theory]
    [InlineData("mono", true, AudioStreamMix.Mono)]
    [InlineData("mixed", true, AudioStreamMix.Mixed)]
    [InlineData("stereo", true, AudioStreamMix.Stereo)]
    [InlineData("Mono", false, AudioStreamMix.Mono)]
    [InlineData("both", false, AudioStreamMix.Mono)]
    public void Mix_types_are_exact(string text, bool valid, AudioStreamMix mix)
    {
        Assert.Equal(valid, AudioStreamOptions.TryParseMix(text, out AudioStreamMix parsed));
        Assert.Equal(mix, parsed);
    }
}
