using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class ToneGeneratorTests
{
    [Fact]
    public void Fills_a_sine_of_the_requested_frequency_amplitude_and_phase()
    {
        var samples = new short[400];
        ToneGenerator.Fill(samples, 1000, 16000, amplitude: 0.25, phase: Math.PI / 2);

        for (int n = 0; n < samples.Length; n++)
        {
            double expected = 0.25 * 32767 * Math.Cos(2 * Math.PI * 1000 * n / 16000);
            Assert.InRange(samples[n], expected - 0.5, expected + 0.5);
        }
    }

    [Fact]
    public void Frames_continued_with_the_returned_phase_join_without_a_glitch()
    {
        var whole = new short[8000];
        ToneGenerator.Fill(whole, 437, 8000, amplitude: 0.8);

        var framed = new short[8000];
        double phase = 0;
        for (int offset = 0; offset < framed.Length; offset += 160)
        {
            phase = ToneGenerator.Fill(framed.AsSpan(offset, 160), 437, 8000, amplitude: 0.8, phase: phase);
            Assert.InRange(phase, 0, 2 * Math.PI);
        }

        for (int n = 0; n < whole.Length; n++)
        {
            Assert.InRange(framed[n] - whole[n], -1, 1); // rounding of the wrapped phase at most
        }

        Assert.True(Signals.FitTone(framed, 437, 8000).SnrDb > 80);
    }

    [Fact]
    public void Full_amplitude_reaches_but_does_not_overflow_full_scale()
    {
        var samples = new short[8000];
        ToneGenerator.Fill(samples, 2000, 8000, amplitude: 1, phase: Math.PI / 2);
        Assert.Equal(short.MaxValue, samples.Max());
        Assert.Equal(-short.MaxValue, samples.Min());
    }

    [Fact]
    public void An_amplitude_above_full_scale_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ToneGenerator.Fill(new short[1], 1000, 8000, amplitude: 1.5));
}
