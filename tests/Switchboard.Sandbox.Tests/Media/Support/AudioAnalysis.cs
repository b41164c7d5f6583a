using System.Runtime.InteropServices;

namespace Switchboard.Sandbox.Tests.Media.Support;

/// <summary>Goertzel tone detection and frame classification for assertions on audio content.</summary>
public static class AudioAnalysis
{
    /// <summary>Goertzel power of <paramref name="frequency"/> relative to the signal's energy (≈1 for a pure tone at that frequency).</summary>
    public static double ToneRatio(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        foreach (short sample in samples)
        {
            double s0 = sample + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
            energy += (double)sample * sample;
        }

        double power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return energy <= 0 ? 0 : 2 * power / (samples.Length * energy);
    }

    /// <summary>Whether the frame is dominated by <paramref name="frequency"/>.</summary>
    public static bool HasTone(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000, double threshold = 0.4) =>
        Rms(samples) > 200 && ToneRatio(samples, frequency, sampleRate) > threshold;

    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (short sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    public static bool IsSilent(ReadOnlySpan<short> samples) => Rms(samples) < 50;

    public static short[] Samples(byte[] pcm) => MemoryMarshal.Cast<byte, short>(pcm.AsSpan()).ToArray();

    /// <summary>Splits interleaved stereo into (left, right).</summary>
    public static (short[] Left, short[] Right) Deinterleave(short[] stereo)
    {
        var left = new short[stereo.Length / 2];
        var right = new short[stereo.Length / 2];
        for (int i = 0; i < left.Length; i++)
        {
            left[i] = stereo[2 * i];
            right[i] = stereo[(2 * i) + 1];
        }

        return (left, right);
    }

    /// <summary>A pure tone at <paramref name="sampleRate"/>.</summary>
    public static short[] Tone(double frequency, int sampleRate, int samples, double amplitude = 0.3)
    {
        var result = new short[samples];
        for (int i = 0; i < samples; i++)
        {
            result[i] = (short)(Math.Sin(2 * Math.PI * frequency * i / sampleRate) * amplitude * short.MaxValue);
        }

        return result;
    }

    public static byte[] Bytes(short[] samples) => MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();

    /// <summary>Writes a PCM16 WAV file (test fixture; independent of the code under test).</summary>
    public static void WriteWav(string path, short[] samples, int sampleRate, int channels = 1)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        int dataBytes = samples.Length * 2;
        writer.Write("RIFF"u8);
        writer.Write(36 + dataBytes);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)channels);
        writer.Write(sampleRate);
        writer.Write(sampleRate * channels * 2);
        writer.Write((short)(channels * 2));
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(dataBytes);
        writer.Write(Bytes(samples));
    }
}
