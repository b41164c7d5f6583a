namespace Switchboard.Sandbox;

/// <summary>
/// Audio pushed into a sandbox call while it runs (the browser test call): PCM16 little-endian mono at
/// <see cref="SampleRate"/>. The call reads it 20 ms at a time; gaps read as silence, and more than
/// <see cref="Capacity"/> of backlog drops the oldest audio.
/// </summary>
public sealed class LiveAudioFeed
{
    private readonly Lock _gate = new();
    private readonly byte[] _ring;
    private int _start;
    private int _count;

    public LiveAudioFeed(int sampleRate = 8000, TimeSpan? capacity = null)
    {
        if (sampleRate % 8000 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), "The rate must be a multiple of 8000 Hz.");
        }

        SampleRate = sampleRate;
        Capacity = capacity ?? TimeSpan.FromSeconds(2);
        _ring = new byte[(int)(sampleRate * 2 * Capacity.TotalSeconds) & ~1];
    }

    public int SampleRate { get; }

    public TimeSpan Capacity { get; }

    /// <summary>Bytes of audio dropped because the backlog was full.</summary>
    public long DroppedBytes { get; private set; }

    public void Write(ReadOnlySpan<byte> pcm16)
    {
        lock (_gate)
        {
            foreach (var b in pcm16)
            {
                if (_count == _ring.Length)
                {
                    _start = (_start + 1) % _ring.Length;
                    _count--;
                    DroppedBytes++;
                }

                _ring[(_start + _count) % _ring.Length] = b;
                _count++;
            }
        }
    }

    /// <summary>Fills <paramref name="frame"/> from the backlog, silence where there is none; returns the bytes of real audio.</summary>
    internal int Read(Span<byte> frame)
    {
        lock (_gate)
        {
            var n = Math.Min(frame.Length, _count) & ~1;
            for (var i = 0; i < n; i++)
            {
                frame[i] = _ring[(_start + i) % _ring.Length];
            }

            _start = (_start + n) % _ring.Length;
            _count -= n;
            frame[n..].Clear();
            return n;
        }
    }
}
