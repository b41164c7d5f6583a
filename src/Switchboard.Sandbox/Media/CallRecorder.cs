using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// A recording media bug (<c>uuid_record</c>, <c>record_session</c>): writes an 8 kHz PCM16 WAV
/// incrementally. Mono is what the party said and heard mixed; stereo (<c>RECORD_STEREO=true</c>) is
/// left = read (the party), right = write (what FreeSWITCH sent to it). A held channel reads nothing, so
/// nothing is recorded while held. <see cref="Stop"/> finalises the header; until then the header's
/// sizes say "unknown" (0), which readers treat as "to the end of the file".
/// </summary>
public sealed class CallRecorder : IMediaBug, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly short[] _frame;
    private readonly long _limitFrames;
    private FileStream? _file;
    private long _dataBytes;
    private long _frames;

    /// <summary>Creates the file (and its directory) now; attach with <see cref="MediaChannel.AttachBug"/>.</summary>
    /// <param name="path">The WAV path.</param>
    /// <param name="stereo">Left = read, right = write; otherwise mono read+write.</param>
    /// <param name="limit">Stop after this much audio (the <c>uuid_record</c> limit), or null.</param>
    /// <param name="logger">For write failures.</param>
    public CallRecorder(string path, bool stereo = false, TimeSpan? limit = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Stereo = stereo;
        _logger = logger ?? NullLogger.Instance;
        _limitFrames = limit is { } l ? MediaFormat.FramesIn(l) : long.MaxValue;
        _frame = new short[MediaFormat.FrameSamples * (stereo ? 2 : 1)];
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        Span<byte> header = stackalloc byte[44];
        WriteHeader(header, Stereo ? 2 : 1, 0);
        _file.Write(header);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Whether the file is stereo.</summary>
    public bool Stereo { get; }

    /// <summary>Frames (20 ms) written so far.</summary>
    public long FramesWritten
    {
        get
        {
            lock (_gate)
            {
                return _frames;
            }
        }
    }

    /// <summary>Whether the recording is still being written (false after <see cref="Stop"/> or the limit).</summary>
    public bool IsRecording
    {
        get
        {
            lock (_gate)
            {
                return _file is not null;
            }
        }
    }

    /// <summary>Raised (on the clock thread) when the limit is reached and the file has been finalised.</summary>
    public event Action<CallRecorder>? LimitReached;

    public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
    {
        bool limitReached = false;
        lock (_gate)
        {
            if (_file is null)
            {
                return;
            }

            if (Stereo)
            {
                for (int i = 0; i < read.Length; i++)
                {
                    _frame[2 * i] = read[i];
                    _frame[(2 * i) + 1] = write[i];
                }
            }
            else
            {
                SampleMath.Mix(read, write, _frame);
            }

            try
            {
                if (!BitConverter.IsLittleEndian)
                {
                    BinaryPrimitives.ReverseEndianness(_frame, _frame);
                }

                _file.Write(MemoryMarshal.AsBytes(_frame.AsSpan()));
                _dataBytes += _frame.Length * 2;
                _frames++;
                if (_frames >= _limitFrames)
                {
                    FinishLocked();
                    limitReached = true;
                }
            }
            catch (IOException exception)
            {
                Log.RecorderFailed(_logger, Path, exception);
                _file.Dispose();
                _file = null;
            }
        }

        if (limitReached)
        {
            LimitReached?.Invoke(this);
        }
    }

    /// <summary>Finalises the WAV header and closes the file (idempotent). Detach the bug too, or let hangup do both.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            FinishLocked();
        }
    }

    private void FinishLocked()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            Span<byte> header = stackalloc byte[44];
            WriteHeader(header, Stereo ? 2 : 1, _dataBytes);
            _file.Position = 0;
            _file.Write(header);
            _file.Flush();
        }
        catch (IOException exception)
        {
            Log.RecorderFailed(_logger, Path, exception);
        }
        finally
        {
            _file.Dispose();
            _file = null;
        }
    }

    private static void WriteHeader(Span<byte> header, int channels, long dataBytes)
    {
        uint data = (uint)Math.Min(dataBytes, uint.MaxValue - 36);
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], dataBytes == 0 ? 0 : 36 + data);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], MediaFormat.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], MediaFormat.SampleRate * channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], data);
    }

    public void Dispose() => Stop();
}
