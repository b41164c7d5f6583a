namespace Switchboard.Sandbox.Media;

/// <summary>Which side of a channel a <see cref="LiveAudioSink"/> taps.</summary>
public enum LiveAudioDirection
{
    /// <summary>What the party hears (the channel's write frames): the browser test call's speaker.</summary>
    Heard,

    /// <summary>What the party says (the channel's read frames).</summary>
    Said,
}

/// <summary>
/// A media bug that buffers one side of a channel for a consumer on another thread (the browser test call
/// sends what the caller hears to the browser). The clock thread appends one frame per tick; the consumer
/// drains with <see cref="Read"/> on its own pace (e.g. an <c>AudioPacer</c>). When the consumer falls
/// behind, the oldest audio is dropped. Like every media bug it gets nothing while the channel is held.
/// </summary>
public sealed class LiveAudioSink : IMediaBug
{
    private readonly Lock _gate = new();
    private readonly SampleRing _ring;
    private readonly LiveAudioDirection _direction;

    /// <summary>Creates a sink holding at most <paramref name="capacity"/> (default 1 s) of 8 kHz audio.</summary>
    public LiveAudioSink(LiveAudioDirection direction = LiveAudioDirection.Heard, TimeSpan? capacity = null)
    {
        _direction = direction;
        _ring = new SampleRing(Math.Max(MediaFormat.FrameSamples, (int)((capacity ?? TimeSpan.FromSeconds(1)).TotalSeconds * MediaFormat.SampleRate)));
    }

    /// <summary>Samples waiting.</summary>
    public int BufferedSamples
    {
        get
        {
            lock (_gate)
            {
                return _ring.Count;
            }
        }
    }

    /// <summary>Samples dropped because the consumer fell behind.</summary>
    public long DroppedSamples
    {
        get
        {
            lock (_gate)
            {
                return _ring.Dropped;
            }
        }
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length buffered samples (8 kHz mono) and returns how many.</summary>
    public int Read(Span<short> destination)
    {
        lock (_gate)
        {
            return _ring.Read(destination);
        }
    }

    public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
    {
        ReadOnlySpan<short> samples = _direction == LiveAudioDirection.Heard ? write : read;
        lock (_gate)
        {
            _ring.Write(samples);
        }
    }
}
