using System.Buffers;
using System.Buffers.Binary;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// Reads and writes PCM16 RIFF/WAVE files (the format of call recordings and test fixtures).
/// </summary>
public static class WavFile
{
    internal const int HeaderLength = 44;
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Bounds what <see cref="Read"/> will buffer: one hour of 48 kHz stereo is ~660 MB.</summary>
    private const long MaxDataBytes = int.MaxValue - 64;

    /// <summary>Writes a complete PCM16 WAV file (header and samples) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<short> samples, int sampleRate, int channels = 1)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ValidateFormat(sampleRate, channels);
        if (samples.Length % channels != 0)
        {
            throw new ArgumentException(
                $"{samples.Length} samples is not a whole number of {channels}-channel frames.", nameof(samples));
        }

        long dataBytes = (long)samples.Length * Pcm16.BytesPerSample;
        if (dataBytes > uint.MaxValue - (HeaderLength - 8))
        {
            throw new ArgumentException("The samples exceed the 4 GB limit of a WAV file.", nameof(samples));
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, sampleRate, channels, (uint)dataBytes);
        stream.Write(header);
        stream.Write(Pcm16.AsBytes(samples));
    }

    /// <summary>
    /// Reads a PCM16 WAV file. Chunks other than <c>fmt </c> and <c>data</c> (LIST, fact, cue…) are skipped.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The stream is not RIFF/WAVE, is not 16-bit PCM, or ends before the sizes it declares.
    /// </exception>
    public static WavAudio Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        ReadExactly(stream, header, "the RIFF header");
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a WAV file: expected a RIFF header with form type WAVE.");
        }

        int sampleRate = 0;
        int channels = 0;
        bool haveFormat = false;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            if (!TryReadChunkHeader(stream, chunkHeader))
            {
                throw new InvalidDataException("The WAV file has no data chunk.");
            }

            ReadOnlySpan<byte> id = chunkHeader[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id.SequenceEqual("fmt "u8))
            {
                (sampleRate, channels) = ReadFormat(stream, size);
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    throw new InvalidDataException("The WAV data chunk comes before the fmt chunk.");
                }

                return new WavAudio(ReadSamples(stream, size, channels), sampleRate, channels);
            }
            else
            {
                Skip(stream, size + (size & 1)); // chunks are padded to an even length
            }
        }
    }

    internal static void WriteHeader(Span<byte> header, int sampleRate, int channels, uint dataBytes)
    {
        int blockAlign = channels * Pcm16.BytesPerSample;
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], dataBytes + (HeaderLength - 8));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataBytes);
    }

    internal static void ValidateFormat(int sampleRate, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, 1_000_000);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 32);
    }

    private static (int SampleRate, int Channels) ReadFormat(Stream stream, uint size)
    {
        if (size < 16 || size > 1024)
        {
            throw new InvalidDataException($"The WAV fmt chunk has an invalid size of {size} bytes.");
        }

        Span<byte> fmt = stackalloc byte[(int)size + (int)(size & 1)];
        ReadExactly(stream, fmt, "the fmt chunk");
        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        if (format == FormatExtensible && size >= 40)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the SubFormat GUID at offset 24.
            format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        if (format != FormatPcm)
        {
            throw new InvalidDataException($"Unsupported WAV format tag 0x{format:X4}: only PCM (1) is supported.");
        }

        if (bits != 16)
        {
            throw new InvalidDataException($"Unsupported WAV sample size of {bits} bits: only 16-bit PCM is supported.");
        }

        if (channels is < 1 or > 32 || sampleRate is < 1 or > 1_000_000)
        {
            throw new InvalidDataException($"Invalid WAV format: {channels} channels at {sampleRate} Hz.");
        }

        if (blockAlign != channels * Pcm16.BytesPerSample)
        {
            throw new InvalidDataException(
                $"Invalid WAV block alignment {blockAlign} for {channels} channels of 16-bit samples.");
        }

        return ((int)sampleRate, channels);
    }

    private static short[] ReadSamples(Stream stream, uint size, int channels)
    {
        if (size > MaxDataBytes)
        {
            throw new InvalidDataException($"The WAV data chunk of {size} bytes is too large to read into memory.");
        }

        int blockAlign = channels * Pcm16.BytesPerSample;
        if (size % blockAlign != 0)
        {
            throw new InvalidDataException(
                $"The WAV data chunk of {size} bytes is not a whole number of {blockAlign}-byte sample frames.");
        }

        if (stream.CanSeek && stream.Length - stream.Position < size)
        {
            throw new InvalidDataException(
                $"The WAV file is truncated: the data chunk declares {size} bytes but {stream.Length - stream.Position} remain.");
        }

        var samples = new short[size / Pcm16.BytesPerSample];
        ReadExactly(stream, Pcm16.AsBytes(samples.AsSpan()), "the data chunk");
        return samples;
    }

    private static bool TryReadChunkHeader(Stream stream, Span<byte> header)
    {
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return false;
        }

        if (read < header.Length)
        {
            throw new InvalidDataException("The WAV file is truncated inside a chunk header.");
        }

        return true;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
        {
            throw new InvalidDataException($"The WAV file is truncated inside {what}.");
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position < count)
            {
                throw new InvalidDataException("The WAV file is truncated inside a chunk it skips.");
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (count > 0)
            {
                int read = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (read == 0)
                {
                    throw new InvalidDataException("The WAV file is truncated inside a chunk it skips.");
                }

                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
