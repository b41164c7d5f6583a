namespace Switchboard.Protocols.Tests.Audio;

/// <summary>Test signals and measurements, computed independently of the code under test.</summary>
internal static class Signals
{
    public static short[] Tone(int length, double frequency, int sampleRate, double amplitude = 0.5)
    {
        var samples = new short[length];
        for (int n = 0; n < length; n++)
        {
            samples[n] = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * n / sampleRate));
        }

        return samples;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>
    /// Least-squares fit of <c>a·sin(ωn) + b·cos(ωn)</c> at <paramref name="frequency"/>: the fitted sinusoid
    /// absorbs any gain and delay (phase), and what is left over is noise, aliases and images.
    /// </summary>
    public static ToneFit FitTone(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        double w = 2 * Math.PI * frequency / sampleRate;
        double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
        for (int n = 0; n < samples.Length; n++)
        {
            double s = Math.Sin(w * n), c = Math.Cos(w * n), y = samples[n];
            ss += s * s;
            cc += c * c;
            sc += s * c;
            ys += y * s;
            yc += y * c;
        }

        double det = (ss * cc) - (sc * sc);
        double a = ((ys * cc) - (yc * sc)) / det;
        double b = ((yc * ss) - (ys * sc)) / det;
        double residual = 0;
        for (int n = 0; n < samples.Length; n++)
        {
            double e = samples[n] - ((a * Math.Sin(w * n)) + (b * Math.Cos(w * n)));
            residual += e * e;
        }

        return new ToneFit(Math.Sqrt((a * a) + (b * b)), Math.Atan2(b, a), Math.Sqrt(residual / samples.Length));
    }

    /// <summary>Resamples <paramref name="input"/> in 20 ms frames, as a call does.</summary>
    public static short[] ResampleInFrames(Switchboard.Protocols.Audio.Resampler resampler, short[] input)
    {
        int frame = resampler.InputRate / 50;
        var output = new List<short>();
        var buffer = new short[Switchboard.Protocols.Audio.Resampler.MaxOutputLength(frame, resampler.InputRate, resampler.OutputRate)];
        for (int offset = 0; offset < input.Length; offset += frame)
        {
            int n = resampler.Process(input.AsSpan(offset, Math.Min(frame, input.Length - offset)), buffer);
            output.AddRange(buffer.AsSpan(0, n));
        }

        return [.. output];
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);
}

/// <param name="Amplitude">Peak amplitude of the fitted sinusoid.</param>
/// <param name="Phase">Phase of the fitted sinusoid at n = 0, radians.</param>
/// <param name="ResidualRms">RMS of what the sinusoid does not explain.</param>
internal readonly record struct ToneFit(double Amplitude, double Phase, double ResidualRms)
{
    /// <summary>Signal-to-noise ratio in dB: sinusoid power over residual power.</summary>
    public double SnrDb => 10 * Math.Log10(Amplitude * Amplitude / 2 / (ResidualRms * ResidualRms));
}
