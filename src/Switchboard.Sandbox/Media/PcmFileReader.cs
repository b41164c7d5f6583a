using System.Runtime.InteropServices;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// Sequential reader of headerless PCM16 little-endian samples from a file region, optionally looping.
/// The file is opened with delete sharing: once open it keeps playing even if it is deleted, as an
/// open file does in FreeSWITCH.
/// </summary>
internal sealed class PcmFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly long _dataEnd; // long.MaxValue = to the end of the file
    private readonly bool _loop;
    private long _position;

    public PcmFileReader(FileStream stream, long dataStart, long dataLength, bool loop)
    {
        _stream = stream;
        _dataStart = dataStart;
        _dataEnd = dataLength < 0 ? long.MaxValue : dataStart + dataLength;
        _loop = loop;
        _position = dataStart;
        _stream.Position = dataStart;
    }

    public static FileStream Open(string path) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 4096,
        });

    /// <summary>Reads whole samples; 0 at the end (never 0 while looping over non-empty data).</summary>
    public int Read(Span<short> destination)
    {
        int total = Fill(destination);
        if (total == 0 && _loop && _position > _dataStart)
        {
            _stream.Position = _position = _dataStart;
            total = Fill(destination);
        }

        return total;
    }

    private int Fill(Span<short> destination)
    {
        long remaining = _dataEnd - _position;
        int wanted = (int)Math.Min(destination.Length, remaining / 2);
        if (wanted <= 0)
        {
            return 0;
        }

        Span<byte> bytes = MemoryMarshal.AsBytes(destination[..wanted]);
        int read = _stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        int samples = read / 2;
        _position += read;
        if ((read & 1) != 0)
        {
            // A dangling odd byte at the end of the data is not a sample.
            _position = _dataEnd == long.MaxValue ? long.MaxValue - 1 : _dataEnd;
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < samples; i++)
            {
                destination[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(destination[i]);
            }
        }

        return samples;
    }

    public void Dispose() => _stream.Dispose();
}
