using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// The sandbox's <c>mod_audio_stream</c> (amigniter open-source edition) client for one channel: a
/// media bug that streams the channel's audio over a WebSocket as binary L16 messages and turns the
/// server's text messages into <c>CUSTOM</c> events (<c>streamAudio</c> → a file plus
/// <c>mod_audio_stream::play</c>; anything else → <c>mod_audio_stream::json</c>).
/// </summary>
/// <remarks>
/// One connect/receive loop and one send loop, owned by the session and awaited by
/// <see cref="StopAsync"/>/<see cref="DisposeAsync"/>. The clock thread only converts and batches audio
/// into pooled buffers handed to a bounded queue (audio is dropped and counted if the socket cannot keep up).
/// </remarks>
public sealed partial class AudioStreamSession : IMediaBug, IAsyncDisposable
{
    // 128 messages: 2.56 s of audio at the default 20 ms batch before audio is dropped (and counted).
    private const int OutboundCapacity = 128;
    private const int MessagePoolCapacity = 64;
    private const int MessagePoolPrewarm = 16;
    private const int CloseTimeoutSeconds = 2;

    private const string ConnectedBody = """{"status":"connected"}""";

    private readonly MediaChannel _channel;
    private readonly AudioStreamOptions _options;
    private readonly AudioStreamEventSink _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Channel<Outbound> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _files = [];

    // Clock-thread state (audio conversion and batching).
    private readonly RateConverter _readConverter;
    private readonly RateConverter _writeConverter;
    private readonly short[] _mixed = new short[MediaFormat.FrameSamples];
    private readonly short[] _left;
    private readonly short[] _right;
    private readonly short[] _interleaved;
    private readonly int _messageBytes;
    private readonly Lock _poolGate = new();
    private readonly byte[][] _messagePool = new byte[MessagePoolCapacity][];
    private int _messagePoolCount;
    private byte[]? _batch;
    private int _batchLength;
    private volatile bool _flushRequested;

    private volatile int _state = (int)AudioStreamState.Created;
    private volatile bool _paused;
    private volatile bool _suppressEvents;
    private int _fileCounter;
    private Task _run = Task.CompletedTask;
    private long _messagesSent;
    private long _messagesDropped;

    /// <summary>Creates a stream for <paramref name="channel"/>; nothing happens until <see cref="TryStart"/>.</summary>
    public AudioStreamSession(MediaChannel channel, AudioStreamOptions options, AudioStreamEventSink events, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        if (options.SampleRate <= 0 || options.SampleRate % 8000 != 0)
        {
            throw new ArgumentException("The stream rate must be a multiple of 8000.", nameof(options));
        }

        if (options.BufferMilliseconds <= 0 || options.BufferMilliseconds % MediaFormat.FrameMilliseconds != 0)
        {
            throw new ArgumentException("STREAM_BUFFER_SIZE must be a positive multiple of 20.", nameof(options));
        }

        _channel = channel;
        _options = options;
        _events = events;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = channel.Clock.TimeProvider;
        _outbound = System.Threading.Channels.Channel.CreateBounded<Outbound>(new BoundedChannelOptions(OutboundCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        PresizeOutbound();
        _readConverter = new RateConverter(MediaFormat.SampleRate, options.SampleRate);
        _writeConverter = new RateConverter(MediaFormat.SampleRate, options.SampleRate);
        int converted = _readConverter.MaxOutputLength(MediaFormat.FrameSamples);
        _left = new short[converted];
        _right = new short[converted];
        _interleaved = new short[2 * converted];
        _messageBytes = options.MessageBytes;

        // A few buffers up front cover the usual in-flight depth (1-3 messages) without allocating on the clock thread.
        for (; _messagePoolCount < MessagePoolPrewarm; _messagePoolCount++)
        {
            _messagePool[_messagePoolCount] = new byte[_messageBytes];
        }
    }

    /// <summary>
    /// Grows the send queue's storage to its full capacity once, up front: a bounded channel's queue grows by
    /// doubling as it fills and never shrinks, so without this the first time the socket falls behind further
    /// than ever before, the clock thread would allocate the larger array.
    /// </summary>
    private void PresizeOutbound()
    {
        for (int i = 0; i < OutboundCapacity && _outbound.Writer.TryWrite(default); i++)
        {
        }

        while (_outbound.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>The channel streamed.</summary>
    public MediaChannel Channel => _channel;

    /// <summary>The start parameters.</summary>
    public AudioStreamOptions Options => _options;

    /// <summary>Current state.</summary>
    public AudioStreamState State => (AudioStreamState)_state;

    /// <summary>Whether <c>pause</c> is in effect.</summary>
    public bool IsPaused => _paused;

    /// <summary>Completes when the connection attempt resolves: true once connected (after the connect event), false on failure or stop.</summary>
    public Task<bool> Connection => _connected.Task;

    /// <summary>Binary audio messages sent.</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Binary audio messages dropped because the socket could not keep up.</summary>
    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    /// <summary>The files this stream has written (all deleted at stop/hangup).</summary>
    public IReadOnlyList<string> Files
    {
        get
        {
            lock (_gate)
            {
                return [.. _files];
            }
        }
    }

    /// <summary>
    /// <c>uuid_audio_stream start</c>: attaches the stream to the channel and starts connecting in the
    /// background (the API answers <c>+OK Success</c> at once; failures arrive as <c>mod_audio_stream::error</c>).
    /// False when the channel already has a stream ("bug already attached") or this session was used.
    /// </summary>
    public bool TryStart()
    {
        lock (_gate)
        {
            if (State != AudioStreamState.Created || !_channel.TryAttachAudioStream(this))
            {
                return false;
            }

            _state = (int)AudioStreamState.Connecting;
            _run = RunAsync();
            return true;
        }
    }

    /// <summary><c>uuid_audio_stream send_text</c>: queues a text frame. False when not connected.</summary>
    public bool SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (State != AudioStreamState.Connected)
        {
            return false;
        }

        return _outbound.Writer.TryWrite(Outbound.Text(text));
    }

    /// <summary><c>uuid_audio_stream pause</c>: stop sending audio (the pending batch is flushed away).</summary>
    public bool Pause()
    {
        if (State is not (AudioStreamState.Connecting or AudioStreamState.Connected or AudioStreamState.Disconnected))
        {
            return false;
        }

        _paused = true;
        _flushRequested = true;
        return true;
    }

    /// <summary><c>uuid_audio_stream resume</c>: send audio again, starting from a fresh batch.</summary>
    public bool Resume()
    {
        if (State is not (AudioStreamState.Connecting or AudioStreamState.Connected or AudioStreamState.Disconnected))
        {
            return false;
        }

        _flushRequested = true;
        _paused = false;
        return true;
    }

    /// <summary>
    /// <c>uuid_audio_stream stop [text]</c>: detaches, sends <paramref name="finalText"/> (if any), closes
    /// normally (no disconnect event), and deletes every file this stream wrote. A file already playing
    /// keeps playing (the playback holds it open); a queued one will fail to open.
    /// </summary>
    public Task StopAsync(string? finalText = null, CancellationToken cancellationToken = default) =>
        ShutdownAsync(finalText, cancellationToken);

    /// <summary>Hangup: like stop without a final text; no event is fired any more.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(null, CancellationToken.None);

    public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
    {
        if (_flushRequested)
        {
            _flushRequested = false;
            _batchLength = 0;
            _readConverter.Reset();
            _writeConverter.Reset();
        }

        if (_state != (int)AudioStreamState.Connected || _paused)
        {
            // Audio before the socket is connected (or while paused) is discarded, as by the module.
            return;
        }

        switch (_options.Mix)
        {
            case AudioStreamMix.Mono:
                Append(ConvertMono(read));
                break;
            case AudioStreamMix.Mixed:
                SampleMath.Mix(read, write, _mixed);
                Append(ConvertMono(_mixed));
                break;
            default:
                int left = _readConverter.Process(read, _left);
                int right = _writeConverter.Process(write, _right);
                int frames = Math.Min(left, right);
                for (int i = 0; i < frames; i++)
                {
                    _interleaved[2 * i] = _left[i];
                    _interleaved[(2 * i) + 1] = _right[i];
                }

                Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_interleaved.AsSpan(0, 2 * frames)));
                break;
        }
    }

    private ReadOnlySpan<byte> ConvertMono(ReadOnlySpan<short> samples)
    {
        int count = _readConverter.Process(samples, _left);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(_left.AsSpan(0, count));
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            _batch ??= RentMessage();
            int take = Math.Min(bytes.Length, _messageBytes - _batchLength);
            bytes[..take].CopyTo(_batch.AsSpan(_batchLength));
            _batchLength += take;
            bytes = bytes[take..];
            if (_batchLength == _messageBytes)
            {
                if (_outbound.Writer.TryWrite(new Outbound(OutboundKind.Binary, _batch, _messageBytes)))
                {
                    _batch = null;
                }
                else
                {
                    Interlocked.Increment(ref _messagesDropped);
                }

                _batchLength = 0;
            }
        }
    }

    /// <summary>
    /// Audio message buffers come from a small pool owned by this session: the clock thread rents and the send
    /// loop returns, and a shared pool's per-thread caches would not recycle that hand-off without allocating.
    /// </summary>
    private byte[] RentMessage()
    {
        lock (_poolGate)
        {
            if (_messagePoolCount > 0)
            {
                byte[] buffer = _messagePool[--_messagePoolCount];
                _messagePool[_messagePoolCount] = null!;
                return buffer;
            }
        }

        return new byte[_messageBytes];
    }

    private void Release(Outbound message)
    {
        if (message.Buffer is null)
        {
            return;
        }

        if (message.Kind != OutboundKind.Binary)
        {
            ArrayPool<byte>.Shared.Return(message.Buffer);
            return;
        }

        lock (_poolGate)
        {
            if (_messagePoolCount < MessagePoolCapacity)
            {
                _messagePool[_messagePoolCount++] = message.Buffer;
            }
        }
    }

    private async Task ShutdownAsync(string? finalText, CancellationToken cancellationToken)
    {
        bool wasConnected;
        lock (_gate)
        {
            AudioStreamState state = State;
            if (state == AudioStreamState.Stopped)
            {
                return;
            }

            _suppressEvents = true;
            wasConnected = state == AudioStreamState.Connected;
            _state = (int)AudioStreamState.Stopped;
        }

        _channel.DetachAudioStream(this);
        if (wasConnected)
        {
            if (finalText is not null)
            {
                _outbound.Writer.TryWrite(Outbound.Text(finalText));
            }

            _outbound.Writer.TryWrite(new Outbound(OutboundKind.Close, null, 0));
        }
        else
        {
            await _abort.CancelAsync();
        }

        _outbound.Writer.TryComplete();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(CloseTimeoutSeconds), _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync();
            await _run;
        }
        finally
        {
            _connected.TrySetResult(false);
            DeleteFiles();
            DrainOutbound();
        }
    }

    private void DeleteFiles()
    {
        string[] files;
        lock (_gate)
        {
            files = [.. _files];
            _files.Clear();
        }

        foreach (string file in files)
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Log.StreamFileNotDeleted(_logger, _channel.Uuid, file, exception);
            }
        }
    }

    private void DrainOutbound()
    {
        while (_outbound.Reader.TryRead(out Outbound message))
        {
            Release(message);
        }
    }

    private void Fire(string subclass, string body)
    {
        if (!_suppressEvents)
        {
            _events(subclass, body);
        }
    }

    private enum OutboundKind
    {
        Binary,
        Text,
        Close,
    }

    private readonly record struct Outbound(OutboundKind Kind, byte[]? Buffer, int Length)
    {
        public static Outbound Text(string text)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxByteCount(text.Length)));
            int length = Encoding.UTF8.GetBytes(text, buffer);
            return new Outbound(OutboundKind.Text, buffer, length);
        }
    }
}
