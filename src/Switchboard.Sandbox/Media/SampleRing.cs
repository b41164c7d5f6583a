namespace Switchboard.Sandbox.Media;

/// <summary>
/// A fixed ring of PCM samples that drops the oldest audio when a write does not fit: latency never
/// grows past its capacity. Not thread-safe; its owners lock around it.
/// </summary>
internal sealed class SampleRing(int capacity)
{
    private readonly short[] _ring = new short[capacity];
    private int _start;
    private int _count;

    public int Count => _count;

    /// <summary>Samples dropped because a write did not fit.</summary>
    public long Dropped { get; private set; }

    public void Write(ReadOnlySpan<short> samples)
    {
        if (samples.Length >= _ring.Length)
        {
            Dropped += _count + samples.Length - _ring.Length;
            samples[^_ring.Length..].CopyTo(_ring);
            _start = 0;
            _count = _ring.Length;
            return;
        }

        int overflow = _count + samples.Length - _ring.Length;
        if (overflow > 0)
        {
            _start = (_start + overflow) % _ring.Length;
            _count -= overflow;
            Dropped += overflow;
        }

        int end = (_start + _count) % _ring.Length;
        int first = Math.Min(samples.Length, _ring.Length - end);
        samples[..first].CopyTo(_ring.AsSpan(end));
        samples[first..].CopyTo(_ring);
        _count += samples.Length;
    }

    /// <summary>Moves up to <paramref name="destination"/>.Length samples out; returns how many.</summary>
    public int Read(Span<short> destination)
    {
        int take = Math.Min(destination.Length, _count);
        int first = Math.Min(take, _ring.Length - _start);
        _ring.AsSpan(_start, first).CopyTo(destination);
        _ring.AsSpan(0, take - first).CopyTo(destination[first..]);
        _start = (_start + take) % _ring.Length;
        _count -= take;
        return take;
    }

    public void Clear()
    {
        _start = 0;
        _count = 0;
    }
}
