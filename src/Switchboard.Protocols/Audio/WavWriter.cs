namespace Switchboard.Protocols.Audio;

/// <summary>
/// Writes a PCM16 WAV file incrementally (call recordings). The header is written first with zero sizes
/// and patched on <see cref="Flush"/> and <see cref="Dispose"/>, so a recording cut short by a crash is
/// still a readable file up to its last flush. The stream must be seekable.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _headerPosition;
    private long _dataBytes;
    private long _patchedDataBytes = -1;
    private bool _disposed;

    public WavWriter(Stream stream, int sampleRate, int channels = 1, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WavFile.ValidateFormat(sampleRate, channels);
        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("A WAV writer needs a writable, seekable stream to patch the header.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        SampleRate = sampleRate;
        Channels = channels;
        _headerPosition = stream.Position;
        Span<byte> header = stackalloc byte[WavFile.HeaderLength];
        WavFile.WriteHeader(header, sampleRate, channels, 0);
        stream.Write(header);
        _patchedDataBytes = 0;
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples written so far (all channels).</summary>
    public long SamplesWritten => _dataBytes / Pcm16.BytesPerSample;

    /// <summary>Appends samples (interleaved when there is more than one channel).</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long dataBytes = _dataBytes + ((long)samples.Length * Pcm16.BytesPerSample);
        if (dataBytes > uint.MaxValue - (WavFile.HeaderLength - 8))
        {
            throw new InvalidOperationException("The recording would exceed the 4 GB limit of a WAV file.");
        }

        _stream.Write(Pcm16.AsBytes(samples));
        _dataBytes = dataBytes;
    }

    /// <summary>Patches the header sizes to cover everything written so far and flushes the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PatchHeader();
        _stream.Flush();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            PatchHeader();
            _stream.Flush();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void PatchHeader()
    {
        if (_patchedDataBytes == _dataBytes)
        {
            return;
        }

        Span<byte> header = stackalloc byte[WavFile.HeaderLength];
        WavFile.WriteHeader(header, SampleRate, Channels, (uint)_dataBytes);
        long end = _stream.Position;
        _stream.Position = _headerPosition;
        _stream.Write(header);
        _stream.Position = end;
        _patchedDataBytes = _dataBytes;
    }
}
