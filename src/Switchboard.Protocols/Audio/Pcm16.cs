using System.Runtime.InteropServices;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// Views over mono/interleaved PCM16 little-endian audio, the internal format of every frame.
/// The casts are free (no copy), which is why the platform must be little-endian: on a big-endian
/// machine the bytes on the wire would not be the samples in memory.
/// </summary>
public static class Pcm16
{
    /// <summary>Bytes per PCM16 sample.</summary>
    public const int BytesPerSample = 2;

    /// <summary>Reinterprets PCM16 little-endian bytes as samples. The length must be even.</summary>
    public static Span<short> AsSamples(Span<byte> bytes)
    {
        EnsureLittleEndian();
        EnsureEven(bytes.Length, nameof(bytes));
        return MemoryMarshal.Cast<byte, short>(bytes);
    }

    /// <summary>Reinterprets PCM16 little-endian bytes as samples. The length must be even.</summary>
    public static ReadOnlySpan<short> AsSamples(ReadOnlySpan<byte> bytes)
    {
        EnsureLittleEndian();
        EnsureEven(bytes.Length, nameof(bytes));
        return MemoryMarshal.Cast<byte, short>(bytes);
    }

    /// <summary>Reinterprets samples as their PCM16 little-endian bytes.</summary>
    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<short> samples)
    {
        EnsureLittleEndian();
        return MemoryMarshal.AsBytes(samples);
    }

    /// <summary>Reinterprets samples as their PCM16 little-endian bytes.</summary>
    public static Span<byte> AsBytes(Span<short> samples)
    {
        EnsureLittleEndian();
        return MemoryMarshal.AsBytes(samples);
    }

    /// <summary>Samples in one mono frame: 160 for 20 ms at 8 kHz.</summary>
    public static int SamplesPerFrame(int sampleRate, int milliseconds = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(milliseconds);
        long product = (long)sampleRate * milliseconds;
        if (product % 1000 != 0)
        {
            throw new ArgumentException(
                $"{milliseconds} ms at {sampleRate} Hz is not a whole number of samples.", nameof(milliseconds));
        }

        return checked((int)(product / 1000));
    }

    /// <summary>Bytes in one mono PCM16 frame: 320 (8 kHz), 640 (16 kHz), 960 (24 kHz), 1920 (48 kHz) for 20 ms.</summary>
    public static int BytesPerFrame(int sampleRate, int milliseconds = 20) =>
        checked(SamplesPerFrame(sampleRate, milliseconds) * BytesPerSample);

    private static void EnsureLittleEndian()
    {
        // A JIT-time constant: the check disappears on every platform .NET ships today.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("PCM16 views require a little-endian platform.");
        }
    }

    private static void EnsureEven(int length, string paramName)
    {
        if ((length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 data must have an even number of bytes, got {length}.", paramName);
        }
    }
}
