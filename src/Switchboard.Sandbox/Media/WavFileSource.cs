using System.Buffers.Binary;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// A PCM16 WAV file (mono or stereo, any rate), converted to 8 kHz mono and read incrementally. At the
/// end it either stops (<see cref="IAudioSource.Read"/> returns 0: a channel then hears/reads silence)
/// or loops.
/// </summary>
public sealed class WavFileSource : ResamplingSource
{
    private readonly PcmFileReader _reader;
    private readonly short[]? _stereo;

    private WavFileSource(PcmFileReader reader, int sampleRate, int channels)
        : base(sampleRate)
    {
        _reader = reader;
        Channels = channels;
        _stereo = channels == 2 ? new short[2 * Math.Max(1, sampleRate / 50)] : null;
    }

    /// <summary>Channels in the file (1 or 2; stereo is averaged to mono).</summary>
    public int Channels { get; }

    /// <summary>
    /// Opens a WAV file. Throws <see cref="InvalidDataException"/> if it is not PCM16 WAV, and the usual
    /// IO exceptions if it cannot be opened.
    /// </summary>
    public static WavFileSource Open(string path, bool loop = false)
    {
        FileStream stream = PcmFileReader.Open(path);
        try
        {
            (int rate, int channels, long dataStart, long dataLength) = ReadHeader(stream);
            return new WavFileSource(new PcmFileReader(stream, dataStart, dataLength, loop), rate, channels);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Parses RIFF/WAVE chunks up to <c>data</c>. A data size of 0 or 0xFFFFFFFF means "to the end of the file".</summary>
    internal static (int SampleRate, int Channels, long DataStart, long DataLength) ReadHeader(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        stream.ReadExactly(header);
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int rate = 0;
        int channels = 0;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> format = stackalloc byte[40];
        while (true)
        {
            stream.ReadExactly(chunk);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > 4096)
                {
                    throw new InvalidDataException("Bad fmt chunk.");
                }

                int take = (int)Math.Min(size, (uint)format.Length);
                stream.ReadExactly(format[..take]);
                stream.Seek(size - take + (size & 1), SeekOrigin.Current);
                ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(format);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(format[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(format[4..]);
                ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(format[14..]);
                bool pcm = tag == 1 || (tag == 0xFFFE && take >= 26 && BinaryPrimitives.ReadUInt16LittleEndian(format[24..]) == 1);
                if (!pcm || bits != 16 || channels is < 1 or > 2 || rate <= 0)
                {
                    throw new InvalidDataException($"Unsupported WAV format (tag {tag}, {bits} bits, {channels} channels, {rate} Hz).");
                }
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (rate == 0)
                {
                    throw new InvalidDataException("WAV data chunk before fmt chunk.");
                }

                long length = size is 0 or uint.MaxValue ? -1 : size;
                return (rate, channels, stream.Position, length);
            }
            else
            {
                stream.Seek(size + (size & 1), SeekOrigin.Current);
            }
        }
    }

    protected override int ReadInput(Span<short> destination)
    {
        if (_stereo is null)
        {
            return _reader.Read(destination);
        }

        int frames = Math.Min(destination.Length, _stereo.Length / 2);
        int samples = _reader.Read(_stereo.AsSpan(0, frames * 2)) / 2;
        for (int i = 0; i < samples; i++)
        {
            destination[i] = (short)((_stereo[2 * i] + _stereo[(2 * i) + 1]) / 2);
        }

        return samples;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
