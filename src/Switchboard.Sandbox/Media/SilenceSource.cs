namespace Switchboard.Sandbox.Media;

/// <summary>Digital silence, endless or for a fixed duration (<c>silence_stream://ms</c>).</summary>
public sealed class SilenceSource : IAudioSource
{
    private long _remaining;

    /// <summary>Creates silence lasting <paramref name="duration"/>, or forever when it is null.</summary>
    public SilenceSource(TimeSpan? duration = null)
    {
        _remaining = duration is { } d ? (long)(d.TotalSeconds * MediaFormat.SampleRate) : long.MaxValue;
    }

    public int Read(Span<short> destination)
    {
        int count = (int)Math.Min(destination.Length, _remaining);
        destination[..count].Clear();
        if (_remaining != long.MaxValue)
        {
            _remaining -= count;
        }

        return count;
    }

    public void Dispose()
    {
    }
}
