namespace Switchboard.Server.Tests.Support;

/// <summary>Finds test tones in recorded audio, 20 ms frame by frame (Goertzel).</summary>
public static class Tones
{
    /// <summary>For each 20 ms frame of one channel of interleaved PCM, whether <paramref name="hz"/> is present.</summary>
    public static bool[] Present(short[] interleaved, int channels, int channel, double hz, int sampleRate = 8000, double threshold = 0.05)
    {
        int frameSamples = sampleRate / 50;
        int frames = interleaved.Length / channels / frameSamples;
        bool[] present = new bool[frames];
        double coefficient = 2 * Math.Cos(2 * Math.PI * hz / sampleRate);
        for (int f = 0; f < frames; f++)
        {
            double s1 = 0, s2 = 0;
            for (int i = 0; i < frameSamples; i++)
            {
                double s0 = interleaved[(((f * frameSamples) + i) * channels) + channel] + (coefficient * s1) - s2;
                s2 = s1;
                s1 = s0;
            }

            double power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
            double amplitude = 2 * Math.Sqrt(Math.Max(power, 0)) / frameSamples / 32768;
            present[f] = amplitude > threshold;
        }

        return present;
    }

    /// <summary>Milliseconds of 20 ms frames of one channel in which <paramref name="hz"/> is present.</summary>
    public static int Milliseconds(short[] interleaved, int channels, int channel, double hz) =>
        Present(interleaved, channels, channel, hz).Count(x => x) * 20;
}
