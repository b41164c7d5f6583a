using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class EnergyVadTests
{
    private const int FrameSamples = 160; // 20 ms at 8 kHz

    private static readonly short[] Silence = new short[FrameSamples];
    private static readonly short[] Hiss = Noise(FrameSamples, 30, seed: 5);  // about −65 dBFS: a quiet line
    private static readonly short[] Voice = Signals.Tone(FrameSamples, 440, 8000, 0.1); // about −23 dBFS

    [Fact]
    public void Speech_starts_once_loud_frames_have_lasted_the_minimum_duration()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 100, hangoverMs: 200, frameMs: 20);

        for (int i = 1; i <= 4; i++)
        {
            Assert.Equal(VadEvent.None, vad.Process(Voice));
            Assert.False(vad.IsSpeaking);
        }

        Assert.Equal(VadEvent.SpeechStarted, vad.Process(Voice)); // 5 × 20 ms = 100 ms
        Assert.True(vad.IsSpeaking);
        Assert.Equal(VadEvent.None, vad.Process(Voice));
    }

    [Fact]
    public void A_20_ms_click_does_not_start_speech()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 100, hangoverMs: 200, frameMs: 20);
        var click = new short[FrameSamples];
        click.AsSpan(0, 40).Fill(20000); // about −10 dBFS over the frame: far above the threshold

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(VadEvent.None, vad.Process(i % 5 == 0 ? click : Hiss));
            Assert.False(vad.IsSpeaking);
        }
    }

    [Fact]
    public void Loud_frames_interrupted_by_silence_restart_the_minimum_duration()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 100, hangoverMs: 200, frameMs: 20);
        for (int i = 0; i < 4; i++)
        {
            vad.Process(Voice);
        }

        vad.Process(Silence);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(VadEvent.None, vad.Process(Voice));
        }

        Assert.Equal(VadEvent.SpeechStarted, vad.Process(Voice));
    }

    [Fact]
    public void Speech_ends_after_the_hangover_and_pauses_shorter_than_it_are_bridged()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 20, hangoverMs: 200, frameMs: 20);
        Assert.Equal(VadEvent.SpeechStarted, vad.Process(Voice));

        for (int i = 0; i < 9; i++) // a 180 ms pause between words
        {
            Assert.Equal(VadEvent.None, vad.Process(Hiss));
        }

        Assert.Equal(VadEvent.None, vad.Process(Voice));
        Assert.True(vad.IsSpeaking);

        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(VadEvent.None, vad.Process(Silence));
            Assert.True(vad.IsSpeaking);
        }

        Assert.Equal(VadEvent.SpeechEnded, vad.Process(Silence)); // 10 × 20 ms = 200 ms
        Assert.False(vad.IsSpeaking);
        Assert.Equal(VadEvent.None, vad.Process(Silence));
    }

    [Fact]
    public void The_frame_duration_scales_the_timings()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 100, hangoverMs: 100, frameMs: 10);
        short[] voice = Signals.Tone(80, 440, 8000, 0.1);
        for (int i = 1; i < 10; i++)
        {
            Assert.Equal(VadEvent.None, vad.Process(voice));
        }

        Assert.Equal(VadEvent.SpeechStarted, vad.Process(voice));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void Levels_are_RMS_relative_to_full_scale(double amplitude)
    {
        // A sine of peak A has RMS A/√2: −3 dB relative to a square of the same peak.
        short[] tone = Signals.Tone(8000, 1013, 8000, amplitude);
        double expected = 20 * Math.Log10(amplitude * 32767 / Math.Sqrt(2) / 32768);
        Assert.Equal(expected, EnergyVad.LevelDbfs(tone), 2);
        Assert.Equal(double.NegativeInfinity, EnergyVad.LevelDbfs(Silence));
    }

    [Fact]
    public void The_threshold_separates_a_quiet_line_from_a_voice()
    {
        var vad = new EnergyVad(thresholdDbfs: -45, minSpeechMs: 0, hangoverMs: 0);
        Assert.Equal(VadEvent.None, vad.Process(Hiss));
        Assert.True(vad.LastLevelDbfs < -45);
        Assert.Equal(VadEvent.SpeechStarted, vad.Process(Voice));
        Assert.Equal(VadEvent.SpeechEnded, vad.Process(Hiss));
    }

    [Fact]
    public void Reset_returns_to_silence()
    {
        var vad = new EnergyVad(minSpeechMs: 20);
        vad.Process(Voice);
        Assert.True(vad.IsSpeaking);

        vad.Reset();

        Assert.False(vad.IsSpeaking);
        Assert.Equal(VadEvent.SpeechStarted, vad.Process(Voice));
    }

    [Fact]
    public void Processing_allocates_nothing()
    {
        var vad = new EnergyVad(minSpeechMs: 40, hangoverMs: 40);
        vad.Process(Voice);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            vad.Process(i % 7 < 3 ? Voice : Silence);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(thresholdDbfs: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(minSpeechMs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(hangoverMs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(frameMs: 0));
    }

    private static short[] Noise(int length, int peak, int seed)
    {
        var random = new Random(seed);
        var samples = new short[length];
        for (int i = 0; i < length; i++)
        {
            samples[i] = (short)random.Next(-peak, peak + 1);
        }

        return samples;
    }
}
