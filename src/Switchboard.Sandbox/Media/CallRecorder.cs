using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Protocols.Audio;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// A recording media bug (<c>uuid_record</c>, <c>record_session</c>): writes an 8 kHz PCM16 WAV
/// incrementally. Mono is what the party said and heard mixed; stereo (<c>RECORD_STEREO=true</c>) is
/// left = read (the party), right = write (what FreeSWITCH sent to it). A held channel reads nothing, so
/// nothing is recorded while held. Written with <see cref="WavWriter"/>: the header is patched every
/// <see cref="FlushIntervalFrames"/> frames (a recording cut short is readable up to there) and on
/// <see cref="Stop"/>.
/// </summary>
public sealed class CallRecorder : IMediaBug, IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly short[] _frame;
    private readonly long _limitFrames;
    /// <summary>Header patch and flush interval (5 s).</summary>
    public const int FlushIntervalFrames = 250;

    private WavWriter? _file;
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

        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        _file = new WavWriter(stream, MediaFormat.SampleRate, stereo ? 2 : 1);
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
                _file.Write(_frame);
                _frames++;
                if (_frames >= _limitFrames)
                {
                    FinishLocked();
                    limitReached = true;
                }
                else if (_frames % FlushIntervalFrames == 0)
                {
                    _file.Flush();
                }
            }
            catch (IOException exception)
            {
                Log.RecorderFailed(_logger, Path, exception);
                FinishLocked();
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
            _file.Dispose();
        }
        catch (IOException exception)
        {
            Log.RecorderFailed(_logger, Path, exception);
        }
        finally
        {
            _file = null;
        }
    }

    public void Dispose() => Stop();
}
