namespace Switchboard.Protocols.Audio;

/// <summary>Generates sine tones as PCM16 (generated caller audio in the sandbox, test signals).</summary>
public static class ToneGenerator
{
    /// <summary>
    /// Fills <paramref name="destination"/> with <c>amplitude × 32767 × sin(phase + 2π·f·n / sampleRate)</c>.
    /// </summary>
    /// <param name="destination">Mono samples to fill.</param>
    /// <param name="frequency">Tone frequency in Hz (0 to below half the sample rate).</param>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="amplitude">Peak amplitude as a fraction of full scale, 0 to 1.</param>
    /// <param name="phase">Phase of the first sample in radians.</param>
    /// <returns>The phase of the sample after the last one, in [0, 2π): pass it back to continue the tone seamlessly in the next frame.</returns>
    public static double Fill(Span<short> destination, double frequency, int sampleRate, double amplitude = 0.5, double phase = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegative(frequency);
        ArgumentOutOfRangeException.ThrowIfNegative(amplitude);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amplitude, 1.0);
        double step = 2 * Math.PI * frequency / sampleRate;
        double peak = amplitude * short.MaxValue;
        for (int i = 0; i < destination.Length; i++)
        {
            // Computed from the start phase, not accumulated, so long tones keep their exact frequency.
            destination[i] = (short)Math.Round(peak * Math.Sin(phase + (step * i)));
        }

        double next = (phase + (step * destination.Length)) % (2 * Math.PI);
        return next < 0 ? next + (2 * Math.PI) : next;
    }
}
